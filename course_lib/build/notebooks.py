"""The course's notebook list and a quiet executor, shared by the Makefile, tests and benchmarks.

Usage::

    python -m course_lib.build.notebooks list               # every solution notebook, in chapter order
    python -m course_lib.build.notebooks execute [PATH...]  # run in place, keep outputs (default: all solutions)

Executing normalises the saved file (see :func:`normalize`): re-running an unchanged
notebook gives an unchanged file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

__all__ = ["ROOT", "solution_notebooks", "chapter_notebooks", "execute", "normalize", "text_outputs", "main"]

#: The repository root (the folder holding ``course_lib/``).
ROOT = Path(__file__).resolve().parents[2]


def _sorted(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("[0-9][0-9]*_*.ipynb") if p.is_file())


def solution_notebooks(root: Path | str = ROOT) -> list[Path]:
    """Every ``solutions/NN_*.ipynb``, in chapter order: the course's one notebook list."""
    return _sorted(Path(root) / "solutions")


def chapter_notebooks(root: Path | str = ROOT) -> list[Path]:
    """Every ``chapters/NN_*.ipynb`` (generated student versions), in chapter order."""
    return _sorted(Path(root) / "chapters")


def execute(path: Path | str, *, timeout: int = 600, write: bool = True, kernel_name: str = "python3"):
    """Run a notebook top to bottom in a fresh kernel, its folder as working directory.

    Parameters
    ----------
    path : path-like
        The notebook.
    timeout : int
        Seconds allowed per cell.
    write : bool
        Save the executed notebook in place (outputs included).

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing notebook, got {str(path)!r}")
    nb = nbformat.read(path, as_version=4)
    env_before = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"  # inherited by the kernel: quiet from its first import
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, record_timing=False,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        if env_before is None:
            os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)
        else:
            os.environ["TF_CPP_MIN_LOG_LEVEL"] = env_before
    normalize(nb)
    if write:
        nbformat.write(nb, path)
    return nb


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def normalize(nb):
    """Make a saved notebook stable and readable without a kernel (in place; returns ``nb``).

    * Widget views are dropped from outputs (their model ids change every run and point
      to no saved state); the static PNG and text that :class:`~course_lib.widgets.LivePlot`
      puts beside them remain, so every reader sees the figure. Re-running the cell
      brings the live widget back.
    * Adjacent stream outputs of the same name are merged (the kernel flushes on a timer,
      so the same text can arrive in different chunks).
    * Saved widget state and per-cell timing metadata are removed.
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        merged = []
        for out in cell.outputs:
            data = out.get("data")
            if data is not None and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                if not data:
                    continue
            if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                    and merged[-1].get("name") == out.get("name")):
                merged[-1]["text"] += out["text"]
                continue
            merged.append(out)
        cell.outputs = merged
    return nb


def text_outputs(nb) -> list[str]:
    """Every text output of a notebook (stdout/stderr streams, text/plain, errors), in order."""
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(f"[{i}:{o['name']}] {o['text']}")
            elif o.get("output_type") in ("execute_result", "display_data"):
                out.append(f"[{i}] {o.get('data', {}).get('text/plain', '')}")
            elif o.get("output_type") == "error":
                out.append(f"[{i}:error] {o.get('ename')}: {o.get('evalue')}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.build.notebooks", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="print the solution notebooks in chapter order")
    ex = sub.add_parser("execute", help="execute notebooks in place (default: every solution)")
    ex.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.cmd == "list":
        for p in solution_notebooks():
            print(p.relative_to(ROOT))
        return 0
    paths = args.paths or solution_notebooks()
    for p in paths:
        t0 = time.perf_counter()
        execute(p)
        print(f"executed {p} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
