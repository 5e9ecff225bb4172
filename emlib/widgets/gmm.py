"""The explorers of notebooks 01 to 07: one Gaussian, a 1-D mixture, the bound, EM animated, where EM
ends, how many components, the hard limit."""
import html
import re

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import BoundaryNorm
from matplotlib.ticker import MaxNLocator

from .. import plotting as P
from .._validation import as_numeric_array, check_integer, check_number, check_prob_rows, describe
from ..bound import kl_divergence, lower_bound
from ..em import e_step, m_step
from ..gaussian import gaussian_log_likelihood, gaussian_logpdf, gaussian_mle
from ..mixture import GMMParams, mixture_log_likelihood
from .base import (Explorer, _colourable, _criteria, _data_1d, _data_2d, _em_history, _eps_values, _fits, _flat_limits_allowed, _gmm,
                   _interval, _labels, _run_lls, _runs, _set_limits, _slider, _subset_note, _text)

__all__ = ["LikelihoodExplorer", "MixtureExplorer", "BoundExplorer", "EMAnimator", "StartExplorer", "KExplorer", "HardeningExplorer",
           "log_likelihood_surface"]


# ---------------------------------------------------------------- 01: one Gaussian
class LikelihoodExplorer(Explorer):
    """mu and sigma sliders over a histogram; the log-likelihood surface with the MLE marked.

    The sliders span mu_ML +- 2 sigma_ML and 0.3 to 2.5 sigma_ML.

    Parameters
    ----------
    x : array of shape (N,), the data, at least two different values
    unit : str, the unit of x (for the axis labels)
    mu, sigma : the starting position of the sliders (default mu_ML - 1.2 sigma_ML and 0.6 sigma_ML)
    """

    def __init__(self, x, unit="", mu=None, sigma=None):
        self.x = _data_1d(x, "x", "LikelihoodExplorer")
        unit = _text(unit, "unit", "cm")
        if self.x.size == 1 or np.all(self.x == self.x[0]):
            what = "one point" if self.x.size == 1 else f"{self.x.size} equal values ({self.x[0]:g})"
            raise ValueError(f"x needs at least two different values; got {what}. Then σ_ML = 0: with μ at that value, "
                             f"ln p(x | μ, σ²) grows without bound as σ shrinks to 0, so there is no maximum to explore")
        self.mu_ml, var_ml = gaussian_mle(self.x)
        if not 0 < var_ml < np.inf:
            raise ValueError(f"x varies too little or too much for floating point: its variance computes as {var_ml:g}; "
                             f"rescale x (e.g. to other units)")
        self.sigma_ml = np.sqrt(var_ml)
        s, m = self.sigma_ml, self.mu_ml
        mu_range, sigma_range = (m - 2 * s, m + 2 * s), (0.3 * s, 2.5 * s)
        for value, name, (lo, hi), span in ((mu, "mu", mu_range, "μ_ML ± 2 σ_ML"), (sigma, "sigma", sigma_range, "0.3 to 2.5 σ_ML")):
            if value is not None and not lo <= check_number(value, name) <= hi:
                raise ValueError(f"{name} must lie on its slider, from {lo:.4g} to {hi:.4g} ({span} of x); got {float(value)!r}")
        u = f" ({unit})" if unit else ""
        self.mu = _slider(f"μ{u}", m - 1.2 * s if mu is None else mu, *mu_range, s / 50)
        self.sigma = _slider(f"σ{u}", 0.6 * s if sigma is None else sigma, *sigma_range, s / 50)
        self.controls = [self.mu, self.sigma]
        self.fig, (ax, ax2) = P.new_figure(10, 3.6, ncols=2)
        ax.hist(self.x, bins=30, density=True, color=P.COLORS[5], alpha=0.6, label="data")
        self.grid = np.linspace(m - 4 * s, m + 4 * s, 400)
        ax.plot(self.grid, np.exp(gaussian_logpdf(self.grid, m, var_ml)), "--", color=P.GREY, lw=1.5, label="MLE")
        (self.curve,) = ax.plot(self.grid, self.grid * 0, color=P.COLORS[1], lw=2.5, label="$\\mathcal{N}(x\\mid\\mu,\\sigma^2)$")
        ax.set_xlabel(f"x{u}")
        ax.set_ylabel(f"density{' (1/' + unit + ')' if unit else ''}")
        ax.legend(loc="upper right", fontsize=8)
        ax.set_ylim(0, 1.6 / (np.sqrt(2 * np.pi) * 0.3 * s))
        self.title = ax.set_title("")
        mus = np.linspace(self.mu.min, self.mu.max, 120)
        sigmas = np.linspace(self.sigma.min, self.sigma.max, 120)
        self.surface = log_likelihood_surface(self.x, mus, sigmas)
        best = gaussian_log_likelihood(self.x, m, var_ml)
        gap = np.geomspace(0.5, best - self.surface.min(), 12)  # levels below the maximum, evenly on a log scale
        levels = np.r_[best - gap[::-1], best]
        cs = ax2.contourf(mus, sigmas, self.surface, levels=levels, cmap="viridis", norm=BoundaryNorm(levels, 256))
        ax2.contour(mus, sigmas, self.surface, levels=best - gap[::-1], colors="white", linewidths=0.4)
        cbar = self.fig.colorbar(cs, ax=ax2, label="$\\ln p(\\mathbf{x}\\mid\\mu,\\sigma^2)$")
        cbar.set_ticks(best - gap[::-3])
        cbar.ax.yaxis.set_major_formatter("{x:.0f}")
        ax2.plot([m], [s], "*", color="white", mec="black", ms=15, label="MLE")
        (self.point,) = ax2.plot([], [], "o", color=P.COLORS[1], mec="white", ms=9, label="current")
        ax2.set_xlabel(f"μ{u}")
        ax2.set_ylabel(f"σ{u}")
        ax2.legend(loc="upper right", fontsize=8)
        self.animated = [self.curve, self.point, self.title]
        self._finish()

    def _main_control(self):
        return self.mu

    def _state(self):
        return (self.mu.value, self.sigma.value)

    def _draw(self):
        mu, sigma = self._state()
        self.curve.set_ydata(np.exp(gaussian_logpdf(self.grid, mu, sigma**2)))
        self.point.set_data([mu], [sigma])
        ll = gaussian_log_likelihood(self.x, mu, sigma**2)
        best = gaussian_log_likelihood(self.x, self.mu_ml, self.sigma_ml**2)
        self.title.set_text(f"ln p = {ll:.2f}   (maximum {best:.2f} at the MLE)")


def log_likelihood_surface(x, mus, sigmas):
    """ln p(x | mu, sigma^2) on a grid, shape (len(sigmas), len(mus)), from the sufficient statistics."""
    x = np.asarray(x, dtype=float)
    N = x.size
    mean, var = gaussian_mle(x)
    M, S = np.meshgrid(mus, sigmas)
    # sum_n (x_n - mu)^2 = N (var_ML + (mean - mu)^2): exact, no N x grid array
    return -0.5 * N * np.log(2 * np.pi) - N * np.log(S) - N * (var + (mean - M) ** 2) / (2 * S**2)


# ---------------------------------------------------------------- 02: a 1-D mixture
class MixtureExplorer(Explorer):
    """pi, mu_k, sigma_k sliders for a two-component 1-D mixture; the posterior beneath (PRML Fig. 2.22).

    Parameters
    ----------
    params : GMMParams with K = 2, D = 1, the initial state
    x : optional array of shape (N,), data shown as a histogram
    unit : str, the unit of x
    xlim : optional (lo, hi), the range of x shown and of the mu sliders (default: mu_k +- 4 sigma_k)
    """

    def __init__(self, params, x=None, unit="", xlim=None):
        w, m, c = _gmm(params, "params")
        if w.size != 2 or m.shape[1] != 1:
            raise ValueError(f"params must have K = 2 components in D = 1 dimension (MixtureExplorer shows two "
                             f"components on a line); got K = {w.size}, D = {m.shape[1]}")
        unit = _text(unit, "unit", "cm")
        x = None if x is None else _data_1d(x, "x", "MixtureExplorer")
        sd = np.sqrt(c[:, 0, 0])
        if xlim is None:
            lo, hi = float(min(m[:, 0] - 4 * sd)), float(max(m[:, 0] + 4 * sd))
        else:
            if isinstance(xlim, str) or not isinstance(xlim, (tuple, list, np.ndarray)) or len(xlim) != 2:
                raise TypeError(f"xlim must be a pair (lo, hi) or None; got {describe(xlim)}")
            lo, hi = check_number(xlim[0], "xlim[0]"), check_number(xlim[1], "xlim[1]")
            if not lo < hi:
                raise ValueError(f"xlim must be (lo, hi) with lo < hi; got ({lo!r}, {hi!r})")
            for k in range(2):
                if not lo <= m[k, 0] <= hi:
                    raise ValueError(f"params.means[{k}] = {m[k, 0]:g} lies outside xlim = ({lo:g}, {hi:g}), "
                                     f"the range of the μ sliders; widen xlim")
        u = f" ({unit})" if unit else ""
        span = hi - lo
        # the weight and sigma sliders reach the values in params, however extreme
        self.pi1 = _slider("π₁", w[0], min(0.02, w[0]), max(0.98, w[0]), 0.02)
        self.mu = [_slider(f"μ{s}{u}", m[k, 0], lo, hi, span / 200) for k, s in enumerate("₁₂")]
        sd_lo, sd_hi = min(span / 100, sd.min()), max(span / 3, sd.max())
        self.sd = [_slider(f"σ{s}{u}", sd[k], sd_lo, sd_hi, span / 400) for k, s in enumerate("₁₂")]
        self.controls = [self.pi1, *self.mu, *self.sd]
        self.grid = np.linspace(lo, hi, 500)
        self.fig, (ax, ax2) = P.new_figure(8, 5, nrows=2, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
        if x is not None:
            ax.hist(x, bins=40, density=True, color=P.COLORS[5], alpha=0.45, label="data")
        self.lines, self.total = P.draw_mixture_1d(ax, self.grid, self.params())
        ax.set_ylabel(f"density{' (1/' + unit + ')' if unit else ''}")
        ax.legend(loc="upper right", fontsize=8)
        self.ax = ax
        self.post = P.draw_posterior_1d(ax2, self.grid, self.params())
        ax2.set_xlabel(f"x{u}")
        ax2.legend(loc="center right", fontsize=8)
        self.x = x
        self.title = ax.set_title("")
        self._ymax = None
        self.animated = [self.total, *self.lines, *self.post, self.title]  # p(x) under the dashed components
        self._finish()

    def params(self):
        p1 = self.pi1.value
        return GMMParams(
            np.array([p1, 1 - p1]), np.array([[s.value] for s in self.mu]), np.array([[[s.value**2]] for s in self.sd])
        )

    def _main_control(self):
        return self.pi1

    def _tour(self, max_frames):
        """The π₁ sweep, each frame with the y axis the live view would have after a move straight from the
        current state to it (the live view's axis only grows with the curves it has shown: it remembers)."""
        steps, start, restore = super()._tour(max_frames)
        ymax = self._ymax

        def from_here(go):
            def step():
                self._ymax = ymax
                self.ax.set_ylim(0, ymax)
                go()
            return step

        def back():
            from_here(restore)()
            self._background = None
        return [(label, from_here(go)) for label, go in steps], start, back

    def _state(self):
        return tuple(c.value for c in self.controls)

    def _draw(self):
        params = self.params()
        P.update_mixture_1d(self.lines, self.total, self.grid, params)
        P.update_posterior_1d(self.post, self.grid, params)
        top = 1.1 * self.total.get_ydata().max()
        if self._ymax is None or top > self._ymax or top < 0.5 * self._ymax:
            self._ymax = max(top, self._ymax or 0.0) if self.x is not None else top
            self.ax.set_ylim(0, self._ymax)
            self._background = None  # the axis changed: re-render the static part
        if self.x is not None:
            self.title.set_text(f"ln p(x | θ) = {mixture_log_likelihood(self.x[:, None], params):.2f}")


# ---------------------------------------------------------------- 03: the bound
class BoundExplorer(Explorer):
    """ln p(X | theta) = L(q, theta) + KL(q || p) as bars (PRML Figs. 9.11-9.13), with a zoom on the gap.

    A slider moves q from a starting distribution q0 (slider at 0) to the posterior
    p(Z | X, theta) (slider at 1); "E-step" sets q to the posterior; "M-step" sets
    theta to the maximiser of L(q, theta) for the current q.

    The right panel magnifies the top of the "now" bar: ln p(X | theta) and
    the window below it down past L(q0, theta) (with no gap, 0.5% of the main
    axis), so a KL gap of a fraction of a nat (after an M-step, on an axis of
    hundreds of nats) can be seen.  Its scale is fixed while the slider moves
    and set again after each step.

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams, the starting theta
    q0 : array of shape (N, K), the starting q
    """

    def __init__(self, X, params, q0):
        self.X = _data_2d(X, D=None)
        N, D = self.X.shape
        params = _gmm(params, "params", D)
        K = params.weights.size
        q0 = as_numeric_array(q0, "q0", "an array of shape (N, K): for each point of X, a probability for each component")
        if q0.shape != (N, K):
            raise ValueError(f"q0 must have one row per point of X and one column per component of params, shape (N, K) = "
                             f"({N}, {K}); got shape {q0.shape}")
        self.q0 = check_prob_rows(q0, N, K, "q0")
        self._set_theta(params)
        self.steps = 0
        self.t = _slider("q: from q₀ (0) to the posterior (1)", 0.0, 0.0, 1.0, 0.05)
        self.t.layout.width = "420px"
        self.e_button = widgets.Button(description="E-step", tooltip="set q to the posterior p(Z | X, θ)", button_style="info")
        self.m_button = widgets.Button(description="M-step", tooltip="set θ to argmax L(q, θ)", button_style="warning")
        self.reset = widgets.Button(description="Reset")
        self.e_button.on_click(self.e_step)
        self.m_button.on_click(self.m_step)
        self.reset.on_click(self._reset)
        self.controls = [self.t, self.e_button, self.m_button, self.reset]
        self._start = (params, self.q0)
        self.fig, (self.ax, self.zoom) = P.new_figure(8.8, 4.2, ncols=2, gridspec_kw={"width_ratios": [3.0, 1.0]})
        self.before = None
        self._build()
        self._finish()

    def _set_theta(self, theta):
        """theta, and what depends on it alone: the posterior p(Z | X, theta) and ln p(X | theta)."""
        self.theta = theta
        self._posterior = e_step(self.X, theta)
        self._log_p = mixture_log_likelihood(self.X, theta)

    def q(self):
        """The current q = (1 - w) q0 + w p(Z | X, theta), w the slider's value; shape (N, K)."""
        t = self.t.value
        return (1 - t) * self.q0 + t * self._posterior

    def _terms_now(self):
        """:meth:`terms` of the state shown, computed once per state (building and drawing a frame both need them)."""
        key = self._state()
        if getattr(self, "_terms_key", None) != key:
            self._terms_key, self._terms_value = key, self.terms()
        return self._terms_value

    def terms(self, q=None, theta=None):
        """(ln p(X | theta), L(q, theta), KL(q || p)), each computed on its own; default: the current q and theta."""
        log_p = self._log_p if theta is None else mixture_log_likelihood(self.X, theta)
        theta = self.theta if theta is None else theta
        q = self.q() if q is None else q
        return log_p, lower_bound(self.X, theta, q), kl_divergence(self.X, theta, q)

    def _build(self):
        ax = self.ax
        ax.clear()
        now = self._terms_now()
        ref = self.before or now
        top = max(now[0], ref[0])
        self.floor = P.set_bound_axis(ax, min(now[1], ref[1]) - 0.3 * max(now[2], ref[2], 1.0), top)  # a stated baseline
        ax.set_ylim(self.floor, top + 0.3 * (top - self.floor))  # room for the legend
        ax.set_xlim(-0.7, 1.7)
        if self.before is not None:
            P.draw_bound_bars(ax, *self.before, floor=self.floor)
            for patch in ax.patches:
                patch.set_alpha(0.35)
        self.bars = P.draw_bound_bars(ax, *now, floor=self.floor, x=1.0)
        (self.logp_line,) = ax.plot([0.65, 1.35], [now[0]] * 2, color=P.BLACK, lw=2)
        ax.set_xticks([0, 1], ["before the last step", "now"])
        handles = self.bars + (self.logp_line,)
        ax.legend(handles, ["$\\mathcal{L}(q,\\theta)$", "KL$(q\\Vert p)$", "$\\ln p(\\mathbf{X}\\mid\\theta)$"], loc="upper left", fontsize=8)
        self.title = ax.set_title("")
        self.animated = [*self.bars, self.logp_line, self.title, *self._build_zoom(now[0])]
        for artist in self.animated:
            artist.set_animated(True)

    def _build_zoom(self, log_p):
        """The zoom panel: the top of the "now" bar, from ln p down past L(q0, theta), the largest gap of this
        step (KL shrinks as q moves towards the posterior); its axis reads nats relative to ln p."""
        zoom = self.zoom
        zoom.clear()
        kl0 = kl_divergence(self.X, self.theta, self.q0)
        span = self.ax.get_ylim()[1] - self.ax.get_ylim()[0]
        # nats shown below ln p: the gap fills most of the panel; with no gap, 0.5% of the main axis
        depth = max(1.4 * kl0, 0.005 * span)
        lo, hi = log_p - depth, log_p + 0.3 * depth
        zoom.set_xlim(0.55, 1.45)
        zoom.set_ylim(lo, hi)
        zoom.set_xticks([1.0], ["now"])
        ticks = MaxNLocator(5).tick_values(-depth, 0.3 * depth)  # round numbers of nats from ln p, 0 among them
        zoom.set_yticks(log_p + ticks[(ticks >= -depth) & (ticks <= 0.3 * depth)])
        zoom.set_ylim(lo, hi)
        zoom.yaxis.set_major_formatter(lambda y, _: "ln p" if abs(y - log_p) < 1e-6 * depth else f"{y - log_p:+.3g}")
        zoom.yaxis.tick_right()  # the lines from the zoomed box reach the panel's left edge, clear of its labels
        zoom.yaxis.set_label_position("right")
        zoom.set_ylabel("nats relative to ln p(X | θ)", fontsize=9)
        ratio = span / (hi - lo)
        zoom.set_title(f"zoom ×{ratio:,.0f}" if ratio >= 10 else f"zoom ×{ratio:.2g}", fontsize=10)
        if ratio >= 2:  # the zoomed window, marked on the main axis (where it is smaller than that axis)
            self.ax.indicate_inset([0.55, lo, 0.9, hi - lo], inset_ax=zoom, edgecolor=P.BLACK, alpha=0.8)
        self.zoom_bars = P.draw_bound_bars(zoom, log_p, log_p, 0.0, floor=self.floor, x=1.0, width=0.7)
        (self.zoom_line,) = zoom.plot([0.6, 1.4], [log_p] * 2, color=P.BLACK, lw=2)
        box = dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none")
        self.zoom_text = zoom.text(0.5, 0.97, "", transform=zoom.transAxes, ha="center", va="top", fontsize=9, bbox=box)
        return [*self.zoom_bars, self.zoom_line, self.zoom_text]

    def _state(self):
        return (self.steps, self.t.value)

    def _draw(self):
        log_p, L, KL = self._terms_now()
        P.update_bound_bars(self.bars, L, KL, self.floor)
        self.logp_line.set_ydata([log_p] * 2)
        self.title.set_text(f"ln p = {log_p:.2f} = L {L:.2f} + KL {0.0 if abs(KL) < 1e-9 else KL:.2f}")  # not "-0.00"
        P.update_bound_bars(self.zoom_bars, L, KL, self.floor)
        self.zoom_line.set_ydata([log_p] * 2)
        self.zoom_text.set_text(f"KL = {_nats(KL)} nats")

    def _tour(self, max_frames):
        """From the current state: the slider at a few positions towards the posterior, then E- and M-steps
        in turn (as many as fit, at most four of each); afterwards the explorer is Reset."""
        t_now = self.t.value
        ts = [t_now, *(t for t in (0.25, 0.5, 0.75) if t > t_now)][:max_frames]
        steps = [(lambda t=t: f"q moved {t:.0%} of the way from q₀ to the posterior p(Z | X, θ)",
                  lambda t=t: setattr(self.t, "value", t)) for t in ts]
        n_steps = min(8, max_frames - len(steps))
        for i in range(n_steps):
            if i % 2 == 0:
                steps.append((lambda: f"E-step {self._n_e}: q := p(Z | X, θ), so KL = {_nats(self._terms_now()[2])} nats",
                              self._tour_e))
            else:
                steps.append((lambda: f"M-step {self._n_e}: θ := argmax L(q, θ); the new KL gap is {_nats(self._terms_now()[2])} nats",
                              self.m_step))
        self._n_e = 0

        def restore():
            self._reset()
            self.t.value = 0.0
        return steps, 0, restore

    def _tour_e(self):
        self._n_e += 1
        self.e_step()

    def e_step(self, _button=None):
        """q := p(Z | X, theta): KL drops to 0, L rises to ln p (PRML Fig. 9.12)."""
        self._act(lambda: (self.theta, self._posterior))

    def m_step(self, _button=None):
        """theta := argmax_theta L(q, theta): L rises; ln p rises at least as much when q is the posterior (right after an E-step, PRML Fig. 9.13), and can fall otherwise.

        An M-step that would leave a component with no responsibility or a
        singular covariance (PRML 9.2.1) is not taken; the caption says why.
        """
        q = self.q()
        try:
            theta = m_step(self.X, q)
        except ValueError as exc:  # ComponentCollapseError: say so beside the picture, keep the state
            self.caption.value = (f"<b>M-step not taken:</b> {html.escape(str(exc).split(';')[0])}. "
                                  f"Move q or press Reset.")
            return
        self._act(lambda: (theta, q))

    def _reset(self, _button=None):
        self.before = None
        self._act(lambda: self._start, record=False)

    def _act(self, step, record=True):
        before = self._terms_now()
        theta, q = step()
        self.caption.value = ""
        self.before = before if record else None
        self._set_theta(theta)
        self.q0 = q
        self.steps += 1
        self._build()
        self._invalidate_background()
        self.t.value = 0.0  # renders through the observer if t moved; otherwise refresh() below does
        self.refresh()


def _nats(value):
    """A KL divergence for a label: 3 significant digits, and 0 for what is 0 up to rounding (|KL| < 1e-9 nats)."""
    return "0" if abs(value) < 1e-9 else f"{value:.3g}"


# ---------------------------------------------------------------- 04: EM, animated
class EMAnimator(Explorer):
    """A Play button and slider over EM half-steps: ellipses, responsibilities, log-likelihood.

    The picture is :class:`emlib.plotting.EMFigure`: frame 0 is the start, then
    each iteration contributes its E-step and its M-step.  The responsibilities
    of every iteration are computed once; moving the slider only redraws.

    Parameters
    ----------
    X : array of shape (N, 2)
    result : EMResult from :func:`emlib.em` (its history and log-likelihoods)
    labels : names of the two axes, with units
    interval : milliseconds between frames when playing

    Of more than ``max_points`` points a random subset is drawn (the title says so);
    the log-likelihoods are those of the result, over all the points.
    """

    #: an animation keeps its whole Play sequence: 8 MB is 81 EM half-steps at N = 1000
    cache_budget = 8 * 2**20

    def __init__(self, X, result, labels=("$x_1$", "$x_2$"), interval=500):
        X = _data_2d(X)
        history, lls = _em_history(result, "result", X.shape[0])
        labels, interval = _labels(labels), _interval(interval)
        drawn = self._drawn(X.shape[0])
        with _flat_limits_allowed():
            self.picture = P.EMFigure(X if drawn is None else X[drawn], history, lls, labels=labels)
            ax = self.picture.fig.axes[0]
            _set_limits(ax, X)
        if drawn is not None:
            ax.set_title(f"{ax.get_title()}\n({_subset_note(X.shape[0], drawn)})", fontsize=10)
        self.n_frames = self.picture.n_frames
        self.play = widgets.Play(value=0, min=0, max=self.n_frames - 1, step=1, interval=interval, description="Play")
        self.slider = widgets.IntSlider(
            value=0, min=0, max=self.n_frames - 1, description="half-step", continuous_update=True,
            layout=widgets.Layout(width="420px"),
        )
        self.links = [widgets.jslink((self.play, "value"), (self.slider, "value"))]  # closed with the explorer
        self.controls = [self.play, self.slider]
        self.fig, self.animated = self.picture.fig, self.picture.animated
        self._finish()

    def _tour_indices(self, n, here, max_frames):
        """Whole iterations (an E-step with its M-step): all that fit, else the first ones and the last."""
        if n <= max_frames:
            return list(range(n))
        T, fit = (n - 1) // 2, (max_frames - 1) // 2  # iterations, iterations that fit
        its, t_here = {*range(1, fit), T}, (here + 1) // 2
        if t_here not in its | {0}:
            its = {*range(1, fit - 1), t_here, T}
        return [0, *(f for t in sorted(its) for f in (2 * t - 1, 2 * t))]

    def _tour_label(self, k):
        return f"half-step {k} of {self.n_frames - 1}: {self.picture.step_of(k)[2]}"

    def _draw(self):
        self.picture.show(self.slider.value)


# ---------------------------------------------------------------- 05: where EM ends
class StartExplorer(Explorer):
    """A seed slider over many EM runs on one data set: the fit each start reaches, and all final ln p.

    Parameters
    ----------
    X : array of shape (N, 2)
    runs : list of EMResult, one per start (all with the same K)
    labels : names of the two axes
    description : the slider's name
    index : the run shown first (and in the static picture)

    Of more than ``max_points`` points a random subset is drawn (the title says so).
    """

    def __init__(self, X, runs, labels=("$x_1$", "$x_2$"), description="start", index=0):
        self.X = _data_2d(X)
        N = self.X.shape[0]
        drawn = self._drawn(N)
        self.runs = runs
        self._shown = _runs(runs, N, drawn)  # (params, responsibilities of the drawn points) per run
        self.final = np.array([lls[-1] for lls in (_run_lls(r, i) for i, r in enumerate(runs))])
        self.n_iter = [check_integer(r.n_iter, f"runs[{i}].n_iter", 0) for i, r in enumerate(runs)]
        labels, description = _labels(labels), _text(description, "description", "start")
        index = check_integer(index, "index", 0, len(runs) - 1, what=f" (the run shown first, of {len(runs)})")
        self.slider = widgets.IntSlider(value=index, min=0, max=len(runs) - 1, description=description, continuous_update=True)
        self.controls = [self.slider]
        self.fig, (ax, ax2) = P.new_figure(9.5, 4.0, ncols=2)
        params, resp = self._shown[0]
        self.points, self.patches = P.draw_gmm_2d(ax, self.X if drawn is None else self.X[drawn], params, resp, labels=labels)
        _set_limits(ax, self.X)
        ax.set_aspect("equal", adjustable="box")
        note = _subset_note(N, drawn)
        ax.set_title("where EM ends from this start" + (f"\n({note})" if note else ""), fontsize=10)
        ax2.plot(np.arange(len(runs)), self.final, "o", color=P.GREY, ms=5)
        ax2.axhline(self.final.max(), color=P.COLORS[2], ls="--", lw=1, label="best over all starts")
        (self.marker,) = ax2.plot([], [], "o", color=P.COLORS[1], ms=11, mec=P.BLACK)
        ax2.set_xlabel(description)
        ax2.set_ylabel("final ln p(X | θ)")
        ax2.legend(fontsize=8, loc="lower right")
        ax2.grid(alpha=0.3)
        box = dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none")
        self.label = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=10, bbox=box)
        self.animated = [self.points, *(e for row in self.patches for e in row), self.marker, self.label]
        self._finish()

    def _tour_label(self, i):
        return f"{self.slider.description} {i} (of 0 to {len(self.runs) - 1}): final ln p = {self.final[i]:.2f}"

    def _draw(self):
        i = self.slider.value
        params, resp = self._shown[i]
        P.update_ellipses(self.patches, params)
        P.update_points(self.points, resp)
        P.update_marker(self.marker, i, self.final[i])
        self.label.set_text(f"ln p = {self.final[i]:.2f}, {self.n_iter[i]} iteration{'' if self.n_iter[i] == 1 else 's'}")


# ---------------------------------------------------------------- 06: how many components
class KExplorer(Explorer):
    """A K slider: the fit with K components beside model-selection curves against K.

    Parameters
    ----------
    X : array of shape (N, 2)
    fits : dict K -> GMMParams, one for every K from the smallest to the largest (K up to 6)
    criteria : dict name -> array of values over sorted(fits) (up to 6 curves)
    labels : names of the two axes
    K : the K shown first (and in the static picture); default the smallest

    Of more than ``max_points`` points a random subset is drawn (the title says so).
    """

    def __init__(self, X, fits, criteria, labels=("$x_1$", "$x_2$"), K=None):
        self.X = _data_2d(X)
        N = self.X.shape[0]
        self.fits = _fits(fits)
        self.Ks = sorted(self.fits)
        self.criteria = _criteria(criteria, len(self.Ks))
        labels = _labels(labels)
        if K is not None:
            K = check_integer(K, "K", self.Ks[0], self.Ks[-1], what=" (the K shown first, a key of fits)")
        drawn = self._drawn(N)
        self._X_drawn = self.X if drawn is None else self.X[drawn]
        self.slider = widgets.IntSlider(value=self.Ks[0] if K is None else K, min=self.Ks[0], max=self.Ks[-1], description="K",
                                        continuous_update=True)
        self.controls = [self.slider]
        self.fig, (ax, ax2) = P.new_figure(9.5, 4.0, ncols=2)
        K_max = self.Ks[-1]
        self.points = P.draw_points(ax, self._X_drawn)
        self.patches = P.draw_ellipses(ax, self.fits[K_max])
        _set_limits(ax, self.X)
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        if drawn is not None:
            ax.set_title(_subset_note(N, drawn), fontsize=10)
        self.markers = P.draw_criteria(ax2, self.Ks, self.criteria)
        box = dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none")
        self.label = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=10, bbox=box)
        self.animated = [self.points, *(e for row in self.patches for e in row), *self.markers, self.label]
        self._finish()

    def _tour_label(self, K):
        return f"K = {K}"

    def _draw(self):
        K = self.slider.value
        params = self.fits[K]
        for k, row in enumerate(self.patches):
            for e in row:
                e.set_visible(k < K)
        P.update_ellipses(self.patches[:K], params)
        P.update_points(self.points, e_step(self._X_drawn, params))
        P.update_criteria(self.markers, self.Ks, self.criteria, K)
        self.label.set_text(f"K = {K}")


# ---------------------------------------------------------------- 07: the hard limit
class HardeningExplorer(Explorer):
    """An epsilon slider: responsibilities under shared covariances eps*I harden into k-means assignments.

    Parameters
    ----------
    X : array of shape (N, 2)
    means : array of shape (K, 2), fixed component means, 2 <= K <= 6
    eps_values : increasing array of positive epsilon values offered by the slider
    eps : the value shown first (one of eps_values); default the middle one

    The histogram counts every point; of more than ``max_points`` points a
    random subset is drawn on the left (the title says so).
    """

    def __init__(self, X, means, eps_values, labels=("$x_1$", "$x_2$"), eps=None):
        self.X = _data_2d(X)
        N = self.X.shape[0]
        self.means = as_numeric_array(means, "means", "component means, an array of shape (K, 2)")
        if self.means.ndim != 2 or self.means.shape[1] != 2:
            raise ValueError(f"means must have shape (K, 2), one row per component mean; got shape {self.means.shape}")
        K = self.means.shape[0]
        if K < 2:
            raise ValueError(f"means must hold at least two components (shape (K, 2) with K >= 2); got shape {self.means.shape}. "
                             f"With one component every γ(z_n1) = 1 whatever ε, and nothing hardens")
        _colourable(K, "means")
        self.eps_values = [float(e) for e in _eps_values(eps_values)]
        labels = _labels(labels)
        if eps is not None and check_number(eps, "eps") not in self.eps_values:
            nearest = min(self.eps_values, key=lambda e: abs(e - eps))
            raise ValueError(f"eps must be one of eps_values, the slider's positions; got {float(eps)!r} (the nearest is {nearest!r})")
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                self._resp_eps, self._resp = self.eps_values[0], self.resp(self.eps_values[0])
        except ValueError as exc:  # every density underflows at some point: ln N(x_n | mu_k, eps I) = -inf for all k
            point = re.search(r"point \d+", str(exc))
            where = f"at {point.group(0)} of X " if point else ""
            raise ValueError(f"eps_values[0] = {self.eps_values[0]!r} is too small for these data: {where}every "
                             f"component's density underflows to 0, so γ(z_nk) is undefined; start the ε values higher") from None
        drawn = self._drawn(N)
        self._drawn_points = drawn
        options = [(f"{e:.3g}", e) for e in self.eps_values]
        start = self.eps_values[len(self.eps_values) // 2] if eps is None else float(eps)
        self.slider = widgets.SelectionSlider(options=options, value=start, description="ε", continuous_update=True,
                                              layout=widgets.Layout(width="420px"))
        self.controls = [self.slider]
        self.fig, (ax, ax2) = P.new_figure(9.5, 4.0, ncols=2)
        self.points = P.draw_points(ax, self.X if drawn is None else self.X[drawn])
        ax.plot(self.means[:, 0], self.means[:, 1], "X", color=P.BLACK, ms=12, mec="white")
        _set_limits(ax, self.X)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        note = _subset_note(N, drawn)
        ax.set_title("points coloured by γ(z_nk) with Σ_k = εI" + (f"\n({note})" if note else ""), fontsize=10)
        self.bins = np.linspace(1.0 / K, 1.0, 21)
        self.bars = ax2.bar(self.bins[:-1], np.zeros(20), width=np.diff(self.bins), align="edge", color=P.COLORS[0])
        ax2.set_xlim(1.0 / K, 1.0)
        ax2.set_ylim(0, self.X.shape[0])
        ax2.set_xlabel("max_k γ(z_nk)  (1 = a hard assignment)")
        ax2.set_ylabel("number of points")
        box = dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none")
        self.label = ax2.text(0.03, 0.95, "", transform=ax2.transAxes, va="top", fontsize=10, bbox=box)
        self.animated = [self.points, *self.bars, self.label]
        self._finish()

    def resp(self, eps):
        K, D = self.means.shape
        params = GMMParams(np.full(K, 1.0 / K), self.means, np.broadcast_to(eps * np.eye(D), (K, D, D)))
        return e_step(self.X, params)

    def _draw(self):
        eps = self.slider.value
        if getattr(self, "_resp_eps", None) != eps:  # the first frame is drawn twice (the static picture, the live view)
            self._resp_eps, self._resp = eps, self.resp(eps)
        resp = self._resp
        P.update_points(self.points, resp if self._drawn_points is None else resp[self._drawn_points])
        counts, _ = np.histogram(resp.max(axis=1), bins=self.bins)
        for bar, c in zip(self.bars, counts):
            bar.set_height(c)
        self.label.set_text(f"{np.mean(resp.max(axis=1) > 0.99):.0%} of points hard (> 0.99)")
