"""Generate the student notebooks (``chapters/``) from the solutions (``solutions/``).

Usage::

    python -m course_lib.student            # write chapters/ (refuses to overwrite edited ones)
    python -m course_lib.student --check    # exit 1 if chapters/ is stale
    python -m course_lib.student --force    # overwrite even edited chapters

In a solution, exercise code sits between two lines::

    ### BEGIN SOLUTION
    ...the answer...
    ### END SOLUTION

The generator replaces each region with ``# YOUR CODE HERE`` + ``raise NotImplementedError()``
at the same indentation (a region at the top level of a cell, such as a number worked out by
hand — written ``answer = None`` above the region — gets ``# YOUR CODE HERE`` alone, so Run All
does not stop there), clears every output and the saved widget state, and tags the
stub cells ``raises-exception`` so notebook tests accept their exception.

Student work is never destroyed: each generated chapter records a fingerprint of its cell
sources; if the sources no longer match it (the student edited the notebook), regenerating
refuses and leaves the file untouched unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path

import nbformat

from .notebooks import ROOT

__all__ = ["BEGIN", "END", "StudentWorkError", "strip_solutions", "make_student", "fingerprint",
           "render", "generate", "stale", "main"]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_STUB_CODE = ("# YOUR CODE HERE", "raise NotImplementedError()")
_STUB_MARKDOWN = ("_Your answer here._",)


class StudentWorkError(RuntimeError):
    """A chapter notebook was edited by its student; regenerating would destroy the work."""


def strip_solutions(source: str, *, markdown: bool = False, where: str = "cell") -> tuple[str, bool]:
    """Replace every BEGIN/END SOLUTION region of ``source`` by a stub at the same indentation.

    Returns the new source and whether any region was found. Raises ``ValueError`` on a
    region that is not closed, closed twice or nested.
    """
    out, inside, found = [], False, False
    for n, line in enumerate(source.split("\n"), 1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"{where}, line {n}: {BEGIN!r} inside another solution region")
            inside, found = True, True
            indent = line[: len(line) - len(line.lstrip())]
            # a top-level answer (``x = None`` above the region) keeps Run All going: no raise at top level
            stub = _STUB_MARKDOWN if markdown else (_STUB_CODE if indent else _STUB_CODE[:1])
            out.extend(indent + s for s in stub)
        elif marker == END:
            if not inside:
                raise ValueError(f"{where}, line {n}: {END!r} without a matching {BEGIN!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: {BEGIN!r} is never closed by {END!r}")
    return "\n".join(out), found


def fingerprint(nb) -> str:
    """SHA-256 of the cells' types and sources: what a student's edit changes (outputs do not count)."""
    cells = [[c.cell_type, c.source] for c in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


#: First cell of every student notebook: installs the kernel-side package where it is missing (Colab,
#: Kaggle, a bare Jupyter) from the wheel shipped with the release (or ``NN_OPT_LAB_PACKAGE``); does nothing
#: where ``course_lib`` is installed (a ``make setup`` checkout, a JupyterHub image, Binder).
INSTALL_CELL = """\
# Colab / Kaggle / a Jupyter without the course: install its package first (does nothing where it is installed).
# 在 Colab / Kaggle 等没有课程程序包的环境中先安装它（已安装时什么也不做）。
import importlib.util
if importlib.util.find_spec("course_lib") is None:
    import glob, os, subprocess, sys
    wheels = sorted(glob.glob("nn_opt_lab-*.whl") + glob.glob("../dist/nn_opt_lab-*.whl"))
    source = os.environ.get("NN_OPT_LAB_PACKAGE") or (wheels[-1] if wheels else None)
    if source is None:
        raise RuntimeError("course_lib is not installed: upload dist/nn_opt_lab-*.whl from the course's release "
                           "next to this notebook, or set NN_OPT_LAB_PACKAGE to a pip source of the course")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)"""


def _install_cell():
    cell = nbformat.v4.new_code_cell(INSTALL_CELL)
    cell.metadata = {"slideshow": {"slide_type": "skip"}, "tags": ["install-course"]}
    cell["id"] = "install-course"  # a fixed id: regenerating gives the same file (--check compares)
    return cell


def make_student(nb, name: str = "notebook"):
    """The student version of a solution notebook (a new object; ``nb`` is not modified)."""
    nb = copy.deepcopy(nb)
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, _install_cell())
    for i, cell in enumerate(nb.cells):
        src, found = strip_solutions(cell.source, markdown=cell.cell_type == "markdown", where=f"{name}, cell {i}")
        cell.source = src
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if found:
                tags = list(cell.metadata.get("tags", []))
                if "raises-exception" not in tags:
                    tags.append("raises-exception")
                cell.metadata["tags"] = tags
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["course_lib"] = {"generated_from": f"solutions/{name}", "fingerprint": fingerprint(nb),
                                 "note": "Generated by `python -m course_lib.student`; edit freely, "
                                         "regeneration will not overwrite your changes."}
    return nb


def render(nb) -> str:
    """The exact text a generated notebook is written as (what ``--check`` compares)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def _student_text(solution: Path) -> str:
    return render(make_student(nbformat.read(solution, as_version=4), solution.name))


def _edited(chapter: Path) -> bool:
    nb = nbformat.read(chapter, as_version=4)
    recorded = nb.metadata.get("course_lib", {}).get("fingerprint")
    return recorded is None or recorded != fingerprint(nb)


def generate(root: Path | str = ROOT, *, force: bool = False, names=None, log=print) -> list[Path]:
    """Write ``chapters/`` from ``solutions/``; returns the notebooks written.

    Raises
    ------
    StudentWorkError
        When a chapter was edited since it was generated and ``force`` is false (that
        chapter is left untouched; the others are still written).
    """
    root = Path(root)
    sol_dir, ch_dir = root / "solutions", root / "chapters"
    ch_dir.mkdir(exist_ok=True)
    written, refused = [], []
    solutions = sorted(sol_dir.glob("[0-9][0-9]*_*.ipynb"))
    if names:
        solutions = [s for s in solutions if s.name in names or s.stem in names]
    for sol in solutions:
        target = ch_dir / sol.name
        text = _student_text(sol)
        if target.exists():
            if target.read_text(encoding="utf-8") == text:
                continue
            if _edited(target) and not force:
                refused.append(target)
                continue
        target.write_text(text, encoding="utf-8")
        written.append(target)
        log(f"wrote {target.relative_to(root)}")
    if refused:
        names = ", ".join(str(p.relative_to(root)) for p in refused)
        raise StudentWorkError(f"{names}: edited since it was generated; left untouched. "
                               f"Move your copy aside, or rerun with --force to overwrite it.")
    return written


def stale(root: Path | str = ROOT) -> list[str]:
    """Why ``chapters/`` is out of date with ``solutions/`` (empty list: up to date)."""
    root = Path(root)
    problems = []
    solutions = sorted((root / "solutions").glob("[0-9][0-9]*_*.ipynb"))
    for sol in solutions:
        target = root / "chapters" / sol.name
        if not target.exists():
            problems.append(f"chapters/{sol.name} is missing")
        elif target.read_text(encoding="utf-8") != _student_text(sol):
            problems.append(f"chapters/{sol.name} differs from what solutions/{sol.name} generates")
    known = {s.name for s in solutions}
    for ch in sorted((root / "chapters").glob("[0-9][0-9]*_*.ipynb")):
        if ch.name not in known:
            problems.append(f"chapters/{ch.name} has no solution notebook")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.student",
                                     description="Generate chapters/ (student notebooks) from solutions/.")
    parser.add_argument("--check", action="store_true", help="exit 1 if chapters/ is stale; write nothing")
    parser.add_argument("--force", action="store_true", help="overwrite chapters even if a student edited them")
    parser.add_argument("--root", type=Path, default=ROOT, help="the course folder (default: this checkout)")
    parser.add_argument("names", nargs="*", help="only these notebooks (e.g. 03_activations)")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale(args.root)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("chapters/ is stale: run `make student` (python -m course_lib.student).", file=sys.stderr)
            return 1
        print(f"chapters/ is up to date with solutions/ ({len(list((args.root / 'solutions').glob('[0-9][0-9]*_*.ipynb')))} notebooks).")
        return 0
    try:
        written = generate(args.root, force=args.force, names=args.names)
    except StudentWorkError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    if not written:
        print("chapters/ already up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
