"""Network complexity (chapter 01): parameters, MACs, FLOPs and feature-map memory.

The course's notes (北京大学《人工智能实践：Tensorflow笔记》, "神经网络复杂度") measure a network by

* 时间复杂度 (time complexity): the number of operations, in FLOPs or in multiply-accumulates
  (乘加运算次数, MACs);
* 空间复杂度 (space complexity, 访存量): the total number of parameters plus every layer's output
  feature map (what a forward pass reads and writes).

Two families of functions:

* model-free, numbers in, numbers out (pure Python, microseconds: what a slider calls):
  :func:`conv_output_size`, :func:`conv2d_complexity`, :func:`dense_complexity`,
  :func:`conv_stack`;
* for a built Keras model (batch size 1): :func:`count_params`, :func:`count_macs`,
  :func:`count_flops`, :func:`feature_map_memory`, :func:`layer_table`, :func:`input_shapes`.
  They read the model's layers and shapes; this module never imports TensorFlow or Keras
  itself (a model can only exist once Keras is imported).

FLOP convention
---------------
:func:`count_flops` follows TensorFlow's profiler (``tf.compat.v1.profiler`` with
``ProfileOptionBuilder.float_operation()``, run on the frozen graph of the model's forward
pass): a multiply-accumulate is **2** FLOPs and a bias add is **1** FLOP per output element.
Each supported layer type has one counter, registered in a table; the counter's docstring is
its rule, collected in :data:`LAYER_FLOPS`. Two known exceptions, where we keep the textbook
count and the profiler does not: a convolution with ``dilation_rate > 1`` (TensorFlow runs it
as a space-to-batch convolution on a padded input and the profiler counts the padding) and a
grouped convolution (``groups > 1``, whose convolution op the profiler does not count at all).
The comparison itself lives in :mod:`course_lib.reference.ch01_complexity`.
"""

from __future__ import annotations

import html
import inspect
import math
import sys
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np

from .. import _check

__all__ = [
    "LayerRow", "LayerTable", "LAYER_FLOPS", "ACTIVATION_FLOPS",
    "conv_output_size", "conv2d_complexity", "dense_complexity", "conv_stack",
    "count_params", "count_macs", "count_flops", "feature_map_memory", "layer_table", "input_shapes",
]

#: FLOPs per output element of each activation :func:`count_flops` understands. The profiler
#: has no FLOP entry for the single TensorFlow ops behind ReLU, sigmoid, tanh, ... (they are
#: counted as 0); ``Softmax`` is registered at 5 per element (max-shift 2, exp 1, normalise 2).
ACTIVATION_FLOPS = {
    "linear": 0, "relu": 0, "relu6": 0, "leaky_relu": 0, "elu": 0, "selu": 0, "sigmoid": 0,
    "tanh": 0, "softplus": 0, "softsign": 0, "exponential": 0, "softmax": 5,
}


# -------------------------------------------------------------------------------------------
# Argument checks (the shared ones, plus the shapes this module needs)
# -------------------------------------------------------------------------------------------
def _pos_int(value, name: str) -> int:
    return _check.integer(value, name, low=1)


def _pair(value, name: str) -> tuple[int, int]:
    """An int or a pair of ints (height, width), each positive."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an integer or a pair (height, width), got {value!r}")
        return _pos_int(value[0], name), _pos_int(value[1], name)
    v = _pos_int(value, name)
    return v, v


def _padding(value) -> str:
    return _check.choice(value.lower() if isinstance(value, str) else value, "padding", ("valid", "same"))


# -------------------------------------------------------------------------------------------
# Rows and tables
# -------------------------------------------------------------------------------------------
class LayerRow(NamedTuple):
    """One layer's complexity (batch size 1)."""

    name: str
    type: str
    output_shape: tuple
    params: int
    macs: int
    flops: int
    memory: int  #: bytes of the output feature map


def _fmt_int(v: int) -> str:
    return f"{int(v):,}"


class LayerTable(Sequence):
    """Per-layer complexity, one :class:`LayerRow` per layer, plus totals.

    Renders as an HTML table in a notebook (``_repr_html_``) and as an aligned text table
    (``repr``/``str``; deterministic: no addresses, no floats). Columns are also available as
    integer arrays: ``table.params``, ``table.macs``, ``table.flops``, ``table.memory``.
    """

    columns = ("name", "type", "output shape", "params", "MACs", "FLOPs", "memory (bytes)")

    def __init__(self, rows, *, title: str | None = None):
        try:
            self.rows = [r if isinstance(r, LayerRow) else LayerRow(*r) for r in rows]
        except TypeError:
            raise TypeError("rows must be a list of LayerRow (or of 7-tuples: name, type, output_shape, params, "
                            f"macs, flops, memory), got {rows!r}") from None
        self.title = title

    # Sequence protocol -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __iter__(self) -> Iterator[LayerRow]:
        return iter(self.rows)

    # Columns and totals ----------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [r.name for r in self.rows]

    def _col(self, field: str) -> np.ndarray:
        return np.array([getattr(r, field) for r in self.rows], dtype=np.int64)

    @property
    def params(self) -> np.ndarray:
        return self._col("params")

    @property
    def macs(self) -> np.ndarray:
        return self._col("macs")

    @property
    def flops(self) -> np.ndarray:
        return self._col("flops")

    @property
    def memory(self) -> np.ndarray:
        return self._col("memory")

    @property
    def total_params(self) -> int:
        return int(sum(r.params for r in self.rows))

    @property
    def total_macs(self) -> int:
        return int(sum(r.macs for r in self.rows))

    @property
    def total_flops(self) -> int:
        return int(sum(r.flops for r in self.rows))

    @property
    def total_memory(self) -> int:
        return int(sum(r.memory for r in self.rows))

    # Rendering -------------------------------------------------------------------------
    def _cells(self) -> list[list[str]]:
        body = [[r.name, r.type, str(tuple(r.output_shape)), _fmt_int(r.params), _fmt_int(r.macs),
                 _fmt_int(r.flops), _fmt_int(r.memory)] for r in self.rows]
        total = ["total", "", "", _fmt_int(self.total_params), _fmt_int(self.total_macs),
                 _fmt_int(self.total_flops), _fmt_int(self.total_memory)]
        return body + [total]

    def to_text(self) -> str:
        cells = self._cells()
        widths = [max(len(c) for c in col) for col in zip(self.columns, *cells)]
        left = (True, True, True, False, False, False, False)

        def line(row):
            return "  ".join(c.ljust(w) if lft else c.rjust(w) for c, w, lft in zip(row, widths, left)).rstrip()

        rule = "  ".join("-" * w for w in widths)
        out = [self.title] if self.title else []
        out += [line(self.columns), rule] + [line(r) for r in cells[:-1]] + [rule, line(cells[-1])]
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.to_text()

    __str__ = __repr__

    def _repr_html_(self) -> str:
        cells = self._cells()
        th = "".join(f"<th style='text-align:{'left' if i < 3 else 'right'}'>{html.escape(c)}</th>"
                     for i, c in enumerate(self.columns))

        def tr(row, bold=False):
            tds = "".join(f"<td style='text-align:{'left' if i < 3 else 'right'}'>{html.escape(c)}</td>"
                          for i, c in enumerate(row))
            return f"<tr style='font-weight:bold'>{tds}</tr>" if bold else f"<tr>{tds}</tr>"

        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        rows = "".join(tr(r) for r in cells[:-1]) + tr(cells[-1], bold=True)
        return f"<table>{cap}<thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>"


# -------------------------------------------------------------------------------------------
# Model-free formulas
# -------------------------------------------------------------------------------------------
def conv_output_size(input_size: int, kernel_size: int, strides: int = 1, padding: str = "valid",
                     dilation_rate: int = 1) -> int:
    """Side of a convolution's (or pooling's) output, as Keras computes it.

    ``'valid'``: ``floor((X − K_eff) / S) + 1`` with ``K_eff = d·(K − 1) + 1`` (the kernel must fit
    in the input); ``'same'``: ``ceil(X / S)`` (zeros are padded so that every stride position
    gets an output). The textbook form ``(X − K + 2P) / S + 1`` is the valid case with the input
    padded by ``P`` on each side.

    Raises
    ------
    ValueError
        A non-positive size, or a kernel larger than the input with ``'valid'`` padding.
    """
    x = _pos_int(input_size, "input_size")
    k = _pos_int(kernel_size, "kernel_size")
    s = _pos_int(strides, "strides")
    d = _pos_int(dilation_rate, "dilation_rate")
    padding = _padding(padding)
    if padding == "same":
        return -(-x // s)
    k_eff = d * (k - 1) + 1
    if k_eff > x:
        raise ValueError(f"kernel_size {k} (dilated span {k_eff}) is larger than input_size {x} "
                         "with padding='valid'; use a smaller kernel or padding='same'")
    return (x - k_eff) // s + 1


def conv2d_complexity(input_size, in_channels: int, filters: int, kernel_size, strides=1,
                      padding: str = "valid", use_bias: bool = True, *, bytes_per_element: int = 4,
                      name: str = "conv2d") -> LayerRow:
    """Parameters, MACs, FLOPs and output memory of one ``Conv2D`` layer (batch size 1).

    With an output of ``M_h × M_w × C_out``, a ``K_h × K_w`` kernel and ``C_in`` input channels::

        params = K_h·K_w·C_in·C_out + C_out            (the bias, if used)
        MACs   = M_h·M_w·C_out · K_h·K_w·C_in           (one MAC per weight per output position)
        FLOPs  = 2·MACs + M_h·M_w·C_out                 (TensorFlow profiler: bias add 1 per output)
        memory = M_h·M_w·C_out · bytes_per_element

    ``input_size``, ``kernel_size`` and ``strides`` are an int or a pair (height, width).
    """
    (xh, xw), (kh, kw) = _pair(input_size, "input_size"), _pair(kernel_size, "kernel_size")
    sh, sw = _pair(strides, "strides")
    cin = _pos_int(in_channels, "in_channels")
    cout = _pos_int(filters, "filters")
    use_bias = _check.flag(use_bias, "use_bias")
    b = _pos_int(bytes_per_element, "bytes_per_element")
    mh = conv_output_size(xh, kh, sh, padding)
    mw = conv_output_size(xw, kw, sw, padding)
    n_out = mh * mw * cout
    macs = n_out * kh * kw * cin
    return LayerRow(name, "Conv2D", (mh, mw, cout), kh * kw * cin * cout + (cout if use_bias else 0),
                    macs, 2 * macs + (n_out if use_bias else 0), n_out * b)


def dense_complexity(in_features: int, units: int, use_bias: bool = True, *, bytes_per_element: int = 4,
                     name: str = "dense") -> LayerRow:
    """Parameters, MACs, FLOPs and output memory of one ``Dense`` layer (batch size 1)::

        params = in·units + units        MACs = in·units        FLOPs = 2·in·units + units

    The notes' example, 3 → 4 → 2: params 3·4+4 + 4·2+2 = 26, MACs 3·4 + 4·2 = 20.
    """
    n_in = _pos_int(in_features, "in_features")
    n = _pos_int(units, "units")
    use_bias = _check.flag(use_bias, "use_bias")
    b = _pos_int(bytes_per_element, "bytes_per_element")
    macs = n_in * n
    return LayerRow(name, "Dense", (n,), macs + (n if use_bias else 0), macs,
                    2 * macs + (n if use_bias else 0), n * b)


def _per_layer(name: str, value, depth: int) -> list:
    """A list gives one value per layer; anything else (an int, a (height, width) pair) is shared."""
    per_layer = isinstance(value, list) or (name == "filters" and isinstance(value, tuple))
    if not per_layer:
        return [value] * depth
    if len(value) != depth:
        raise ValueError(f"{name} must be one value or a list of one per layer (depth={depth}), "
                         f"got {len(value)} values")
    return list(value)


def _stack_depth(depth, filters, kernel_size, strides) -> int:
    if depth is not None:
        return _pos_int(depth, "depth")
    for name, v in (("filters", filters), ("kernel_size", kernel_size), ("strides", strides)):
        if isinstance(v, list) or (name == "filters" and isinstance(v, tuple)):
            return _pos_int(len(v), "depth")
    return 1


def conv_stack(input_size, filters, kernel_size=3, strides=1, depth: int | None = None, *,
               in_channels: int = 3, padding: str = "same", use_bias: bool = True, units: int | None = None,
               bytes_per_element: int = 4) -> LayerTable:
    """Complexity of a stack of ``Conv2D`` layers (optionally ``Flatten`` + ``Dense(units)``), without Keras.

    Pure Python: the same numbers as :func:`layer_table` on
    :func:`course_lib.experiments.ch01_complexity.conv_stack_model` with the same arguments, in
    microseconds, so a slider can redraw instantly.

    Parameters
    ----------
    input_size : int or (int, int)
        Height and width of the input image.
    filters : int or list of int
        Output channels of every layer, or one value per layer.
    kernel_size, strides : int, (int, int) or list
        The same for every layer (an int or a (height, width) pair), or a list of one per layer.
    depth : int, optional
        Number of convolution layers (default: the length of a per-layer list, else 1).
    in_channels : int
        Channels of the input image.
    padding : {'same', 'valid'}
    use_bias : bool
    units : int, optional
        Add ``Flatten`` and ``Dense(units)`` at the end (a classifier head).
    bytes_per_element : int
        4 for float32.
    """
    depth = _stack_depth(depth, filters, kernel_size, strides)
    fs = _per_layer("filters", filters, depth)
    ks = _per_layer("kernel_size", kernel_size, depth)
    ss = _per_layer("strides", strides, depth)
    size, cin = _pair(input_size, "input_size"), _pos_int(in_channels, "in_channels")
    rows = []
    for i, (f, k, s) in enumerate(zip(fs, ks, ss), 1):
        row = conv2d_complexity(size, cin, f, k, s, padding, use_bias, bytes_per_element=bytes_per_element,
                                name=f"conv{i}")
        rows.append(row)
        size, cin = row.output_shape[:2], row.output_shape[2]
    if units is not None:
        flat = size[0] * size[1] * cin
        rows.append(LayerRow("flatten", "Flatten", (flat,), 0, 0, 0, flat * bytes_per_element))
        rows.append(dense_complexity(flat, units, use_bias, bytes_per_element=bytes_per_element, name="dense"))
    return LayerTable(rows)


# -------------------------------------------------------------------------------------------
# Keras models: one counter per layer type, its docstring the rule
# -------------------------------------------------------------------------------------------
_COUNTERS: dict = {}  # Keras class name -> counter(layer, ins, outs) -> (MACs, FLOPs)


def _counts(*layer_types: str):
    """Register a counter for the Keras layer classes named ``layer_types`` (exact class names)."""
    def register(fn):
        for t in layer_types:
            _COUNTERS[t] = fn
        return fn
    return register


def _n(shapes) -> int:
    """Elements of a list of shapes (batch excluded)."""
    return sum(math.prod(s) for s in shapes)


def _channels(layer, shape) -> int:
    return shape[0] if getattr(layer, "data_format", "channels_last") == "channels_first" else shape[-1]


def _activation(layer, n_out: int) -> int:
    fn = layer.activation
    name = getattr(fn, "__name__", None)
    if name is None or name not in ACTIVATION_FLOPS:
        raise ValueError(f"model uses activation {name or fn!r}, which count_flops does not support; "
                         f"supported: {sorted(ACTIVATION_FLOPS)}")
    return ACTIVATION_FLOPS[name] * n_out


def _bias(layer, n_out: int) -> int:
    return n_out if getattr(layer, "use_bias", False) else 0


@_counts("Dense")
def _dense(layer, ins, outs):
    """2 · N · in_features (one multiply + one add per MAC) + N if use_bias, + activation"""
    n_out = _n(outs)
    macs = n_out * ins[0][-1]
    return macs, 2 * macs + _bias(layer, n_out) + _activation(layer, n_out)


@_counts("Conv2D")
def _conv(layer, ins, outs):
    """2 · N · kh · kw · C_in / groups + N if use_bias, + activation"""
    n_out = _n(outs)
    macs = n_out * math.prod(layer.kernel_size) * _channels(layer, ins[0]) // layer.groups
    return macs, 2 * macs + _bias(layer, n_out) + _activation(layer, n_out)


@_counts("DepthwiseConv2D")
def _depthwise(layer, ins, outs):
    """2 · N · kh · kw + N if use_bias, + activation"""
    n_out = _n(outs)
    macs = n_out * math.prod(layer.kernel_size)
    return macs, 2 * macs + _bias(layer, n_out) + _activation(layer, n_out)


@_counts("SeparableConv2D")
def _separable(layer, ins, outs):
    """depthwise 2 · N_dw · kh · kw + pointwise 2 · N · C_dw + N if use_bias, + activation"""
    n_out = _n(outs)
    c_dw = _channels(layer, ins[0]) * layer.depth_multiplier
    n_dw = n_out // layer.filters * c_dw
    macs = n_dw * math.prod(layer.kernel_size) + n_out * c_dw
    return macs, 2 * macs + _bias(layer, n_out) + _activation(layer, n_out)


@_counts("MaxPooling2D", "AveragePooling2D")
def _pool(layer, ins, outs):
    """N · pool_h · pool_w (the profiler counts one op per window element)"""
    return 0, _n(outs) * math.prod(layer.pool_size)


@_counts("GlobalAveragePooling2D")
def _global_average(layer, ins, outs):
    """input elements (a sum per element; the division is folded in)"""
    return 0, _n(ins)


@_counts("BatchNormalization")
def _batch_norm(layer, ins, outs):
    """2 · N (x·a + b) + (5 + scale) · C for the per-channel a, b (inference)"""
    axes = layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis]
    c = math.prod(ins[0][a - 1 if a > 0 else a] for a in axes)  # shapes carry no batch axis
    return 0, 2 * _n(outs) + (5 + int(layer.scale)) * c


@_counts("Activation")
def _activation_layer(layer, ins, outs):
    """per ACTIVATION_FLOPS: 0 for the elementwise ones, softmax 5 · N"""
    return 0, _activation(layer, _n(outs))


@_counts("ReLU")
def _relu(layer, ins, outs):
    """0 (the profiler has no entry for Relu/Relu6); other thresholds or clips are refused"""
    if float(layer.threshold) != 0.0 or not (layer.max_value is None or (
            float(layer.max_value) == 6.0 and float(layer.negative_slope) == 0.0)):
        raise ValueError(f"model's layer {layer.name!r} is a ReLU with a threshold or a clip other than 6, "
                         "which count_flops does not support")
    return 0, 0


@_counts("Softmax")
def _softmax(layer, ins, outs):
    """5 · N (max-shift 2, exp 1, normalise 2), over the last axis"""
    axis = layer.axis if isinstance(layer.axis, int) else None
    if axis not in (-1, len(outs[0])):
        raise ValueError(f"model's layer {layer.name!r} is a Softmax over axis {layer.axis!r}; "
                         "count_flops supports the last axis only")
    return 0, 5 * _n(outs)


@_counts("Add")
def _add(layer, ins, outs):
    """(inputs − 1) · N"""
    return 0, (len(ins) - 1) * _n(outs)


@_counts("LeakyReLU", "ELU", "GlobalMaxPooling2D")
def _no_flops(layer, ins, outs):
    """0 (the profiler has no FLOP entry for these ops)"""
    return 0, 0


@_counts("Flatten", "Reshape", "Dropout", "SpatialDropout2D", "ZeroPadding2D", "Concatenate")
def _data_movement(layer, ins, outs):
    """0 (data movement only)"""
    return 0, 0


#: What :func:`count_flops` counts per supported layer type (N = output elements, batch 1):
#: the docstring of the counter registered for it.
LAYER_FLOPS = {name: inspect.cleandoc(fn.__doc__) for name, fn in _COUNTERS.items()}


def _keras_model(model):
    """The ``keras`` module, once ``model`` is checked to be a built Keras model."""
    keras = sys.modules.get("keras")  # a Keras model cannot exist before keras is imported
    if keras is None or not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if not model.built:
        raise ValueError(f"model must be built: {model.name!r} has no input shape yet; start it with "
                         "keras.Input(shape) or call model.build((None, ...))")
    return keras


def _known_shape(shape, what: str) -> tuple:
    dims = tuple(shape)[1:]
    if any(d is None for d in dims):
        raise ValueError(f"model must have a fully known input shape (apart from the batch): {what} has shape "
                         f"{tuple(shape)}; give keras.Input a complete shape")
    return tuple(int(d) for d in dims)


def input_shapes(model) -> list[tuple]:
    """Shapes of a built Keras model's inputs, batch axis excluded, e.g. ``[(32, 32, 3)]``.

    Raises ``TypeError`` for anything but a Keras model and ``ValueError`` for a model that is
    not built or whose input shape is not fully known, as every model counter here does.
    """
    _keras_model(model)
    return [_known_shape(t.shape, "the input") for t in model.inputs]


def _walk(model):
    """``[(layer, input_shapes, output_shapes)]`` for every layer but the input, shapes without batch."""
    keras = _keras_model(model)
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.Model):
            raise ValueError(f"model contains the nested model {layer.name!r}; model must be a flat Sequential "
                             "or functional model (add the inner model's layers directly)")
        if len(getattr(layer, "_inbound_nodes", [])) > 1:
            raise ValueError(f"model uses layer {layer.name!r} more than once; shared layers are not supported")
        try:
            ins, outs = layer.input, layer.output
        except (AttributeError, ValueError) as exc:
            raise ValueError(f"model must be a Sequential or functional model with a known graph; layer "
                             f"{layer.name!r} has no input/output ({exc})") from None
        ins = ins if isinstance(ins, (list, tuple)) else [ins]
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        out.append((layer, [_known_shape(t.shape, f"the input of {layer.name!r}") for t in ins],
                    [_known_shape(t.shape, f"the output of {layer.name!r}") for t in outs]))
    return out


def _layer_macs_flops(layer, ins, outs) -> tuple[int, int]:
    """MACs and FLOPs (profiler convention) of one layer at batch size 1: its registered counter."""
    counter = _COUNTERS.get(type(layer).__name__)
    if counter is None:
        raise ValueError(f"model contains layer {layer.name!r} of type {type(layer).__name__}, which count_macs/"
                         f"count_flops do not support; supported: {', '.join(sorted(_COUNTERS))}")
    macs, flops = counter(layer, ins, outs)
    return int(macs), int(flops)


def count_params(model) -> int:
    """Number of weights of a built model (trainable and not), equal to ``model.count_params()``.

    Summed layer by layer from the variables' shapes: ``Σ w + Σ b`` in the notes' words
    (BatchNormalization's moving mean and variance included, as Keras counts them).
    """
    _walk(model)  # checks the model
    return int(sum(math.prod(v.shape) for v in model.weights))


def count_macs(model) -> int:
    """Multiply-accumulates of one forward pass at batch size 1 (the notes' 乘加运算次数).

    Dense: ``N·in``; Conv2D: ``N·K_h·K_w·C_in/groups``; DepthwiseConv2D: ``N·K_h·K_w``;
    SeparableConv2D: depthwise + pointwise; every other supported layer: 0. ``N`` is the number
    of output elements. Raises ``ValueError`` on an unbuilt model or an unsupported layer.
    """
    return int(sum(_layer_macs_flops(layer, i, o)[0] for layer, i, o in _walk(model)))


def count_flops(model) -> int:
    """Floating-point operations of one forward pass at batch size 1, in TensorFlow profiler's convention.

    ``2·MACs`` plus one per bias add, plus the per-layer terms of :data:`LAYER_FLOPS` (pooling,
    BatchNormalization, softmax, Add). Equal to the profiler's count
    (:func:`course_lib.reference.ch01_complexity.profiler_flops`) for every supported layer
    except dilated and grouped convolutions (see the module docstring).
    """
    return int(sum(_layer_macs_flops(layer, i, o)[1] for layer, i, o in _walk(model)))


def feature_map_memory(model, bytes_per_element: int = 4) -> int:
    """Bytes of every layer's output feature map at batch size 1, the input excluded.

    ``Σ_layers (elements of the output) · bytes_per_element``: the memory a forward pass needs if
    it kept every activation (as training does for back-propagation). Reshape-like layers
    (Flatten, Dropout at inference) are counted too, although a framework may share their buffer.
    """
    b = _pos_int(bytes_per_element, "bytes_per_element")
    return int(sum(_n(o) for _, _, o in _walk(model)) * b)


def layer_table(model, bytes_per_element: int = 4) -> LayerTable:
    """One row per layer: name, type, output shape, params, MACs, FLOPs, feature-map bytes."""
    b = _pos_int(bytes_per_element, "bytes_per_element")
    rows = []
    for layer, ins, outs in _walk(model):
        macs, flops = _layer_macs_flops(layer, ins, outs)
        shape = outs[0] if len(outs) == 1 else tuple(outs)
        rows.append(LayerRow(layer.name, type(layer).__name__, shape,
                             int(sum(math.prod(v.shape) for v in layer.weights)), macs, flops, _n(outs) * b))
    return LayerTable(rows, title=f"{model.name}: batch size 1")
