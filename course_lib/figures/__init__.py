"""What each chapter draws: ``_axes`` (style, colours, steady axes) and one ``chNN_<topic>`` module per chapter."""

from ._axes import COLORS, apply_style, new_figure

__all__ = ["COLORS", "apply_style", "new_figure"]
