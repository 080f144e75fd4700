"""Chapter 01 – network complexity checked against TensorFlow/Keras and against the course's numbers.

* :func:`profiler_flops`: TensorFlow profiler's FLOP count of a model's forward pass, the
  reference :func:`course_lib.nn.complexity.count_flops` is tested equal to;
* :data:`COURSE_NUMBERS`: what the course itself prints (the 3-4-2 network of the notes'
  "神经网络复杂度", the Keras iris network's 15 parameters of class 3).

TensorFlow is imported when a function needs it, never at import.
"""

from __future__ import annotations

from ..nn import complexity as C

__all__ = ["COURSE_NUMBERS", "profiler_flops"]

#: The course's own numbers: ``(model, quantity) -> value``. The 3-4-2 network is the notes'
#: example (2 layers with weights, 26 parameters, 20 multiply-accumulates); the Keras iris model
#: ``Dense(3, softmax, kernel_regularizer=l2())`` of class 3 reports 15 parameters.
COURSE_NUMBERS = {("3-4-2 network", "layers"): 2, ("3-4-2 network", "params"): 26, ("3-4-2 network", "MACs"): 20,
                  ("Keras iris", "params"): 15}


def profiler_flops(model) -> int:
    """TensorFlow profiler's FLOP count of one forward pass at batch size 1.

    The model's call (``training=False``) is traced into a concrete function, its variables are
    frozen into constants (``convert_variables_to_constants_v2``) and the graph is given to
    ``tf.compat.v1.profiler.profile`` with ``ProfileOptionBuilder.float_operation()``, which sums
    the registered FLOP statistics of every op (MatMul, Conv2D, BiasAdd, pooling, ...).
    """
    shapes = C.input_shapes(model)
    from .. import import_tf

    tf = import_tf()
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    specs = [tf.TensorSpec((1, *s), t.dtype) for s, t in zip(shapes, model.inputs)]
    single = len(specs) == 1
    fn = tf.function(lambda *x: model(x[0] if single else list(x), training=False))
    frozen = convert_variables_to_constants_v2(fn.get_concrete_function(*specs))
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
    return int(result.total_float_ops)
