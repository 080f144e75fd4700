"""Chapter 01 – network complexity: the models the chapter compares and what it runs on them.

* the model zoo, built from scratch with Keras (no weights downloaded): :func:`lenet5`,
  :func:`vgg_style`, :func:`mobilenet_style`, :func:`mlp`, and :func:`conv_stack_model` (the
  Keras twin of :func:`course_lib.nn.complexity.conv_stack`);
* :func:`measure_latency`: the forward-pass time of a model on this machine.

TensorFlow is imported when a function needs it (``course_lib.import_tf``), never at import.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from .. import _check
from ..nn import complexity as C

__all__ = ["lenet5", "vgg_style", "mobilenet_style", "mlp", "conv_stack_model", "measure_latency"]


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
def measure_latency(model, repeats: int = 20, warmup: int = 3, batch_size: int = 1) -> float:
    """Median wall-clock seconds of one forward pass on this machine (a compiled ``tf.function``).

    The input is fixed random normal data; each timed call waits for its result (``.numpy()``).
    The number varies from run to run and machine to machine: show it, never test it exactly.
    Used in 01_complexity § FLOPs 与耗时.
    """
    repeats = _check.integer(repeats, "repeats", low=1)
    warmup = _check.integer(warmup, "warmup", low=0)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    shapes = C.input_shapes(model)
    tf = _tf()
    x = [tf.constant(np.random.default_rng(0).standard_normal((batch_size, *s)), dtype=t.dtype)
         for s, t in zip(shapes, model.inputs)]
    single = len(x) == 1
    fn = tf.function(lambda *a: model(a[0] if single else list(a), training=False))
    for _ in range(max(warmup, 1)):  # the first call traces the function
        fn(*x)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*x)
        (out[0] if isinstance(out, (list, tuple)) else out).numpy()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))
