"""The exercise checker: what it accepts, and every way it reports a wrong answer."""

import warnings

import numpy as np
import pytest

from course_lib import checks


def _square(x):
    return np.asarray(x) ** 2


def _stub(x):
    raise NotImplementedError()


def test_right_answer_passes(capsys):
    assert checks.check_function(lambda x: np.asarray(x) ** 2, _square, [1.0, np.arange(3.0)], name="sq")
    assert "all 2 cases match" in capsys.readouterr().out
    assert checks.check_function(lambda x: x * x, _square, [2.0], name="sq")
    assert "all 1 case match" in capsys.readouterr().out


def test_not_attempted_returns_false_and_raises_under_nbgrader(capsys, monkeypatch):
    assert not checks.check_function(_stub, _square, [1.0])
    out = capsys.readouterr().out
    assert "not attempted" in out and "还没有作答" in out
    assert not checks.check_value(None, 3.0, name="σ'(0)")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(checks.ExerciseError, match="not attempted"):
        checks.check_function(_stub, _square, [1.0])
    with pytest.raises(checks.ExerciseError, match="not attempted"):
        checks.check_value(None, 3.0)


def test_wrong_value_names_the_case():
    with pytest.raises(checks.ExerciseError, match=r"case 2: sq\(\[0., 1., 2.\]\)[\s\S]*expected \[0., 1., 4.\], "
                                                   r"got \[0., 2., 4.\] \(largest difference 1\)"):
        checks.check_function(lambda x: np.asarray(x) * 2, _square, [2.0, np.arange(3.0)], name="sq")
    with pytest.raises(checks.ExerciseError, match="wrong shape: expected"):
        checks.check_function(lambda x: np.zeros(2), _square, [np.arange(3.0)])
    with pytest.raises(checks.ExerciseError, match="raised ZeroDivisionError"):
        checks.check_function(lambda x: 1 / 0, _square, [1.0])


def test_nan_is_reported_as_nan_not_as_a_zero_difference():
    def naive_softmax(z):
        e = np.exp(z)
        return e / e.sum()

    def stable(z):
        e = np.exp(z - z.max())
        return e / e.sum()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(checks.ExerciseError, match="NaN where the expected value is finite"):
            checks.check_function(naive_softmax, stable, [np.array([1000.0, 0.0, -1000.0])], atol=1e-12)


def test_a_warning_is_a_failure():
    def sigmoid_grad_naive(x):
        s = 1 / (1 + np.exp(-x))
        return s * (1 - s)

    def sigmoid_grad(x):
        e = np.exp(-np.abs(x))
        return e / (1 + e) ** 2

    with pytest.raises(checks.ExerciseError, match="warning RuntimeWarning.*overflow"):
        checks.check_function(sigmoid_grad_naive, sigmoid_grad, [np.array([-1000.0, 0.0, 1000.0])])
    def mine(x):
        e = np.exp(-np.abs(x))
        return e / (1 + e) ** 2

    assert checks.check_function(mine, sigmoid_grad, [np.array([-1000.0, 0.0, 1000.0])])  # underflow is fine


def test_modifying_an_input_is_a_failure_unless_allowed():
    def step_in_place(w, g):
        w -= 0.1 * g
        return w

    def step(w, g):
        return w - 0.1 * g

    case = (np.array([1.0, 2.0]), np.array([0.5, 0.5]))
    with pytest.raises(checks.ExerciseError, match=r"modified its input \(argument 1\)"):
        checks.check_function(step_in_place, step, [case])
    assert checks.check_function(step_in_place, step, [case], allow_mutation=True)
    assert np.array_equal(case[0], [1.0, 2.0])  # the caller's arrays are never touched


def test_hint_is_printed_with_a_failure():
    with pytest.raises(checks.ExerciseError, match="hint: think of the boundary"):
        checks.check_function(lambda x: x + 1, lambda x: x, [1.0], hint="think of the boundary")


def test_check_value():
    assert checks.check_value(0.25, 0.25, name="σ'(0)")
    with pytest.raises(checks.ExerciseError, match="σ'\\(0\\)"):
        checks.check_value(0.5, 0.25, name="σ'(0)")


def test_cases_forms():
    ref = lambda a, b=1: a * b
    assert checks.check_function(lambda a, b=1: b * a, ref, [(2, 3), ((2,), {"b": 5}), {"a": 1, "b": 2}, 4])
    with pytest.raises(ValueError, match="cases"):
        checks.check_function(ref, ref, [])
    with pytest.raises(TypeError, match="student"):
        checks.check_function(None, ref, [1])


def test_prediction_and_pick(capsys):
    checks.prediction(None, 0.123456, name="w after 40 steps")
    assert "no prediction written" in capsys.readouterr().out
    checks.prediction(0.1, 0.123456, name="w")
    assert "your prediction: 0.1 · 实测 measured: 0.123" in capsys.readouterr().out
    mine, lib = (lambda x: x), (lambda x: x)
    assert checks.pick(mine, lib, checks.CheckResult(True), name="mine") is mine
    assert "uses your mine" in capsys.readouterr().out
    assert checks.pick(mine, lib, checks.CheckResult(False), name="mine") is lib
    assert "library's" in capsys.readouterr().out


def test_calling_the_answer_is_refused():
    def lazy(x):
        return _square(x)

    with pytest.raises(checks.ExerciseError, match="calls the course's answer _square"):
        checks.check_function(lazy, _square, [1.0])
    with pytest.raises(checks.ExerciseError, match="calls the course's answer"):
        checks.check_function(_square, _square, [1.0])
    with pytest.raises(checks.ExerciseError, match="calls the course's answer"):
        checks.check_function(lambda x: (lambda y: _square(y))(x), _square, [1.0])


def test_expected_values_instead_of_a_reference(capsys):
    assert checks.check_function(lambda x: x * 2, None, [1.0, (2.0,)], expected=[2.0, 4.0], name="double")
    with pytest.raises(checks.ExerciseError, match="expected 4., got 5."):
        checks.check_function(lambda x: x * 2 + (x > 1), None, [1.0, 2.0], expected=[2.0, 4.0])
    with pytest.raises(ValueError, match="one result per case"):
        checks.check_function(lambda x: x, None, [1.0], expected=[1.0, 2.0])


def test_recorded_cases_round_trip(tmp_path, monkeypatch):
    import json

    path = tmp_path / "checks.jsonl"
    monkeypatch.setenv("NN_OPT_LAB_RECORD_CHECKS", str(path))
    cases = [(np.arange(3.0), 2), ((np.float32(1.5),), {"k": (1, 2)})]
    ref = lambda x, k=1: np.asarray(x) * (k if not isinstance(k, tuple) else sum(k))
    checks.check_function(lambda x, k=1: ref(x, k) + 0, lambda x, k=1: ref(x, k), cases, name="scale")
    row = json.loads(path.read_text().splitlines()[0])
    assert row["name"] == "scale"
    back = checks.from_record(row["cases"])
    assert checks.check_function(lambda x, k=1: ref(x, k), None, back, expected=checks.from_record(row["expected"]))
    assert np.array_equal(back[0][0], np.arange(3.0)) and back[1][1] == {"k": (1, 2)}


def test_calling_the_answer_through_a_module_is_refused():
    import course_lib.nn.activations as A

    ns = {"A": A, "np": np}
    exec("def my_grad(x):\n    return A.sigmoid_grad(x)\n", ns)
    with pytest.raises(checks.ExerciseError, match="calls the course's answer sigmoid_grad"):
        checks.check_function(ns["my_grad"], A.sigmoid_grad, [np.array([0.0, 1.0])])
    exec("def my_grad2(x):\n    s = A.sigmoid(x)\n    return s * (1 - s)\n", ns)  # using another formula is fine
    assert checks.check_function(ns["my_grad2"], A.sigmoid_grad, [np.array([0.0, 1.0])])
