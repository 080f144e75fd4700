"""The course in a real browser: JupyterLab driven through Debian's Chromium with Playwright.

For every chapter notebook (students' versions, ``chapter_notebooks()``): open it, run all cells,
check no cell shows an error (cells tagged ``raises-exception`` aside), and move each live figure's
controls, asserting the figure's PNG changes (before that, in the same kernel, every control of every live
figure is moved and its redraws and text checked: ``tests/_liveplot_probe.py``). Then present one chapter with jupyterlab-slideshow (the
maintained fork of jupyterlab-deck) and move a slider there, walk a small deck with the arrow keys (never an
empty slide), and load one offline handout deck (``make slides``) with the network cut.

One JupyterLab server (127.0.0.1, random free port, a token, its own settings/workspace folders, a
copy of ``chapters/`` so nothing is saved into the repository) and one Chromium serve the module.

Runs only where Chromium exists (``/usr/bin/chromium`` or ``$NN_OPT_LAB_CHROMIUM``); otherwise the
tests are skipped, unless ``NN_OPT_LAB_REQUIRE_BROWSER=1`` (CI), which turns the skip into a failure.
A failing test leaves a screenshot and a log in ``build/screenshots/``
(``NN_OPT_LAB_SCREENSHOTS=all`` keeps them for passing tests too). Run: ``make browser``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import nbformat
import pytest
from _liveplot_probe import PROBE, problems

from course_lib.build import handouts
from course_lib.build.notebooks import ROOT, chapter_notebooks, solution_notebooks

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("NN_OPT_LAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-default-apps", "--disable-extensions"]
REQUIRE = os.environ.get("NN_OPT_LAB_REQUIRE_BROWSER") == "1"
SHOTS = ROOT / "build" / "screenshots"
KEEP_ALL_SHOTS = os.environ.get("NN_OPT_LAB_SCREENSHOTS") == "all"
VIEWPORT = {"width": 1400, "height": 900}
RUN_ALL_TIMEOUT_S = 240  # one chapter, on a loaded 2-core machine
STDERR = "application/vnd.jupyter.stderr"  # how JupyterLab marks error and stderr outputs

CHAPTERS = chapter_notebooks()


try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None


def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    if sync_playwright is None:
        return "playwright (Python) is not installed: make setup"
    return None


def _cannot_run(what: str) -> None:
    """Skip, loudly; under NN_OPT_LAB_REQUIRE_BROWSER=1 (CI) fail instead."""
    if REQUIRE:
        pytest.fail(f"{what}, and NN_OPT_LAB_REQUIRE_BROWSER=1 forbids skipping", pytrace=False)
    pytest.skip(f"BROWSER TEST SKIPPED: {what}")


@pytest.fixture(scope="module", autouse=True)
def _browser_available():
    missing = _missing_browser()
    if missing:
        _cannot_run(missing)


# -- the server ----------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server for the module, serving a copy of chapters/."""

    def __init__(self, root: Path):
        self.root, self.port, self.token = root, _free_port(), secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        (root / "chapters").mkdir(parents=True)
        for nb in CHAPTERS:
            shutil.copy2(nb, root / "chapters" / nb.name)
        settings = root / ".lab" / "settings"
        # No "Jupyter news?" pop-up, no update check: a quiet, offline JupyterLab.
        notes = settings / "@jupyterlab" / "apputils-extension"
        notes.mkdir(parents=True)
        (notes / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".lab" / "config"),
               "JUPYTER_RUNTIME_DIR": str(root / ".lab" / "runtime"),
               "JUPYTER_DATA_DIR": str(root / ".lab" / "data"),  # no user-level kernels: this venv's python3
               "JUPYTERLAB_SETTINGS_DIR": str(settings),
               "JUPYTERLAB_WORKSPACES_DIR": str(root / ".lab" / "workspaces"),
               "NN_OPT_LAB_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"}
        self.log_path = root / "jupyterlab.log"
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: read kernel status
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT, cwd=root)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.api("GET", "status")
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"JupyterLab did not start:\n{self.log_tail()}") from None
                time.sleep(0.25)

    def api(self, method: str, path: str):
        req = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def url(self, path: str, query: str = "") -> str:
        return f"{self.base}/{path}?token={self.token}{query}"

    def shutdown_kernels(self) -> None:
        """Free memory between chapters (TensorFlow kernels are big; the machine has 2 cores)."""
        for s in self.api("GET", "sessions") or []:
            self.api("DELETE", f"sessions/{s['id']}")

    def log_tail(self, n: int = 60) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()
    pw.stop()


class Page:
    """A fresh browser page: everything not on this machine is refused and remembered."""

    def __init__(self, browser, name: str, lab: Lab | None = None):
        self.name, self.lab = name, lab
        self.context = browser.new_context(viewport=VIEWPORT)
        self.blocked: list[str] = []
        self.log: list[str] = []
        self.context.route(re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost)[:/])"), self._block)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.on("console", lambda m: self.log.append(f"console.{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.log.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.log.append(f"requestfailed: {r.url} {r.failure}"))

    def _block(self, route):
        self.blocked.append(route.request.url)
        route.abort()

    def shoot(self, tag: str = "") -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.name}{tag}.png"
        self.page.screenshot(path=str(path))
        return path

    @contextlib.contextmanager
    def evidence(self):
        """On failure (or always with NN_OPT_LAB_SCREENSHOTS=all): screenshot + browser and server logs."""
        try:
            yield self
        except BaseException:
            self._save("")
            raise
        else:
            if KEEP_ALL_SHOTS:
                self._save("")

    def _save(self, tag):
        with contextlib.suppress(Exception):
            self.shoot(tag)
        SHOTS.mkdir(parents=True, exist_ok=True)
        text = "\n".join(self.log + [f"blocked: {u}" for u in self.blocked])
        if self.lab is not None:
            text += "\n\n--- JupyterLab log (tail) ---\n" + self.lab.log_tail()
        (SHOTS / f"{self.name}{tag}.log").write_text(text, encoding="utf-8")

    def close(self):
        self.context.close()


# -- driving a notebook --------------------------------------------------------------------------
KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!w || !w.context || !w.context.isReady || !w.sessionContext) return false;
    const k = w.sessionContext.session && w.sessionContext.session.kernel;
    return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }"""
PROMPTS = "() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(e => e.textContent)"
# Resolves when the kernel has gone busy and back to idle (one message handled), or false after ms.
# Also counts the comm messages the page sends meanwhile (a lost turn: did the front end send the change at all?).
ARM_KERNEL_TURN = """(ms) => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    window.__nnSent = 0;
    const g = (_, a) => { if (a.direction === 'send' && a.msg.header.msg_type === 'comm_msg') window.__nnSent++; };
    k.anyMessage.connect(g);
    window.__nnTurn = new Promise(resolve => { let busy = false;
      const done = (v) => { k.statusChanged.disconnect(f); k.anyMessage.disconnect(g); clearTimeout(t); resolve(v); };
      const f = (_, s) => { if (s === 'busy') busy = true; else if (busy && s === 'idle') done(true); };
      const t = setTimeout(() => done(false), ms); k.statusChanged.connect(f); }); }"""
IMAGE_DIGEST = """async (img) => { const b = await (await fetch(img.src)).arrayBuffer();
    const d = await crypto.subtle.digest('SHA-256', b);
    return [img.src, [...new Uint8Array(d)].map(x => x.toString(16).padStart(2, '0')).join('')]; }"""
# Runs Python in the notebook's kernel (not as a cell) and resolves with its stdout and error text.
KERNEL_RUN = """async (code) => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const f = k.requestExecute({code, silent: false, store_history: false}); let out = '';
    f.onIOPub = (msg) => { const t = msg.header.msg_type;
      if (t === 'stream') out += msg.content.text;
      else if (t === 'error') out += '\\nERROR ' + msg.content.ename + ': ' + msg.content.evalue; };
    await f.done; return out; }"""
# A LivePlot is a VBox holding a VBox of controls, an Image and an HTML caption.
LIVE_PLOT = ".jp-OutputArea-output .widget-vbox:has(> img.widget-image)"
LIVE_PLOTS = f".jp-Notebook {LIVE_PLOT}"


def open_notebook(p: Page, lab: Lab, name: str, n_cells: int) -> None:
    # A workspace of its own, reset: JupyterLab would otherwise reopen the previous tests' notebooks.
    p.page.goto(lab.url(f"lab/workspaces/{p.name}/tree/chapters/{name}", "&reset"))
    p.page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    p.page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length === {n_cells}")


def run_all(p: Page) -> None:
    """Run ▸ Run All Cells, then wait until nothing is queued and the kernel is idle."""
    p.page.click("#jp-MainMenu .lm-MenuBar-item:has-text('Run')")
    p.page.click(".lm-Menu-item[data-command='runmenu:run-all']")
    p.page.wait_for_function(f"() => ({PROMPTS})().some(t => /\\[[\\d*]+\\]/.test(t))", timeout=30_000)
    p.page.wait_for_function(f"() => !({PROMPTS})().some(t => t.includes('*')) && ({KERNEL_IDLE})()",
                             timeout=RUN_ALL_TIMEOUT_S * 1000, polling=250)


def cell_errors(p: Page, nb) -> dict[int, str]:
    """Index -> text of every cell showing an error or stderr output, cells tagged raises-exception aside."""
    shown = p.page.evaluate(f"""() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(c =>
        [...c.querySelectorAll('.jp-OutputArea-output[data-mime-type="{STDERR}"]')].map(o => o.innerText).join('\\n'))""")
    assert len(shown) == len(nb.cells), "the page shows a different number of cells than the notebook has"
    return {i: text for i, text in enumerate(shown)
            if text and "raises-exception" not in nb.cells[i].metadata.get("tags", [])}


class LostTurn(AssertionError):
    """A control moved in the page but no kernel turn followed (see test_chapter_runs_and_its_figures_are_live)."""


def _image_state(img):
    return img.evaluate(IMAGE_DIGEST)


def _change_and_wait(p: Page, img, act) -> bool:
    """Do ``act()`` (one change of one control); True when the figure's PNG changed."""
    before = _image_state(img)
    p.page.evaluate(ARM_KERNEL_TURN, 30_000)
    act()
    if not p.page.evaluate("() => window.__nnTurn"):
        sent = p.page.evaluate("() => window.__nnSent")
        raise LostTurn(f"the kernel never handled the control's change (no busy -> idle within 30 s); the page sent "
                       f"{sent} comm message(s) after the input")
    with contextlib.suppress(Exception):  # the update arrives before "idle"; allow the page to draw it
        p.page.wait_for_function("([img, src]) => img.src !== src", arg=[img, before[0]], timeout=2_000)
    after = _image_state(img)
    return after[0] != before[0] and after[1] != before[1]


def _one_step(handle):
    """The key press that moves a slider by one step (one change), away from the end it sits at."""
    now, top = float(handle.get_attribute("aria-valuenow")), float(handle.get_attribute("aria-valuemax"))
    return "ArrowLeft" if now >= top else "ArrowRight"


def exercise_live_plot(p: Page, plot) -> str | None:
    """Move the plot's controls one at a time (sliders first); return which one redrew it, or None."""
    plot.scroll_into_view_if_needed()
    img = plot.locator(":scope > img.widget-image").element_handle()
    for k in range(plot.locator(".noUi-handle").count()):
        handle = plot.locator(".noUi-handle").nth(k)
        key = _one_step(handle)
        if _change_and_wait(p, img, lambda h=handle, key=key: h.press(key)):
            return f"slider {k} ({key})"
    for k in range(plot.locator("select").count()):
        select = plot.locator("select").nth(k)
        options = select.locator("option")
        current = select.evaluate("s => s.selectedIndex")
        target = 1 if current == 0 else 0
        if options.count() > 1 and _change_and_wait(p, img, lambda s=select, t=target: s.select_option(index=t)):
            return f"drop-down {k}"
    for k in range(plot.locator("input[type=checkbox]").count()):
        box = plot.locator("input[type=checkbox]").nth(k)
        if _change_and_wait(p, img, lambda b=box: b.click()):
            return f"check box {k}"
    return None


def _has_live_plot(path: Path) -> bool:
    return any(c.cell_type == "code" and "LivePlot(" in c.source for c in nbformat.read(path, 4).cells)


# -- the tests -----------------------------------------------------------------------------------
def test_there_are_chapters():
    assert CHAPTERS, "chapter_notebooks() found nothing"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_and_its_figures_are_live(lab, browser, path):
    """Run All in JupyterLab, no error shown, the kernel-side probe, then one move per live figure in the page.

    Known intermittent (2026-12-02, about one full browser run in three, a different chapter each time, never
    reproduced alone): a key press moves a slider's readout but no kernel turn follows. The chapter is then run
    once more in a fresh page and kernel, and a warning says so; a second loss fails the test.
    """
    try:
        _chapter_runs_and_its_figures_are_live(lab, browser, path)
    except LostTurn as lost:
        warnings.warn(f"{path.stem}: {lost}; running the chapter once more in a fresh page",
                      RuntimeWarning, stacklevel=1)
        _chapter_runs_and_its_figures_are_live(lab, browser, path)


def _chapter_runs_and_its_figures_are_live(lab, browser, path):
    nb = nbformat.read(path, as_version=4)
    p = Page(browser, path.stem, lab)
    try:
        with p.evidence():
            open_notebook(p, lab, path.name, len(nb.cells))
            run_all(p)
            prompts = p.page.evaluate(PROMPTS)
            code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
            not_run = [code[k] for k, t in enumerate(prompts) if not re.search(r"\[\d+\]", t)]
            errors = cell_errors(p, nb)
            assert not errors, f"{path.name}: cells show errors: " + json.dumps(errors, ensure_ascii=False)[:3000]
            assert not not_run, f"{path.name}: cells {not_run} never ran (an earlier cell stopped Run All?)"

            # Kernel side first, from the defaults (tests/_liveplot_probe.py): every control, fast vs full redraw,
            # text inside the canvas and >= 9 pt; it puts every control back.
            found = problems(p.page.evaluate(KERNEL_RUN, PROBE), expect_plots=_has_live_plot(path))
            assert not found, f"{path.name}: live figures:\n" + "\n".join(found)
            plots = p.page.locator(LIVE_PLOTS)
            n_plots = plots.count()
            if _has_live_plot(path):
                assert n_plots, f"{path.name} builds LivePlots but the page shows no live figure"
            moved = {k: exercise_live_plot(p, plots.nth(k)) for k in range(n_plots)}
            print(f"{path.stem}: live figures moved by {moved}")
            dead = [k for k, how in moved.items() if how is None]
            assert not dead, (f"{path.name}: live figures {dead} (in page order) did not change when any of "
                              f"their controls moved by one step; the others: {moved}")
            if n_plots:
                assert any(how.startswith("slider") for how in moved.values()), \
                    f"{path.name}: no slider changed a figure: {moved}"
            assert not p.blocked, f"{path.name}: JupyterLab tried to reach the network: {p.blocked}"
    finally:
        p.close()
        lab.shutdown_kernels()


DECK_CHAPTER = next((c for c in CHAPTERS if _has_live_plot(c)), None)
VISIBLE_IN_DECK = "img.widget-image"


def test_slider_is_live_in_deck_mode(lab, browser):
    """jupyterlab-slideshow keeps widgets alive: present a chapter, step to a live figure, move its slider."""
    if DECK_CHAPTER is None:
        pytest.skip("no chapter has a live figure")
    nb = nbformat.read(DECK_CHAPTER, as_version=4)
    p = Page(browser, f"deck_{DECK_CHAPTER.stem}", lab)
    try:
        with p.evidence():
            open_notebook(p, lab, DECK_CHAPTER.name, len(nb.cells))
            run_all(p)
            # Start the deck at the slide holding the first live figure (the deck opens at the selected cell's
            # slide); walking a deck with the arrow keys is the next test's subject.
            first_plot = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "LivePlot(" in c.source)
            start = max(i for i in range(first_plot + 1) if
                        nb.cells[i].metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide"))
            cell = p.page.locator(".jp-Notebook .jp-Cell").nth(start)
            cell.scroll_into_view_if_needed()
            cell.locator(".jp-InputPrompt").click()
            p.page.keyboard.press("Escape")
            p.page.click(".jp-NotebookPanel-toolbar [data-jp-item-name='deck'] button")
            p.page.wait_for_selector("body[data-jp-deck-mode='presenting'] .jp-Deck-Remote")
            p.page.locator(".jp-Notebook").focus()
            visible_plot = ("() => [...document.querySelectorAll('.jp-Cell.jp-deck-mod-visible img.widget-image')]"
                            ".some(i => { const r = i.getBoundingClientRect(); return r.width > 0 && r.height > 0"
                            " && r.bottom > 0 && r.top < innerHeight; })")
            shown = "() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(c => c.classList.contains('jp-deck-mod-visible'))"
            steps, same, limit = 0, 0, len(nb.cells)
            while not p.page.evaluate(visible_plot):
                if steps >= limit or same >= 3:  # three presses that changed nothing: the end of the deck
                    dash = [i for i, c in enumerate(nb.cells) if c.metadata.get("slideshow", {}).get("slide_type") == "-"]
                    pytest.fail(f"no live figure became visible after {steps} steps (→) through the deck of "
                                f"{DECK_CHAPTER.name}" + (f"; jupyterlab-slideshow never shows cells whose slide_type is "
                                                          f"'-', here {dash}" if dash else ""))
                # → walks the slides (↓ would also visit sub-slides and fragments: see the next test)
                before = p.page.evaluate(shown)
                p.page.keyboard.press("ArrowRight")
                p.page.wait_for_timeout(400)  # the deck's transition
                same = same + 1 if p.page.evaluate(shown) == before else 0
                steps += 1
            p.shoot("_slide")
            plot = p.page.locator(f".jp-Cell.jp-deck-mod-visible {LIVE_PLOT}").first
            handle = plot.locator(".noUi-handle").first
            assert handle.count(), "the live figure shown in the deck has no slider"
            img = plot.locator(":scope > img.widget-image").element_handle()
            key = _one_step(handle)
            assert _change_and_wait(p, img, lambda: handle.press(key)), \
                "moving the slider in deck mode did not redraw the figure"
            assert p.page.evaluate("() => document.body.dataset.jpDeckMode") == "presenting"
            p.shoot("_moved")
    finally:
        with contextlib.suppress(Exception):
            p.page.evaluate("() => window.jupyterapp.commands.execute('deck:stop')")
        p.close()
        lab.shutdown_kernels()


DECK_CELLS = [("# S1", "slide"), ("S1 text", None), ("N1 speaker note", "notes"), ("### S1a", "subslide"),
              ("S1a text", None), ("## S2", "slide"), ("N2 note before a fragment", "notes"),
              ("F2 fragment", "fragment"), ("## S3", "slide"), ("S3 text", None), ("N3 last note", "notes"),
              ("## S4", "slide")]


def test_deck_arrow_keys_never_show_an_empty_slide(lab, browser):
    """↓ onto a speaker-notes cell left jupyterlab-deck 0.2 on an empty page (README, until issue 15); ↓ and →
    through a deck whose notes sit before a sub-slide, before a fragment and at a slide's end always show text."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    for text, kind in DECK_CELLS:
        cell = nbformat.v4.new_markdown_cell(text)
        if kind:
            cell.metadata["slideshow"] = {"slide_type": kind}
        nb.cells.append(cell)
    nbformat.write(nb, lab.root / "chapters" / "deck_keys.ipynb")
    visible = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell.jp-deck-mod-visible')]
        .filter(c => { const r = c.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.bottom > 0
                       && r.top < innerHeight; }).map(c => c.innerText.trim().split('\\n')[0])"""
    p = Page(browser, "deck_keys", lab)
    try:
        with p.evidence():
            open_notebook(p, lab, "deck_keys.ipynb", len(DECK_CELLS))
            p.page.locator(".jp-Notebook .jp-Cell").first.click()
            p.page.keyboard.press("Escape")
            p.page.click(".jp-NotebookPanel-toolbar [data-jp-item-name='deck'] button")
            p.page.wait_for_selector("body[data-jp-deck-mode='presenting'] .jp-Deck-Remote")
            p.page.locator(".jp-Notebook").focus()
            seen = []
            for key in ["ArrowDown"] * 4 + ["ArrowRight", "ArrowDown", "ArrowDown", "ArrowRight", "ArrowDown",
                                             "ArrowDown", "ArrowRight"]:
                p.page.keyboard.press(key)
                p.page.wait_for_timeout(500)  # the deck's transition
                shown = p.page.evaluate(visible)
                assert shown, f"an empty slide after {' '.join(seen + [key])}"
                assert not any(t.startswith("N") for t in shown), f"a speaker note is on the slide: {shown}"
                seen.append(key)
                seen.append("=" + "|".join(shown))
            texts = {t for step in seen if step.startswith("=") for t in step[1:].split("|")}
            assert {"S1a", "F2 fragment", "S4"} <= texts, seen  # ↓ reached the sub-slide and the fragment
    finally:
        with contextlib.suppress(Exception):
            p.page.evaluate("() => window.jupyterapp.commands.execute('deck:stop')")
        p.close()
        lab.shutdown_kernels()


# -- offline handouts ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def handout_dir(tmp_path_factory):
    """The first solution's deck and reading page, built by `make slides`' code from assets already fetched."""
    node_modules = handouts.BUILD / "npm" / "node_modules"
    if not all(handouts._installed_version(node_modules, n) == v for n, v in handouts.NPM_PACKAGES.items()):
        _cannot_run("reveal.js/MathJax not fetched into build/npm (`make slides` fetches them with npm)")
    out = tmp_path_factory.mktemp("handouts")
    nb = solution_notebooks()[0]
    return {kind: handouts.build(kind, [nb], out / kind, quiet=True)[0] for kind in ("slides", "html")}


@pytest.mark.parametrize("kind", ["slides", "html"])
def test_handout_renders_with_the_network_cut(browser, handout_dir, kind):
    page_path = handout_dir[kind]
    p = Page(browser, f"handout_{kind}")
    try:
        with p.evidence():
            p.page.goto(page_path.as_uri())
            if kind == "slides":
                p.page.wait_for_selector(".reveal.ready", timeout=30_000)  # reveal.js initialised
                n = p.page.evaluate("() => document.querySelectorAll('.reveal .slides section').length")
                assert n >= 3, f"only {n} slides"
            p.page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                                     " && MathJax.Hub.queue.running === 0", timeout=60_000)
            math = p.page.evaluate("""() => ({typeset: document.querySelectorAll('.mjx-chtml').length,
                errors: document.querySelectorAll('.mjx-merror, .MathJax_Error').length,
                raw: [...document.querySelectorAll('.jp-MarkdownOutput')].filter(e => /\\$[^$\\s][^$]*\\$/.test(e.innerText)).length})""")
            assert math["typeset"] > 0 and math["errors"] == 0, f"MathJax did not typeset: {math}"
            images = p.page.evaluate("() => [...document.images].map(i => [i.complete, i.naturalWidth])")
            assert images and all(ok and w > 0 for ok, w in images), f"images not shown: {images}"
            if kind == "slides":
                p.page.keyboard.press("ArrowRight")
                p.page.wait_for_timeout(500)
                assert p.page.evaluate("() => location.hash") not in ("", "#/"), "→ did not move to the next slide"
            failed = [line for line in p.log if line.startswith(("requestfailed", "pageerror"))]
            assert not failed, f"the page failed to load something: {failed}"
            assert not p.blocked, f"the page tried to reach the network: {p.blocked}"
    finally:
        p.close()
