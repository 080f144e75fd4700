"""What each chapter runs: one module per chapter, ``chNN_<topic>.py``.

A chapter's module holds the experiments behind its notebook: the runs, parameter grids and
cached results its figures show, the compute halves of its sliders (``*_view``), and the fast
kernels that make Run All quick (each tested equal to :func:`course_lib.train.fit` or to the
formula it speeds up). The formulas live in :mod:`course_lib.nn`, the drawings in
:mod:`course_lib.figures`, every comparison with TensorFlow in :mod:`course_lib.reference`.

Import the chapter's module, not this package::

    from course_lib.experiments import ch06_optimizers as X
"""

__all__: list[str] = []
