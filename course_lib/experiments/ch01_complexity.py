"""Chapter 01 – network complexity: the models the chapter compares and what it runs on them.

* the model zoo, built from scratch with Keras (no weights downloaded): :func:`lenet5`,
  :func:`vgg_style`, :func:`mobilenet_style`, :func:`mlp`, and :func:`conv_stack_model` (the
  Keras twin of :func:`course_lib.nn.complexity.conv_stack`);
* :func:`measure_latency`: the forward-pass time of a model on this machine;
* the chapter's runs: the one-knob table, the model summaries, the latency table (reference
  machine and live), the published tables beside our counts of ``keras.applications`` models,
  the VGG-16 table exercise 3 fills, the memory of a training step vs inference (and the
  sentences printed under each measured result, computed from it).

TensorFlow is imported when a function needs it (``course_lib.import_tf``), never at import.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence

import numpy as np

from .. import _check
from ..nn import complexity as C

__all__ = ["lenet5", "vgg_style", "mobilenet_style", "mlp", "pixel_mlp", "conv_stack_model", "forward_function",
           "measure_latency",
           "KNOB_BASE", "KNOBS", "conv_stack_view", "knob_ratios", "zoo", "model_summary",
           "LATENCY_REFERENCE_MS", "latency_models", "latency_table", "latency_observations", "latency_comparison",
           "PUBLISHED", "KERAS_APPLICATIONS", "keras_applications_counts", "resnet50_v15_extra_macs",
           "EXERCISE_1", "conv2d_cost", "VGG16_BLOCKS", "vgg16_table",
           "memory_formula", "fit_step_memory", "memory_slopes", "memory_observations"]


def _tf():
    from .. import import_tf

    return import_tf()


def _keras():
    _tf()
    import keras

    return keras


def _input_shape(value, *, min_side: int = 1, rank: int | None = 3) -> tuple:
    """A model's input shape without the batch: (height, width, channels) of positive ints."""
    if not isinstance(value, (tuple, list)) or not value or (rank is not None and len(value) != rank):
        what = "(height, width, channels)" if rank == 3 else "of positive integers"
        raise TypeError(f"input_shape must be a tuple {what}, got {value!r}")
    shape = tuple(_check.integer(v, "input_shape", low=1) for v in value)
    if rank == 3 and min(shape[:2]) < min_side:
        raise ValueError(f"input_shape must be at least {min_side} x {min_side} for this network, got {value!r}")
    return shape


# -------------------------------------------------------------------------------------------
# The architectures the chapter compares
# -------------------------------------------------------------------------------------------
def lenet5(input_shape=(32, 32, 3), classes: int = 10):
    """LeNet-5 as the course builds it for CIFAR-10 (class 5): 2 × (Conv 5×5 sigmoid + MaxPool 2) + 3 Dense.

    LeCun, Bottou, Bengio & Haffner (1998), "Gradient-based learning applied to document
    recognition", Proc. IEEE. Used in 01_complexity § 真实网络 and the exercises.
    """
    input_shape, classes = _input_shape(input_shape, min_side=16), _check.integer(classes, "classes", low=1)
    keras = _keras()
    L = keras.layers
    return keras.Sequential([
        keras.Input(input_shape),
        L.Conv2D(6, 5, activation="sigmoid", name="c1"), L.MaxPooling2D(2, name="p1"),
        L.Conv2D(16, 5, activation="sigmoid", name="c2"), L.MaxPooling2D(2, name="p2"),
        L.Flatten(name="flatten"),
        L.Dense(120, activation="sigmoid", name="f1"), L.Dense(84, activation="sigmoid", name="f2"),
        L.Dense(classes, activation="softmax", name="f3"),
    ], name="lenet5")


def vgg_style(input_shape=(32, 32, 3), filters: int = 32, classes: int = 10):
    """A small VGG-style network: two blocks of (Conv 3×3 + BN + ReLU) × 2 + MaxPool, then GAP + Dense.

    After Simonyan & Zisserman (2015), "Very deep convolutional networks for large-scale image
    recognition", ICLR. Used in 01_complexity § 真实网络 and § FLOPs 与耗时.
    """
    input_shape = _input_shape(input_shape, min_side=4)
    filters, classes = _check.integer(filters, "filters", low=1), _check.integer(classes, "classes", low=1)
    keras = _keras()
    L = keras.layers
    layers = [keras.Input(input_shape)]
    for b, f in enumerate((filters, 2 * filters), 1):
        for c in (1, 2):
            layers += [L.Conv2D(f, 3, padding="same", use_bias=False, name=f"b{b}_conv{c}"),
                       L.BatchNormalization(name=f"b{b}_bn{c}"), L.ReLU(name=f"b{b}_relu{c}")]
        layers.append(L.MaxPooling2D(2, name=f"b{b}_pool"))
    layers += [L.GlobalAveragePooling2D(name="gap"), L.Dense(classes, activation="softmax", name="fc")]
    return keras.Sequential(layers, name="vgg_style")


def mobilenet_style(input_shape=(32, 32, 3), filters: int = 32, classes: int = 10):
    """:func:`vgg_style` with every 3×3 convolution after the first replaced by a depthwise-separable one.

    A depthwise-separable block (Howard et al. 2017, "MobileNets: efficient convolutional neural
    networks for mobile vision applications", arXiv:1704.04861) is DepthwiseConv 3×3 + BN + ReLU6
    then a 1×1 Conv + BN + ReLU6: per output position ``K²·C_in + C_in·C_out`` MACs instead of
    ``K²·C_in·C_out``, a ratio of ``1/C_out + 1/K²``. Used in 01_complexity § 真实网络.
    """
    input_shape = _input_shape(input_shape, min_side=4)
    filters, classes = _check.integer(filters, "filters", low=1), _check.integer(classes, "classes", low=1)
    keras = _keras()
    L = keras.layers
    layers = [keras.Input(input_shape),
              L.Conv2D(filters, 3, padding="same", use_bias=False, name="b1_conv1"),
              L.BatchNormalization(name="b1_bn1"), L.ReLU(6.0, name="b1_relu1")]

    def separable(b, c, f):
        return [L.DepthwiseConv2D(3, padding="same", use_bias=False, name=f"b{b}_dw{c}"),
                L.BatchNormalization(name=f"b{b}_dw{c}_bn"), L.ReLU(6.0, name=f"b{b}_dw{c}_relu"),
                L.Conv2D(f, 1, use_bias=False, name=f"b{b}_pw{c}"),
                L.BatchNormalization(name=f"b{b}_pw{c}_bn"), L.ReLU(6.0, name=f"b{b}_pw{c}_relu")]

    layers += separable(1, 2, filters) + [L.MaxPooling2D(2, name="b1_pool")]
    layers += separable(2, 1, 2 * filters) + separable(2, 2, 2 * filters) + [L.MaxPooling2D(2, name="b2_pool")]
    layers += [L.GlobalAveragePooling2D(name="gap"), L.Dense(classes, activation="softmax", name="fc")]
    return keras.Sequential(layers, name="mobilenet_style")


def mlp(input_shape=(32, 32, 3), hidden: Sequence[int] = (256, 128), classes: int = 10):
    """A fully connected network on the flattened image: many parameters, few FLOPs per parameter.

    Used in 01_complexity § 真实网络.
    """
    input_shape, classes = _input_shape(input_shape, rank=None), _check.integer(classes, "classes", low=1)
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(f"hidden must be a tuple of layer widths, got {hidden!r}")
    hidden = [_check.integer(h, "hidden", low=1) for h in hidden]
    keras = _keras()
    L = keras.layers
    layers = [keras.Input(input_shape), L.Flatten(name="flatten")]
    layers += [L.Dense(h, activation="relu", name=f"fc{i}") for i, h in enumerate(hidden, 1)]
    layers.append(L.Dense(classes, activation="softmax", name="out"))
    return keras.Sequential(layers, name="mlp")


def pixel_mlp(input_shape=(32, 32, 3), width: int = 32, depth: int = 3, classes: int = 10):
    """A small MLP applied to every pixel (Dense on the channel axis, i.e. 1×1 convolutions), then GAP + Dense.

    Its feature maps are large (``depth`` maps of H·W·width per image) and its gradients need no
    convolution workspace, so a training step's memory is mostly the feature maps the notes
    count. Used in 01_complexity § 训练时的内存.
    """
    input_shape = _input_shape(input_shape)
    width, depth = _check.integer(width, "width", low=1), _check.integer(depth, "depth", low=1)
    classes = _check.integer(classes, "classes", low=1)
    keras = _keras()
    L = keras.layers
    layers = [keras.Input(input_shape)]
    layers += [L.Dense(width, activation="relu", name=f"pixel_fc{i}") for i in range(1, depth + 1)]
    layers += [L.GlobalAveragePooling2D(name="gap"), L.Dense(classes, activation="softmax", name="out")]
    return keras.Sequential(layers, name="pixel_mlp")


def _each(value, depth: int, per_layer: bool) -> list:
    return list(value) if per_layer else [value] * depth


def conv_stack_model(input_size, filters, kernel_size=3, strides=1, depth: int | None = None, *,
                     in_channels: int = 3, padding: str = "same", use_bias: bool = True,
                     units: int | None = None, activation: str | None = "relu"):
    """The Keras model :func:`course_lib.nn.complexity.conv_stack` describes (same arguments).

    Layers ``conv1``… then ``flatten``, ``dense`` when ``units`` is given. Used by the tests
    (the model-free calculator equals Keras) and the audit.
    """
    table = C.conv_stack(input_size, filters, kernel_size, strides, depth, in_channels=in_channels,
                         padding=padding, use_bias=use_bias, units=units)  # validates every argument
    n = sum(r.type == "Conv2D" for r in table)
    fs = _each(filters, n, isinstance(filters, (list, tuple)))
    ks = _each(kernel_size, n, isinstance(kernel_size, list))
    ss = _each(strides, n, isinstance(strides, list))
    keras = _keras()
    L = keras.layers
    h, w = (input_size, input_size) if not isinstance(input_size, (tuple, list)) else input_size
    layers = [keras.Input((h, w, in_channels))]
    for i, (f, k, s) in enumerate(zip(fs, ks, ss), 1):
        layers.append(L.Conv2D(f, k, strides=s, padding=padding, use_bias=use_bias, activation=activation,
                               name=f"conv{i}"))
    if units is not None:
        layers += [L.Flatten(name="flatten"), L.Dense(units, use_bias=use_bias, name="dense")]
    model = keras.Sequential(layers, name="conv_stack")
    assert len(model.layers) == len(table)
    return model


# -------------------------------------------------------------------------------------------
# Time on this machine
# -------------------------------------------------------------------------------------------
#: model -> (its layers when traced, its forward tf.function): one trace per model, shared by
#: :func:`measure_latency` and ``reference.ch01_complexity.profiler_flops``.
_FORWARD = weakref.WeakKeyDictionary()


def forward_function(model):
    """``model``'s forward pass (``training=False``) as a ``tf.function`` taking one tensor per input.

    Memoised per model (weakly: it goes when the model goes), so that the FLOP count of the
    TensorFlow profiler and the latency measurement of the same model trace its call once: a
    trace costs tenths of a second, as much as the whole measurement of a small model. A model
    whose layers changed since (``Sequential.add``) gets a new function. Used by
    :func:`measure_latency` and ``reference.ch01_complexity.profiler_flops``.
    """
    C.input_shapes(model)  # checks that it is a built Keras model
    layers = tuple(map(id, model.layers))
    cached = _FORWARD.get(model)
    if cached is not None and cached[0] == layers:
        return cached[1]
    tf = _tf()
    single = len(model.inputs) == 1
    fn = tf.function(lambda *a: model(a[0] if single else list(a), training=False))
    _FORWARD[model] = (layers, fn)
    return fn


def measure_latency(model, repeats: int = 20, warmup: int = 3, batch_size: int = 1) -> float:
    """Median wall-clock seconds of one forward pass on this machine (a compiled ``tf.function``).

    The input is fixed random normal data; each timed call waits for its result (``.numpy()``).
    The number varies from run to run and machine to machine: show it, never test it exactly.
    The function is :func:`forward_function`'s (traced once per model and input shape).
    Used in 01_complexity § FLOPs 与耗时.
    """
    repeats = _check.integer(repeats, "repeats", low=1)
    warmup = _check.integer(warmup, "warmup", low=0)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    shapes = C.input_shapes(model)
    tf = _tf()
    x = [tf.constant(np.random.default_rng(0).standard_normal((batch_size, *s)), dtype=t.dtype)
         for s, t in zip(shapes, model.inputs)]
    fn = forward_function(model)
    for _ in range(max(warmup, 1)):  # the first call of a new shape traces the function
        fn(*x)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*x)
        (out[0] if isinstance(out, (list, tuple)) else out).numpy()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


# -------------------------------------------------------------------------------------------
# The chapter's runs
# -------------------------------------------------------------------------------------------
#: The one-knob-at-a-time table of 01_complexity § 每个旋钮的代价: the base stack and each change.
KNOB_BASE = dict(input_size=32, filters=16, kernel_size=3, strides=1, depth=3, units=10)
KNOBS = {"channels 16 -> 32": {"filters": 32}, "kernel 3 -> 5": {"kernel_size": 5},
         "stride 1 -> 2": {"strides": 2}, "input 32 -> 64": {"input_size": 64}, "depth 3 -> 6": {"depth": 6}}


def conv_stack_view(input_size: int = 32, kernel_size: int = 3, filters: int = 16, strides: int = 1,
                    depth: int = 3):
    """The slider's compute half: :func:`course_lib.nn.complexity.conv_stack` with a Dense(10) head.

    Used in 01_complexity § 每个旋钮的代价 (the LivePlot and its caption).
    """
    return C.conv_stack(input_size, filters, kernel_size, strides, depth, units=10)


def knob_ratios(base=None, knobs=None) -> dict:
    """``{change: {quantity: new / base}}`` for params, conv params, MACs, FLOPs and feature maps.

    Each change alters one argument of :func:`course_lib.nn.complexity.conv_stack` (default: the
    chapter's :data:`KNOB_BASE` and :data:`KNOBS`). Used in 01_complexity § 每个旋钮的代价.
    """
    if base is not None and not isinstance(base, dict):
        raise TypeError(f"base must be a dict of conv_stack arguments, got {type(base).__name__}")
    if knobs is not None and (not isinstance(knobs, dict) or not knobs):
        raise TypeError(f"knobs must be a non-empty dict {{name: {{argument: value}}}}, got {knobs!r}")
    base = dict(KNOB_BASE if base is None else base)
    knobs = KNOBS if knobs is None else knobs

    def totals(table):
        conv = sum(r.params for r in table if r.type == "Conv2D")
        return {"params": table.total_params, "conv params": conv, "MACs": table.total_macs,
                "FLOPs": table.total_flops, "feature maps": table.total_memory}

    b = totals(C.conv_stack(**base))
    out = {}
    for name, change in knobs.items():
        if not isinstance(change, dict):
            raise TypeError(f"knobs must map each name to a dict of arguments, got {name!r}: {change!r}")
        t = totals(C.conv_stack(**{**base, **change}))
        out[name] = {k: t[k] / b[k] for k in b}
    return out


def zoo(input_shape=(32, 32, 3)) -> dict:
    """The five models 01_complexity § 真实网络 compares, built with random weights (nothing downloaded).

    LeNet-5, VGG-style, MobileNet-style, MLP, and Keras' own ``MobileNet(alpha=0.25, weights=None)``.
    """
    input_shape = _input_shape(input_shape, min_side=32)
    keras = _keras()
    return {"LeNet-5": lenet5(input_shape), "VGG-style": vgg_style(input_shape),
            "MobileNet-style": mobilenet_style(input_shape), "MLP": mlp(input_shape),
            "MobileNet a=0.25": keras.applications.MobileNet(input_shape=input_shape, alpha=0.25, weights=None,
                                                              classes=10)}


def model_summary(model, bytes_per_element: int = 4) -> dict:
    """One model's totals: params, MACs, FLOPs, feature-map bytes, 访存量 bytes, layers with MACs.

    访存量 (the notes' space complexity) = (parameters + every layer's output feature map) ·
    ``bytes_per_element``. Used in 01_complexity § 真实网络 and § FLOPs 与耗时.
    """
    t = C.layer_table(model, bytes_per_element)
    return {"params": t.total_params, "MACs": t.total_macs, "FLOPs": t.total_flops,
            "feature maps": t.total_memory, "memory traffic": t.total_params * bytes_per_element + t.total_memory,
            "layers": int((t.macs > 0).sum())}


#: Forward-pass latency per image (ms, batch 1, median of 20 calls of a compiled ``tf.function``,
#: :func:`measure_latency`) measured on the course's reference machine: AMD EPYC, 2 cores,
#: TensorFlow 2.21, idle, November 2026. The appendix measures the same models on your CPU.
#: Used in 01_complexity § FLOPs 能预测耗时吗.
LATENCY_REFERENCE_MS = {"LeNet-5": 0.41, "VGG-style": 0.73, "MobileNet-style": 0.78, "MLP": 0.29,
                        "MobileNet a=0.25": 1.65, "VGG-style 64x64 x2": 3.94, "MobileNet-style 64x64 x2": 1.61}


def latency_models(models=None) -> dict:
    """:func:`zoo` (or the ``models`` given) plus two larger twins: FLOPs over three decades.

    The twins are VGG-style and MobileNet-style on a 64×64 input with twice the filters. Used in
    01_complexity § FLOPs 能预测耗时吗 (the FLOPs of the reference table) and its appendix (measured).
    """
    if models is not None and not isinstance(models, dict):
        raise TypeError(f"models must be a dict {{name: keras.Model}}, got {type(models).__name__}")
    models = dict(zoo() if models is None else models)
    models["VGG-style 64x64 x2"] = vgg_style((64, 64, 3), filters=64)
    models["MobileNet-style 64x64 x2"] = mobilenet_style((64, 64, 3), filters=64)
    return models


def latency_table(models, latency_s) -> dict:
    """``{name: {"FLOPs", "seconds", "GFLOP/s", "FLOP/byte", "layers"}}`` from models and their latencies.

    ``FLOP/byte`` is FLOPs per byte of 访存量 (arithmetic intensity). Used in 01_complexity §
    FLOPs 能预测耗时吗 (reference latencies) and its appendix (measured here).
    """
    if not isinstance(models, dict) or not models:
        raise TypeError(f"models must be a non-empty dict {{name: keras.Model}}, got {type(models).__name__}")
    if not isinstance(latency_s, dict):
        raise TypeError(f"latency_s must be a dict {{name: seconds}}, got {type(latency_s).__name__}")
    if set(models) != set(latency_s):
        raise ValueError(f"latency_s must have one time per model, got {sorted(latency_s)} for {sorted(models)}")
    out = {}
    for name, model in models.items():
        s = model_summary(model)
        sec = _check.positive(latency_s[name], "latency_s")
        out[name] = {"FLOPs": s["FLOPs"], "seconds": sec, "GFLOP/s": s["FLOPs"] / sec / 1e9,
                     "FLOP/byte": s["FLOPs"] / s["memory traffic"], "layers": s["layers"]}
    return out


def latency_observations(table: dict) -> list[str]:
    """Sentences about a :func:`latency_table`, computed from it (so the prose follows the data).

    Used in 01_complexity and its appendix, under the latency figure.
    """
    keys = ("FLOPs", "seconds", "GFLOP/s", "FLOP/byte", "layers")
    if not isinstance(table, dict) or not table or not all(isinstance(r, dict) and all(k in r for k in keys)
                                                            for r in table.values()):
        raise TypeError(f"table must be what latency_table returns ({{name: {{{', '.join(keys)}}}}}), got {table!r}"[:300])
    names = list(table)
    fastest = min(names, key=lambda n: table[n]["seconds"])
    fewest = min(names, key=lambda n: table[n]["FLOPs"])
    slowest = max(names, key=lambda n: table[n]["seconds"])
    deepest = max(names, key=lambda n: table[n]["layers"])
    rates = [table[n]["GFLOP/s"] for n in names]
    best = max(names, key=lambda n: table[n]["GFLOP/s"])
    lines = [f"FLOPs 最少: {fewest} ({table[fewest]['FLOPs'] / 1e6:.2f} MFLOPs); 最快: {fastest} "
             f"({table[fastest]['seconds'] * 1e3:.2f} ms)" + ("，是同一个模型。" if fewest == fastest else "，不是同一个模型。"),
             f"最慢: {slowest} ({table[slowest]['seconds'] * 1e3:.2f} ms, {table[slowest]['FLOPs'] / 1e6:.1f} MFLOPs); "
             f"层数最多 (有乘加的层): {deepest} ({table[deepest]['layers']} 层)。",
             f"每秒浮点运算从 {min(rates):.1f} 到 {max(rates):.1f} GFLOP/s，相差 {max(rates) / min(rates):.0f} 倍；"
             f"最高的是 {best} (每字节访存量 {table[best]['FLOP/byte']:.1f} FLOPs)。"]
    return lines


def _order(table: dict, key: str) -> list:
    return sorted(table, key=lambda n: table[n][key])


def _discordant_pairs(table: dict) -> int:
    """Pairs of models whose order by FLOPs and by time disagree (0: FLOPs rank the times exactly)."""
    names = list(table)
    return sum((table[a]["FLOPs"] - table[b]["FLOPs"]) * (table[a]["seconds"] - table[b]["seconds"]) < 0
               for i, a in enumerate(names) for b in names[i + 1:])


def latency_comparison(here: dict, reference: dict) -> list[str]:
    """Neutral sentences comparing two :func:`latency_table` results of the same models (this run, reference).

    The order by time on each side, the order by FLOPs, how many pairs of models the FLOPs put in
    the wrong order on each side, and the range of GFLOP/s: what a reader needs to see whether
    FLOPs rank the times, on this machine and on the reference one, without a verdict that a
    busy or different CPU could contradict. Used in 01_complexity_appendix § 在你的 CPU 上测耗时.
    """
    for name, table in (("here", here), ("reference", reference)):
        if not isinstance(table, dict) or not table or not all(
                isinstance(r, dict) and all(k in r for k in ("FLOPs", "seconds", "GFLOP/s")) for r in table.values()):
            raise TypeError(f"{name} must be what latency_table returns, got {table!r}"[:300])
    if set(here) != set(reference):
        raise ValueError(f"here and reference must hold the same models, got {sorted(here)} and {sorted(reference)}")
    pairs = len(here) * (len(here) - 1) // 2
    rates = {side: [t[n]["GFLOP/s"] for n in t] for side, t in (("here", here), ("reference", reference))}
    return [f"按耗时从快到慢 (这次运行): {' < '.join(_order(here, 'seconds'))}",
            f"按耗时从快到慢 (参考机):   {' < '.join(_order(reference, 'seconds'))}",
            f"按 FLOPs 从少到多:         {' < '.join(_order(here, 'FLOPs'))}",
            f"FLOPs 顺序与耗时顺序相反的模型对: 这次运行 {_discordant_pairs(here)} 对，参考机 "
            f"{_discordant_pairs(reference)} 对 (共 {pairs} 对)。",
            f"每秒浮点运算: 这次运行 {min(rates['here']):.1f} 到 {max(rates['here']):.1f} GFLOP/s，参考机 "
            f"{min(rates['reference']):.1f} 到 {max(rates['reference']):.1f} GFLOP/s。"]


# -------------------------------------------------------------------------------------------
# The published tables
# -------------------------------------------------------------------------------------------
#: What the papers print: ``{model: {quantity: (value, source)}}``. Mult-adds are MACs.
PUBLISHED = {
    "MobileNet": {"MACs": (569e6, "Howard et al. 2017, MobileNets, arXiv:1704.04861, Table 4: 569 M mult-adds"),
                  "params": (4.2e6, "ibid.: 4.2 M parameters (1.0 MobileNet-224)")},
    "VGG16": {"params": (138e6, "Simonyan & Zisserman 2015, ICLR, Table 2: 138 M parameters (config. D)")},
    "ResNet50": {"MACs": (3.8e9, "He et al. 2016, CVPR, Table 1: 3.8 x 10^9 FLOPs (= multiply-adds)")},
}

#: :func:`keras_applications_counts` of ``keras.applications.MobileNet()``, ``ResNet50()`` and
#: ``VGG16()`` (224 × 224 × 3, ``weights=None``), cached: building VGG16 alone allocates 553 MB of
#: weights and takes seconds. ``tests/test_ch01_complexity.py`` and the appendix rebuild them and
#: check every number. ``conv biases``: parameters of the convolutions' biases.
KERAS_APPLICATIONS = {
    "MobileNet": {"params": 4253864, "trainable": 4231976, "conv biases": 1000, "MACs": 568740352,
                  "FLOPs": 1147687920, "feature maps": 16696696 * 4, "layers": 28},
    "ResNet50": {"params": 25636712, "trainable": 25583592, "conv biases": 26560, "MACs": 3857973248,
                 "FLOPs": 7755299312, "feature maps": 36969684 * 4, "layers": 54},
    "VGG16": {"params": 138357544, "trainable": 138357544, "conv biases": 4224, "MACs": 15470264320,
              "FLOPs": 30960211824, "feature maps": 15112168 * 4, "layers": 16},
}


def keras_applications_counts(names=("MobileNet", "ResNet50", "VGG16"), *, live: bool = False) -> dict:
    """Our counts of Keras' own MobileNet, ResNet50 and VGG16 (224 × 224 × 3, ``weights=None``).

    ``live=False`` returns the cached :data:`KERAS_APPLICATIONS`; ``live=True`` builds each model
    (random weights, nothing downloaded) and counts it. Used in 01_complexity § 发表的数字
    (cached) and 01_complexity_appendix (live, compared with the cache).
    """
    names = _check.choices(names, "names", tuple(KERAS_APPLICATIONS))
    live = _check.flag(live, "live")
    if not live:
        return {n: dict(KERAS_APPLICATIONS[n]) for n in names}
    keras = _keras()
    out = {}
    for n in names:
        model = getattr(keras.applications, n)(weights=None)
        t = C.layer_table(model)
        conv = [la for la in model.layers if type(la).__name__ in ("Conv2D", "DepthwiseConv2D")]
        out[n] = {"params": t.total_params,
                  "trainable": int(sum(int(np.prod(v.shape)) for v in model.trainable_weights)),
                  "conv biases": int(sum(int(np.prod(la.bias.shape)) for la in conv if la.use_bias)),
                  "MACs": t.total_macs, "FLOPs": t.total_flops, "feature maps": t.total_memory,
                  "layers": int((t.macs > 0).sum())}
        del model
    return out


def resnet50_v15_extra_macs() -> int:
    """MACs ResNet-50 gains when each stage's stride 2 moves from the first 1×1 to the 3×3 convolution.

    In Keras (and He et al. 2016) the first 1×1 convolution of stages 3, 4 and 5 has stride 2;
    the variant often called ResNet v1.5 runs that 1×1 convolution at full resolution (4× the
    output positions) and strides in the 3×3 one, whose output size does not change. Used in
    01_complexity § 发表的数字 to explain the "≈ 4.1 G" figure.
    """
    extra = 0
    for side, c_in, c_mid in ((56, 256, 128), (28, 512, 256), (14, 1024, 512)):
        half = C.conv2d_complexity(side, c_in, c_mid, 1, 2, "valid")
        full = C.conv2d_complexity(side, c_in, c_mid, 1, 1, "valid")
        extra += full.macs - half.macs
    return extra


# -------------------------------------------------------------------------------------------
# Exercise 1 (by hand) and exercise 3: your counter drives the VGG-16 table
# -------------------------------------------------------------------------------------------
#: The right answer of exercise 1, worked out by hand in 01_complexity § 练习 1: one Conv2D layer, input
#: 32×32×16, 32 filters 3×3, stride 2, 'same', no bias. Kept as fixed values so that the check cell does not
#: show the library call that computes it; tests/test_ch01_complexity.py checks them against
#: ``nn.complexity.conv2d_complexity(32, 16, 32, 3, 2, "same", use_bias=False)``.
EXERCISE_1 = {"params": 4_608, "flops": 2_359_296}


def conv2d_cost(input_size: int, in_channels: int, filters: int, kernel_size: int, strides: int = 1,
                padding: str = "same", use_bias: bool = True) -> tuple:
    """``(output side, params, FLOPs)`` of one square Conv2D layer: the library's answer to exercise 3."""
    row = C.conv2d_complexity(input_size, in_channels, filters, kernel_size, strides, padding, use_bias)
    return row.output_shape[0], row.params, row.flops


#: VGG-16 (configuration D): 3×3 'same' convolutions, a 2×2 max-pool after each block.
VGG16_BLOCKS = ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512))


def vgg16_table(conv_cost=conv2d_cost, input_size: int = 224, classes: int = 1000) -> list:
    """VGG-16's layers as ``(name, output side, channels, params, FLOPs)``, convolutions counted by ``conv_cost``.

    ``conv_cost(input_size, in_channels, filters, kernel_size, strides, padding, use_bias)`` returns
    ``(output side, params, FLOPs)`` (a student's function or :func:`conv2d_cost`); pooling halves
    the side; the three Dense layers use :func:`course_lib.nn.complexity.dense_complexity`. Used in
    01_complexity, exercise 3.
    """
    _check.function(conv_cost, "conv_cost")
    side, c_in, rows = _check.integer(input_size, "input_size", low=32), 3, []
    for b, block in enumerate(VGG16_BLOCKS, 1):
        for i, f in enumerate(block, 1):
            m, params, flops = conv_cost(side, c_in, f, 3, 1, "same", True)
            rows.append((f"conv{b}_{i}", int(m), f, int(params), int(flops)))
            side, c_in = int(m), f
        side //= 2
        rows.append((f"pool{b}", side, c_in, 0, side * side * c_in * 4))
    n = side * side * c_in
    for name, units in (("fc1", 4096), ("fc2", 4096), ("predictions", _check.integer(classes, "classes", low=1))):
        d = C.dense_complexity(n, units)
        rows.append((name, 1, units, d.params, d.flops + (5 * units if name == "predictions" else 0)))
        n = units
    return rows


# -------------------------------------------------------------------------------------------
# Memory of a training step vs inference
# -------------------------------------------------------------------------------------------
def memory_formula(model, bytes_per_element: int = 4) -> dict:
    """What 访存量's feature-map part predicts per sample, in bytes.

    ``"all feature maps"``: every layer's output (what back-propagation needs, the notes'
    definition); ``"largest pair"``: the largest two consecutive layer outputs (all an
    inference needs at once in a chain: a layer's input and its output; the model's input,
    allocated before the step, excluded); ``"params"``: the weights. Used in 01_complexity §
    训练时的内存.
    """
    t = C.layer_table(model, bytes_per_element)
    mem = list(t.memory)
    pairs = [int(a + b) for a, b in zip(mem, mem[1:])] or [int(mem[0])]
    return {"all feature maps": t.total_memory, "largest pair": max(pairs),
            "params": t.total_params * bytes_per_element}


def _peak_bytes(tf, step, *args) -> int:
    """Peak bytes TensorFlow's CPU allocator held above its level before ``step(*args)``."""
    tf.config.experimental.reset_memory_stats("CPU:0")
    before = tf.config.experimental.get_memory_info("CPU:0")["current"]
    step(*args)
    return int(tf.config.experimental.get_memory_info("CPU:0")["peak"] - before)


def fit_step_memory(model, batch_sizes=(64, 128, 256), *, seed: int = 0) -> dict:
    """Peak memory of one training step (``train_on_batch``, the step ``fit`` repeats) and of one inference.

    First a train and a predict step at the two smallest batch sizes (Keras traces its steps for
    any batch size by the second size). Then for each batch size B: random inputs and labels, and the
    allocator's peak during one ``model.train_on_batch`` and one ``model.predict_on_batch`` call,
    above what was allocated before (so the input batch itself is not counted). ``model`` must be compiled
    (its weights change: it trains). TensorFlow must have been imported with the environment
    variable ``TF_CPU_ALLOCATOR_USE_BFC=true`` (TensorFlow's CPU allocator keeps no statistics
    otherwise). Returns ``{"batch_sizes", "train", "inference"}`` (bytes, lists). Used in
    01_complexity § 训练时的内存.
    """
    tf = _tf()
    shapes = C.input_shapes(model)
    sizes = _check.integers(batch_sizes, "batch_sizes", low=1, min_len=1)
    rng = np.random.default_rng(_check.seed(seed, "seed"))
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise ValueError(f"model must be compiled (model.compile(optimizer=..., loss=...)), {model.name!r} is not")
    try:
        tf.config.experimental.get_memory_info("CPU:0")
    except ValueError:
        raise RuntimeError("TensorFlow's CPU allocator keeps no statistics: set os.environ['TF_CPU_ALLOCATOR_USE_BFC']"
                           " = 'true' before TensorFlow is first imported (restart the kernel)") from None
    classes = int(model.outputs[0].shape[-1])

    def batch(b):
        x = [tf.constant(rng.standard_normal((b, *s)).astype("float32")) for s in shapes]
        return x[0] if len(x) == 1 else x, tf.constant(rng.integers(0, classes, b))

    # Keras traces its train and predict steps with reduce_retracing: after two batch sizes the step
    # takes any batch size. Steps at the two smallest sizes trace it here (and take any one-off
    # allocation of a first call), so that no measured call traces and no large step runs only to trace.
    for b in sorted(set(sizes))[:2]:
        x, y = batch(b)
        model.train_on_batch(x, y)
        model.predict_on_batch(x)
    out = {"batch_sizes": list(sizes), "train": [], "inference": []}
    for b in sizes:
        x, y = batch(b)
        out["train"].append(_peak_bytes(tf, model.train_on_batch, x, y))
        out["inference"].append(_peak_bytes(tf, model.predict_on_batch, x))
    return out


def memory_slopes(result: dict) -> dict:
    """Least-squares ``peak ≈ fixed + per_sample · B`` of a :func:`fit_step_memory` result, for both modes.

    Returns ``{"train": (fixed, per_sample), "inference": (fixed, per_sample)}`` in bytes.
    Used in 01_complexity § 训练时的内存.
    """
    if not isinstance(result, dict) or not all(k in result for k in ("batch_sizes", "train", "inference")):
        raise TypeError(f"result must be what fit_step_memory returns (batch_sizes, train, inference), got {result!r}"[:300])
    b = np.asarray(_check.numbers(result["batch_sizes"], "result"), dtype=float)
    if b.size < 2 or np.ptp(b) == 0:
        raise ValueError("result must hold at least two different batch sizes to fit a slope")
    out = {}
    for mode in ("train", "inference"):
        y = np.asarray(_check.numbers(result[mode], "result"), dtype=float)
        if y.shape != b.shape:
            raise ValueError(f"result must hold one {mode} peak per batch size, got {y.size} for {b.size}")
        slope, fixed = np.polyfit(b, y, 1)
        out[mode] = (float(fixed), float(slope))
    return out


def memory_observations(result: dict, formula: dict) -> list[str]:
    """Sentences under a :func:`fit_step_memory` result, computed from it and from :func:`memory_formula`.

    Training: the peak at the smallest B and the part of it the feature-map formula accounts for,
    then how much the peak grew from the smallest to the largest B beside what every feature map
    per sample predicts. Inference: the fitted slope beside the largest pair of consecutive maps.
    No verdict: the reader compares (the numbers depend on the machine, TensorFlow's kernels and
    the allocator's history). Used in 01_complexity_appendix § LeNet-5 训练一步的内存.
    """
    if not isinstance(formula, dict) or not all(k in formula for k in ("all feature maps", "largest pair")):
        raise TypeError(f"formula must be what memory_formula returns, got {formula!r}"[:300])
    fit = memory_slopes(result)
    b = [int(v) for v in result["batch_sizes"]]
    lo, hi = int(np.argmin(b)), int(np.argmax(b))
    train = [float(v) for v in result["train"]]
    per_map, per_pair = formula["all feature maps"], formula["largest pair"]
    slope = fit["inference"][1]
    return [f"训练一步: B = {b[lo]} 时峰值 {train[lo] / 1e6:.1f} MB，其中特征图按公式占 {b[lo] * per_map / 1e6:.1f} MB"
            f" ({per_map / 1e3:.1f} KB/样本)。",
            f"训练一步: B 从 {b[lo]} 到 {b[hi]}，峰值变化 {(train[hi] - train[lo]) / 1e6:+.1f} MB；特征图按公式应多 "
            f"{(b[hi] - b[lo]) * per_map / 1e6:+.1f} MB。",
            f"推理一次: 斜率 {slope / 1e3:.1f} KB/样本，公式 (相邻两层之和) {per_pair / 1e3:.1f} KB，"
            f"比值 {slope / per_pair:.2f}；截距 {fit['inference'][0] / 1e6:+.1f} MB。"]
