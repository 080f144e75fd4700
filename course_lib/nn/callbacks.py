"""Callbacks driven by a monitored value: early stopping and reduce-on-plateau, without Keras.

Both use one rule, :class:`Monitor` (Keras' ``MonitorCallback._is_improvement``): a value is
an improvement when it beats the best so far by more than ``min_delta``, compared in float32
as Keras does (``keras.ops.less`` on Python floats).
"""

from __future__ import annotations

import numpy as np

from .. import _check

__all__ = ["Monitor", "EarlyStopping", "early_stopping_epoch", "ReduceLROnPlateau", "reduce_lr_on_plateau"]


class Monitor:
    """Keeps the best value seen and says whether a new one improves on it.

    ``mode="min"`` (or ``"auto"``, the monitored value being a loss): ``value + min_delta < best``;
    ``mode="max"``: ``value - min_delta > best``; both sides rounded to float32 first.
    """

    def __init__(self, mode: str = "min", min_delta: float = 0.0):
        self.mode = _check.choice(mode, "mode", ("min", "max", "auto"))
        self.min_delta = _check.non_negative(min_delta, "min_delta")
        self.best = None

    def improved(self, value) -> bool:
        """True when ``value`` beats :attr:`best` (which it then becomes); the first value always does."""
        value = _check.number(value, "value")
        if self.best is None:
            better = True
        elif self.mode == "max":
            better = bool(np.float32(value - self.min_delta) > np.float32(self.best))
        else:
            better = bool(np.float32(value + self.min_delta) < np.float32(self.best))
        if better:
            self.best = value
        return better


def _values(values, name):
    v = _check.real_array(values, name)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, got shape {v.shape}")
    return v


class EarlyStopping:
    """``keras.callbacks.EarlyStopping`` without Keras: feed it the monitored value after each epoch.

    Each epoch the wait grows by one; an improvement (:class:`Monitor`) resets it and becomes the
    best epoch; training stops at the first epoch (after the first) where the wait reaches
    ``patience`` — ``patience`` epochs after the best one (Prechelt, "Early stopping – but when?",
    Neural Networks: Tricks of the Trade, 1998).

    Attributes
    ----------
    best_epoch : int
        The epoch of the best value so far (``restore_best_weights=True`` returns its weights).
    stopped_epoch : int or None
        The epoch after which training stopped.
    """

    def __init__(self, patience: int = 0, min_delta: float = 0.0, mode: str = "min"):
        self.patience = _check.integer(patience, "patience")
        self._monitor = Monitor(mode, min_delta)
        self.wait, self.epoch, self.best_epoch, self.stopped_epoch = 0, -1, 0, None

    @property
    def best(self):
        return self._monitor.best

    def update(self, value) -> bool:
        """Record one epoch's value; True when training should stop now."""
        value = _check.number(value, "value")
        self.epoch += 1
        self.wait += 1
        if self._monitor.improved(value):
            self.best_epoch, self.wait = self.epoch, 0
            return False
        if self.wait >= self.patience and self.epoch > 0:
            self.stopped_epoch = self.epoch
            return True
        return False


def early_stopping_epoch(val_loss, patience: int = 0, min_delta: float = 0.0):
    """Where ``keras.callbacks.EarlyStopping(monitor="val_loss", mode="min")`` stops.

    Parameters
    ----------
    val_loss : 1-D array_like
        The validation loss after each epoch.
    patience : int
        Epochs without improvement to wait, ``>= 0``.
    min_delta : float
        The smallest decrease counted as an improvement, ``>= 0``.

    Returns
    -------
    stopped_epoch : int or None
        The (0-based) epoch after which training stops; ``None`` if it never stops early.
    best_epoch : int
        The epoch with the best loss seen up to the stop.
    """
    v = _values(val_loss, "val_loss")
    cb = EarlyStopping(patience, min_delta)
    for current in v:
        if cb.update(float(current)):
            break
    return cb.stopped_epoch, cb.best_epoch


class ReduceLROnPlateau:
    """``keras.callbacks.ReduceLROnPlateau`` without Keras: feed it one monitored value per epoch.

    After ``patience`` epochs in a row without an improvement (:class:`Monitor`), the learning
    rate is multiplied by ``factor`` (never below ``min_lr``), and ``cooldown`` epochs follow in
    which waiting does not count. As in Keras, the learning rate is stored in float32 (the
    optimiser's variable).

    Parameters
    ----------
    initial_learning_rate : float
        > 0.
    factor : float
        In (0, 1).
    patience : int
        >= 0.
    mode : {"min", "max", "auto"}
        ``"auto"`` means ``"min"`` (the monitored value is a loss); ``"max"`` for an accuracy.
    min_delta : float
        >= 0.
    cooldown : int
        >= 0.
    min_lr : float
        >= 0.

    Attributes
    ----------
    learning_rate : float
        The learning rate for the next epoch.
    """

    def __init__(self, initial_learning_rate, factor=0.1, patience=10, mode="min", min_delta=1e-4,
                 cooldown=0, min_lr=0.0):
        self.initial_learning_rate = _check.positive(initial_learning_rate, "initial_learning_rate")
        self.factor = _check.number(factor, "factor", low=0.0, low_open=True, high=1.0, high_open=True)
        self.patience = _check.integer(patience, "patience")
        self.mode = _check.choice(mode, "mode", ("min", "max", "auto"))
        self.min_delta = _check.non_negative(min_delta, "min_delta")
        self.cooldown = _check.integer(cooldown, "cooldown")
        self.min_lr = _check.non_negative(min_lr, "min_lr")
        self.reset()

    def reset(self) -> None:
        """Start again (Keras' ``on_train_begin``)."""
        self.learning_rate = float(np.float32(self.initial_learning_rate))
        self._monitor = Monitor(self.mode, self.min_delta)
        self.wait = 0
        self.cooldown_counter = 0

    @property
    def best(self):
        return self._monitor.best

    def update(self, value) -> float:
        """Record one epoch's monitored value; return the learning rate for the next epoch."""
        value = _check.number(value, "value")
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._monitor.improved(value):
            self.wait = 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience and self.learning_rate > np.float32(self.min_lr):
                new = max(self.learning_rate * self.factor, self.min_lr)
                self.learning_rate = float(np.float32(new))
                self.cooldown_counter = self.cooldown
                self.wait = 0
        return self.learning_rate

    def __repr__(self):
        return (f"ReduceLROnPlateau(initial_learning_rate={self.initial_learning_rate!r}, factor={self.factor!r}, "
                f"patience={self.patience!r}, mode={self.mode!r}, min_delta={self.min_delta!r}, "
                f"cooldown={self.cooldown!r}, min_lr={self.min_lr!r})")


def reduce_lr_on_plateau(losses, initial_learning_rate, factor=0.1, patience=10, mode="min", min_delta=1e-4,
                         cooldown=0, min_lr=0.0):
    """The learning rate of every epoch under ``keras.callbacks.ReduceLROnPlateau``, given the losses.

    ``lr[e]`` is the learning rate used during epoch ``e`` (what Keras logs as
    ``history["learning_rate"][e]``); it depends on ``losses[:e]`` only. See
    :class:`ReduceLROnPlateau` for the rule and the parameters.

    Returns
    -------
    ndarray, shape (len(losses),)
    """
    arr = _values(losses, "losses")
    policy = ReduceLROnPlateau(initial_learning_rate, factor=factor, patience=patience, mode=mode,
                               min_delta=min_delta, cooldown=cooldown, min_lr=min_lr)
    out = np.empty(len(arr))
    for e, v in enumerate(arr):
        out[e] = policy.learning_rate
        policy.update(float(v))
    return out
