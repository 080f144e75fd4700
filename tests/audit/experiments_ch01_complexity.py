"""Valid calls for the bad-input audit of ``course_lib.experiments.ch01_complexity``."""

from ._common import C, small_model  # noqa: F401

MODULE = "experiments.ch01_complexity"


def calls():
    return {
        "conv_stack_model": lambda: C(8, [2], kernel_size=3, strides=1, depth=None, in_channels=3, padding="same",
                                      use_bias=True, units=3, activation="relu"),
        "measure_latency": lambda: C(small_model(), repeats=2, warmup=1, batch_size=1),
        "lenet5": lambda: C(input_shape=(32, 32, 3), classes=10),
        "vgg_style": lambda: C(input_shape=(8, 8, 3), filters=4, classes=3),
        "mobilenet_style": lambda: C(input_shape=(8, 8, 3), filters=4, classes=3),
        "mlp": lambda: C(input_shape=(4, 4, 1), hidden=(8,), classes=3),
    }


MATCHING = {}
