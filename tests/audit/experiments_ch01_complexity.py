"""Valid calls for the bad-input audit of ``course_lib.experiments.ch01_complexity``."""

import functools

from ._common import C, mod, small_model  # noqa: F401

MODULE = "experiments.ch01_complexity"


def _fit_step_memory_here(fit_step_memory):
    """``fit_step_memory`` as this process can run it: TensorFlow was imported without
    ``TF_CPU_ALLOCATOR_USE_BFC``, so after the arguments are checked the call stops at the
    allocator statistics (tests/test_ch01_complexity.py measures in a fresh process)."""
    @functools.wraps(fit_step_memory)
    def call(*args, **kwargs):
        try:
            return fit_step_memory(*args, **kwargs)
        except RuntimeError as exc:
            if "TF_CPU_ALLOCATOR_USE_BFC" not in str(exc):
                raise
            return None
    return call


@functools.lru_cache(maxsize=None)
def _compiled():
    model = mod("experiments.ch01_complexity").conv_stack_model(8, [2], units=3)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def calls():
    X = mod("experiments.ch01_complexity")
    tiny = lambda: {"a": small_model()}  # noqa: E731
    return {
        "conv_stack_model": lambda: C(8, [2], kernel_size=3, strides=1, depth=None, in_channels=3, padding="same",
                                      use_bias=True, units=3, activation="relu"),
        "measure_latency": lambda: C(small_model(), repeats=2, warmup=1, batch_size=1),
        "forward_function": lambda: C(small_model()),
        "lenet5": lambda: C(input_shape=(32, 32, 3), classes=10),
        "vgg_style": lambda: C(input_shape=(8, 8, 3), filters=4, classes=3),
        "mobilenet_style": lambda: C(input_shape=(8, 8, 3), filters=4, classes=3),
        "mlp": lambda: C(input_shape=(4, 4, 1), hidden=(8,), classes=3),
        "pixel_mlp": lambda: C(input_shape=(4, 4, 3), width=4, depth=2, classes=3),
        "conv_stack_view": lambda: C(input_size=16, kernel_size=3, filters=4, strides=1, depth=2),
        "knob_ratios": lambda: C(base=dict(input_size=8, filters=2, units=3), knobs={"c": {"filters": 4}}),
        "zoo": lambda: C(input_shape=(32, 32, 3)),
        "model_summary": lambda: C(small_model(), bytes_per_element=4),
        "latency_models": lambda: C(models=tiny()),
        "latency_table": lambda: C(tiny(), {"a": 1e-3}),
        "latency_observations": lambda: C(X.latency_table(tiny(), {"a": 1e-3})),
        "latency_comparison": lambda: C(X.latency_table(tiny(), {"a": 1e-3}), X.latency_table(tiny(), {"a": 2e-3})),
        "keras_applications_counts": lambda: C(names=("MobileNet",), live=False),
        "resnet50_v15_extra_macs": lambda: C(),
        "conv2d_cost": lambda: C(8, 3, 4, 3, strides=1, padding="same", use_bias=True),
        "vgg16_table": lambda: C(conv_cost=X.conv2d_cost, input_size=64, classes=10),
        "memory_formula": lambda: C(small_model(), bytes_per_element=4),
        "fit_step_memory": lambda: C(_compiled(), (2, 4), seed=0, fn=_fit_step_memory_here(X.fit_step_memory)),
        "memory_slopes": lambda: C({"batch_sizes": [1, 2], "train": [3.0, 5.0], "inference": [1.0, 2.0]}),
        "memory_observations": lambda: C({"batch_sizes": [1, 2], "train": [3.0, 5.0], "inference": [1.0, 2.0]},
                                         X.memory_formula(small_model())),
    }


MATCHING = {}
