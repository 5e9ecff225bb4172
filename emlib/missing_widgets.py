"""Moved to :mod:`emlib.widgets.missing`; this name stays until notebook 09 imports from emlib.widgets."""
from .widgets.missing import MissingDataExplorer  # noqa: F401
