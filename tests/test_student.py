"""solutions/ -> chapters/ generation: stubs, staleness check, and student work never destroyed."""

import json
import shutil

import nbformat
import pytest

from course_lib.build import student
from course_lib.build.notebooks import ROOT

SOLUTION = '''import numpy as np

def sigmoid_grad(x):
    """The student's function."""
    ### BEGIN SOLUTION
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)
    ### END SOLUTION
'''


def _course(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell(SOLUTION),
                nbformat.v4.new_code_cell("print(1)")]
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    nb.cells[2].execution_count = 3
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    (tmp_path / "solutions").mkdir()
    nbformat.write(nb, tmp_path / "solutions" / "01_demo.ipynb")
    return tmp_path


def test_strip_keeps_indentation_and_signature():
    out, found = student.strip_solutions(SOLUTION)
    assert found
    assert "def sigmoid_grad(x):" in out and "s * (1 - s)" not in out
    assert "    # YOUR CODE HERE\n    raise NotImplementedError()" in out
    assert student.strip_solutions("x = 1")[1] is False


@pytest.mark.parametrize("src, match", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without a matching"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
])
def test_malformed_regions_are_reported(src, match):
    with pytest.raises(ValueError, match=match):
        student.strip_solutions(src)


def test_generate_writes_stubs_clears_outputs_and_tags(tmp_path):
    root = _course(tmp_path)
    written = student.generate(root, log=lambda *_: None)
    assert [p.name for p in written] == ["01_demo.ipynb"]
    nb = nbformat.read(root / "chapters" / "01_demo.ipynb", as_version=4)
    assert "raise NotImplementedError()" in nb.cells[1].source
    assert "raises-exception" in nb.cells[1].metadata["tags"]
    assert "tags" not in nb.cells[2].metadata
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert "widgets" not in nb.metadata
    assert student.stale(root) == []


def test_check_detects_stale_and_orphans(tmp_path):
    root = _course(tmp_path)
    assert student.stale(root) == ["chapters/01_demo.ipynb is missing"]
    student.generate(root, log=lambda *_: None)
    sol = nbformat.read(root / "solutions" / "01_demo.ipynb", as_version=4)
    sol.cells[0].source = "# New title"
    nbformat.write(sol, root / "solutions" / "01_demo.ipynb")
    assert "differs" in student.stale(root)[0]
    shutil.copy(root / "chapters" / "01_demo.ipynb", root / "chapters" / "02_orphan.ipynb")
    assert any("no solution" in p for p in student.stale(root))
    assert student.main(["--check", "--root", str(root)]) == 1


def test_unedited_chapter_is_regenerated(tmp_path):
    root = _course(tmp_path)
    student.generate(root, log=lambda *_: None)
    sol = nbformat.read(root / "solutions" / "01_demo.ipynb", as_version=4)
    sol.cells[0].source = "# Better title"
    nbformat.write(sol, root / "solutions" / "01_demo.ipynb")
    # the student ran the notebook (outputs, counts) but typed nothing: safe to regenerate
    ch = nbformat.read(root / "chapters" / "01_demo.ipynb", as_version=4)
    ch.cells[2].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    nbformat.write(ch, root / "chapters" / "01_demo.ipynb")
    assert student.generate(root, log=lambda *_: None)
    assert nbformat.read(root / "chapters" / "01_demo.ipynb", as_version=4).cells[0].source == "# Better title"


def test_edited_chapter_survives_regeneration(tmp_path):
    root = _course(tmp_path)
    student.generate(root, log=lambda *_: None)
    path = root / "chapters" / "01_demo.ipynb"
    ch = nbformat.read(path, as_version=4)
    ch.cells[1].source = ch.cells[1].source.replace("raise NotImplementedError()", "return x  # my attempt")
    nbformat.write(ch, path)
    before = path.read_bytes()
    sol = nbformat.read(root / "solutions" / "01_demo.ipynb", as_version=4)
    sol.cells[0].source = "# Changed upstream"
    nbformat.write(sol, root / "solutions" / "01_demo.ipynb")

    with pytest.raises(student.StudentWorkError, match="01_demo.ipynb: edited"):
        student.generate(root, log=lambda *_: None)
    assert path.read_bytes() == before
    assert student.main(["--root", str(root)]) == 2
    assert path.read_bytes() == before

    student.main(["--root", str(root), "--force"])
    assert "Changed upstream" in path.read_text()


def test_repository_chapters_are_up_to_date():
    assert student.stale(ROOT) == []


def test_every_repository_chapter_has_its_stubs_tagged():
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]*_*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and "YOUR CODE HERE" in "".join(cell["source"]):
                assert "raises-exception" in cell["metadata"].get("tags", []), path.name
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [], path.name


def test_top_level_answer_gets_a_stub_that_does_not_stop_run_all():
    src = "sigma_prime_0 = None\n### BEGIN SOLUTION\nsigma_prime_0 = 0.25\n### END SOLUTION\n"
    out, found = student.strip_solutions(src)
    assert found and out == "sigma_prime_0 = None\n# YOUR CODE HERE\n"
    ns = {}
    exec(out, ns)
    assert ns["sigma_prime_0"] is None
