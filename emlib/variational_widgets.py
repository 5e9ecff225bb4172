"""Moved to :mod:`emlib.widgets.variational`; this name stays until notebook 10 imports from emlib.widgets."""
from .widgets.variational import VBAnimator  # noqa: F401
