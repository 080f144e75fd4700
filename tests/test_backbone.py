"""setup(), lazy TensorFlow, checkers and the LivePlot widget."""

import os
import subprocess
import sys

import numpy as np
import pytest

import course_lib
from course_lib import widgets


def test_import_course_lib_does_not_import_tensorflow():
    # every module a notebook imports (the tooling in build/ aside): none may import TensorFlow by itself
    code = ("import importlib, pkgutil, sys, course_lib\n"
            "for m in pkgutil.walk_packages(course_lib.__path__, 'course_lib.'):\n"
            "    if not m.name.startswith('course_lib.build'):\n"
            "        importlib.import_module(m.name)\n"
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_import_tf_is_silent_and_seeded():
    code = ("import course_lib; course_lib.setup(7); tf = course_lib.import_tf(); "
            "print(float(tf.random.uniform([])))")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"})
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stderr == "", runs[0].stderr


def test_setup_seeds_numpy_and_validates():
    course_lib.setup(3, plots=False)
    a = np.random.rand(3)
    course_lib.setup(3, plots=False)
    np.testing.assert_array_equal(a, np.random.rand(3))
    assert course_lib.current_seed() == 3
    np.testing.assert_array_equal(course_lib.rng().random(2), np.random.default_rng(3).random(2))
    for bad in (-1, 1.5, "1", True):
        with pytest.raises(ValueError, match="seed"):
            course_lib.setup(bad)
        with pytest.raises(ValueError, match="seed"):
            course_lib.rng(bad)


def test_setup_saves_inline_figures_without_a_second_measuring_draw():
    """In IPython, figures are formatted as drawn (no 'tight' crop: that draws them twice), zlib level 1."""
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    shell = InteractiveShell.instance()
    try:
        from matplotlib_inline.backend_inline import configure_inline_support

        configure_inline_support(shell, "inline")  # what `import matplotlib.pyplot` does in a kernel
        course_lib.setup(3)
        fmt = shell.display_formatter.formatters["image/png"].lookup_by_type(Figure)
        assert fmt.keywords["bbox_inches"] is None and fmt.keywords["pil_kwargs"] == {"compress_level": 1}
        fig = Figure(figsize=(2, 1), dpi=50)
        fig.subplots().plot([0, 1])
        png = shell.display_formatter.format(fig)[0]["image/png"]
        assert png  # still a picture
    finally:
        InteractiveShell.clear_instance()


def _square(x):
    return np.asarray(x) ** 2


def test_liveplot_redraws_and_has_a_static_fallback():
    calls = []

    def compute(a, n):
        calls.append((a, n))
        x = np.linspace(0, 1, 50)
        return x, a * x ** n

    def draw(data, ax):
        ax.plot(*data)

    w = widgets.LivePlot(compute, draw, {"a": widgets.slider(1.0, 0, 2, 0.1, "a"),
                                         "n": widgets.int_slider(2, 1, 5, "n")},
                         caption=lambda d: f"max {d[1].max():.2f}")
    first = w.image.value
    assert calls == [(1.0, 2)] and first[:4] == b"\x89PNG"
    w.controls["a"].value = 1.5
    assert calls[-1] == (1.5, 2) and w.image.value != first
    w.set(a=0.5, n=3)
    assert calls[-1] == (0.5, 3) and len(calls) == 3  # one redraw for two values
    assert w.text.value.endswith("max 0.50</pre>")
    bundle = w._repr_mimebundle_()
    assert bundle["text/plain"].startswith("LivePlot(a=0.5, n=3)")
    assert "image/png" in bundle and "application/vnd.jupyter.widget-view+json" in bundle
    with pytest.raises(ValueError, match="unknown control"):
        w.set(b=1)

    linked = widgets.LivePlot(compute, draw, {"a": widgets.slider(1.0, 0, 2, 0.1, "a"),
                                              "n": widgets.int_slider(2, 1, 5, "n")},
                              links={"n": lambda n: {"a": n / 5}})
    calls.clear()
    linked.controls["n"].value = 4
    assert calls == [(0.8, 4)] and linked.controls["a"].value == 0.8  # one redraw, preset applied
    with pytest.raises(ValueError, match="links"):
        widgets.LivePlot(compute, draw, {"a": widgets.slider(1.0, 0, 2, 0.1, "a")}, links={"zz": abs})
    with pytest.raises(ValueError, match="controls"):
        widgets.LivePlot(compute, draw, {})


def test_thread_cap_from_the_environment():
    code = ("import course_lib; tf = course_lib.import_tf(); "
            "print(tf.config.threading.get_intra_op_parallelism_threads(), "
            "tf.config.threading.get_inter_op_parallelism_threads())")
    env = {**os.environ, "NN_OPT_LAB_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["1", "1"]
    env["NN_OPT_LAB_THREADS"] = "many"
    bad = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('tensorflow' in sys.modules)"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode != 0 and "NN_OPT_LAB_THREADS" in bad.stderr and bad.stdout == ""


@pytest.mark.parametrize("value", ["many", "0", "-2", "1.5"])
def test_thread_cap_is_checked_before_tensorflow_is_imported(monkeypatch, value):
    monkeypatch.setenv("NN_OPT_LAB_THREADS", value)
    with pytest.raises(ValueError, match="NN_OPT_LAB_THREADS must be a positive integer"):
        course_lib._thread_cap()
    monkeypatch.setenv("NN_OPT_LAB_THREADS", " 3 ")
    assert course_lib._thread_cap() == 3
