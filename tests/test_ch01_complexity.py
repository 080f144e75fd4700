"""Chapter 01's experiments (the model zoo, latency) and references (TF profiler, the course's numbers)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import course_lib
from course_lib.experiments import ch01_complexity as X
from course_lib.nn import complexity as cx
from course_lib.reference import ch01_complexity as R

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

L = keras.layers


# ----------------------------------------------------------------------------------------------
# The model zoo against Keras and the profiler
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("build", [X.lenet5, X.vgg_style, X.mobilenet_style, X.mlp])
def test_course_architectures_match_profiler(build):
    model = build()
    assert cx.count_params(model) == model.count_params()
    assert cx.count_flops(model) == R.profiler_flops(model)


def test_keras_applications_mobilenet_matches_profiler():
    model = keras.applications.MobileNet(input_shape=(32, 32, 3), alpha=0.25, weights=None, classes=10)
    assert cx.count_params(model) == model.count_params()
    assert cx.count_flops(model) == R.profiler_flops(model)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(f=st.integers(1, 8), more=st.integers(1, 8), build=st.sampled_from(["vgg_style", "mobilenet_style"]))
def test_model_params_and_flops_grow_with_filters(f, more, build):
    small, wide = (getattr(X, build)(input_shape=(8, 8, 3), filters=c, classes=3) for c in (f, f + more))
    assert cx.count_params(wide) > cx.count_params(small) and cx.count_flops(wide) > cx.count_flops(small)
    assert cx.count_params(small) == small.count_params()


def test_conv_stack_model_is_the_calculators_model():
    model = X.conv_stack_model((10, 12), (4, 6), kernel_size=[3, (1, 3)], strides=[2, 1], padding="valid",
                               units=5, in_channels=2)
    assert [type(la).__name__ for la in model.layers] == ["Conv2D", "Conv2D", "Flatten", "Dense"]
    assert model.layers[1].kernel_size == (1, 3) and model.layers[0].strides == (2, 2)
    assert cx.layer_table(model).rows == cx.conv_stack((10, 12), (4, 6), [3, (1, 3)], [2, 1], padding="valid",
                                                       units=5, in_channels=2).rows


def test_measure_latency_is_a_positive_time():
    t = X.measure_latency(X.mlp((4, 4, 1), hidden=(8,)), repeats=3, warmup=1)
    assert isinstance(t, float) and 0 < t < 5


def test_measure_latency_bad_keywords():
    model = X.mlp((4, 4, 1), hidden=(8,))
    with pytest.raises(ValueError, match="repeats"):
        X.measure_latency(model, repeats=0)
    with pytest.raises(ValueError, match="batch_size"):
        X.measure_latency(model, batch_size=0)
    with pytest.raises(TypeError, match="model"):
        X.measure_latency("lenet")


@pytest.mark.parametrize("call, exc, match", [
    (lambda: X.lenet5((8, 8, 3)), ValueError, "input_shape"),
    (lambda: X.lenet5((32, 32)), TypeError, "input_shape"),
    (lambda: X.vgg_style(filters=0), ValueError, "filters"),
    (lambda: X.mobilenet_style(classes=1.5), TypeError, "classes"),
    (lambda: X.mlp(hidden=8), TypeError, "hidden"),
    (lambda: X.mlp(hidden=(8, 0)), ValueError, "hidden"),
])
def test_zoo_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ----------------------------------------------------------------------------------------------
# The course's own numbers
# ----------------------------------------------------------------------------------------------
def test_course_numbers_are_reproduced():
    net342 = keras.Sequential([keras.Input((3,)), L.Dense(4, activation="relu"), L.Dense(2)])
    iris = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="softmax",
                                                        kernel_regularizer=keras.regularizers.l2())])
    t = cx.layer_table(net342)
    ours = {("3-4-2 network", "layers"): int((t.macs > 0).sum()), ("3-4-2 network", "params"): t.total_params,
            ("3-4-2 network", "MACs"): t.total_macs, ("Keras iris", "params"): cx.count_params(iris)}
    assert ours == R.COURSE_NUMBERS


def test_profiler_counts_a_dense_layer():
    model = keras.Sequential([keras.Input((5,)), L.Dense(3)])
    assert R.profiler_flops(model) == 2 * 5 * 3 + 3


def test_modules_import_without_tensorflow():
    import subprocess
    import sys

    code = ("import sys; import course_lib.experiments.ch01_complexity, course_lib.reference.ch01_complexity; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_all_is_public_api():
    for mod in (X, R):
        for name in mod.__all__:
            assert hasattr(mod, name), name
    assert np.all([callable(getattr(X, n)) for n in X.__all__])
