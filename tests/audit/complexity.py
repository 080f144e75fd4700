"""Valid calls for the bad-input audit of ``course_lib.complexity`` (see tests/test_api_audit.py)."""

import numpy as np  # noqa: F401

from ._common import (  # noqa: F401
    ALL,
    NOT_BROADCASTABLE,
    C,
    M,
    _each,
    _extra_row,
    _first_row,
    _vector_target,
    fx,
    mod,
    small_model,
)

MODULE = "complexity"


def calls():
    X = mod("complexity")
    return {
        "LayerRow": lambda: C("d", "Dense", (4,), 20, 16, 36, 16),
        "LayerTable": lambda: C([X.LayerRow("d", "Dense", (4,), 20, 16, 36, 16)], title="t"),
        "conv_output_size": lambda: C(32, 3, strides=1, padding="valid", dilation_rate=1),
        "conv2d_complexity": lambda: C(8, 3, 4, 3, strides=1, padding="same", use_bias=True,
                                       bytes_per_element=4, name="c"),
        "dense_complexity": lambda: C(3, 4, use_bias=True, bytes_per_element=4, name="d"),
        "conv_stack": lambda: C(8, [4, 8], kernel_size=3, strides=1, depth=None, in_channels=3, padding="same",
                                use_bias=True, units=10, bytes_per_element=4),
        "conv_stack_model": lambda: C(8, [2], kernel_size=3, strides=1, depth=None, in_channels=3, padding="same",
                                      use_bias=True, units=3, activation="relu"),
        "count_params": lambda: C(small_model()),
        "count_macs": lambda: C(small_model()),
        "count_flops": lambda: C(small_model()),
        "feature_map_memory": lambda: C(small_model(), bytes_per_element=4),
        "layer_table": lambda: C(small_model(), bytes_per_element=4),
        "profiler_flops": lambda: C(small_model()),
        "measure_latency": lambda: C(small_model(), repeats=2, warmup=1, batch_size=1),
        "lenet5": lambda: C(input_shape=(32, 32, 3), classes=10),
        "vgg_style": lambda: C(input_shape=(8, 8, 3), filters=4, classes=3),
        "mobilenet_style": lambda: C(input_shape=(8, 8, 3), filters=4, classes=3),
        "mlp": lambda: C(input_shape=(4, 4, 1), hidden=(8,), classes=3),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {

}
