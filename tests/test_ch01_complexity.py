"""Chapter 01's experiments (the model zoo, latency) and references (TF profiler, the course's numbers)."""

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


def test_forward_function_and_profiler_count_are_memoised_per_model():
    model = X.mlp((4, 4, 1), hidden=(8,))
    fn = X.forward_function(model)
    assert X.forward_function(model) is fn and X.forward_function(X.mlp((4, 4, 1), hidden=(8,))) is not fn
    flops = R.profiler_flops(model)
    assert R.profiler_flops(model) == flops == cx.count_flops(model)
    seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    before = R.profiler_flops(seq)
    seq.add(keras.layers.Dense(4))  # the architecture changed: counted again
    assert R.profiler_flops(seq) == cx.count_flops(seq) != before
    with pytest.raises(TypeError):
        X.forward_function("lenet")


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
    (lambda: X.pixel_mlp(width=0), ValueError, "width"),
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


# ----------------------------------------------------------------------------------------------
# The chapter's runs
# ----------------------------------------------------------------------------------------------
def test_knob_ratios_follow_the_formulas():
    r = X.knob_ratios()
    assert 2 < r["channels 16 -> 32"]["FLOPs"] < 4            # first layer x2, middle layers x4
    assert r["input 32 -> 64"]["conv params"] == 1.0          # a convolution's weights ignore the input size
    assert abs(r["input 32 -> 64"]["MACs"] - 4) < 1e-12
    assert r["kernel 3 -> 5"]["feature maps"] == 1.0
    assert X.conv_stack_view().rows == cx.conv_stack(32, 16, 3, 1, 3, units=10).rows
    with pytest.raises(TypeError, match="knobs"):
        X.knob_ratios(knobs={"x": 3})
    with pytest.raises(TypeError, match="base"):
        X.knob_ratios(base="abc")


def test_model_summary_is_the_notes_memory_traffic():
    s = X.model_summary(X.lenet5())
    assert s["params"] == 62006 and s["feature maps"] == 4 * 8494
    assert s["memory traffic"] == 4 * s["params"] + s["feature maps"]
    assert s["layers"] == 5


def test_latency_table_and_observations():
    models = {"a": X.mlp((4, 4, 1), hidden=(8,)), "b": X.mlp((4, 4, 1), hidden=(8, 8))}
    table = X.latency_table(models, {"a": 2e-3, "b": 1e-3})
    assert table["a"]["GFLOP/s"] == pytest.approx(cx.count_flops(models["a"]) / 2e-3 / 1e9)
    lines = X.latency_observations(table)
    assert "FLOPs 最少: a" in lines[0] and "最快: b" in lines[0] and "不是同一个模型" in lines[0]
    with pytest.raises(ValueError, match="latency_s"):
        X.latency_table(models, {"a": 1e-3})
    with pytest.raises(TypeError, match="table"):
        X.latency_observations({"a": 1})
    assert set(X.LATENCY_REFERENCE_MS) == {"LeNet-5", "VGG-style", "MobileNet-style", "MLP", "MobileNet a=0.25",
                                           "VGG-style 64x64 x2", "MobileNet-style 64x64 x2"}


def test_latency_comparison_orders_and_counts_pairs():
    models = {"a": X.mlp((4, 4, 1), hidden=(8,)), "b": X.mlp((4, 4, 1), hidden=(8, 8)),
              "c": X.mlp((4, 4, 1), hidden=(32, 32))}                  # FLOPs: a < b < c
    here = X.latency_table(models, {"a": 3e-3, "b": 1e-3, "c": 2e-3})  # time: b < c < a
    ref = X.latency_table(models, {"a": 1e-3, "b": 2e-3, "c": 3e-3})   # time in FLOPs order
    lines = X.latency_comparison(here, ref)
    assert "(这次运行): b < c < a" in lines[0] and "(参考机):   a < b < c" in lines[1] and lines[2].endswith(" a < b < c")
    assert "这次运行 2 对，参考机 0 对 (共 3 对)" in lines[3]
    assert not any(word in "".join(lines) for word in ("是同一个", "不是", "正确", "错误"))   # no verdict
    with pytest.raises(ValueError, match="same models"):
        X.latency_comparison(here, X.latency_table({"a": models["a"]}, {"a": 1e-3}))
    with pytest.raises(TypeError, match="reference"):
        X.latency_comparison(here, {"a": 1})


def test_latency_models_are_the_reference_models():
    models = X.latency_models()
    assert set(models) == set(X.LATENCY_REFERENCE_MS)
    assert cx.count_flops(models["VGG-style 64x64 x2"]) > 100 * cx.count_flops(models["LeNet-5"])


def test_keras_applications_cache_is_what_the_counters_say():
    """The cache the lesson prints is rebuilt here: every number, from Keras' own models (weights=None)."""
    assert X.keras_applications_counts(live=True) == X.keras_applications_counts()


def test_published_numbers_agree_with_ours_within_rounding():
    ours = X.keras_applications_counts()
    assert abs(ours["MobileNet"]["MACs"] / X.PUBLISHED["MobileNet"]["MACs"][0] - 1) < 0.005
    assert round(ours["MobileNet"]["trainable"] / 1e6, 1) == 4.2           # BN statistics are not learned
    assert round(ours["MobileNet"]["params"] / 1e6, 1) == 4.3              # ... but Keras counts them
    assert round(ours["VGG16"]["params"] / 1e6) == 138
    assert round(ours["ResNet50"]["MACs"] / 1e9, 1) == 3.9 and ours["ResNet50"]["MACs"] > 3.8e9
    v15 = ours["ResNet50"]["MACs"] + X.resnet50_v15_extra_macs()
    assert X.resnet50_v15_extra_macs() == 3 * (56 * 56 - 28 * 28) * 256 * 128 and round(v15 / 1e9, 1) == 4.1


def test_vgg16_table_with_the_library_cost_is_keras_vgg16():
    rows = X.vgg16_table()
    assert sum(r[3] for r in rows) == X.KERAS_APPLICATIONS["VGG16"]["params"]
    assert sum(r[4] for r in rows) == X.KERAS_APPLICATIONS["VGG16"]["FLOPs"]
    assert [r[0] for r in rows][-3:] == ["fc1", "fc2", "predictions"]

    def no_bias(input_size, in_channels, filters, kernel_size, strides=1, padding="same", use_bias=True):
        return X.conv2d_cost(input_size, in_channels, filters, kernel_size, strides, padding, False)

    assert sum(r[3] for r in X.vgg16_table(no_bias)) == X.KERAS_APPLICATIONS["VGG16"]["params"] - 4224
    with pytest.raises(TypeError, match="conv_cost"):
        X.vgg16_table("abc")


def test_exercise_1_fixed_answer_is_the_librarys_and_keras():
    """The check cell of exercise 1 compares with fixed values: they must be what the formulas and Keras say."""
    row = cx.conv2d_complexity(32, 16, 32, 3, 2, "same", use_bias=False)
    assert X.EXERCISE_1 == {"params": row.params, "flops": row.flops}
    model = keras.Sequential([keras.Input((32, 32, 16)), L.Conv2D(32, 3, strides=2, padding="same", use_bias=False)])
    assert X.EXERCISE_1 == {"params": model.count_params(), "flops": R.profiler_flops(model)}


def test_conv2d_cost_is_a_keras_layer():
    m, params, flops = X.conv2d_cost(32, 16, 32, 3, 2, "same", False)
    model = keras.Sequential([keras.Input((32, 32, 16)), L.Conv2D(32, 3, strides=2, padding="same", use_bias=False)])
    assert (m, params, flops) == (16, model.count_params(), R.profiler_flops(model))


def test_memory_formula_and_slopes():
    f = X.memory_formula(X.lenet5())
    assert f == {"all feature maps": 33976, "largest pair": 18816 + 4704, "params": 4 * 62006}
    fit = X.memory_slopes({"batch_sizes": [1, 2, 4], "train": [13.0, 16.0, 22.0], "inference": [1.0, 2.0, 4.0]})
    assert fit["train"] == pytest.approx((10.0, 3.0)) and fit["inference"] == pytest.approx((0.0, 1.0), abs=1e-9)
    with pytest.raises(ValueError, match="result"):
        X.memory_slopes({"batch_sizes": [4], "train": [1.0], "inference": [1.0]})
    with pytest.raises(TypeError, match="result"):
        X.memory_slopes([1, 2])


def test_memory_observations_follow_the_numbers():
    f = X.memory_formula(X.lenet5())
    result = {"batch_sizes": [64, 128, 256], "train": [69.6e6, 70.8e6, 69.4e6], "inference": [2.1e6, 4.0e6, 6.7e6]}
    lines = X.memory_observations(result, f)
    assert lines[0].startswith("训练一步: B = 64 时峰值 69.6 MB，其中特征图按公式占 2.2 MB (34.0 KB/样本)")
    assert "B 从 64 到 256，峰值变化 -0.2 MB；特征图按公式应多 +6.5 MB" in lines[1]
    slope = X.memory_slopes(result)["inference"][1]
    assert f"斜率 {slope / 1e3:.1f} KB/样本，公式 (相邻两层之和) 23.5 KB，比值 {slope / 23520:.2f}" in lines[2]
    with pytest.raises(TypeError, match="formula"):
        X.memory_observations(result, {"params": 1})
    with pytest.raises(TypeError, match="result"):
        X.memory_observations([1], f)


def test_fit_step_memory_needs_the_allocator_statistics():
    model = X.mlp((4, 4, 1), hidden=(8,))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(RuntimeError, match="TF_CPU_ALLOCATOR_USE_BFC"):   # this process imported TF without it
        X.fit_step_memory(model, (4, 8))
    with pytest.raises(ValueError, match="compiled"):
        X.fit_step_memory(X.mlp((4, 4, 1), hidden=(8,)), (4, 8))


_MEMORY_RUN = """
import os; os.environ['TF_CPU_ALLOCATOR_USE_BFC'] = 'true'
import course_lib; course_lib.setup(plots=False); course_lib.import_tf()
from course_lib.experiments import ch01_complexity as X
m = X.pixel_mlp((32, 32, 3), width=16)
m.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')
r = X.fit_step_memory(m, (32, 64, 128)); f = X.memory_formula(m); s = X.memory_slopes(r)
print(all(t > i > 0 for t, i in zip(r['train'], r['inference'])),
      1 <= s['train'][1] / f['all feature maps'] < 2, 0.9 < s['inference'][1] / f['largest pair'] < 1.1)
"""


def test_fit_step_memory_measures_training_above_inference():
    """In a fresh process with the allocator's statistics on: training keeps every feature map, inference two."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _MEMORY_RUN], capture_output=True, text=True, check=True, timeout=600)
    assert out.stdout.split()[-3:] == ["True", "True", "True"], out.stdout + out.stderr


# ----------------------------------------------------------------------------------------------
# References
# ----------------------------------------------------------------------------------------------
def test_output_sizes_and_padding_equal_tensorflow():
    rows = R.output_size_cases(range(1, 10), range(1, 5), range(1, 4))
    assert rows and all(ours == theirs for *_, ours, theirs in rows)
    assert any(pad == "same" and ours[1] < ours[2] for _, _, _, pad, ours, _ in rows)  # asymmetric cases exist


def test_ch01_vs_tensorflow_rows_are_all_zero():
    rows = R.ch01_vs_tensorflow({"LeNet-5": X.lenet5(), "stack": X.conv_stack_model(8, [2, 3], units=2)})
    assert [r[0] for r in rows][:2] == ["parameters vs model.count_params()", "FLOPs vs TensorFlow profiler"]
    assert all(d == 0 for *_, d in rows), rows
    with pytest.raises(TypeError, match="models"):
        R.model_rows([X.lenet5()])


# ----------------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------------
def test_figures_draw_one_quantity_per_axis():
    import matplotlib

    matplotlib.use("Agg")
    from course_lib.figures import ch01_complexity as F
    from course_lib.figures import new_figure

    fig, axes = new_figure(1, 3)
    F.draw_conv_stack(X.conv_stack_view(), axes)
    assert [ax.get_title() for ax in axes] == ["parameters", "FLOPs", "feature map (KiB)"]
    assert all(ax.get_yscale() == "log" for ax in axes)
    for ax in axes:
        lo, hi = ax.get_ylim()
        assert hi / lo <= 1e12
    models = {"LeNet-5": X.lenet5(), "MLP": X.mlp()}
    s = {n: X.model_summary(m) for n, m in models.items()}
    fig, (a1, a2) = new_figure(1, 2)
    F.draw_params_vs_flops(s, a1)
    F.draw_memory_traffic(s, a2)
    assert a2.get_legend() is not None
    fig, ax = new_figure()
    F.draw_latency_vs_flops(X.latency_table(models, {"LeNet-5": 4e-4, "MLP": 3e-4}), ax)
    fig, axes = new_figure(1, 2)
    F.draw_fit_memory({"batch_sizes": [1, 2, 4], "train": [13e6, 16e6, 22e6], "inference": [1e6, 2e6, 4e6]},
                      X.memory_formula(models["LeNet-5"]), axes)
    assert [ax.get_title() for ax in axes] == ["training step (train_on_batch)", "inference (predict_on_batch)"]
