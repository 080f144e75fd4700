"""Grading with nbgrader: exercise metadata, the student release, and a real autograde of three submissions."""

import csv
import shutil
import zipfile

import nbformat
import pytest

from course_lib.build import grading, student
from course_lib.build.notebooks import ROOT, solution_notebooks

CELLS = [
    ("markdown", "# 99 A tiny chapter\n\nExercises to test the grading flow."),
    ("code", "import numpy as np\nfrom course_lib import checks"),
    ("code", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * np.asarray(x)\n    ### END SOLUTION"),
    ("code", "checks.check_function(double, lambda x: 2 * np.asarray(x), [1.0, np.arange(3.0)])"),
    ("code", "answer = None\n### BEGIN SOLUTION\nanswer = 0.25\n### END SOLUTION"),
    ("code", "checks.check_value(answer, 0.25, name='answer')"),
    ("markdown", "**Open question.** Why?\n\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
]


def _tiny(root):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, src in CELLS:
        nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src))
    nb.cells[5].metadata["tags"] = ["points-2"]
    (root / "solutions").mkdir(parents=True)
    path = root / "solutions" / "99_tiny.ipynb"
    grading.mark(nb, "99_tiny")
    path.write_text(student.render(nb), encoding="utf-8")
    return path, nb


def test_mark_finds_solution_test_and_open_cells(tmp_path):
    _, nb = _tiny(tmp_path)
    meta = {i: c.metadata.get("nbgrader") for i, c in enumerate(nb.cells) if "nbgrader" in c.metadata}
    assert meta[2]["grade_id"] == "99_tiny-ex1" and meta[2]["solution"] and not meta[2]["grade"]
    assert meta[3]["grade_id"] == "99_tiny-ex1-check" and meta[3]["grade"] and meta[3]["locked"]
    assert meta[3]["points"] == 1 and meta[5]["points"] == 2
    assert meta[6]["grade_id"] == "99_tiny-ex3-answer" and meta[6]["solution"] and meta[6]["grade"]
    assert set(meta) == {2, 3, 4, 5, 6}
    assert grading.problems(nb, "99_tiny") == []
    assert not grading.mark(nb, "99_tiny")  # idempotent
    nb.cells[0].source += "\nWrite between `### BEGIN SOLUTION` and `### END SOLUTION`."
    assert any("without being the marker" in p for p in grading.problems(nb, "99_tiny"))
    del nb.cells[3].metadata["nbgrader"]
    assert any("missing or stale" in p for p in grading.problems(nb, "99_tiny"))


def test_student_version_keeps_the_grading_metadata(tmp_path):
    _, nb = _tiny(tmp_path)
    st = student.make_student(nb, "99_tiny.ipynb")
    assert st.cells[1].id == "install-course"
    del st.cells[1]  # the install cell the generator puts first
    assert [c.metadata.get("nbgrader") for c in st.cells] == [c.metadata.get("nbgrader") for c in nb.cells]
    assert "answer = None\n# YOUR CODE HERE" in st.cells[4].source


def test_release_holds_no_solution_code(tmp_path):
    out = grading.release(tmp_path / "nn-opt-lab")
    assert (out / "chapters").is_dir() and (out / "course_lib" / "__init__.py").exists()
    assert not (out / "solutions").exists() and not (out / "course_lib" / "build" / "grading.py").exists()
    secret = grading.solution_lines(ROOT)
    assert secret, "no solution lines found in solutions/"
    leaked = []
    for p in out.rglob("*.ipynb"):
        text = p.read_text(encoding="utf-8")
        for cell in nbformat.reads(text, as_version=4).cells:
            leaked += [(p.name, line) for line in cell.source.split("\n") if line.strip() in secret]
    assert not leaked, leaked[:5]
    with zipfile.ZipFile(out.with_suffix(".zip")) as z:
        names = z.namelist()
    assert "nn-opt-lab/chapters/" + sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))[0] in names


@pytest.mark.slow
def test_autograde_three_submissions(tmp_path):
    pytest.importorskip("nbgrader")
    path, nb = _tiny(tmp_path)
    subs = tmp_path / "submissions"
    for name in ("right", "blank", "wrong"):
        (subs / name).mkdir(parents=True)
    shutil.copy(path, subs / "right" / path.name)
    (subs / "blank" / path.name).write_text(student.render(student.make_student(nb, path.name)), encoding="utf-8")
    wrong = nbformat.read(path, as_version=4)
    wrong.cells[2].source = wrong.cells[2].source.replace("2 * np.asarray(x)", "3 * np.asarray(x)")
    (subs / "wrong" / path.name).write_text(student.render(wrong), encoding="utf-8")
    out = tmp_path / "grades.csv"
    grading.grade(subs, out, work=tmp_path / "work", root=tmp_path, log=lambda *a: None)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    got = {(r["student"], r["exercise"]): r["points"] for r in rows}
    assert got == {
        ("right", "99_tiny-ex1-check"): "1.0", ("right", "99_tiny-ex2-check"): "2.0", ("right", "99_tiny-ex3-answer"): "",
        ("blank", "99_tiny-ex1-check"): "0.0", ("blank", "99_tiny-ex2-check"): "0.0", ("blank", "99_tiny-ex3-answer"): "",
        ("wrong", "99_tiny-ex1-check"): "0.0", ("wrong", "99_tiny-ex2-check"): "2.0", ("wrong", "99_tiny-ex3-answer"): "",
    }, got
    assert {r["max_points"] for r in rows if r["exercise"].endswith("ex2-check")} == {"2.0"}
    graded = (tmp_path / "work" / "source" / "99_tiny" / "99_tiny.ipynb").read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" in graded and "lambda x" in graded  # fixed values beside the visible check


@pytest.mark.slow
def test_release_wheel_runs_a_chapter_outside_the_repository(tmp_path):
    """Colab's path, offline: a kernel without course_lib runs a chapter; its first cell installs the
    release's wheel. The fresh venv borrows this venv's third-party packages (TensorFlow & co.) through a
    .pth line, which does not carry the editable install of course_lib itself."""
    import site
    import subprocess
    import venv

    out = grading.release(tmp_path / "nn-opt-lab")
    wheel = next((out / "dist").glob("nn_opt_lab-*.whl"))
    env_dir = tmp_path / "colab"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    purelib = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / "colab" / purelib.split(str(env_dir) + "/", 1)[1] / "borrowed.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n")
    probe = subprocess.run([py, "-c", "import importlib.util; print(importlib.util.find_spec('course_lib'))"],
                           capture_output=True, text=True, check=True, cwd=tmp_path)
    assert probe.stdout.strip() == "None", "the fresh kernel must start without course_lib"
    work = tmp_path / "work"
    work.mkdir()
    chapter = out / "chapters" / "02_lr_policies_appendix.ipynb"  # the quickest Run All: nbval runs every chapter
    shutil.copy(chapter, work / chapter.name)
    shutil.copy(wheel, work / wheel.name)
    run = ("import nbformat, sys; from nbclient import NotebookClient\n"
           f"nb = nbformat.read({str(work / chapter.name)!r}, as_version=4)\n"
           f"NotebookClient(nb, timeout=600, kernel_name='python3', resources={{'metadata': {{'path': {str(work)!r}}}}}).execute()\n"
           "import course_lib; print('course_lib from', course_lib.__file__)")
    res = subprocess.run([py, "-c", run], capture_output=True, text=True, cwd=work,
                         env={k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"})
    assert res.returncode == 0, res.stderr[-3000:]
    assert str(env_dir) in res.stdout, res.stdout  # installed into the fresh venv by the notebook's first cell


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_solution_grading_metadata_is_current(path):
    """Every exercise of every solution carries current nbgrader metadata and is followed by its checker."""
    assert grading.problems(nbformat.read(path, as_version=4), path.stem) == []
