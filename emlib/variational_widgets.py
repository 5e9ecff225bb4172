"""The explorer of notebook 10: variational Bayes for a Gaussian mixture, iteration by iteration.

Built on :class:`emlib.widgets.Explorer` (frame cache bounded in bytes, a PNG of
the initial state for static renderers, ``close()`` and replacement when its
cell runs again) and on the drawing primitives of :mod:`emlib.plotting`.
"""
import ipywidgets as widgets
import numpy as np

from . import plotting as P
from .variational import _e_step, _expected_params
from .widgets import Explorer

__all__ = ["VBAnimator"]


class VBAnimator(Explorer):
    """A Play button and slider over VB iterations: ellipses, E[pi_k] as bars, the ELBO.

    Left: the points coloured by the responsibilities r_nk that q(pi, mu, Lambda)
    of the iteration gives (PRML 10.49), with the 1 and 2 sigma ellipses of the
    expected parameters (means m_k, covariances (nu_k W_k)^-1) of the components
    whose E[pi_k] is at least ``min_weight``.  Middle: E[pi_k] as bars.
    Right: the ELBO against the iteration.

    Parameters
    ----------
    X : array of shape (N, 2)
    result : VBResult from :func:`emlib.variational.vb_gmm` (K <= 6)
    labels : names of the two axes, with units
    min_weight : float, components with a smaller E[pi_k] have no ellipse
    """

    #: an animation keeps its whole Play sequence (as EMAnimator)
    cache_budget = 8 * 2**20

    def __init__(self, X, result, labels=("$x_1$", "$x_2$"), min_weight=0.01, interval=300):
        self.X = np.asarray(X, dtype=float)
        self.history, self.elbos = result.history, np.asarray(result.elbos)
        self.min_weight = min_weight
        n = len(self.history)
        self.play = widgets.Play(value=0, min=0, max=n - 1, step=1, interval=interval, description="Play")
        self.slider = widgets.IntSlider(value=0, min=0, max=n - 1, description="iteration", continuous_update=True,
                                        layout=widgets.Layout(width="420px"))
        self.links = [widgets.jslink((self.play, "value"), (self.slider, "value"))]  # closed with the explorer
        self.controls = [self.play, self.slider]
        self.fig, (ax, axb, axl) = P.new_figure(12, 3.9, ncols=3, gridspec_kw={"width_ratios": [1.25, 0.8, 1.0]})
        params = _expected_params(self.history[0])
        K = params.weights.size
        self.points, self.patches = P.draw_gmm_2d(ax, self.X, params, _e_step(self.X, self.history[0]), labels=labels)
        P.set_limits(ax, self.X)
        ax.set_aspect("equal", adjustable="box")
        ax.set_title(f"expected parameters (ellipses where E[π_k] ≥ {min_weight:g})", fontsize=9)
        self.bars = axb.bar(np.arange(K), params.weights, color=P.COLORS[:K])
        axb.set_ylim(0, 1)
        axb.set_xticks(np.arange(K), [str(k + 1) for k in range(K)])
        axb.set_xlabel("component k")
        axb.set_ylabel("E[π_k] = α_k / Σ_j α_j")
        axb.grid(alpha=0.3, axis="y")
        _, self.marker = P.draw_loglik_curve(axl, self.elbos, current=0, label="ELBO $\\mathcal{L}(q)$")
        axl.set_xlabel("VB iteration")
        box = dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none")
        self.label = axb.text(0.97, 0.97, "", transform=axb.transAxes, ha="right", va="top", fontsize=9, bbox=box)
        self.animated = [self.points, *(e for row in self.patches for e in row), *self.bars, self.marker, self.label]
        self._finish()

    def _state(self):
        return self.slider.value

    def _draw(self):
        t = self.slider.value
        post = self.history[t]
        params = _expected_params(post)
        for k, row in enumerate(self.patches):
            for e in row:
                e.set_visible(bool(params.weights[k] >= self.min_weight))
        P.update_ellipses(self.patches, params)
        P.update_points(self.points, _e_step(self.X, post))
        for bar, w in zip(self.bars, params.weights):
            bar.set_height(w)
        P.update_marker(self.marker, t, self.elbos[t])
        kept = int(np.sum(params.weights >= self.min_weight))
        self.label.set_text(f"iteration {t}\n{kept} with E[π_k] ≥ {self.min_weight:g}")
