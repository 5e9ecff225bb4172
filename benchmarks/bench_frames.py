"""Server-side frame time of the EM animator: a slider change to new PNG bytes.

For N = 272 (Old Faithful) and N = 1000 points with K = 3, it measures, in one run:
- first render: the widget's slider moved to a frame not seen before
  (in-place artist updates, blitting, one PNG encoding);
- cached: the slider moved back to a frame already rendered;
- naive: a new figure built and saved for the same frame (the usual re-plot).
Prints the median of at least 30 frames for each and the ratio naive / first render.
Usage: python benchmarks/bench_frames.py
"""
import statistics
import time

import numpy as np

import emlib
from emlib import plotting as P
from emlib.datasets import old_faithful, standardise
from emlib.widgets import EMAnimator


def naive_frame(anim, frame):
    """What a plain notebook does: a new figure per frame, drawn and rendered from scratch."""
    pic = anim.picture
    fresh = P.EMFigure(pic.X, pic.history, pic.lls, resps=pic.resps)  # same picture, responsibilities reused
    fresh.show(frame)
    return P.png_bytes(fresh.fig, dpi=anim.dpi)


def measure(X, K, n_frames=30, seed=0):
    rng = np.random.default_rng(seed)
    result = emlib.em(X, emlib.init_params(X, K, rng), max_iter=n_frames, tol=0)
    anim = EMAnimator(X, result)
    first, cached, naive = [], [], []
    frames = range(1, anim.n_frames)[: 2 * n_frames]
    for f in frames:
        t0 = time.perf_counter()
        anim.slider.value = f  # the observer renders and sets anim.image.value
        first.append(time.perf_counter() - t0)
        assert anim.image.value == anim._cache[f]
    for f in frames:
        anim.slider.value = 0
        t0 = time.perf_counter()
        anim.slider.value = f
        cached.append(time.perf_counter() - t0)
    for f in list(frames)[:n_frames]:
        t0 = time.perf_counter()
        naive_frame(anim, f)
        naive.append(time.perf_counter() - t0)
    ms = [1e3 * statistics.median(v) for v in (first, cached, naive)]
    print(f"N={X.shape[0]:5d} K={K}: first render {ms[0]:6.1f} ms  cached {ms[1]:6.3f} ms  "
          f"naive re-plot {ms[2]:6.1f} ms  naive/first {ms[2] / ms[0]:4.1f}x  (medians of {len(first)}, {len(cached)}, {len(naive)} frames)")


def main():
    faithful = standardise(old_faithful())
    measure(faithful, 3)
    rng = np.random.default_rng(1)
    truth = emlib.GMMParams(np.array([0.3, 0.3, 0.4]), np.array([[-2.0, 0.0], [2.0, 1.0], [0.0, -2.0]]),
                            np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.6, -0.2], [-0.2, 0.8]], [[1.5, 0.0], [0.0, 0.4]]]))
    X, _ = emlib.sample(truth, 1000, rng)
    measure(X, 3)


if __name__ == "__main__":
    main()
