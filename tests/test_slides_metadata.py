"""Every solution notebook presents as a sensible deck, and its offline handouts fetch nothing remote.

The deck checks read ``cell.metadata.slideshow.slide_type`` (what jupyterlab-slideshow and reveal.js use):
every cell's role is slide / subslide / fragment / skip / notes, or "continue the current slide", which
is written as *no* ``slide_type`` (JupyterLab's property inspector writes it so when you pick "-").
The literal value ``"-"`` is refused: jupyterlab-slideshow 0.3 (like jupyterlab-deck 0.2 before it) never
shows such a cell (it only treats a missing slide_type as "continue"), so a presented deck would lose every
figure and slider. Also: the
first cell opens a slide, the ``course_lib.setup()`` cell is skipped, every section heading (``##``)
opens a slide and every sub-heading (``###``) a slide or sub-slide, and no slide is absurdly long. "Long" is the estimated height of what the slide shows, drawn the way
nbconvert's reveal.js template draws it (a 960 × 700 px canvas, 20 px prose, 19 px code, figures at
their PNG size scaled to the slide's width), compared with :data:`MAX_SCREENS` slide heights.
Checked against the decks `make slides` draws in Chromium: the estimate is within about 20 % of the
real height (it errs low on tables whose narrow columns wrap).
"""

from __future__ import annotations

import base64
import math
import re
import struct
import unicodedata

import nbformat
import pytest

from course_lib.build import handouts
from course_lib.build.notebooks import solution_notebooks

# None (no slide_type) or "" (what JupyterLab's property inspector may store for its "-"): continue the slide.
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", None, ""}
MAX_SCREENS = 3.0  # a slide taller than three screens should be split (subslides) or trimmed
SLIDE_W, SLIDE_H = 960, 700  # nbconvert's reveal.js canvas
TEXT_W = SLIDE_W - 110  # minus the prompt column

NOTEBOOKS = solution_notebooks()


def _load(path):
    return nbformat.read(path, as_version=4)


def _slide_type(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def test_there_are_solution_notebooks():
    assert NOTEBOOKS, "solution_notebooks() found nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_a_slide_role_the_live_deck_shows(path):
    cells = _load(path).cells
    dash = [i for i, c in enumerate(cells) if _slide_type(c) == "-"]
    assert not dash, (f"{path.name}: cells {dash} have slide_type '-', which jupyterlab-slideshow never shows "
                      "(their figures and sliders vanish from the presented deck). Delete the key instead: "
                      "no slide_type means 'continue the current slide' for jupyterlab-slideshow and nbconvert alike")
    bad = [(i, _slide_type(c)) for i, c in enumerate(cells) if _slide_type(c) not in SLIDE_TYPES]
    assert not bad, (f"{path.name}: cells (index, slide_type) with an unknown slideshow.slide_type "
                     f"(expected slide, subslide, fragment, skip, notes, or none to continue the slide): {bad}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_sections_open_slides(path):
    """One idea per slide: a ``##`` section starts a slide, a ``###`` sub-section a slide or a sub-slide."""
    bad = []
    for i, c in enumerate(_load(path).cells):
        first = c.source.lstrip().split("\n", 1)[0] if c.cell_type == "markdown" else ""
        if first.startswith("## ") and _slide_type(c) != "slide":
            bad.append((i, first[:40], _slide_type(c)))
        elif first.startswith("### ") and _slide_type(c) not in ("slide", "subslide"):
            bad.append((i, first[:40], _slide_type(c)))
    assert not bad, f"{path.name}: headings that do not open a slide (index, heading, slide_type): {bad}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_is_a_slide(path):
    cells = _load(path).cells
    assert cells and _slide_type(cells[0]) == "slide", f"{path.name}: cell 0 must be a 'slide' (the title)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cell_is_skipped(path):
    setup = [i for i, c in enumerate(_load(path).cells)
             if c.cell_type == "code" and re.search(r"\bcourse_lib\.setup\(", c.source)]
    assert setup, f"{path.name}: no code cell calls course_lib.setup()"
    cells = _load(path).cells
    shown = [i for i in setup if _slide_type(cells[i]) != "skip"]
    assert not shown, f"{path.name}: the course_lib.setup() cell(s) {shown} must have slide_type 'skip'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_empty_slide(path):
    cells = _load(path).cells
    empty = [i for i, c in enumerate(cells) if _slide_type(c) in ("slide", "subslide") and not c.source.strip()]
    assert not empty, f"{path.name}: slides starting with an empty cell: {empty}"


# -- how tall a slide is ------------------------------------------------------------------------------
def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _text_height(text: str, *, px_per_col: float, line_px: float) -> float:
    """Prose: wrapped at the slide's width."""
    cols = TEXT_W / px_per_col
    return sum(max(1, math.ceil(_columns(line) / cols)) * line_px for line in text.splitlines() if line.strip())


def _pre_height(text: str) -> float:
    """Code and printed text: one row per line (a <pre> does not wrap), 19 px font."""
    return 25 * len(text.rstrip("\n").splitlines())


def _markdown_height(source: str) -> float:
    h = 0.0
    for line in source.splitlines():
        if not line.strip():
            h += 12  # paragraph spacing
        elif line.startswith("# "):
            h += 2 * 80
        elif line.startswith("## "):
            h += 60
        elif line.startswith("#"):
            h += 45
        elif re.match(r"^\s*\|?\s*:?-{3,}", line):
            continue  # a table's rule line
        elif line.lstrip().startswith("|"):
            h += 45  # a table row: padded, and narrow columns wrap
        elif line.startswith("$$") or line.endswith("$$"):
            h += 55  # display math
        else:
            h += _text_height(line, px_per_col=10, line_px=30)  # 20 px font: ~10 px per Latin character
    return h


def _png_height(b64: str) -> float:
    head = base64.b64decode(b64[:44])  # PNG signature + IHDR: width, height at bytes 16..24
    width, height = struct.unpack(">II", head[16:24])
    return height * min(1.0, TEXT_W / width)


def _output_height(out) -> float:
    if out.output_type == "stream":
        return _pre_height(out.text)
    if out.output_type == "error":
        return 10 * 25
    data = out.get("data", {})
    h = 0.0
    if "application/vnd.jupyter.widget-view+json" in data:  # LivePlot: controls, the figure, a caption
        text = data.get("text/plain", "")
        h += 35 * max(1, text.splitlines()[0].count("=") if text else 1)
        h += _pre_height("\n".join(text.splitlines()[1:]))
    if "image/png" in data:
        return h + _png_height(data["image/png"])
    if "image/svg+xml" in data:
        return h + 400
    if "text/html" in data:
        return h + min(600, 25 * data["text/html"].count("<tr"))
    return h + _pre_height(data.get("text/plain", ""))


def cell_height(cell) -> float:
    """Estimated height in px of a cell on a reveal.js slide (960 px wide)."""
    if cell.cell_type == "markdown":
        return _markdown_height(cell.source)
    if cell.cell_type != "code":
        return 0.0
    h = _pre_height(cell.source) + 20
    return h + sum(_output_height(o) for o in cell.get("outputs", []))


def slide_heights(nb) -> list[tuple[int, float]]:
    """(index of the cell opening the slide, estimated height in px) for every slide and subslide."""
    slides: list[list] = []
    for i, cell in enumerate(nb.cells):
        kind = _slide_type(cell)
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not slides:  # anything else continues the slide
            slides.append([i, 0.0])
        slides[-1][1] += cell_height(cell)
    return [(i, h) for i, h in slides]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_slide_is_absurdly_long(path):
    nb = _load(path)
    too_long = [(i, round(h / SLIDE_H, 1)) for i, h in slide_heights(nb) if h > MAX_SCREENS * SLIDE_H]
    assert not too_long, (f"{path.name}: slides taller than {MAX_SCREENS} screens (opening cell, screens): "
                          f"{too_long}; split them with 'subslide' cells or move set-up code to 'skip'")


def test_slide_height_measure_is_sane():
    one_line = nbformat.v4.new_markdown_cell("短 short")
    assert 20 < cell_height(one_line) < 40
    table = nbformat.v4.new_code_cell("print(x)", outputs=[nbformat.v4.new_output("stream", text="row\n" * 40)])
    assert 40 * 25 <= cell_height(table) < 41 * 25 + 40


# -- offline handouts: what a page would fetch ---------------------------------------------------------
def test_remote_resource_detector():
    page = """<html><head>
      <script src="https://cdn.example.org/require.js"></script>
      <link rel="stylesheet" href="//cdn.example.org/x.css">
      <style>@import url(https://fonts.example.org/css?family=Lato); .a{background:url('http://x.org/b.png')}</style>
      <script type="module">import m from 'https://cdn.example.org/m.mjs'; const n = await import("https://e.org/n.mjs");</script>
      </head><body><a href="https://arxiv.org/abs/1502.01852">paper</a><img src="data:image/png;base64,AAAA">
      <script src="_static/requirejs/require.js"></script><svg xmlns="http://www.w3.org/2000/svg"></svg></body></html>"""
    found = handouts.remote_resources(page)
    assert sorted(found) == sorted(["https://cdn.example.org/require.js", "//cdn.example.org/x.css",
                                    "https://fonts.example.org/css?family=Lato", "http://x.org/b.png",
                                    "https://cdn.example.org/m.mjs", "https://e.org/n.mjs"])
    assert handouts.remote_resources("@import url(./fonts/a.css); src: url(https://f.org/a.woff)", css=True) == [
        "https://f.org/a.woff"]


@pytest.mark.parametrize("kind", ["slides", "html"])
def test_handout_pages_fetch_nothing_remote(kind):
    """Rendering (no npm needed) gives pages whose every script, style sheet and image is local."""
    text, title = handouts.render(NOTEBOOKS[0], kind)
    assert handouts.remote_resources(text) == []
    assert title and title != NOTEBOOKS[0].stem
    srcs = re.findall(r"""<script[^>]*\bsrc=["']([^"']+)""", text)
    assert srcs and all(s.startswith("_static/") for s in srcs), srcs
    if kind == "slides":
        assert "_static/reveal.js/dist/reveal.js" in text and 'class="reveal"' in text
    assert "_static/mathjax/MathJax.js" in text
