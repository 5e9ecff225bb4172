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
"""
import base64
import weakref
from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm

from . import plotting as P
from .bound import kl_divergence, lower_bound
from .em import e_step, m_step
from .gaussian import gaussian_log_likelihood, gaussian_logpdf, gaussian_mle
from .mixture import GMMParams, mixture_log_likelihood

__all__ = ["close_all", "LikelihoodExplorer", "MixtureExplorer", "BoundExplorer", "EMAnimator", "StartExplorer", "KExplorer", "HardeningExplorer", "BernoulliAnimator"]


class Explorer:
    """Base class: a figure, an Image widget, controls, and a bounded frame cache.

    Subclasses set ``self.controls`` (a list of widgets) and ``self.animated``
    (the artists that change with the controls), implement ``_state()`` (a
    hashable key of what is shown) and ``_draw()`` (update the animated artists
    in place for that state), then call ``_finish()``.

    Rendering uses blitting: the static part of the figure (axes, ticks,
    labels, data that never moves) is rendered once and kept as a bitmap; a
    frame restores that bitmap, draws only the animated artists on top and
    encodes the result as PNG, once.  A subclass whose static part changes
    calls ``_invalidate_background()``.

    The PNG frames are kept in a least-recently-used cache of at most
    ``cache_budget`` bytes: the states just visited (a drag back and forth, an
    animation's frames) come back without a render; an evicted state is
    rendered again.  ``renders`` counts the renders.

    An explorer made while a front end executes a cell (JupyterLab and
    Notebook 7 send the cell's id as ``cellId``) replaces the explorer that an
    earlier run of the same cell made: that one is closed.  ``close()`` closes
    one explorer, :func:`close_all` every open one.
    """

    dpi = 80
    #: bytes of PNG frames kept per explorer: 4 MB holds the last 50 to 100 slider positions (recent drags)
    cache_budget = 4 * 2**20

    def _finish(self, caption=None):
        self.fig.set_dpi(self.dpi)  # live frames are rendered at the widget's resolution
        self.canvas = FigureCanvasAgg(self.fig)
        for artist in self.animated:
            artist.set_animated(True)
        self._cache = OrderedDict()
        self.cache_bytes = 0
        self.renders = 0
        self.closed = False
        self._background = None
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto", max_width="100%"))
        self.caption = widgets.HTML(caption or "")
        for c in self.controls:
            if hasattr(c, "value") and not isinstance(c, (widgets.Button, widgets.Play)):
                c.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap")), self.caption, self.image])
        self._draw()
        self.initial_png = P.png_bytes(self.fig, dpi=self.dpi)  # a full render (layout included), kept for static views
        self.refresh()
        _register(self)

    def _on_change(self, _change=None):
        self.refresh()

    def _invalidate_background(self):
        self._background = None
        self._cache.clear()
        self.cache_bytes = 0

    def _render(self):
        """Blit: restore the static background, draw the animated artists, encode once."""
        self.renders += 1
        if self._background is None:
            self.canvas.draw()  # animated artists are left out of a full draw
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self.animated:
            self.fig.draw_artist(artist)
        return P.encode_png(self.canvas.buffer_rgba())

    def frame(self):
        """PNG bytes of the current state: from the cache if it holds them, else rendered and cached."""
        if self.closed:
            raise RuntimeError(f"this {type(self).__name__} is closed; make a new one")
        key = self._state()
        png = self._cache.get(key)
        if png is not None:
            self._cache.move_to_end(key)  # now the most recently used
            return png
        self._draw()
        png = self._render()
        self._store(key, png)
        return png

    def _store(self, key, png):
        """Cache ``png`` under ``key``; evict the least recently used frames beyond the budget."""
        if len(png) > self.cache_budget:
            return
        self._cache[key] = png
        self.cache_bytes += len(png)
        while self.cache_bytes > self.cache_budget:
            _, old = self._cache.popitem(last=False)
            self.cache_bytes -= len(old)

    def refresh(self):
        if not self.closed:
            self.image.value = self.frame()

    def close(self):
        """Close the widgets and release the figure, the frame cache and the data; idempotent.

        The front end removes the widget's view.  A closed explorer holds
        nothing (a reference kept in ``Out`` or a variable costs no memory) and
        shows only its name.
        """
        if getattr(self, "closed", True):
            return
        for c in self.controls:
            if hasattr(c, "value") and not isinstance(c, (widgets.Button, widgets.Play)):
                c.unobserve(self._on_change, names="value")
        _close_tree(self.widget)
        for link in getattr(self, "links", ()):
            link.close()
        _open.discard(self)
        self.__dict__.clear()  # the figure, the canvas, the background bitmap, the cache, the data
        self.closed = True

    def _repr_mimebundle_(self, **kwargs):
        if self.closed:
            return {"text/plain": f"<{type(self).__name__}: closed>"}
        data = self.widget._repr_mimebundle_(**kwargs)
        data["image/png"] = base64.b64encode(self.initial_png).decode("ascii")
        data["text/plain"] = f"<{type(self).__name__}: a live widget; its initial state is shown as a picture where no kernel runs>"
        return data


# ---------------------------------------------------------------- open explorers, by cell
_open = weakref.WeakSet()  # every explorer not yet closed (its widgets keep it alive, not this set)
_by_cell = {}  # cellId -> (msg_id of the execution that made them, weak references to its explorers)


def _close_tree(widget):
    """Close a widget, its layout and style widgets and, for a box, everything inside it."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(part, widgets.Widget):
            part.close()
    widget.close()


def _current_execution():
    """(cellId, msg_id) of the cell being executed, or (None, None) outside a front end that sends cellId.

    JupyterLab and Notebook 7 put the cell's id in the ``execute_request``
    metadata, which ``IPython.get_ipython().get_parent()`` returns in a kernel.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return None, None
    get_parent = getattr(get_ipython(), "get_parent", None)  # get_ipython() is None outside IPython
    parent = get_parent() if callable(get_parent) else None
    if not isinstance(parent, dict):
        return None, None
    metadata, header = parent.get("metadata"), parent.get("header")
    cell_id = metadata.get("cellId") if isinstance(metadata, dict) else None
    msg_id = header.get("msg_id") if isinstance(header, dict) else None
    return (cell_id, msg_id) if isinstance(cell_id, str) and cell_id else (None, None)


def _register(explorer):
    """Record a new explorer; close those that an earlier execution of the same cell made."""
    _open.add(explorer)
    cell_id, msg_id = _current_execution()
    if cell_id is None:
        return
    made_by, refs = _by_cell.get(cell_id, (None, []))
    if made_by != msg_id or msg_id is None:  # a re-run (several explorers made by one run all stay)
        for ref in refs:
            old = ref()
            if old is not None and old is not explorer:
                old.close()
        refs = []
    _by_cell[cell_id] = (msg_id, [*refs, weakref.ref(explorer)])


def close_all():
    """Close every open explorer (see :meth:`Explorer.close`); returns how many were open."""
    explorers = list(_open)
    for explorer in explorers:
        explorer.close()
    _by_cell.clear()
    return len(explorers)


def _slider(description, value, lo, hi, step, fmt=".2f", cls=widgets.FloatSlider):
    return cls(
        value=value, min=lo, max=hi, step=step, description=description, readout_format=fmt, continuous_update=True,
        style={"description_width": "initial"}, layout=widgets.Layout(width="300px"),
    )


# ---------------------------------------------------------------- 01: one Gaussian
class LikelihoodExplorer(Explorer):
    """mu and sigma sliders over a histogram; the log-likelihood surface with the MLE marked.

    Parameters
    ----------
    x : array of shape (N,), the data
    unit : str, the unit of x (for the axis labels)
    """

    def __init__(self, x, unit="", mu=None, sigma=None):
        self.x = np.asarray(x, dtype=float)
        self.mu_ml, var_ml = gaussian_mle(self.x)
        self.sigma_ml = np.sqrt(var_ml)
        s, m = self.sigma_ml, self.mu_ml
        u = f" ({unit})" if unit else ""
        self.mu = _slider(f"μ{u}", m - 1.2 * s if mu is None else mu, m - 2 * s, m + 2 * s, s / 50)
        self.sigma = _slider(f"σ{u}", 0.6 * s if sigma is None else sigma, 0.3 * s, 2.5 * s, s / 50)
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
    """

    def __init__(self, params, x=None, unit="", xlim=None):
        w, m, c = (np.asarray(a, dtype=float) for a in params)
        if w.size != 2 or m.shape != (2, 1):
            raise ValueError(f"MixtureExplorer needs K = 2 components in D = 1, got means of shape {m.shape}")
        sd = np.sqrt(c[:, 0, 0])
        lo, hi = xlim or (float(min(m[:, 0] - 4 * sd)), float(max(m[:, 0] + 4 * sd)))
        u = f" ({unit})" if unit else ""
        span = hi - lo
        self.pi1 = _slider("π₁", w[0], 0.02, 0.98, 0.02)
        self.mu = [_slider(f"μ{s}{u}", m[k, 0], lo, hi, span / 200) for k, s in enumerate("₁₂")]
        self.sd = [_slider(f"σ{s}{u}", sd[k], span / 100, span / 3, span / 400) for k, s in enumerate("₁₂")]
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
        self.x = None if x is None else np.asarray(x, dtype=float)
        self.title = ax.set_title("")
        self._ymax = None
        self.animated = [self.total, *self.lines, *self.post, self.title]  # p(x) under the dashed components
        self._finish()

    def params(self):
        p1 = self.pi1.value
        return GMMParams(
            np.array([p1, 1 - p1]), np.array([[s.value] for s in self.mu]), np.array([[[s.value**2]] for s in self.sd])
        )

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
    """ln p(X | theta) = L(q, theta) + KL(q || p) as bars (PRML Figs. 9.11-9.13).

    A slider moves q from a starting distribution q0 (t = 0) to the posterior
    p(Z | X, theta) (t = 1); "E-step" sets q to the posterior; "M-step" sets
    theta to the maximiser of L(q, theta) for the current q.

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams, the starting theta
    q0 : array of shape (N, K), the starting q
    """

    def __init__(self, X, params, q0):
        self.X = np.asarray(X, dtype=float)
        self.theta, self.q0 = params, np.asarray(q0, dtype=float)
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
        self.fig, self.ax = P.new_figure(6.5, 4.2)
        self.before = None
        self._build()
        self._finish()

    def q(self):
        """The current q = (1 - t) q0 + t p(Z | X, theta), shape (N, K)."""
        t = self.t.value
        return (1 - t) * self.q0 + t * e_step(self.X, self.theta)

    def terms(self, q=None, theta=None):
        theta = self.theta if theta is None else theta
        q = self.q() if q is None else q
        return mixture_log_likelihood(self.X, theta), lower_bound(self.X, theta, q), kl_divergence(self.X, theta, q)

    def _build(self):
        ax = self.ax
        ax.clear()
        now = self.terms()
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
        self.animated = [*self.bars, self.logp_line, self.title]
        for artist in self.animated:
            artist.set_animated(True)

    def _state(self):
        return (self.steps, self.t.value)

    def _draw(self):
        log_p, L, KL = self.terms()
        P.update_bound_bars(self.bars, L, KL, self.floor)
        self.logp_line.set_ydata([log_p] * 2)
        self.title.set_text(f"ln p = {log_p:.2f} = L {L:.2f} + KL {KL:.2f}")

    def e_step(self, _button=None):
        """q := p(Z | X, theta): KL drops to 0, L rises to ln p (PRML Fig. 9.12)."""
        self._act(lambda: (self.theta, e_step(self.X, self.theta)))

    def m_step(self, _button=None):
        """theta := argmax_theta L(q, theta): L rises; ln p rises at least as much when q is the posterior (right after an E-step, PRML Fig. 9.13), and can fall otherwise."""
        self._act(lambda: (m_step(self.X, self.q()), self.q()))

    def _reset(self, _button=None):
        self.before = None
        self._act(lambda: self._start, record=False)

    def _act(self, step, record=True):
        before = self.terms()
        theta, q = step()
        self.before = before if record else None
        self.theta, self.q0 = theta, q
        self.steps += 1
        self._build()
        self._invalidate_background()
        self.t.value = 0.0  # renders through the observer if t moved; otherwise refresh() below does
        self.refresh()


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
    """

    #: an animation keeps its whole Play sequence: 8 MB is 81 EM half-steps at N = 1000
    cache_budget = 8 * 2**20

    def __init__(self, X, result, labels=("$x_1$", "$x_2$"), interval=500):
        self.picture = P.EMFigure(X, result.history, result.log_likelihoods, labels=labels)
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

    def _state(self):
        return self.slider.value

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
    index : the run shown first (and in the static picture)
    """

    def __init__(self, X, runs, labels=("$x_1$", "$x_2$"), description="start", index=0):
        self.X = np.asarray(X, dtype=float)
        self.runs = runs
        self.final = np.array([r.log_likelihoods[-1] for r in runs])
        self.slider = widgets.IntSlider(value=index, min=0, max=len(runs) - 1, description=description, continuous_update=True)
        self.controls = [self.slider]
        self.fig, (ax, ax2) = P.new_figure(9.5, 4.0, ncols=2)
        self.points, self.patches = P.draw_gmm_2d(ax, self.X, runs[0].params, runs[0].resp, labels=labels)
        P.set_limits(ax, self.X)
        ax.set_aspect("equal", adjustable="box")
        ax.set_title("where EM ends from this start", fontsize=10)
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

    def _state(self):
        return self.slider.value

    def _draw(self):
        run = self.runs[self.slider.value]
        P.update_ellipses(self.patches, run.params)
        P.update_points(self.points, run.resp)
        P.update_marker(self.marker, self.slider.value, self.final[self.slider.value])
        self.label.set_text(f"ln p = {self.final[self.slider.value]:.2f}, {run.n_iter} iterations")


# ---------------------------------------------------------------- 06: how many components
class KExplorer(Explorer):
    """A K slider: the fit with K components beside model-selection curves against K.

    Parameters
    ----------
    X : array of shape (N, 2)
    fits : dict K -> GMMParams (K up to 6)
    criteria : dict name -> array of values over sorted(fits)
    labels : names of the two axes
    K : the K shown first (and in the static picture); default the smallest
    """

    def __init__(self, X, fits, criteria, labels=("$x_1$", "$x_2$"), K=None):
        self.X = np.asarray(X, dtype=float)
        self.fits, self.Ks = fits, sorted(fits)
        self.criteria = criteria
        self.slider = widgets.IntSlider(value=self.Ks[0] if K is None else K, min=self.Ks[0], max=self.Ks[-1], description="K",
                                        continuous_update=True)
        self.controls = [self.slider]
        self.fig, (ax, ax2) = P.new_figure(9.5, 4.0, ncols=2)
        K_max = self.Ks[-1]
        self.points = P.draw_points(ax, self.X)
        self.patches = P.draw_ellipses(ax, fits[K_max])
        P.set_limits(ax, self.X)
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        self.markers = P.draw_criteria(ax2, self.Ks, criteria)
        box = dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none")
        self.label = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=10, bbox=box)
        self.animated = [self.points, *(e for row in self.patches for e in row), *self.markers, self.label]
        self._finish()

    def _state(self):
        return self.slider.value

    def _draw(self):
        K = self.slider.value
        params = self.fits[K]
        for k, row in enumerate(self.patches):
            for e in row:
                e.set_visible(k < K)
        P.update_ellipses(self.patches[:K], params)
        P.update_points(self.points, e_step(self.X, params))
        P.update_criteria(self.markers, self.Ks, self.criteria, K)
        self.label.set_text(f"K = {K}")


# ---------------------------------------------------------------- 07: the hard limit
class HardeningExplorer(Explorer):
    """An epsilon slider: responsibilities under shared covariances eps*I harden into k-means assignments.

    Parameters
    ----------
    X : array of shape (N, 2)
    means : array of shape (K, 2), fixed component means
    eps_values : increasing array of epsilon values offered by the slider
    eps : the value shown first (one of eps_values); default the middle one
    """

    def __init__(self, X, means, eps_values, labels=("$x_1$", "$x_2$"), eps=None):
        self.X = np.asarray(X, dtype=float)
        self.means = np.asarray(means, dtype=float)
        K = self.means.shape[0]
        self.eps_values = [float(e) for e in eps_values]
        options = [(f"{e:.3g}", e) for e in self.eps_values]
        start = self.eps_values[len(self.eps_values) // 2] if eps is None else eps
        self.slider = widgets.SelectionSlider(options=options, value=start, description="ε", continuous_update=True,
                                              layout=widgets.Layout(width="420px"))
        self.controls = [self.slider]
        self.fig, (ax, ax2) = P.new_figure(9.5, 4.0, ncols=2)
        self.points = P.draw_points(ax, self.X)
        ax.plot(self.means[:, 0], self.means[:, 1], "X", color=P.BLACK, ms=12, mec="white")
        P.set_limits(ax, self.X)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        ax.set_title("points coloured by γ(z_nk) with Σ_k = εI", fontsize=10)
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

    def _state(self):
        return self.slider.value

    def _draw(self):
        resp = self.resp(self.slider.value)
        P.update_points(self.points, resp)
        counts, _ = np.histogram(resp.max(axis=1), bins=self.bins)
        for bar, c in zip(self.bars, counts):
            bar.set_height(c)
        self.label.set_text(f"{np.mean(resp.max(axis=1) > 0.99):.0%} of points hard (> 0.99)")


# ---------------------------------------------------------------- 08: Bernoulli mixture
class BernoulliAnimator(Explorer):
    """A Play button and slider over EM iterations of a Bernoulli mixture: the means as images.

    Parameters
    ----------
    result : BernoulliEMResult from :func:`emlib.bernoulli_em`
    shape : (height, width) of one binary image
    """

    #: an animation keeps its whole Play sequence: 8 MB is 81 EM half-steps at N = 1000
    cache_budget = 8 * 2**20

    def __init__(self, result, shape, interval=400):
        self.history, self.lls, self.shape = result.history, np.asarray(result.log_likelihoods), shape
        K = len(self.history[0].weights)
        n = len(self.history)
        self.play = widgets.Play(value=0, min=0, max=n - 1, step=1, interval=interval, description="Play")
        self.slider = widgets.IntSlider(value=0, min=0, max=n - 1, description="iteration", continuous_update=True)
        self.links = [widgets.jslink((self.play, "value"), (self.slider, "value"))]  # closed with the explorer
        self.controls = [self.play, self.slider]
        self.fig = P.new_figure(1.6 * K + 3.6, 2.4)[0]
        self.fig.clear()
        grid = self.fig.add_gridspec(1, K + 2)
        img_axes = [self.fig.add_subplot(grid[0, k]) for k in range(K)]
        self.images = P.draw_component_images(img_axes, self.history[0].means, shape)
        ax2 = self.fig.add_subplot(grid[0, K:])
        _, self.marker = P.draw_loglik_curve(ax2, self.lls, current=0)
        self.weights = [ax.text(0.5, -0.08, "", transform=ax.transAxes, ha="center", va="top", fontsize=9) for ax in img_axes]
        self.animated = [*self.images, self.marker, *self.weights]
        self._finish()

    def _state(self):
        return self.slider.value

    def _draw(self):
        t = self.slider.value
        params = self.history[t]
        P.update_component_images(self.images, params.means, self.shape)
        P.update_marker(self.marker, t, self.lls[t])
        for text, w in zip(self.weights, params.weights):
            text.set_text(f"π = {w:.2f}")
