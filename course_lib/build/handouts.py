"""Offline handouts: a reveal.js slide deck and a plain HTML page for every solution notebook.

Usage (the Makefile's ``make slides`` / ``make html`` / ``make handouts``)::

    python -m course_lib.build.handouts fetch               # npm: reveal.js, MathJax 2, require.js, jQuery -> build/npm/
    python -m course_lib.build.handouts slides [NB...]      # build/slides/NN_x.slides.html (+ _static/, index.html)
    python -m course_lib.build.handouts html [NB...]        # build/html/NN_x.html (+ _static/, index.html)
    python -m course_lib.build.handouts all                 # both

The pages are made from the executed solutions as committed (nothing is re-run), one per
notebook of :func:`course_lib.build.notebooks.solution_notebooks`. Every file a page loads is
copied next to it into ``_static/`` from the npm packages fetched into ``build/npm/``
(never committed), so ``build/slides/`` or ``build/html/`` can be copied to a USB stick
and opened by double-click with the network cut: no CDN. The build fails when a page
or a copied style sheet still refers to a remote script, style sheet, font or image;
links a reader may click (``<a href="https://...">``) are allowed.

Slides follow each cell's ``slideshow.slide_type`` (``notes`` cells become reveal.js
speaker notes: press ``S`` in the deck). The figures are the static PNGs the notebooks
carry: sliders need a live kernel (present with jupyterlab-slideshow for that).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

from .notebooks import ROOT, solution_notebooks

__all__ = ["NPM_PACKAGES", "BUILD", "fetch_assets", "render", "remote_resources", "build", "main"]

#: Front-end packages the pages load, exact versions (reveal.js 4 is the API nbconvert's template targets;
#: MathJax 2 is the API its configuration script uses).
NPM_PACKAGES = {"reveal.js": "4.6.0", "mathjax": "2.7.9", "requirejs": "2.3.7", "jquery": "3.7.1"}

#: Where everything is written (ignored by git, removed by ``make clean``).
BUILD = ROOT / "build"

_MATHJAX = ["mathjax/LICENSE", "mathjax/MathJax.js", "mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/Safe.js",
            "mathjax/extensions/*.js", "mathjax/extensions/TeX/**", "mathjax/jax/input/TeX/**",
            "mathjax/jax/output/CommonHTML/**", "mathjax/jax/output/PreviewHTML/**", "mathjax/jax/element/**",
            "mathjax/fonts/HTML-CSS/TeX/woff/**", "mathjax/fonts/HTML-CSS/TeX/otf/**",
            "mathjax/localization/en/**", "mathjax/localization/zh-hans/**"]
_REQUIRE = ["requirejs/require.js"]

#: node_modules paths (globs) copied into each kind's ``_static/``.
ASSETS = {
    "slides": _REQUIRE + _MATHJAX + [
        "jquery/LICENSE.txt", "jquery/dist/jquery.min.js",
        "reveal.js/LICENSE", "reveal.js/dist/reveal.js", "reveal.js/dist/reveal.css", "reveal.js/dist/theme/white.css",
        "reveal.js/dist/theme/fonts/source-sans-pro/**", "reveal.js/plugin/notes/notes.js"],
    "html": _REQUIRE + _MATHJAX,
}

# Only the "white" reveal theme: "simple" (nbconvert's default) imports Google Fonts.
_SLIDE_OPTIONS = {"reveal_url_prefix": "_static/reveal.js", "reveal_theme": "white", "reveal_scroll": True,
                  "reveal_number": "c/t", "jquery_url": "_static/jquery/dist/jquery.min.js",
                  "exclude_input_prompt": True, "exclude_output_prompt": True}
_COMMON_OPTIONS = {"require_js_url": "_static/requirejs/require.js",
                   "mathjax_url": "_static/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
                   "embed_images": True, "language_code": "zh-CN"}

# nbconvert's templates with mermaid removed: it is imported as an ES module from a CDN (eagerly in
# the reveal template), which cannot work from file:// either. Notebooks with mermaid are refused.
_TEMPLATE = "{%- extends 'index.html.j2' -%}\n{% block html_head_js_mermaidjs %}{% endblock html_head_js_mermaidjs %}\n"

_SUFFIX = {"slides": ".slides.html", "html": ".html"}


class HandoutError(RuntimeError):
    """A handout could not be built, or would need the network to show."""


# -- assets --------------------------------------------------------------------------------------
def _installed_version(node_modules: Path, name: str) -> str | None:
    try:
        return json.loads((node_modules / name / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def fetch_assets(build_dir: Path | str = BUILD, *, quiet: bool = False) -> Path:
    """Install :data:`NPM_PACKAGES` with npm into ``build_dir/npm`` (only what is missing); return node_modules.

    Needs ``npm`` and the npm registry the first time; later builds reuse what is there and run offline.
    """
    npm_dir = Path(build_dir) / "npm"
    node_modules = npm_dir / "node_modules"
    if all(_installed_version(node_modules, n) == v for n, v in NPM_PACKAGES.items()):
        return node_modules
    npm = shutil.which("npm")
    if npm is None:
        raise HandoutError("npm not found: install Node.js with npm (Debian: apt-get install npm), "
                           "then run `make slides` again")
    npm_dir.mkdir(parents=True, exist_ok=True)
    package = {"name": "nn-opt-lab-handout-assets", "private": True, "description": "generated by course_lib.handouts",
               "dependencies": dict(NPM_PACKAGES)}
    (npm_dir / "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    cmd = [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"]
    if not quiet:
        print(f"fetching {', '.join(f'{n}@{v}' for n, v in NPM_PACKAGES.items())} with npm into {npm_dir}")
    proc = subprocess.run(cmd, cwd=npm_dir, capture_output=True, text=True)
    if proc.returncode != 0:
        raise HandoutError(f"`{' '.join(cmd)}` failed in {npm_dir}:\n{proc.stdout}\n{proc.stderr}")
    wrong = {n: _installed_version(node_modules, n) for n, v in NPM_PACKAGES.items()
             if _installed_version(node_modules, n) != v}
    if wrong:
        raise HandoutError(f"npm installed unexpected versions: {wrong}; expected {NPM_PACKAGES}")
    return node_modules


def _copy_assets(node_modules: Path, static: Path, kind: str) -> list[Path]:
    copied = []
    for pattern in ASSETS[kind]:
        glob = pattern + "/*" if pattern.endswith("**") else pattern
        matches = [p for p in sorted(node_modules.glob(glob)) if p.is_file()]
        if not matches:
            raise HandoutError(f"asset {pattern!r} not found in {node_modules}: run `make slides` to fetch")
        for src in matches:
            dst = static / src.relative_to(node_modules)
            if not dst.exists() or dst.stat().st_size != src.stat().st_size or dst.stat().st_mtime < src.stat().st_mtime:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
            copied.append(dst)
    return copied


# -- offline check -------------------------------------------------------------------------------
_REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
# Attributes through which a browser fetches something by itself (not <a href>: that is a link to click).
_FETCHING = {("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
             ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
             ("embed", "src"), ("object", "data"), ("input", "src"), ("track", "src"), ("image", "href"),
             ("image", "xlink:href"), ("use", "href"), ("use", "xlink:href")}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)
_JS_URL = re.compile(r"""(?:\bimport\s*\(\s*|\bfrom\s+|\bimport\s+|\bsrc\s*=\s*|\brequire\s*\(\s*\[?\s*)['"`]((?:https?:)?//[^'"`]+)""")


class _Fetches(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (tag, name) in _FETCHING and _REMOTE.match(value):
                self.urls.append(value)
            if name == "style" and value:
                self.urls += _CSS_URL.findall(value)
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.urls += _CSS_URL.findall(data)
        elif self._in == "script":
            self.urls += _JS_URL.findall(data) + _CSS_URL.findall(data)


def remote_resources(text: str, *, css: bool = False) -> list[str]:
    """The remote URLs a browser would fetch by itself to show this HTML page (or CSS file, ``css=True``)."""
    if css:
        return _CSS_URL.findall(text)
    parser = _Fetches()
    parser.feed(text)
    parser.close()
    return parser.urls


# -- rendering -----------------------------------------------------------------------------------
def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _check_source(nb, path: Path) -> None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.get("execution_count") is None:
            raise HandoutError(f"{path}: cell {i} was never executed: run `make solutions` first")
        if cell.cell_type == "markdown" and re.search(r"^\s*```\s*mermaid", cell.source, re.M):
            raise HandoutError(f"{path}: cell {i} has a mermaid diagram, which offline handouts cannot show; "
                               "draw it with matplotlib instead")


def _exporter(kind: str):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter, SlidesExporter

    cls = SlidesExporter if kind == "slides" else HTMLExporter
    options = {**_COMMON_OPTIONS, **(_SLIDE_OPTIONS if kind == "slides" else {})}
    return cls(extra_loaders=[DictLoader({"nn_opt_lab.html.j2": _TEMPLATE})], template_file="nn_opt_lab.html.j2",
               **options)


def render(path: Path | str, kind: str = "slides") -> tuple[str, str]:
    """Render one executed notebook as ``kind`` ("slides" or "html"); return ``(html_text, title)``.

    Asset URLs are relative (``_static/...``): the page is meant to sit in a folder built by :func:`build`.
    Raises :class:`HandoutError` when the notebook is not executed or the page would fetch a remote resource.
    """
    import nbformat

    if kind not in _SUFFIX:
        raise ValueError(f"kind must be 'slides' or 'html', got {kind!r}")
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    _check_source(nb, path)
    nb.metadata.pop("widgets", None)  # saved widget state would pull the widget renderer from a CDN
    title = _title(nb, path.stem)
    nb.metadata["title"] = title
    text, _ = _exporter(kind).from_notebook_node(nb, resources={"metadata": {"name": path.stem,
                                                                             "path": str(path.parent)}})
    remote = remote_resources(text)
    if remote:
        raise HandoutError(f"{path} ({kind}) would load from the network: {sorted(set(remote))}")
    return text, title


def _index(kind: str, entries: list[tuple[str, str]]) -> str:
    what = "幻灯片 · Slides" if kind == "slides" else "讲义 · Reading version"
    items = "\n".join(f'  <li><a href="{html.escape(f)}">{html.escape(t)}</a></li>' for f, t in entries)
    hint = ("<p>← → 翻页 (navigate), <kbd>S</kbd> 演讲者备注 (speaker notes), <kbd>F</kbd> 全屏 (full screen), "
            "<kbd>Esc</kbd> 总览 (overview).</p>" if kind == "slides" else "")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>NN-Opt Lab · {what}</title>'
            '<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.6}</style></head>\n'
            f"<body>\n<h1>NN-Opt Lab · {what}</h1>\n{hint}\n<ol>\n{items}\n</ol>\n</body>\n</html>\n")


def build(kind: str, notebooks=None, out_dir: Path | str | None = None, *, build_dir: Path | str = BUILD,
          quiet: bool = False) -> list[Path]:
    """Write one page per notebook (default: every solution) into ``out_dir`` (default ``build/<kind>/``).

    Copies the assets into ``out_dir/_static/``, writes ``index.html``, checks that neither a page nor a
    copied style sheet fetches anything remote, and returns the pages written.
    """
    if kind not in _SUFFIX:
        raise ValueError(f"kind must be 'slides' or 'html', got {kind!r}")
    notebooks = [Path(p) for p in (solution_notebooks() if notebooks is None else notebooks)]
    if not notebooks:
        raise HandoutError("no notebook to build")
    out = Path(out_dir) if out_dir is not None else Path(build_dir) / kind
    node_modules = fetch_assets(build_dir, quiet=quiet)
    out.mkdir(parents=True, exist_ok=True)
    copied = _copy_assets(node_modules, out / "_static", kind)
    for css in (p for p in copied if p.suffix == ".css"):
        remote = remote_resources(css.read_text(encoding="utf-8", errors="replace"), css=True)
        if remote:
            raise HandoutError(f"{css} would load from the network: {remote}")
    pages, entries = [], []
    for nb_path in notebooks:
        t0 = time.perf_counter()
        text, title = render(nb_path, kind)
        page = out / (nb_path.stem + _SUFFIX[kind])
        page.write_text(text, encoding="utf-8")
        pages.append(page)
        entries.append((page.name, title))
        if not quiet:
            print(f"wrote {page} ({len(text) / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s)")
    if notebooks == solution_notebooks():  # the full course: a table of contents
        (out / "index.html").write_text(_index(kind, entries), encoding="utf-8")
    return pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.build.handouts", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["fetch", "slides", "html", "all"])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every solution notebook")
    args = parser.parse_args(argv)
    try:
        if args.what == "fetch":
            print(fetch_assets())
            return 0
        for kind in (["slides", "html"] if args.what == "all" else [args.what]):
            build(kind, args.notebooks or None)
    except HandoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
