"""Valid calls for the bad-input audit of ``course_lib.experiments.ch06_optimizers`` (see tests/test_api_audit.py)."""

import numpy as np

from ._common import C, mod

MODULE = "experiments.ch06_optimizers"


def calls():
    E = mod("experiments.ch06_optimizers")
    O = mod("nn.optimizers")
    race = E.race("quadratic", ("SGD", "Adam"), steps=5)
    return {
        "adam_effective_step": lambda: C(steps=5, beta_1=0.9, beta_2=0.999, bias_correction=False),
        "Surface": lambda: C("q", lambda a, b: a * a + b * b, lambda a, b: np.array([2 * a, 2 * b]), (1.0, 1.0),
                             (-2.0, 2.0), (-2.0, 2.0), (0.0, 0.0), "f = x² + y²", preset={}, hess=None),
        "trajectory": lambda: C(O.SGD(0.1), lambda a, b: np.array([2 * a, 2 * b]), (1.0, 1.0), 5, limit=1e6),
        "race": lambda: C(surface="quadratic", names=("SGD", "Adam"), lr=0.1, lr_adaptive=0.1, momentum=0.9,
                          beta_1=0.9, beta_2=0.999, rho=0.9, steps=5),
        "race_summary": lambda: C(race),
        "largest_stable_lr": lambda: C("quadratic", "SGD", (0.1, 0.3), steps=5),
        "newton_path": lambda: C("rosenbrock", 3, x0=(0.5, 0.5)),
        "hessian_cost": lambda: C(100, bytes_per_number=4, flops_per_second=1e11),
        "adagrad_slowdown": lambda: C(lr=0.4, steps=5),
        "nadam_momentum": lambda: C(steps=10, beta_1=0.9),
        "rotated_quadratic": lambda: C(dim=3, condition=10.0, seed=0),
        "tuned_race": lambda: C(dim=3, condition=10.0, steps=5, seed=0, n_lrs=2),
        "tuned_race_surface": lambda: C("saddle", steps=3, n_lrs=2, lr_range=(-2.0, 0.0), window=2),
        "step_optimizer": lambda: C(O.adam_step, 0.1, kind="adam", beta_1=0.9),
    }


MATCHING = {}
