"""The base of every explorer: :class:`Explorer` (figure, controls, a bounded frame cache, static
frames), the registry of open explorers (:func:`close_all`, replacement when a cell runs again), and the
argument checks the explorers share.  The package docstring (:mod:`emlib.widgets`) says how they work.
"""
import base64
import contextlib
import re
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .. import plotting as P
from .._validation import PROB_ATOL, as_numeric_array, check_integer, check_params, check_prob_rows, describe
from ..bernoulli import BernoulliParams
from ..mixture import GMMParams


class Explorer:
    """Base class: a figure, an Image widget, controls, and a bounded frame cache.

    Subclasses set ``self.controls`` (a list of widgets) and ``self.animated``
    (the artists that change with the controls), implement ``_state()`` (a
    hashable key of what is shown; by default the value of ``self.slider``) and ``_draw()`` (update the animated artists
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
        self._initial_layout = _layout(self.fig)  # where that render put the axes (static_frames draws there too)
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

    # ------------------------------------------------------------ frames for a view without a kernel
    #: the most frames :meth:`static_frames` returns (the course website's budget per explorer)
    max_static_frames = 40

    def static_frames(self, max_frames=None):
        """The explorer walked along its main control, as pictures, for a page that runs no kernel.

        The course website (``book/explorers_static.py``) shows these frames with a slider and Play.
        The walk is the one a reader makes: an animator's slider from its first to its last position
        (EM's half-steps, the iterations), a slider explorer's main slider over its range (with the
        other controls where they are), BoundExplorer's slider and then E- and M-steps.  Where a
        control has more positions than ``max_frames``, the frames are spread over its range and the
        labels name the positions shown.

        Returns ``(frames, start)``: ``frames`` is a list of at most ``max_frames`` pairs (label, PNG
        bytes), drawn by the same code as the live view and rendered in full (a live frame blits
        the moving artists over the rest); ``frames[start]`` shows the state the explorer was in
        when called, with the axes where the picture stored beside the widget has them (after
        construction it looks like the picture the notebook stores).  The
        controls are put back afterwards (BoundExplorer: back to its start, as Reset does).
        """
        if self.closed:
            raise RuntimeError(f"this {type(self).__name__} is closed; make a new one")
        max_frames = self.max_static_frames if max_frames is None else check_integer(max_frames, "max_frames", 2)
        steps, start, restore = self._tour(max_frames)
        frames = []
        try:
            for k, (label, go) in enumerate(steps):
                go()
                self._draw()
                # a full render, as the stored picture is made (a live frame blits the moving artists on top)
                frames.append((label() if callable(label) else label, self._full_render(initial_layout=k == start)))
        finally:
            restore()
            self._invalidate_background()
        return frames, start

    def _full_render(self, initial_layout=False):
        """PNG bytes of the whole figure; initial_layout: with the axes where the stored picture has them
        (constrained layout can move them by a fraction of a pixel between the first render and the next,
        which shifts thin lines and text; other frames get the layout their labels need, as live)."""
        if not initial_layout:
            return P.png_bytes(self.fig, dpi=self.dpi)
        engine, settled = self.fig.get_layout_engine(), _layout(self.fig)
        self.fig.set_layout_engine("none")
        _set_layout(self._initial_layout)
        try:
            return P.png_bytes(self.fig, dpi=self.dpi)
        finally:
            _set_layout(settled)
            self.fig.set_layout_engine(engine)

    def _tour(self, max_frames):
        """(steps, start, restore): steps are (label, function that sets the state), a label a text or a function
        called after the step; start the index of the current state; restore puts the controls back.  By default
        the main slider (``_main_control()``) over its positions."""
        control = self._main_control()
        values = _positions(control)
        now = control.value
        here = min(range(len(values)), key=lambda i: abs(values[i] - now) if isinstance(now, (int, float)) else values[i] != now)
        values[here] = now  # exactly the current state
        kept = self._tour_indices(len(values), here, max_frames)
        steps = [(self._tour_label(values[i]), lambda v=values[i]: setattr(control, "value", v)) for i in kept]
        return steps, kept.index(here), lambda: setattr(control, "value", now)

    def _state(self):
        return self.slider.value

    def _main_control(self):
        return self.slider

    def _tour_indices(self, n, here, max_frames):
        return _spread(n, here, max_frames)

    def _tour_label(self, value):
        control = self._main_control()
        if isinstance(control, widgets.SelectionSlider):
            label = next(lab for lab, v in _option_pairs(control) if v == value)
            return f"{control.description} = {label}"
        if isinstance(control, widgets.FloatSlider):
            return f"{control.description} = {value:{control.readout_format}}"
        return f"{control.description} {value} (of {control.min} to {control.max})"

    def _repr_mimebundle_(self, **kwargs):
        if self.closed:
            return {"text/plain": f"<{type(self).__name__}: closed>"}
        data = self.widget._repr_mimebundle_(**kwargs)
        data["image/png"] = base64.b64encode(self.initial_png).decode("ascii")
        data["text/plain"] = f"<{type(self).__name__}: a live widget; its initial state is shown as a picture where no kernel runs>"
        return data


def _layout(fig):
    """Where each axes of fig is now (its original and active positions)."""
    return [(ax, ax.get_position(original=True).frozen(), ax.get_position().frozen()) for ax in fig.axes]


def _set_layout(layout):
    for ax, original, active in layout:
        ax._set_position(original, which="original")  # not set_position, which takes the axes out of the layout
        ax._set_position(active, which="active")


def _option_pairs(control):
    """(label, value) of each position of a SelectionSlider."""
    return [o if isinstance(o, tuple) else (str(o), o) for o in control.options]


def _positions(control):
    """Every position of a slider, in order (a FloatSlider: its steps from min to max)."""
    if isinstance(control, widgets.SelectionSlider):
        return [v for _, v in _option_pairs(control)]
    if isinstance(control, widgets.FloatSlider):
        n = int(round((control.max - control.min) / control.step)) + 1
        return [float(v) for v in np.minimum(control.min + control.step * np.arange(n), control.max)]
    return list(range(control.min, control.max + 1))


def _spread(n, here, max_frames):
    """Sorted indices of at most max_frames of n positions: all if they fit, else evenly spread over
    the range with the first, the last and ``here``."""
    if n <= max_frames:
        return list(range(n))
    return sorted(set(np.round(np.linspace(0, n - 1, max_frames - 1)).astype(int).tolist()) | {here})


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
            hint = "; for variational Bayes use emlib.widgets.VBAnimator"
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
