"""The formulas (公式): pure numpy, Keras' names, arguments and defaults, formula and paper in every docstring.

Nothing here imports TensorFlow, plotting, data or experiments: a formula can be read,
tested and reused on its own. One module per kind of thing, as in Keras:

* :mod:`~course_lib.nn.activations` – activations, each with its ``*_grad`` beside it;
* :mod:`~course_lib.nn.losses` – regression, classification, IoU family, focal;
* :mod:`~course_lib.nn.schedules` – learning-rate schedules;
* :mod:`~course_lib.nn.callbacks` – early stopping and reduce-on-plateau (one monitor rule);
* :mod:`~course_lib.nn.regularizers` – L1/L2 penalties, soft thresholding;
* :mod:`~course_lib.nn.optimizers` – Keras' optimizers and the course's hand-written ones;
* :mod:`~course_lib.nn.complexity` – parameters, MACs, FLOPs, feature maps.
"""
