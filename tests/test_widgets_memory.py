"""Explorers stay light over a long kernel session (issue 15).

- the frame cache never holds more than its byte budget, and what it holds is what it counts;
- the states just visited and an animation's frames come back without a render;
- re-running a cell (same ``cellId``) closes the explorer it made before, so that
  the garbage collector frees it; other cells' explorers and a run without a
  front end are left alone; ``close()`` and ``close_all()`` release everything.
"""
import gc
import weakref

import IPython
import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

import emlib  # noqa: E402
from emlib import widgets as W  # noqa: E402
from emlib.datasets import old_faithful, standardise  # noqa: E402
from ipywidgets.widgets.widget import _instances  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


@pytest.fixture(autouse=True)
def no_open_explorers():
    W.close_all()
    yield
    W.close_all()


@pytest.fixture
def heights():
    return np.random.default_rng(0).normal(170.0, 8.0, size=200)


def slider_position(slider, i):
    return slider.min + i * slider.step


class FakeShell:
    """What ``IPython.get_ipython()`` returns in a kernel, as far as the explorers look at it."""

    def __init__(self):
        self.parent = {}

    def execute(self, cell_id, msg_id, metadata=True):
        self.parent = {"header": {"msg_id": msg_id}, "metadata": {"cellId": cell_id} if metadata else {}}

    def get_parent(self):
        return self.parent


class TinyExplorer(W.Explorer):
    """The smallest explorer (one slider, a one-line figure): for the bookkeeping of cells and runs,
    which lives in ``Explorer`` and costs a LikelihoodExplorer's full first render (about 1 s) for nothing."""

    def __init__(self):
        self.slider = W._slider("a", 0.0, 0.0, 1.0, 0.1)
        self.controls = [self.slider]
        self.fig = Figure(figsize=(1.0, 0.5))
        (self.line,) = self.fig.add_subplot().plot([0.0, 1.0], [0.0, 0.0])
        self.animated = [self.line]
        self._finish()

    def _state(self):
        return self.slider.value

    def _draw(self):
        self.line.set_ydata([0.0, self.slider.value])


@pytest.fixture
def shell(monkeypatch):
    fake = FakeShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: fake)
    return fake


# ---------------------------------------------------------------- the cache
def test_cache_stays_within_its_budget_over_a_sweep(heights):
    ex = W.LikelihoodExplorer(heights, unit="cm")
    assert 0 < ex.cache_budget <= 16 * 2**20  # the default: about 170 frames
    frame_bytes = len(ex.image.value)
    ex.cache_budget = int(4.5 * frame_bytes)  # room for four frames, so that a short sweep overflows it
    n = 4
    assert n * n > 3 * ex.cache_budget / frame_bytes  # the sweep's new frames fill the budget three times over
    largest = 0
    for i in range(n):
        ex.mu.value = slider_position(ex.mu, i)
        for j in range(n):
            ex.sigma.value = slider_position(ex.sigma, 10 + j)
            largest = max(largest, ex.cache_bytes)
    assert ex.renders > n * n  # every state of the sweep was new
    assert largest <= ex.cache_budget
    assert ex.cache_bytes == sum(len(png) for png in ex._cache.values())  # the counter is the truth
    assert ex.cache_bytes > ex.cache_budget - 2 * frame_bytes  # and the budget is used, not thrown away
    assert list(ex._cache)[-1] == (ex.mu.value, ex.sigma.value)  # the newest state is kept ...
    assert (slider_position(ex.mu, 0), slider_position(ex.sigma, 10)) not in ex._cache  # ... the oldest evicted


def test_a_smaller_budget_evicts_least_recently_used_first(heights):
    ex = W.LikelihoodExplorer(heights)
    ex.cache_budget = 4.5 * len(ex.image.value)  # room for four frames
    ex._invalidate_background()
    states = [slider_position(ex.mu, i) for i in range(6)]
    for mu in states[:4]:
        ex.mu.value = mu
    ex.mu.value = states[0]  # used again: now the most recent
    ex.mu.value = states[4]  # evicts the least recently used, states[1]
    kept = {key[0] for key in ex._cache}
    assert kept == {states[0], states[2], states[3], states[4]}


# ---------------------------------------------------------------- no render for a recent state
def test_returning_to_a_recent_state_costs_no_render(heights):
    ex = W.LikelihoodExplorer(heights)
    seen = {}
    for i in (0, 1, 2, 3, 2, 1, 0, 1):  # a drag back and forth
        before = ex.renders
        ex.mu.value = slider_position(ex.mu, i)
        assert ex.renders == before + (i not in seen), f"position {i}"
        seen.setdefault(i, ex.image.value)
        assert ex.image.value == seen[i]
    assert ex.renders == 1 + 4  # the initial state and four new positions


def test_an_evicted_state_is_rendered_again_identically(heights):
    ex = W.LikelihoodExplorer(heights)
    ex.cache_budget = 2.5 * len(ex.image.value)
    ex._invalidate_background()
    ex.mu.value = slider_position(ex.mu, 0)
    first = ex.image.value
    for i in (1, 2, 3):
        ex.mu.value = slider_position(ex.mu, i)
    before = ex.renders
    ex.mu.value = slider_position(ex.mu, 0)
    assert ex.renders == before + 1
    assert ex.image.value == first


def test_the_play_sequence_stays_cached():
    X = standardise(old_faithful())
    ex = W.EMAnimator(X, emlib.em(X, emlib.init_params(X, 3, np.random.default_rng(0)), max_iter=20, tol=0))
    for f in range(ex.n_frames):
        ex.slider.value = f
    rendered = ex.renders
    for f in range(ex.n_frames):  # Play again
        ex.slider.value = f
    assert ex.renders == rendered == ex.n_frames
    assert ex.cache_bytes <= ex.cache_budget


# ---------------------------------------------------------------- re-running a cell
def test_a_rerun_of_the_same_cell_frees_the_previous_explorer(shell, heights):
    shell.execute("cell-a", "run-1")
    before = set(_instances)
    first = W.LikelihoodExplorer(heights)
    widgets_of_first = set(_instances) - before
    ref = weakref.ref(first)
    del first
    gc.collect()
    assert ref() is not None  # open widgets keep an explorer alive: without a close it would leak
    shell.execute("cell-a", "run-2")
    second = TinyExplorer()  # what the cell makes now does not matter to the bookkeeping
    gc.collect()
    assert ref() is None
    assert not widgets_of_first & set(_instances)  # its widgets (layouts and styles too) are closed
    assert not second.closed and second.image.comm is not None


def test_other_cells_and_other_explorers_of_one_run_stay_open(shell):
    shell.execute("cell-a", "run-1")
    a1 = TinyExplorer()
    a2 = TinyExplorer()  # two explorers made by one run: both stay
    shell.execute("cell-b", "run-2")
    b = TinyExplorer()
    assert not (a1.closed or a2.closed or b.closed)
    shell.execute("cell-a", "run-3")
    TinyExplorer()
    assert a1.closed and a2.closed and not b.closed


def test_without_a_cell_id_nothing_is_replaced(shell, monkeypatch):
    shell.execute("cell-a", "run-1", metadata=False)  # a front end that sends no cellId
    a = TinyExplorer()
    shell.execute("cell-a", "run-2", metadata=False)
    b = TinyExplorer()
    shell.parent = None  # no parent message at all
    c = TinyExplorer()
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # plain Python, no IPython
    d = TinyExplorer()
    assert not any(e.closed for e in (a, b, c, d))


# ---------------------------------------------------------------- close
def test_close_releases_everything_and_close_all_closes_every_explorer(heights):
    X = standardise(old_faithful())
    before = set(_instances)
    a = W.LikelihoodExplorer(heights)
    b = W.EMAnimator(X, emlib.em(X, emlib.init_params(X, 2, np.random.default_rng(0)), max_iter=3, tol=0))
    ids = set(_instances) - before  # every widget the two made: controls, image, boxes, layouts, styles, the link
    assert len(ids) >= 20
    fig = weakref.ref(a.fig)
    a.close()
    a.close()  # idempotent
    gc.collect()
    assert fig() is None  # the figure is freed although `a` itself is still referenced here
    assert vars(a) == {"closed": True}
    assert a._repr_mimebundle_() == {"text/plain": "<LikelihoodExplorer: closed>"}
    with pytest.raises(RuntimeError, match="closed"):
        a.frame()
    assert W.close_all() == 1  # b
    assert b.closed
    assert not ids & set(_instances)  # every widget of both is closed
    assert W.close_all() == 0


def test_the_static_picture_is_kept_beside_the_widget_view(heights):
    bundle = W.LikelihoodExplorer(heights)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature


# ---------------------------------------------------------------- honest pictures (issue 10, figures)
def test_bound_bars_stand_on_a_stated_baseline():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from emlib import plotting as P

    fig, ax = P.new_figure()
    FigureCanvasAgg(fig)
    log_p, L, KL = -1441.3, -1450.2, 8.9
    b = P.set_bound_axis(ax, L - 3.0, log_p)
    assert b <= L - 3.0 and ax.get_ylim()[0] == b  # the axis starts at b ...
    L_bar, KL_bar = P.draw_bound_bars(ax, log_p, L, KL, b)
    assert L_bar.get_y() == b and np.isclose(L_bar.get_height(), L - b)  # ... and a bar is as tall as its value minus b
    assert np.isclose(KL_bar.get_y(), L) and np.isclose(KL_bar.get_height(), KL)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if ax.get_ylim()[0] <= t.get_position()[1] <= ax.get_ylim()[1]]
    assert labels[0] == f"b = {b:g}"  # the baseline is written on the axis
    assert all(t.startswith("+") for t in labels[1:]) and len(labels) >= 3
    assert "baseline b" in ax.get_ylabel() and "not at 0" in ax.get_ylabel()


def test_mixture_components_are_drawn_above_p_of_x():
    from emlib import plotting as P

    fig, ax = P.new_figure()
    mix = emlib.GMMParams(np.array([0.3, 0.7]), np.array([[-1.0], [1.5]]), np.array([[[0.25]], [[0.64]]]))
    lines, total = P.draw_mixture_1d(ax, np.linspace(-3, 5, 200), mix)
    assert all(line.get_zorder() > total.get_zorder() and line.get_linestyle() != "-" for line in lines)
    x = standardise(old_faithful())[:, :1]
    ex = W.MixtureExplorer(emlib.GMMParams(mix.weights, mix.means, mix.covs), x=x[:, 0])
    order = ex.animated  # blitting draws in this order: p(x) first, the components over it
    assert order.index(ex.total) < min(order.index(line) for line in ex.lines)


def test_the_bound_slice_shows_both_maxima():
    from emlib import figures as F
    from emlib import plotting as P

    X = standardise(old_faithful())
    s, log_p, L_old, L_new = F.slice_9_14(X)
    fig, ax = P.new_figure()
    peak, (top_old, top_new) = P.draw_bound_slice(ax, s, log_p, [(L_old, 0.0, "old"), (L_new, 1.0, "new")], zoom=(-0.5, 2.8))
    assert np.isclose(top_old, 1.0)  # L(q_old, .) peaks at theta_new ...
    assert 1.0 < top_new < peak < s[-1]  # ... while ln p, still rising there, peaks inside the slice, further on
    i1, ip = np.searchsorted(s, 1.0), np.searchsorted(s, peak)
    assert np.all(np.diff(log_p[i1 : ip + 1]) > 0) and log_p[-1] < log_p[ip]
    assert ax.get_ylim()[0] < log_p[np.searchsorted(s, 0.0)] and log_p.max() < ax.get_ylim()[1]
