"""Grading with nbgrader, and a student release without answers.

    python -m course_lib.build.grading mark [NB...]        # nbgrader metadata on the exercise cells of solutions/
    python -m course_lib.build.grading check               # exit 1 if an exercise cell's metadata is missing or stale
    python -m course_lib.build.grading release [--out DIR]  # chapters + the package, no solutions: DIR/ and DIR.zip
    python -m course_lib.build.grading grade SUBMISSIONS [--out grades.csv] [--work DIR]

**Exercise cells.** A code cell holding a ``### BEGIN SOLUTION`` region is an nbgrader *solution* cell
(``grade_id`` ``<notebook>-ex<k>``); the first code cell after it that calls ``checks.check_function`` or
``checks.check_value`` is its autograded *test* cell (``<notebook>-ex<k>-check``, locked, 1 point or ``N``
with a cell tag ``points-N``); a markdown cell holding a solution region (an open question) is a
manually graded answer (``<notebook>-ex<k>-answer``). ``mark`` writes this metadata into ``solutions/``
(the student generator copies it into ``chapters/``), so ``nbgrader generate_assignment`` and
``nbgrader autograde`` work on the course's notebooks unchanged.

**Grading.** ``grade`` builds an nbgrader course folder: each solution notebook becomes a *graded variant*
whose test cells also hold a ``### BEGIN HIDDEN TESTS`` block with the right answers as fixed values
(recorded by running the solution with ``NN_OPT_LAB_RECORD_CHECKS``), so grading never calls the
library's reference functions; then ``nbgrader generate_assignment``, the submissions copied in
(``SUBMISSIONS/<student>/<NN_topic>.ipynb``), ``nbgrader autograde`` (checkers raise under
``NBGRADER_EXECUTION``: a wrong or unattempted answer scores 0), and a CSV with one row per student and
exercise: ``student, notebook, exercise, points, max_points`` (empty points: an open question awaiting
manual grading in nbgrader's formgrader).
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

from .notebooks import ROOT, solution_notebooks
from .student import BEGIN, END, render

__all__ = ["mark", "problems", "graded_variant", "record_checks", "release", "grade", "main"]

_CHECK = re.compile(r"\bchecks\.check_(function|value)\(")
_POINTS = re.compile(r"^points-(\d+)$")


def _points(cell) -> int:
    for tag in cell.metadata.get("tags", []):
        m = _POINTS.match(tag)
        if m:
            return int(m.group(1))
    return 1


def _meta(grade_id, *, solution, grade, locked, points=None):
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
         "task": False}
    if points is not None:
        m["points"] = points
    return m


def _wanted(nb, stem: str) -> dict:
    """Cell index -> the nbgrader metadata it should carry."""
    out, k, open_solution = {}, 0, None
    for i, cell in enumerate(nb.cells):
        has_region = any(line.strip() == BEGIN for line in cell.source.split("\n"))
        if has_region:
            k += 1
            if cell.cell_type == "markdown":
                out[i] = _meta(f"{stem}-ex{k}-answer", solution=True, grade=True, locked=False, points=_points(cell))
                open_solution = None
            else:
                out[i] = _meta(f"{stem}-ex{k}", solution=True, grade=False, locked=False)
                open_solution = k
        elif cell.cell_type == "code" and open_solution is not None and _CHECK.search(cell.source):
            out[i] = _meta(f"{stem}-ex{open_solution}-check", solution=False, grade=True, locked=True,
                           points=_points(cell))
            open_solution = None
    return out


def mark(nb, stem: str) -> bool:
    """Write nbgrader metadata on ``nb``'s exercise cells (in place); True if anything changed."""
    wanted = _wanted(nb, stem)
    changed = False
    for i, cell in enumerate(nb.cells):
        new = wanted.get(i)
        if cell.metadata.get("nbgrader") != new:
            changed = True
            if new is None:
                cell.metadata.pop("nbgrader", None)
            else:
                cell.metadata["nbgrader"] = new
    return changed


def problems(nb, stem: str) -> list[str]:
    """What ``mark`` would change, and solution cells without a check after them."""
    out = [f"{stem}, cell {i}: nbgrader metadata missing or stale (run `python -m course_lib.build.grading mark`)"
           for i, cell in enumerate(nb.cells) if cell.metadata.get("nbgrader") != _wanted(nb, stem).get(i)]
    out += [f"{stem}, cell {i}: a line mentions {BEGIN!r} or {END!r} without being the marker (nbgrader would "
            "take it for one): name the stub `# YOUR CODE HERE` instead" for i, cell in enumerate(nb.cells)
            if any(("BEGIN SOLUTION" in line or "END SOLUTION" in line) and line.strip() not in (BEGIN, END)
                   for line in cell.source.split("\n"))]
    wanted = _wanted(nb, stem)
    checked = {m["grade_id"][: -len("-check")] for m in wanted.values() if m["grade_id"].endswith("-check")}
    out += [f"{stem}, cell {i}: exercise {m['grade_id']} has no checker cell after it (checks.check_function/"
            "check_value)" for i, m in wanted.items() if m["solution"] and not m["grade"]
            and m["grade_id"] not in checked]
    return out


# -- graded variants: hidden tests with fixed values -----------------------------------------------
def record_checks(path: Path, *, timeout: int = 600) -> dict:
    """Run a solution notebook and return ``{cell index: [recorded check, ...]}`` (what each cell checked)."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        rec = Path(tmp) / "checks.jsonl"
        rec.touch()
        seen = {"n": 0}
        found = {}

        def after(cell, cell_index, execute_reply):
            lines = rec.read_text(encoding="utf-8").splitlines()
            if len(lines) > seen["n"]:
                found[cell_index] = [json.loads(x) for x in lines[seen["n"]:]]
                seen["n"] = len(lines)

        old = os.environ.get("NN_OPT_LAB_RECORD_CHECKS")
        os.environ["NN_OPT_LAB_RECORD_CHECKS"] = str(rec)  # inherited by the kernel
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3", on_cell_executed=after,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        finally:
            if old is None:
                os.environ.pop("NN_OPT_LAB_RECORD_CHECKS", None)
            else:
                os.environ["NN_OPT_LAB_RECORD_CHECKS"] = old
    return found


def _student_expr(source: str) -> str | None:
    """The first argument of the cell's first ``checks.check_function(...)`` call, as source text."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check_function"
                and node.args):
            return ast.unparse(node.args[0])
    return None


def _hidden_block(expr: str, rec: dict) -> str:
    data = json.dumps({"cases": rec["cases"], "expected": rec["expected"]}, separators=(",", ":"))
    return ("### BEGIN HIDDEN TESTS\n"
            "import json as _json\n"
            f"_hidden = _json.loads({data!r})\n"
            f"checks.check_function({expr}, None, checks.from_record(_hidden['cases']),\n"
            f"                      expected=checks.from_record(_hidden['expected']), name={rec['name']!r},\n"
            f"                      rtol={rec['rtol']!r}, atol={rec['atol']!r})\n"
            "### END HIDDEN TESTS")


def graded_variant(path: Path, records: dict | None = None):
    """The solution notebook with nbgrader metadata and, in each test cell that checks a function, a
    hidden test holding the right answers as fixed values. Returns ``(notebook, notes)``."""
    nb = nbformat.read(path, as_version=4)
    mark(nb, path.stem)
    records = record_checks(path) if records is None else records
    notes = []
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") and not meta.get("solution")) or "check_function" not in cell.source:
            continue
        recs = [r for r in records.get(i, []) if "cases" in r]
        expr = _student_expr(cell.source)
        if not recs or expr is None:
            notes.append(f"{path.stem}, cell {i} ({meta['grade_id']}): no fixed-value hidden test "
                         f"({'cases not recordable' if expr else 'no check_function call found'}); "
                         "the visible check grades it")
            continue
        cell.source = cell.source.rstrip("\n") + "\n\n" + _hidden_block(expr, recs[0])
    return nb, notes


# -- the student release ---------------------------------------------------------------------------
_RELEASE_FILES = ("pyproject.toml", "environment.yml", "README.md", "LICENSE")


def release(out: Path | str | None = None, *, root: Path | str = ROOT) -> Path:
    """Write the student bundle: ``chapters/`` (no answers, no outputs), the ``course_lib`` package (without
    its build tooling), its wheel in ``dist/`` (what a Colab/Kaggle notebook installs) and the install
    files, as a folder and a zip next to it. Returns the folder."""
    root = Path(root)
    out = Path(out) if out is not None else root / "build" / "release" / "nn-opt-lab"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(root / "chapters", out / "chapters",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(root / "course_lib", out / "course_lib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "grading.py", "student.py", "handouts.py"))
    for name in _RELEASE_FILES:
        if (root / name).exists():
            shutil.copy2(root / name, out / name)
    # the wheel a Colab/Kaggle notebook's first cell installs when the kernel lacks the package
    with tempfile.TemporaryDirectory() as tmp:  # build from a copy: the checkout's build/ stays untouched
        src = Path(tmp) / "src"
        shutil.copytree(out, src, ignore=shutil.ignore_patterns("chapters"))
        res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out / "dist"),
                              str(src)], capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"building the wheel failed:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    archive = out.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(out.rglob("*")):
            if p.is_file():
                z.write(p, Path(out.name) / p.relative_to(out))
    return out


def solution_lines(root: Path | str = ROOT) -> set[str]:
    """Every non-trivial line inside a solution region of ``solutions/`` (what a release must not contain).

    A line that the lesson itself also shows outside every solution region (the notes' code that an answer
    builds on, e.g. ``loss_regularization = []``) gives nothing away and is not counted.
    """
    inside_lines, outside_lines = set(), set()
    for path in solution_notebooks(root):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.split("\n"):
                if line.strip() == BEGIN:
                    inside = True
                elif line.strip() == END:
                    inside = False
                elif len(line.strip()) >= 12:
                    (inside_lines if inside else outside_lines).add(line.strip())
    return inside_lines - outside_lines


# -- autograding --------------------------------------------------------------------------------------
_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///" + {db!r}
c.ExecutePreprocessor.timeout = 600
c.Execute.timeout = 600
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
"""


def _nbgrader(args, cwd):
    cmd = [sys.executable, "-m", "nbgrader", *args]
    env = dict(os.environ)  # nbgrader runs `alembic` from PATH: this interpreter's scripts folder first
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:])} failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    return res


def grade(submissions: Path | str, out: Path | str | None = None, *, work: Path | str | None = None,
          root: Path | str = ROOT, log=print) -> list[dict]:
    """Autograde ``submissions/<student>/<NN_topic>.ipynb`` with nbgrader; write and return the CSV rows."""
    submissions, root = Path(submissions), Path(root)
    out = Path(out) if out is not None else root / "build" / "grades.csv"
    work = Path(work) if work is not None else root / "build" / "grading"
    if work.exists():
        shutil.rmtree(work)
    (work / "source").mkdir(parents=True)
    db = work / "gradebook.db"
    (work / "nbgrader_config.py").write_text(_CONFIG.format(root=str(work), db=str(db)), encoding="utf-8")
    students = sorted(p.name for p in submissions.iterdir() if p.is_dir())
    stems = sorted({nb.stem for s in students for nb in (submissions / s).glob("*.ipynb")})
    by_stem = {p.stem: p for p in solution_notebooks(root)}
    unknown = [s for s in stems if s not in by_stem]
    if unknown:
        raise ValueError(f"submissions hold notebooks that are not chapters of the course: {unknown}")
    for stem in stems:
        log(f"graded variant of {stem} (running the solution to record the right answers)")
        nb, notes = graded_variant(by_stem[stem])
        for n in notes:
            log("  note: " + n)
        (work / "source" / stem).mkdir()
        (work / "source" / stem / f"{stem}.ipynb").write_text(render(nb), encoding="utf-8")
        _nbgrader(["generate_assignment", stem, "--force"], work)
        for s in students:
            src = submissions / s / f"{stem}.ipynb"
            if src.exists():
                dst = work / "submitted" / s / stem
                dst.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst / f"{stem}.ipynb")
        log(f"autograding {stem} ({sum((submissions / s / f'{stem}.ipynb').exists() for s in students)} submissions)")
        _nbgrader(["autograde", stem, "--create", "--force"], work)
    rows = _scores(db, stems, students)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["student", "notebook", "exercise", "points", "max_points"])
        w.writeheader()
        w.writerows(rows)
    log(f"wrote {out} ({len(rows)} rows)")
    return rows


def _scores(db: Path, stems, students) -> list[dict]:
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with Gradebook(f"sqlite:///{db}") as gb:
        for stem in stems:
            assignment = gb.find_assignment(stem)
            for s in students:
                for nb in assignment.notebooks:
                    for cell in nb.grade_cells:
                        try:
                            g = gb.find_grade(cell.name, nb.name, stem, s)
                            points = g.score if (g.auto_score is not None or g.manual_score is not None) else None
                        except MissingEntry:
                            points = None if cell.cell_type == "markdown" else 0.0
                        rows.append({"student": s, "notebook": stem, "exercise": cell.name,
                                     "points": "" if points is None else points, "max_points": cell.max_score})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.build.grading", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("mark", help="write nbgrader metadata on the exercise cells of solutions/")
    p.add_argument("names", nargs="*")
    sub.add_parser("check", help="exit 1 if an exercise cell's metadata is missing or stale")
    p = sub.add_parser("release", help="the student bundle: a folder and a zip")
    p.add_argument("--out", type=Path)
    p = sub.add_parser("grade", help="autograde SUBMISSIONS/<student>/<NN_topic>.ipynb into a CSV")
    p.add_argument("submissions", type=Path)
    p.add_argument("--out", type=Path)
    p.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    if args.cmd == "mark":
        for path in solution_notebooks():
            if args.names and path.stem not in args.names and path.name not in args.names:
                continue
            nb = nbformat.read(path, as_version=4)
            if mark(nb, path.stem):
                path.write_text(render(nb), encoding="utf-8")
                print(f"marked {path.name}")
        return 0
    if args.cmd == "check":
        found = [p for path in solution_notebooks() for p in problems(nbformat.read(path, as_version=4), path.stem)]
        for p in found:
            print(p, file=sys.stderr)
        if not found:
            print(f"nbgrader metadata up to date ({len(solution_notebooks())} notebooks).")
        return 1 if found else 0
    if args.cmd == "release":
        out = release(args.out)
        print(f"wrote {out}/ and {out.with_suffix('.zip')}")
        return 0
    grade(args.submissions, args.out, work=args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
