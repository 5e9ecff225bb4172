"""Explorer.static_frames: the frames the website's static explorers show (book/explorers_static.py).

The walk over the main control (all positions that fit, the current one among them, whole EM
iterations), the first frame against the picture stored beside the widget, the controls put back
afterwards, and BoundExplorer's zoom, in which the KL gap after an M-step fills a visible share.
"""
import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

import emlib  # noqa: E402
from emlib import widgets as W  # noqa: E402

from .figcompare import raster_differences  # noqa: E402


@pytest.fixture(autouse=True)
def closed_afterwards():
    yield
    W.close_all()


def _data(seed=0, N=120):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal([-2.0, 0.0], 0.6, size=(N // 2, 2)), rng.normal([2.0, 1.0], 0.8, size=(N - N // 2, 2))])


def _start(X, K=2):
    return emlib.init_params(X, K, np.random.default_rng(1))


def test_em_animator_keeps_whole_iterations_and_the_last(monkeypatch):
    monkeypatch.setattr(W.Explorer, "dpi", 24)
    X = _data()
    many = W.EMAnimator(X, emlib.em(X, _start(X), max_iter=20, tol=0))  # 41 half-steps
    frames, start = many.static_frames()
    labels = [label.split(": ")[1] for label, _ in frames]
    assert start == 0 and len(frames) == 39 <= W.Explorer.max_static_frames
    assert labels == ["start", *(f"{p}-step {t}" for t in [*range(1, 19), 20] for p in "EM")]
    few = W.EMAnimator(X, emlib.em(X, _start(X), max_iter=5, tol=0))  # 11 half-steps: all of them
    frames, _ = few.static_frames(max_frames=11)
    assert [label for label, _ in frames] == [f"half-step {k} of 10: {few.picture.step_of(k)[2]}" for k in range(11)]
    assert len(set(png for _, png in frames)) == 11  # eleven different pictures


def test_a_slider_sweep_fits_the_budget_includes_the_current_value_and_puts_it_back(monkeypatch):
    monkeypatch.setattr(W.Explorer, "dpi", 24)
    X = _data()
    eps_values = np.geomspace(1e-3, 3.0, 60)
    explorer = W.HardeningExplorer(X, np.array([[-2.0, 0.0], [2.0, 1.0]]), eps_values, eps=eps_values[17])
    frames, start = explorer.static_frames()
    assert len(frames) <= 40 and frames[0][0] == f"ε = {eps_values[0]:.3g}" and frames[-1][0] == f"ε = {eps_values[-1]:.3g}"
    assert frames[start][0] == f"ε = {eps_values[17]:.3g}"
    assert len({label for label, _ in frames}) == len(frames)
    assert explorer.slider.value == eps_values[17]  # put back
    small = W.KExplorer(X, {K: emlib.em(X, _start(X, K)).params for K in (1, 2, 3)}, {"BIC": [3.0, 1.0, 2.0]}, K=2)
    frames, start = small.static_frames()
    assert [label for label, _ in frames] == ["K = 1", "K = 2", "K = 3"] and start == 1 and small.slider.value == 2
    with pytest.raises(ValueError, match="max_frames"):
        small.static_frames(max_frames=1)


def test_the_frame_shown_first_is_the_stored_picture(tmp_path):
    X = _data()
    x = X[:, 0]
    for explorer in (W.LikelihoodExplorer(x, unit="cm"), W.BoundExplorer(X, _start(X), np.full((len(X), 2), 0.5)),
                     W.EMAnimator(X, emlib.em(X, _start(X), max_iter=3, tol=0))):
        frames, start = explorer.static_frames(max_frames=3)  # the first, the last and the current
        (tmp_path / "frame.png").write_bytes(frames[start][1])
        (tmp_path / "stored.png").write_bytes(explorer.initial_png)
        assert raster_differences(tmp_path / "frame.png", tmp_path / "stored.png") == [], type(explorer).__name__
        (tmp_path / "other.png").write_bytes(frames[start + 1][1])  # the comparison can tell frames apart
        assert raster_differences(tmp_path / "other.png", tmp_path / "stored.png") != [], type(explorer).__name__


def _shares(explorer):
    """The KL part's height as a share of the main axis and of the zoom panel."""
    _, KL_bar = explorer.bars
    lo, hi = explorer.ax.get_ylim()
    zlo, zhi = explorer.zoom.get_ylim()
    return KL_bar.get_height() / (hi - lo), explorer.zoom_bars[1].get_height() / (zhi - zlo)


def test_bound_explorer_zoom_shows_the_gap_after_an_m_step(monkeypatch):
    monkeypatch.setattr(W.Explorer, "dpi", 24)
    X = _data(N=400)
    q0 = np.random.default_rng(2).dirichlet(np.ones(2), size=len(X))
    explorer = W.BoundExplorer(X, _start(X), q0)
    explorer.e_step()
    explorer.m_step()
    log_p, L, KL = explorer.terms()
    assert 0 < KL < 0.05 * (explorer.ax.get_ylim()[1] - explorer.ax.get_ylim()[0])  # a gap the main axis hides
    main, zoom = _shares(explorer)
    assert main < 0.05 and zoom > 0.5, (main, zoom)
    lo, hi = explorer.zoom.get_ylim()
    assert lo <= L < log_p <= hi  # the panel holds the whole gap: L below, ln p above
    assert explorer.zoom_text.get_text() == f"KL = {KL:.3g} nats"
    explorer.t.value = 0.5  # the slider shrinks the gap; the panel's scale stays
    assert explorer.zoom.get_ylim() == (lo, hi) and explorer.zoom_bars[1].get_height() < KL


def test_bound_explorer_walk_ends_reset(monkeypatch):
    monkeypatch.setattr(W.Explorer, "dpi", 24)
    X = _data()
    q0 = np.random.default_rng(3).dirichlet(np.ones(2), size=len(X))
    explorer = W.BoundExplorer(X, _start(X), q0)
    before = explorer.terms()
    frames, start = explorer.static_frames()
    labels = [label for label, _ in frames]
    assert start == 0 and len(frames) == 12
    assert [lab.split(":")[0] for lab in labels[4:]] == [f"{p}-step {t}" for t in (1, 2, 3, 4) for p in "EM"]
    assert all("so KL = 0 nats" in lab for lab in labels[4::2])
    gaps = [float(lab.split("gap is ")[1].split()[0]) for lab in labels[5::2]]
    assert all(g > 0 for g in gaps)  # an M-step opens a gap (q is the old posterior)
    assert explorer.terms() == before and explorer.t.value == 0.0  # Reset: the start again
