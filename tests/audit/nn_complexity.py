"""Valid calls for the bad-input audit of ``course_lib.nn.complexity`` (see tests/test_api_audit.py)."""

from ._common import C, mod, small_model  # noqa: F401

MODULE = "nn.complexity"


def calls():
    X = mod("nn.complexity")
    return {
        "LayerRow": lambda: C("d", "Dense", (4,), 20, 16, 36, 16),
        "LayerTable": lambda: C([X.LayerRow("d", "Dense", (4,), 20, 16, 36, 16)], title="t"),
        "conv_output_size": lambda: C(32, 3, strides=1, padding="valid", dilation_rate=1),
        "conv2d_complexity": lambda: C(8, 3, 4, 3, strides=1, padding="same", use_bias=True,
                                       bytes_per_element=4, name="c"),
        "dense_complexity": lambda: C(3, 4, use_bias=True, bytes_per_element=4, name="d"),
        "conv_stack": lambda: C(8, [4, 8], kernel_size=3, strides=1, depth=None, in_channels=3, padding="same",
                                use_bias=True, units=10, bytes_per_element=4),
        "count_params": lambda: C(small_model()),
        "count_macs": lambda: C(small_model()),
        "count_flops": lambda: C(small_model()),
        "feature_map_memory": lambda: C(small_model(), bytes_per_element=4),
        "layer_table": lambda: C(small_model(), bytes_per_element=4),
        "input_shapes": lambda: C(small_model()),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {}
