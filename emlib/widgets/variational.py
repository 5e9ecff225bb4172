"""The explorer of notebook 10: variational Bayes for a Gaussian mixture, iteration by iteration.

Built on :class:`emlib.widgets.Explorer` (frame cache bounded in bytes, a PNG of
the initial state for static renderers, ``close()`` and replacement when its
cell runs again) and on the drawing primitives of :mod:`emlib.plotting`.
"""
import ipywidgets as widgets
import numpy as np

from .. import plotting as P
from .._validation import check_number, describe
from ..variational import _check_posterior, _e_step, _expected_params
from .base import Explorer, _colourable, _data_2d, _fitted_to, _interval, _labels, _set_limits, _subset_note, _values_per_entry

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
    min_weight : float in [0, 1], components with a smaller E[pi_k] have no ellipse
    interval : milliseconds between frames when playing

    Of more than ``max_points`` points a random subset is drawn (the title says so);
    the ELBO is that of the result, over all the points.
    """

    #: an animation keeps its whole Play sequence (as EMAnimator)
    cache_budget = 8 * 2**20

    def __init__(self, X, result, labels=("$x_1$", "$x_2$"), min_weight=0.01, interval=300):
        self.X = _data_2d(X)
        N = self.X.shape[0]
        self.history, self.elbos = _vb_history(result, "result", N)
        labels, interval = _labels(labels), _interval(interval)
        self.min_weight = check_number(min_weight, "min_weight", 0.0, 1.0, what=" (the smallest E[π_k] drawn with an ellipse)")
        drawn = self._drawn(N)
        self._X_drawn = self.X if drawn is None else self.X[drawn]
        n = len(self.history)
        self.play = widgets.Play(value=0, min=0, max=n - 1, step=1, interval=interval, description="Play")
        self.slider = widgets.IntSlider(value=0, min=0, max=n - 1, description="iteration", continuous_update=True,
                                        layout=widgets.Layout(width="420px"))
        self.links = [widgets.jslink((self.play, "value"), (self.slider, "value"))]  # closed with the explorer
        self.controls = [self.play, self.slider]
        self.fig, (ax, axb, axl) = P.new_figure(12, 3.9, ncols=3, gridspec_kw={"width_ratios": [1.25, 0.8, 1.0]})
        params = _expected_params(self.history[0])
        K = params.weights.size
        self.points, self.patches = P.draw_gmm_2d(ax, self._X_drawn, params, _e_step(self._X_drawn, self.history[0]), labels=labels)
        _set_limits(ax, self.X)
        ax.set_aspect("equal", adjustable="box")
        note = _subset_note(N, drawn)
        ax.set_title(f"expected parameters (ellipses where E[π_k] ≥ {min_weight:g})" + (f"\n({note})" if note else ""), fontsize=9)
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

    def _tour_label(self, t):
        return f"iteration {t} of {len(self.history) - 1}"

    def _draw(self):
        t = self.slider.value
        post = self.history[t]
        params = _expected_params(post)
        for k, row in enumerate(self.patches):
            for e in row:
                e.set_visible(bool(params.weights[k] >= self.min_weight))
        P.update_ellipses(self.patches, params)
        P.update_points(self.points, _e_step(self._X_drawn, post))
        for bar, w in zip(self.bars, params.weights):
            bar.set_height(w)
        P.update_marker(self.marker, t, self.elbos[t])
        kept = int(np.sum(params.weights >= self.min_weight))
        self.label.set_text(f"iteration {t}\n{kept} with E[π_k] ≥ {self.min_weight:g}")


def _vb_history(result, name, N):
    """The history (VBPosterior in 2-D, one K) and ELBOs of a VBResult fitted to N points."""
    if not (hasattr(result, "history") and hasattr(result, "elbos")):
        hint = "; for EM use emlib.widgets.EMAnimator" if hasattr(result, "log_likelihoods") else ""
        raise TypeError(f"{name} must be the result of emlib.variational.vb_gmm (a VBResult, with history and elbos); "
                        f"got {describe(result)}{hint}")
    history = result.history
    if not isinstance(history, (list, tuple)) or len(history) == 0:
        raise ValueError(f"{name}.history must be a non-empty list of VBPosterior; got {describe(history)}")
    checked = []
    for t, post in enumerate(history):
        if not isinstance(post, (tuple, list)):
            raise TypeError(f"{name}.history[{t}] must be a VBPosterior (alpha, beta, m, W_inv, nu); got {describe(post)}")
        checked.append(_check_posterior(post, D=2, name=f"{name}.history[{t}]"))
        K = checked[t].alpha.size
        if K != checked[0].alpha.size:
            raise ValueError(f"{name}.history[{t}] has K = {K} components, {name}.history[0] has K = {checked[0].alpha.size}")
    _colourable(checked[0].alpha.size, name)
    elbos = _values_per_entry(result.elbos, f"{name}.elbos", len(checked), f"{name}.history")
    _fitted_to(result, name, N)
    return checked, elbos
