"""Chapter 01 – network complexity checked against TensorFlow/Keras and against the course's numbers.

* :func:`profiler_flops`: TensorFlow profiler's FLOP count of a model's forward pass, the
  reference :func:`course_lib.nn.complexity.count_flops` is tested equal to;
* :data:`COURSE_NUMBERS`: what the course itself prints (the 3-4-2 network of the notes'
  "神经网络复杂度", the Keras iris network's 15 parameters of class 3);
* :func:`ch01_vs_tensorflow`: the rows of the lesson's one "checked against TensorFlow" table;
  :func:`model_rows` and :func:`output_size_cases`: the long versions the appendix prints.

TensorFlow is imported when a function needs it, never at import.
"""

from __future__ import annotations

import weakref

import numpy as np

from .. import _check
from ..experiments.ch01_complexity import forward_function
from ..nn import complexity as C

__all__ = ["COURSE_NUMBERS", "profiler_flops", "model_rows", "output_size_cases", "ch01_vs_tensorflow"]

#: The course's own numbers: ``(model, quantity) -> value``. The 3-4-2 network is the notes'
#: example (2 layers with weights, 26 parameters, 20 multiply-accumulates); the Keras iris model
#: ``Dense(3, softmax, kernel_regularizer=l2())`` of class 3 reports 15 parameters.
COURSE_NUMBERS = {("3-4-2 network", "layers"): 2, ("3-4-2 network", "params"): 26, ("3-4-2 network", "MACs"): 20,
                  ("Keras iris", "params"): 15}


#: model -> (its layers when counted, the profiler's count): a model is profiled once.
_PROFILED = weakref.WeakKeyDictionary()


def profiler_flops(model) -> int:
    """TensorFlow profiler's FLOP count of one forward pass at batch size 1.

    The model's call (``training=False``, the ``tf.function`` of
    ``experiments.ch01_complexity.forward_function``, which the latency measurement reuses) is
    traced into a concrete function, its variables are frozen into constants
    (``convert_variables_to_constants_v2``) and the graph is given to
    ``tf.compat.v1.profiler.profile`` with ``ProfileOptionBuilder.float_operation()``, which sums
    the registered FLOP statistics of every op (MatMul, Conv2D, BiasAdd, pooling, ...). The count
    depends only on the architecture: it is memoised per model (recounted if its layers change).
    """
    shapes = C.input_shapes(model)
    layers = tuple(map(id, getattr(model, "layers", ())))
    cached = _PROFILED.get(model)
    if cached is not None and cached[0] == layers:
        return cached[1]
    from .. import import_tf

    tf = import_tf()
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    specs = [tf.TensorSpec((1, *s), t.dtype) for s, t in zip(shapes, model.inputs)]
    frozen = convert_variables_to_constants_v2(forward_function(model).get_concrete_function(*specs))
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")  # the profiler uses a deprecated helper that warns on every call
    try:
        with tf.Graph().as_default() as graph:
            tf.graph_util.import_graph_def(frozen.graph.as_graph_def(), name="")
            opts = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
            opts["output"] = "none"
            result = tf.compat.v1.profiler.profile(graph=graph, run_meta=tf.compat.v1.RunMetadata(),
                                                   cmd="op", options=opts)
    finally:
        logger.setLevel(level)
    flops = int(result.total_float_ops)
    _PROFILED[model] = (layers, flops)
    return flops


def model_rows(models) -> list:
    """``(name, params, Keras params, FLOPs, profiler FLOPs)`` for each model of ``{name: model}``.

    Used in 01_complexity_appendix § 逐项核对 and by :func:`ch01_vs_tensorflow`.
    """
    if not isinstance(models, dict) or not models:
        raise TypeError(f"models must be a non-empty dict {{name: keras.Model}}, got {type(models).__name__}")
    return [(name, C.count_params(m), int(m.count_params()), C.count_flops(m), profiler_flops(m))
            for name, m in models.items()]


def output_size_cases(sizes=range(1, 13), kernels=range(1, 6), strides=range(1, 4)) -> list:
    """``(X, K, S, padding, ours (M, before, after), Keras/TF (M, before, after))`` over a grid.

    Keras' side comes from ``Conv1D.compute_output_shape``; TensorFlow's padding is the one split
    of the zeros for which a plain windowed sum (numpy) reproduces ``tf.nn.conv1d``'s output: the
    kernel 1, 10, 100, … on the signal 1, 2, …, X makes each output spell out which inputs, and
    which zeros, its window covered, so only one split matches. Used by :func:`ch01_vs_tensorflow`
    and 01_complexity_appendix.
    """
    from .. import import_tf

    tf = import_tf()
    import keras

    sizes = _check.integers(sizes, "sizes", low=1, min_len=1)
    kernels = _check.integers(kernels, "kernels", low=1, min_len=1)
    strides = _check.integers(strides, "strides", low=1, min_len=1)
    layers = {(k, s, pad): keras.layers.Conv1D(1, k, strides=s, padding=pad)
              for k in kernels for s in strides for pad in ("valid", "same")}
    rows = []
    for x in sizes:
        sig = np.arange(1.0, x + 1)
        for k in kernels:
            w = 10.0 ** np.arange(k)
            for s in strides:
                for pad in ("valid", "same"):
                    if pad == "valid" and k > x:
                        continue
                    ours = (C.conv_output_size(x, k, s, pad), *C.conv_padding(x, k, s, pad))
                    m = int(layers[k, s, pad].compute_output_shape((1, x, 1))[1])
                    tf_out = tf.nn.conv1d(tf.reshape(tf.constant(sig, tf.float32), (1, x, 1)),
                                          tf.reshape(tf.constant(w, tf.float32), (k, 1, 1)), s, pad.upper())
                    tf_out = tf_out.numpy().ravel()
                    theirs = (m, None, None)
                    for before in range(k):  # the split of the total padding that reproduces TF's outputs
                        after = max((m - 1) * s + k - x - before, 0)
                        padded = np.concatenate([np.zeros(before), sig, np.zeros(after)])
                        windows = np.array([padded[i * s:i * s + k] @ w for i in range((len(padded) - k) // s + 1)])
                        if windows.shape == tf_out.shape and np.array_equal(windows, tf_out):
                            theirs = (m, before, after)
                            break
                    rows.append((x, k, s, pad, ours, theirs))
    return rows


def ch01_vs_tensorflow(models) -> list:
    """The rows of 01_complexity's "checked against TensorFlow" table: ``(what, cases, max |difference|)``.

    ``models``: ``{name: keras.Model}`` whose parameters are compared with ``model.count_params()``
    and FLOPs with TensorFlow's profiler; plus output sizes against Keras and 'same' padding
    against TensorFlow over a grid (a split TensorFlow's sums do not confirm counts as a difference of X).
    Differences are integers: 0 means equal.
    """
    rows = model_rows(models)
    sizes = output_size_cases(range(1, 9), range(1, 5), range(1, 4))  # the appendix runs the larger default grid
    size_diff = max(abs(o[0] - t[0]) for *_, o, t in sizes)
    pad_diff = max(abs(o[1] - t[1]) + abs(o[2] - t[2]) if t[1] is not None else x for x, *_, o, t in sizes)
    return [("parameters vs model.count_params()", len(rows), max(abs(p - k) for _, p, k, _, _ in rows)),
            ("FLOPs vs TensorFlow profiler", len(rows), max(abs(f - pf) for *_, f, pf in rows)),
            ("output size vs Keras (X 1-8, K 1-4, S 1-3)", len(sizes), size_diff),
            ("zeros padded before + after vs TensorFlow", len(sizes), pad_diff)]
