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
"""
import base64
import contextlib
import html
import re
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm

from . import plotting as P
from ._validation import PROB_ATOL, as_numeric_array, check_integer, check_number, check_params, check_prob_rows, describe
from .bernoulli import BernoulliParams
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
    #: the most points a scatter plot draws: of more, a random subset of this many is drawn, and the picture says so
    #: (each point costs a few microseconds per render: 10^6 of them would take seconds per frame)
    max_points = 20_000

    def _drawn(self, N):
        """Sorted indices of the points to draw: None (all N) up to ``max_points``, else a random subset (seed 0)."""
        if N <= self.max_points:
            return None
        return np.sort(np.random.default_rng(0).choice(N, size=self.max_points, replace=False))

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


# ---------------------------------------------------------------- checks at the boundary
# Every explorer checks what it is given before it makes a widget, and a mistake gets a sentence
# that names the argument as it was passed, what was expected and what came (ValueError; TypeError
# for a wrong kind of object), never a traceback from numpy, matplotlib or ipywidgets.
def _text(value, name, example):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, e.g. {example!r}; got {describe(value)}")
    return value


def _labels(labels):
    """Two axis names."""
    if isinstance(labels, str) or not isinstance(labels, (tuple, list)):
        raise TypeError(f"labels must be two axis names, e.g. ('$x_1$', '$x_2$'); got {describe(labels)}")
    if len(labels) != 2 or not all(isinstance(s, str) for s in labels):
        raise ValueError(f"labels must be two axis names (text), e.g. ('$x_1$', '$x_2$'); got {labels!r}")
    return tuple(labels)


def _interval(interval):
    return check_integer(interval, "interval", 1, what=" (milliseconds between frames of Play)")


def _data_1d(x, name, explorer):
    """1-D data of shape (N,), N >= 1, finite."""
    x = as_numeric_array(x, name, "1-D data, one value per point")
    if x.ndim != 1:
        got = f"the single number {float(x)!r}" if x.ndim == 0 else f"shape {x.shape}"
        hint = f". {explorer} shows one dimension: pass one column, e.g. {name}[:, 0]" if x.ndim == 2 else ""
        raise ValueError(f"{name} must be 1-D data, one value per point; got {got}{hint}")
    if x.size == 0:
        raise ValueError(f"{name} has no points (shape (0,)); pass at least one value")
    return x


def _data_2d(X, name="X", D=2):
    """Data of shape (N, D) with N >= 1, finite; D=None accepts any number of dimensions."""
    want = f"shape (N, {D})" if D else "shape (N, D)"
    X = as_numeric_array(X, name, f"data of {want}, one row per point")
    if X.ndim != 2 or (D is not None and X.shape[1] != D):
        if X.ndim == 2:
            hint = (f"; the explorer draws points in a plane: pass two columns, e.g. {name}[:, :2], "
                    f"and parameters in those two dimensions")
        elif X.ndim == 1:
            hint = f"; for one dimension pass {name}[:, None]" if D is None else "; e.g. np.column_stack([x1, x2])"
        else:
            hint = ""
        raise ValueError(f"{name} must be data of {want}, one row per point; got shape {X.shape}{hint}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} has no points (shape {X.shape}); pass at least one")
    return X


def _gmm(params, name, D=None):
    """GMMParams (weights, means, covs), checked by the core (D: the dimension of the data)."""
    if not isinstance(params, (tuple, list)) or hasattr(params, "_fields") and len(params) != 3:
        raise TypeError(f"{name} must be a GMMParams (weights, means, covs); got {describe(params)}")
    return GMMParams(*check_params(params, D=D, name=name))


def _colourable(K, name):
    if K > len(P.COLORS):
        raise ValueError(f"{name} has K = {K} components; the explorer colours at most {len(P.COLORS)}")


def _fitted_to(result, name, N):
    """A result whose responsibilities have another number of rows than X was fitted to other data."""
    rows = np.shape(getattr(result, "resp", None))
    if len(rows) == 2 and rows[0] != N:
        raise ValueError(f"{name} was fitted to N = {rows[0]} points ({name}.resp has {rows[0]} rows), "
                         f"but X has N = {N}; pass the X that the fit was given")


def _values_per_entry(values, name, n, of):
    values = as_numeric_array(values, name, f"numbers, one per entry of {of}")
    if values.shape != (n,):
        raise ValueError(f"{name} must hold one number per entry of {of} ({n}); got shape {values.shape}")
    return values


def _em_history(result, name, N, D=2):
    """The history (GMMParams, one K) and log-likelihoods of an EMResult fitted to N points in D dimensions."""
    if not (hasattr(result, "history") and hasattr(result, "log_likelihoods")):
        if hasattr(result, "elbos"):
            hint = "; for variational Bayes use emlib.variational_widgets.VBAnimator"
        elif isinstance(result, GMMParams):
            hint = "; pass the whole result of emlib.em, not its .params"
        else:
            hint = "; e.g. EMAnimator(X, emlib.em(X, init))"
        raise TypeError(f"{name} must be the result of emlib.em (an EMResult, with history and log_likelihoods); "
                        f"got {describe(result)}{hint}")
    history = result.history
    if not isinstance(history, (list, tuple)) or len(history) == 0:
        raise ValueError(f"{name}.history must be a non-empty list of GMMParams (θ at the start and after each "
                         f"iteration); got {describe(history)}")
    history = [_gmm(p, f"{name}.history[{t}]", D) for t, p in enumerate(history)]
    K = history[0].weights.size
    for t, p in enumerate(history):
        if p.weights.size != K:
            raise ValueError(f"{name}.history[{t}] has K = {p.weights.size} components, {name}.history[0] has K = {K}")
    _colourable(K, name)
    lls = _values_per_entry(result.log_likelihoods, f"{name}.log_likelihoods", len(history), f"{name}.history")
    _fitted_to(result, name, N)
    return history, lls


def _set_limits(ax, X, margin=0.08):
    """:func:`emlib.plotting.set_limits`, with a window around a coordinate that all the points share."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    half = np.where(hi == lo, 0.5 * np.maximum(1.0, np.abs(lo)), 0.0)
    P.set_limits(ax, np.vstack([lo - half, hi + half]), margin=margin)


@contextlib.contextmanager
def _flat_limits_allowed():
    """Points that all share a coordinate make set_limits set equal limits, which matplotlib widens with a
    warning; :func:`_set_limits` then sets the window."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Attempting to set identical", category=UserWarning)
        yield


def _subset_note(N, idx):
    return "" if idx is None else f"a random {idx.size:,} of the {N:,} points drawn"


def _run_lls(run, i):
    lls = as_numeric_array(run.log_likelihoods, f"runs[{i}].log_likelihoods", "numbers, ln p(X | θ) after each iteration")
    if lls.ndim != 1 or lls.size == 0:
        raise ValueError(f"runs[{i}].log_likelihoods must be a non-empty 1-D array; got shape {lls.shape}")
    return lls


def _runs(runs, N, drawn):
    """Each run's (params, responsibilities of the drawn points); all runs with one K, fitted to N points in 2-D."""
    if hasattr(runs, "history") or hasattr(runs, "params"):
        raise TypeError(f"runs must be a list of EMResult, one per start; got one {type(runs).__name__}: wrap it in a list, [result]")
    if not isinstance(runs, (list, tuple)):
        raise TypeError(f"runs must be a list of EMResult, one per start; got {describe(runs)}")
    if len(runs) == 0:
        raise ValueError("runs is an empty list; pass at least one EMResult, "
                         "e.g. [emlib.em(X, emlib.init_params(X, K, rng)) for _ in range(10)]")
    shown = []
    for i, run in enumerate(runs):
        if not all(hasattr(run, a) for a in ("params", "resp", "log_likelihoods", "n_iter")):
            raise TypeError(f"runs[{i}] must be an EMResult from emlib.em; got {describe(run)}")
        params = _gmm(run.params, f"runs[{i}].params", D=2)
        K = params.weights.size
        if i == 0:
            _colourable(K, "runs[0]")
        elif K != shown[0][0].weights.size:
            raise ValueError(f"every run must have the same K; runs[0] has K = {shown[0][0].weights.size}, runs[{i}] has K = {K}")
        _fitted_to(run, f"runs[{i}]", N)
        resp = check_prob_rows(as_numeric_array(run.resp, f"runs[{i}].resp", "responsibilities, shape (N, K)"), N, K, f"runs[{i}].resp")
        shown.append((params, resp if drawn is None else resp[drawn]))
    return shown


def _fits(fits):
    """dict K -> GMMParams in 2-D with K components, for every K from the smallest to the largest (at most 6)."""
    example = "e.g. {K: emlib.em(X, emlib.init_params(X, K, rng)).params for K in range(1, 5)}"
    if not isinstance(fits, Mapping):
        raise TypeError(f"fits must be a dict K -> GMMParams, {example}; got {describe(fits)}")
    if len(fits) == 0:
        raise ValueError(f"fits is an empty dict; pass one fit per K, {example}")
    checked = {}
    for K in fits:
        check_integer(K, f"the key {K!r} of fits", 1, len(P.COLORS), what=" (a number of components K)")
        params = _gmm(fits[K], f"fits[{K}]", D=2)
        if params.weights.size != K:
            raise ValueError(f"fits[{K}] must have K = {K} components, as its key says; got {params.weights.size}")
        checked[int(K)] = params
    missing = sorted(set(range(min(checked), max(checked) + 1)) - set(checked))
    if missing:
        raise ValueError(f"fits must hold a fit for every K from {min(checked)} to {max(checked)} (the slider steps by 1); "
                         f"missing K = {', '.join(map(str, missing))}")
    return checked


def _criteria(criteria, n):
    """dict name -> n values (one per K), 1 to 6 curves."""
    if not isinstance(criteria, Mapping):
        raise TypeError(f"criteria must be a dict name -> values over K, e.g. {{'BIC': bics}}; got {describe(criteria)}")
    if not 1 <= len(criteria) <= len(P.COLORS):
        raise ValueError(f"criteria must name 1 to {len(P.COLORS)} curves to draw against K, e.g. {{'BIC': bics}}; "
                         f"got {len(criteria)}")
    checked = {}
    for name, values in criteria.items():
        if not isinstance(name, str):
            raise TypeError(f"the names in criteria must be text, e.g. 'BIC'; got {describe(name)}")
        checked[name] = _values_per_entry(values, f"criteria[{name!r}]", n, "fits")
    return checked


def _eps_values(eps_values):
    eps_values = as_numeric_array(eps_values, "eps_values", "positive numbers in increasing order")
    if eps_values.ndim != 1 or eps_values.size == 0:
        raise ValueError(f"eps_values must be a non-empty 1-D array of ε values, e.g. np.geomspace(1e-3, 3.0, 25); "
                         f"got shape {eps_values.shape}")
    if np.any(eps_values <= 0):
        i = int(np.argmax(eps_values <= 0))
        raise ValueError(f"eps_values must be positive (ε is a variance); got {float(eps_values[i])!r} (eps_values[{i}])")
    if np.any(np.diff(eps_values) <= 0):
        i = int(np.argmax(np.diff(eps_values) <= 0)) + 1
        raise ValueError(f"eps_values must increase from left to right, as on the slider; got eps_values[{i}] = "
                         f"{float(eps_values[i])!r} after eps_values[{i - 1}] = {float(eps_values[i - 1])!r}")
    return eps_values


def _bernoulli_history(result, name):
    """The history (BernoulliParams, one K and D) and log-likelihoods of a BernoulliEMResult."""
    if not (hasattr(result, "history") and hasattr(result, "log_likelihoods")):
        hint = "; pass the whole result, not its .params" if isinstance(result, BernoulliParams) else ""
        raise TypeError(f"{name} must be the result of emlib.bernoulli_em (with history and log_likelihoods); "
                        f"got {describe(result)}{hint}")
    history = result.history
    if not isinstance(history, (list, tuple)) or len(history) == 0:
        raise ValueError(f"{name}.history must be a non-empty list of BernoulliParams (weights, means); got {describe(history)}")
    checked = []
    for t, params in enumerate(history):
        where = f"{name}.history[{t}]"
        if not isinstance(params, (tuple, list)) or len(params) != 2:
            hint = "; for a Gaussian mixture use EMAnimator" if isinstance(params, GMMParams) else ""
            raise TypeError(f"{where} must be BernoulliParams (weights, means); got {describe(params)}{hint}")
        weights = as_numeric_array(params[0], f"{where}.weights", "mixing coefficients, shape (K,)")
        means = as_numeric_array(params[1], f"{where}.means", "component means, shape (K, D)")
        if weights.ndim != 1 or weights.size == 0:
            raise ValueError(f"{where}.weights must have shape (K,) with K >= 1; got shape {weights.shape}")
        K = weights.size
        D = checked[0].means.shape[1] if checked else None
        if means.ndim != 2 or means.shape[0] != K or D is not None and means.shape[1] != D:
            raise ValueError(f"{where}.means must have shape (K, D) = ({K}, {D or 'D'}); got shape {means.shape}")
        if checked and K != checked[0].weights.size:
            raise ValueError(f"{where} has K = {K} components, {name}.history[0] has K = {checked[0].weights.size}")
        if np.any(weights < 0) or abs(weights.sum() - 1.0) > PROB_ATOL:
            raise ValueError(f"{where}.weights must be non-negative and sum to 1; got {weights.tolist()}")
        if np.any((means < 0) | (means > 1)):
            raise ValueError(f"{where}.means must lie between 0 and 1 (they are probabilities p(x_i = 1 | z = k)); "
                             f"got values from {means.min():g} to {means.max():g}")
        checked.append(BernoulliParams(weights, means))
    lls = _values_per_entry(result.log_likelihoods, f"{name}.log_likelihoods", len(checked), f"{name}.history")
    return checked, lls


def _image_shape(shape, D):
    if isinstance(shape, str) or not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"shape must be (height, width) of one image, e.g. (8, 8); got {describe(shape)}")
    height = check_integer(shape[0], "shape[0]", 1, what=" (the image height)")
    width = check_integer(shape[1], "shape[1]", 1, what=" (the image width)")
    if height * width != D:
        raise ValueError(f"shape = ({height}, {width}) holds {height * width} pixels, but each component mean has D = {D} values")
    return height, width


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
        self.fig, self.ax = P.new_figure(6.5, 4.2)
        self.before = None
        self._build()
        self._finish()

    def _set_theta(self, theta):
        """theta, and what depends on it alone: the posterior p(Z | X, theta) and ln p(X | theta)."""
        self.theta = theta
        self._posterior = e_step(self.X, theta)
        self._log_p = mixture_log_likelihood(self.X, theta)

    def q(self):
        """The current q = (1 - t) q0 + t p(Z | X, theta), shape (N, K)."""
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
        self.animated = [*self.bars, self.logp_line, self.title]
        for artist in self.animated:
            artist.set_animated(True)

    def _state(self):
        return (self.steps, self.t.value)

    def _draw(self):
        log_p, L, KL = self._terms_now()
        P.update_bound_bars(self.bars, L, KL, self.floor)
        self.logp_line.set_ydata([log_p] * 2)
        self.title.set_text(f"ln p = {log_p:.2f} = L {L:.2f} + KL {KL:.2f}")

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

    def _state(self):
        return self.slider.value

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

    def _state(self):
        return self.slider.value

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

    def _state(self):
        return self.slider.value

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


# ---------------------------------------------------------------- 08: Bernoulli mixture
class BernoulliAnimator(Explorer):
    """A Play button and slider over EM iterations of a Bernoulli mixture: the means as images.

    Parameters
    ----------
    result : BernoulliEMResult from :func:`emlib.bernoulli_em`
    shape : (height, width) of one binary image, height * width = D
    interval : milliseconds between frames when playing
    """

    #: an animation keeps its whole Play sequence: 8 MB is 81 EM half-steps at N = 1000
    cache_budget = 8 * 2**20

    def __init__(self, result, shape, interval=400):
        self.history, self.lls = _bernoulli_history(result, "result")
        self.shape = _image_shape(shape, self.history[0].means.shape[1])
        interval = _interval(interval)
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
