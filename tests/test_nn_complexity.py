"""course_lib.nn.complexity against Keras (count_params, output shapes) and TensorFlow's profiler."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import course_lib
from course_lib.experiments import ch01_complexity as X
from course_lib.nn import complexity as cx
from course_lib.reference.ch01_complexity import profiler_flops

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

L = keras.layers


def _random_conv_net(seed):
    """A random conv net: 1–3 Conv2D (kernel 1–5, stride 1–3, valid/same, bias on/off), maybe a Dense head."""
    rng = np.random.default_rng(seed)
    h, cin = int(rng.integers(8, 33)), int(rng.integers(1, 5))
    w = h + int(rng.integers(0, 4))
    layers = [keras.Input((h, w, cin))]
    for i in range(int(rng.integers(1, 4))):
        k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
        s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        pad = str(rng.choice(["valid", "same"]))
        if pad == "valid" and (k[0] > h or k[1] > w):
            pad = "same"
        layers.append(L.Conv2D(int(rng.integers(1, 9)), k, strides=s, padding=pad, use_bias=bool(rng.integers(0, 2)),
                               name=f"conv{i}"))
        h = cx.conv_output_size(h, k[0], s[0], pad)
        w = cx.conv_output_size(w, k[1], s[1], pad)
    if rng.integers(0, 2):
        layers += [L.Flatten(name="flat"), L.Dense(int(rng.integers(1, 12)), use_bias=bool(rng.integers(0, 2)),
                                                   name="head")]
    return keras.Sequential(layers, name=f"random_{seed}")


# ----------------------------------------------------------------------------------------------
# Against Keras and the profiler
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(10))
def test_random_conv_nets_match_keras_and_profiler(seed):
    model = _random_conv_net(seed)
    assert cx.count_params(model) == model.count_params()
    assert cx.count_flops(model) == profiler_flops(model)
    bias = sum(math.prod(la.output.shape[1:]) for la in model.layers if getattr(la, "use_bias", False))
    assert cx.count_flops(model) == 2 * cx.count_macs(model) + bias
    assert cx.feature_map_memory(model) == 4 * sum(math.prod(la.output.shape[1:]) for la in model.layers)
    table = cx.layer_table(model)
    assert table.total_params == model.count_params()
    assert table.total_flops == cx.count_flops(model)
    assert table.total_macs == cx.count_macs(model)
    assert table.total_memory == cx.feature_map_memory(model)
    assert [r.output_shape for r in table] == [tuple(la.output.shape[1:]) for la in model.layers]


def test_dense_and_conv_by_hand():
    # The notes' example: 3 -> 4 -> 2, 26 parameters and 20 multiply-accumulates.
    net = cx.LayerTable([cx.dense_complexity(3, 4), cx.dense_complexity(4, 2)])
    assert (net.total_params, net.total_macs, net.total_flops) == (26, 20, 46)
    # LeNet's first layer: 32x32x3 -> 5x5 conv, 6 filters, valid -> 28x28x6.
    row = cx.conv2d_complexity(32, 3, 6, 5)
    assert row.output_shape == (28, 28, 6)
    assert row.params == 5 * 5 * 3 * 6 + 6 == 456
    assert row.macs == 28 * 28 * 6 * 5 * 5 * 3 == 352_800
    assert row.flops == 2 * 352_800 + 28 * 28 * 6
    assert row.memory == 28 * 28 * 6 * 4
    nobias = cx.conv2d_complexity(32, 3, 6, 5, use_bias=False)
    assert (nobias.params, nobias.flops) == (450, 2 * 352_800)


def test_other_layers_match_profiler():
    """Every supported layer type in one functional model (pooling, BN, depthwise, separable, Add, ...)."""
    i = keras.Input((11, 9, 3))
    a = L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, activation="relu6")(i)
    a = L.BatchNormalization(center=False)(a)
    b = L.SeparableConv2D(6, (3, 1), strides=2, padding="same", depth_multiplier=2, use_bias=False)(i)
    b = L.BatchNormalization(scale=False)(b)
    b = L.Activation("sigmoid")(b)
    x = L.Add()([a, b, a])
    x = L.ReLU()(x)
    x = L.ZeroPadding2D(1)(x)
    y = L.AveragePooling2D(3, strides=2, padding="same")(x)
    z = L.MaxPooling2D((2, 3), strides=(1, 2))(x)
    g = L.Concatenate()([L.GlobalAveragePooling2D()(y), L.GlobalMaxPooling2D()(z)])
    g = L.Dropout(0.3)(g)
    g = L.Reshape((3, 4))(g)
    g = L.Dense(5, activation="tanh")(g)  # a Dense on a rank-3 input
    g = L.BatchNormalization(axis=1)(g)
    g = L.Flatten()(g)
    g = L.LeakyReLU()(g)
    out = L.Softmax()(L.Dense(4, activation="softmax")(g))
    model = keras.Model(i, out)
    assert cx.count_params(model) == model.count_params()
    assert cx.count_flops(model) == profiler_flops(model)


def test_dilated_and_grouped_convolutions_use_the_textbook_count():
    """The profiler counts a dilated conv's space-to-batch padding and skips grouped convs; we do neither."""
    dil = keras.Sequential([keras.Input((9, 9, 3)), L.Conv2D(2, 3, dilation_rate=2)])
    assert dil.layers[0].output.shape[1:] == (5, 5, 2)
    assert cx.count_macs(dil) == 5 * 5 * 2 * 3 * 3 * 3
    grp = keras.Sequential([keras.Input((8, 8, 4)), L.Conv2D(6, 3, groups=2, use_bias=False)])
    assert cx.count_macs(grp) == 6 * 6 * 6 * 3 * 3 * (4 // 2)
    assert cx.count_flops(grp) == 2 * cx.count_macs(grp)
    assert cx.count_params(grp) == grp.count_params()


def test_conv_stack_equals_its_keras_model():
    kw = dict(input_size=(28, 30), filters=[8, 16, 4], kernel_size=[3, (5, 3), 1], strides=[1, 2, (1, 2)],
              padding="valid", units=10, in_channels=1)
    table = cx.conv_stack(**kw)
    model = X.conv_stack_model(**kw)
    ref = cx.layer_table(model)
    assert [r.output_shape for r in table] == [r.output_shape for r in ref]
    assert table.rows == ref.rows
    assert table.total_flops == profiler_flops(model)


def test_layer_table_renders_deterministically():
    model = X.conv_stack_model(8, 2, 3, depth=1, units=3, in_channels=1)
    text = repr(cx.layer_table(model))
    assert text == repr(cx.layer_table(X.conv_stack_model(8, 2, 3, depth=1, units=3, in_channels=1)))
    assert text.splitlines() == [
        "conv_stack: batch size 1",
        "name     type     output shape  params   MACs  FLOPs  memory (bytes)",
        "-------  -------  ------------  ------  -----  -----  --------------",
        "conv1    Conv2D   (8, 8, 2)         20  1,152  2,432             512",
        "flatten  Flatten  (128,)             0      0      0             512",
        "dense    Dense    (3,)             387    384    771              12",
        "-------  -------  ------------  ------  -----  -----  --------------",
        "total                              407  1,536  3,203           1,036",
    ]
    html = cx.layer_table(model)._repr_html_()
    assert html.startswith("<table>") and "conv1" in html and "3,203" in html and "0x" not in html


def test_all_is_public_api():
    for name in cx.__all__:
        assert hasattr(cx, name), name


def test_layer_flops_is_the_counters_rule_text():
    """One source for a rule and its text: LAYER_FLOPS holds the docstring of each registered counter."""
    assert set(cx.LAYER_FLOPS) == set(cx._COUNTERS)
    for name, rule in cx.LAYER_FLOPS.items():
        assert rule and rule == cx._COUNTERS[name].__doc__.strip(), name
    assert cx.LAYER_FLOPS["Dense"].startswith("2 · N · in_features")


def test_input_shapes():
    i1, i2 = keras.Input((4, 5, 3)), keras.Input((7,))
    model = keras.Model([i1, i2], [L.Flatten()(i1), i2])
    assert cx.input_shapes(model) == [(4, 5, 3), (7,)]


# ----------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------
sizes = st.integers(1, 40)
kernels = st.integers(1, 7)
strides_ = st.integers(1, 4)
paddings = st.sampled_from(["valid", "same"])


@settings(max_examples=60, deadline=None)
@given(x=sizes, k=kernels, s=strides_, pad=paddings)
def test_conv_output_size_matches_keras(x, k, s, pad):
    layer = L.Conv2D(1, k, strides=s, padding=pad)
    if pad == "valid" and k > x:
        with pytest.raises(ValueError, match="kernel_size"):
            cx.conv_output_size(x, k, s, pad)
        return
    assert cx.conv_output_size(x, k, s, pad) == layer.compute_output_shape((1, x, x, 1))[1]


@settings(max_examples=60, deadline=None)
@given(x=st.integers(4, 64), cin=st.integers(1, 16), c=st.integers(1, 63), k=kernels, s=strides_,
       depth=st.integers(1, 4), units=st.one_of(st.none(), st.integers(1, 20)), bias=st.booleans())
def test_flops_and_params_grow_with_channels(x, cin, c, k, s, depth, units, bias):
    a = cx.conv_stack(x, c, k, s, depth, in_channels=cin, use_bias=bias, units=units)
    b = cx.conv_stack(x, c + 1, k, s, depth, in_channels=cin, use_bias=bias, units=units)
    assert b.total_flops > a.total_flops
    assert b.total_params > a.total_params
    assert b.total_macs > a.total_macs
    assert b.total_memory > a.total_memory
    # and one layer's cost is monotone in its own input channels too
    assert cx.conv2d_complexity(x, cin + 1, c, k, s, "same").flops > cx.conv2d_complexity(x, cin, c, k, s, "same").flops


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=st.integers(6, 24), cin=st.integers(1, 4), filters=st.lists(st.integers(1, 8), min_size=1, max_size=3),
       k=st.integers(1, 5), s=st.integers(1, 3), pad=paddings, units=st.one_of(st.none(), st.integers(1, 5)),
       bias=st.booleans())
def test_model_free_calculator_equals_keras(x, cin, filters, k, s, pad, units, bias):
    kw = dict(input_size=x, filters=filters, kernel_size=k, strides=s, padding=pad, use_bias=bias, units=units,
              in_channels=cin)
    try:
        table = cx.conv_stack(**kw)
    except ValueError as exc:  # a 'valid' stack that shrinks below the kernel
        assert "kernel_size" in str(exc)
        return
    model = X.conv_stack_model(**kw)
    assert table.total_params == cx.count_params(model) == model.count_params()
    assert table.total_macs == cx.count_macs(model)
    assert table.total_flops == cx.count_flops(model)
    assert table.total_memory == cx.feature_map_memory(model)
    assert table.rows == cx.layer_table(model).rows


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(1, 32), cin=st.integers(1, 64), cout=st.integers(1, 64), k=st.integers(1, 5),
       s=st.integers(1, 3), pad=st.sampled_from(["valid", "same"]), bias=st.booleans(), more=st.integers(1, 16))
def test_layer_params_and_flops_grow_with_every_channel_count(size, cin, cout, k, s, pad, bias, more):
    assume(pad == "same" or k <= size)
    base = cx.conv2d_complexity(size, cin, cout, k, s, pad, bias)
    for wider in (cx.conv2d_complexity(size, cin + more, cout, k, s, pad, bias),
                  cx.conv2d_complexity(size, cin, cout + more, k, s, pad, bias)):
        assert wider.params > base.params and wider.flops > base.flops and wider.macs > base.macs
    d = cx.dense_complexity(cin, cout, bias)
    for wider in (cx.dense_complexity(cin + more, cout, bias), cx.dense_complexity(cin, cout + more, bias)):
        assert wider.params > d.params and wider.flops > d.flops
    layer = keras.layers.Conv2D(cout, k, strides=s, padding=pad, use_bias=bias)
    layer.build((None, size, size, cin))
    assert layer.count_params() == base.params


# ----------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda: cx.conv_output_size(0, 3), "input_size"),
    (lambda: cx.conv_output_size(8, 0), "kernel_size"),
    (lambda: cx.conv_output_size(8, 3, strides=-1), "strides"),
    (lambda: cx.conv_output_size(4, 5, padding="valid"), "kernel_size"),
    (lambda: cx.conv_output_size(8, 3, padding="full"), "padding"),
    (lambda: cx.conv_output_size(8, 3, dilation_rate=0), "dilation_rate"),
    (lambda: cx.conv2d_complexity(8, 0, 4, 3), "in_channels"),
    (lambda: cx.conv2d_complexity(8, 3, -2, 3), "filters"),
    (lambda: cx.conv2d_complexity((8, 8, 8), 3, 2, 3), "input_size"),
    (lambda: cx.conv2d_complexity(8, 3, 2, (9, 1)), "kernel_size"),
    (lambda: cx.dense_complexity(0, 3), "in_features"),
    (lambda: cx.dense_complexity(3, 0), "units"),
    (lambda: cx.dense_complexity(3, 2, bytes_per_element=0), "bytes_per_element"),
    (lambda: cx.conv_stack(32, 8, depth=0), "depth"),
    (lambda: cx.conv_stack(32, [8, 8], depth=3), "filters"),
    (lambda: cx.conv_stack(8, 4, kernel_size=3, depth=4, padding="valid"), "kernel_size"),
    (lambda: cx.conv_stack(-8, 4), "input_size"),
    (lambda: X.conv_stack_model(8, 4, 9, padding="valid"), "kernel_size"),
])
def test_bad_values_raise_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: cx.conv_output_size(3.5, 3), "input_size"),
    (lambda: cx.conv_output_size(True, 3), "input_size"),
    (lambda: cx.conv2d_complexity(8, 3, 2, 3, use_bias="yes"), "use_bias"),
    (lambda: cx.count_flops("lenet"), "model"),
])
def test_bad_types_raise_type_error_naming_the_argument(call, match):
    with pytest.raises(TypeError, match=match):
        call()


@pytest.mark.parametrize("fn", [cx.count_params, cx.count_macs, cx.count_flops, cx.feature_map_memory,
                                cx.layer_table, cx.input_shapes, profiler_flops, X.measure_latency])
def test_unbuilt_model_raises(fn):
    with pytest.raises(ValueError, match="model must be built"):
        fn(keras.Sequential([L.Dense(3)]))


@pytest.mark.parametrize("make", [
    lambda: keras.Sequential([keras.Input((8, 3)), L.Conv1D(2, 3)]),                  # unsupported layer
    lambda: keras.Sequential([keras.Input((8,)), L.Dense(2, activation="gelu")]),      # unsupported activation
    lambda: keras.Sequential([keras.Input((None, None, 3)), L.Conv2D(2, 3)]),          # unknown input size
    lambda: keras.Sequential([keras.Input((4,)), L.ReLU(max_value=3.0)]),              # a clip the profiler splits
    lambda: keras.Sequential([keras.Input((4,)), keras.Sequential([L.Dense(2)])]),     # nested model
])
def test_unsupported_models_raise_naming_model(make):
    with pytest.raises(ValueError, match="model"):
        cx.count_flops(make())


def test_bad_keyword_values_on_model_functions():
    model = X.mlp((4, 4, 1), hidden=(8,))
    with pytest.raises(ValueError, match="bytes_per_element"):
        cx.feature_map_memory(model, bytes_per_element=0)
    with pytest.raises(ValueError, match="bytes_per_element"):
        cx.layer_table(model, bytes_per_element=0)
