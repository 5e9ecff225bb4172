"""Interactive explorers for the notebooks (ipywidgets 8, any Jupyter front end).

Each explorer takes its data and parameters as arguments, keeps its own
matplotlib Figure (not managed by pyplot), and shows it as PNG bytes in an
``ipywidgets.Image``.  Moving a control updates the artists in place, renders
the figure once, and caches the bytes in a least-recently-used cache of at most
``Explorer.cache_budget`` bytes, so returning to a recent state is instant.

A kernel can run for a whole lecture: re-running a cell closes the explorer
that the cell made before (JupyterLab and Notebook 7 send the cell's id), and
``explorer.close()`` or :func:`close_all` release explorers by hand.

Displaying an explorer shows the live widget in a running front end; the same
output also carries a PNG of the initial state, which static renderers
(GitHub, nbviewer, paper) show instead.

Every explorer checks its arguments before it makes a widget: a mistake raises
ValueError (TypeError for a wrong kind of object) with a sentence that names the
argument.  A scatter plot draws at most ``Explorer.max_points`` points; of more,
it draws a random subset and its title says so.

The explorers, one module per part of the collection (all importable from here):

- :mod:`emlib.widgets.base`: :class:`Explorer`, :func:`close_all` and the shared argument checks;
- :mod:`emlib.widgets.gmm`: notebooks 01-07 (``LikelihoodExplorer`` ... ``HardeningExplorer``);
- :mod:`emlib.widgets.bernoulli`: notebook 08 (``BernoulliAnimator``);
- :mod:`emlib.widgets.missing`: notebook 09 (``MissingDataExplorer``);
- :mod:`emlib.widgets.variational`: notebook 10 (``VBAnimator``).
"""
from .base import Explorer, _slider, close_all
from .bernoulli import BernoulliAnimator
from .gmm import (BoundExplorer, EMAnimator, HardeningExplorer, KExplorer, LikelihoodExplorer, MixtureExplorer, StartExplorer,
                  log_likelihood_surface)
from .missing import MissingDataExplorer
from .variational import VBAnimator

__all__ = ["close_all", "LikelihoodExplorer", "MixtureExplorer", "BoundExplorer", "EMAnimator", "StartExplorer", "KExplorer",
           "HardeningExplorer", "BernoulliAnimator", "MissingDataExplorer", "VBAnimator"]
