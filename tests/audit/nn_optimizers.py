"""Valid calls for the bad-input audit of ``course_lib.nn.optimizers``."""

import numpy as np

from ._common import C, M, _each, mod

MODULE = "nn.optimizers"


def calls():
    O = mod("nn.optimizers")
    w, m, g = np.array([1.0, -2.0]), np.array([0.1, 0.0]), np.array([0.5, -0.5])

    def step(make):
        return lambda: M(make, "apply_gradients", [(np.array([0.5, -0.5]), np.array([1.0, -2.0]))])

    out = {
        "Optimizer": lambda: C(0.1),
        "SGD": lambda: C(learning_rate=0.1, momentum=0.9, nesterov=True, weight_decay=0.01, clipnorm=1.0,
                         use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=2),
        "Adagrad": lambda: C(learning_rate=0.1, initial_accumulator_value=0.1, epsilon=1e-7),
        "Adadelta": lambda: C(learning_rate=1.0, rho=0.95, epsilon=1e-7),
        "RMSprop": lambda: C(learning_rate=0.01, rho=0.9, momentum=0.5, epsilon=1e-7, centered=True),
        "Adam": lambda: C(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=True),
        "Nadam": lambda: C(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7, global_clipnorm=1.0),
        "AdamW": lambda: C(learning_rate=0.01, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                           amsgrad=False, clipvalue=0.5),
        "CourseSGDM": lambda: C(learning_rate=0.1, beta=0.9),
        "CourseAdagrad": lambda: C(learning_rate=0.1, epsilon=0.0, flush_to_zero=True),
        "CourseRMSProp": lambda: C(learning_rate=0.1, beta=0.9, epsilon=0.0, flush_to_zero=True),
        "CourseAdam": lambda: C(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=0.0, bias_correction=True,
                                flush_to_zero=True),
        "Optimizer.current_learning_rate": lambda: M(lambda: O.SGD(lambda s: 0.1 / (1 + s)),
                                                     "current_learning_rate", 3),
        "get": lambda: C("adam", 0.01, course=False, beta_1=0.8),
        "sgd_momentum_step": lambda: C(w, m, g, learning_rate=0.01, momentum=0.9, nesterov=False),
        "ema_momentum_step": lambda: C(w, m, g, learning_rate=0.1, beta=0.9),
        "adam_step": lambda: C(w, m, m ** 2, g, 1, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
        "adamw_step": lambda: C(w, m, m ** 2, g, 1, learning_rate=0.001, weight_decay=0.004, beta_1=0.9,
                                beta_2=0.999, epsilon=1e-7),
        "Optimizer.finalize_variable_values": lambda: M(_stepped, "finalize_variable_values", [np.ones(2)]),
        "Optimizer.exclude_from_weight_decay": lambda: M(lambda: O.SGD(0.1, weight_decay=0.1),
                                                         "exclude_from_weight_decay", [np.ones(2)]),
    }
    def _stepped():
        opt = O.Adam(0.1, use_ema=True)
        opt.apply_gradients([(np.ones(2), np.zeros(2))])
        return opt

    for name in ("SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Nadam", "CourseSGDM", "CourseAdagrad",
                 "CourseRMSProp", "CourseAdam"):
        out[f"{name}.apply_gradients"] = step(lambda n=name: getattr(O, n)(0.01))
    return out


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "sgd_momentum_step": _each(("w", "m", "g")),
    "ema_momentum_step": _each(("w", "m", "g")),
    "adam_step": _each(("w", "m", "v", "g")),
    "adamw_step": _each(("w", "m", "v", "g")),
}
