"""Every comparison with TensorFlow/Keras and with the course's own TF code and printed numbers.

The formulas (``course_lib.nn``) never import TensorFlow; this package does, lazily
(``course_lib.import_tf()`` inside each function). One module per chapter
(``chNN_<topic>.py``: ``chNN_vs_tensorflow()`` for the notebook's one "checked against
TensorFlow" table, the course's own loops, ``COURSE_NUMBERS``); what they share is here.
Tests import these helpers instead of copying them.
"""

from __future__ import annotations

import warnings

__all__ = ["replay_callback"]


def replay_callback(callback, values, monitor: str = "loss", learning_rate: float = 0.01):
    """Feed ``values`` to a Keras callback as if ``fit`` ran one epoch per value.

    A tiny compiled model stands in for the trained one (``ReduceLROnPlateau`` reads and sets
    its optimizer's learning rate; ``EarlyStopping`` sets ``model.stop_training``).

    Returns
    -------
    logs : list of dict
        What each epoch's ``logs`` held after the callback ran (``"learning_rate"`` included
        when the callback wrote it).
    stopped : int or None
        The epoch after which the callback stopped training.
    """
    import keras

    from .. import import_tf

    import_tf()
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    callback.set_model(model)
    model.stop_training = False
    logs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # numpy 2 notice from inside Keras
        callback.on_train_begin()
        for epoch, v in enumerate(values):
            logs.append({monitor: float(v)})
            callback.on_epoch_end(epoch, logs[-1])
            if model.stop_training:
                return logs, epoch
    return logs, None
