"""First-frame time of every explorer given N = 10^6 points, against the same explorer at N = 10^3.

The first frame is what a student waits for after running the cell: the
constructor's checks, the figure, and the first PNG (``explorer.image.value``).
Scatter plots draw at most ``Explorer.max_points`` points (a random subset,
named in the title); histograms, sums and statistics use all N points.
BernoulliAnimator draws only the component means, so its time does not depend on N.

For each explorer it prints the median first-frame time over ``--repeats``
constructions at N = ``--n`` and at the reference N = ``--ref`` (the same
process, the same kind of data), and their ratio.  The fits the explorers show
(EM, VB, missing-data EM) are computed once per N, outside the timing.
Usage: python benchmarks/bench_explorer_large.py [--n 1000000] [--ref 1000] [--repeats 5]
"""
import argparse
import statistics
import time

import numpy as np

import emlib
from emlib import variational as V
from emlib import widgets as W
from emlib.missing import GaussianParams, missing_em
from emlib.widgets import MissingDataExplorer
from emlib.widgets import VBAnimator

TRUTH = emlib.GMMParams(np.array([0.3, 0.3, 0.4]), np.array([[-2.0, 0.0], [2.0, 1.0], [0.0, -2.0]]),
                        np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.6, -0.2], [-0.2, 0.8]], [[1.5, 0.0], [0.0, 0.4]]]))
MIX_1D = emlib.GMMParams(np.array([0.3, 0.7]), np.array([[-1.0], [1.5]]), np.array([[[0.25]], [[0.64]]]))


def makers(N, seed=0):
    """name -> a function that builds the explorer for data of N points (the inputs computed here, once)."""
    rng = np.random.default_rng(seed)
    X, _ = emlib.sample(TRUTH, N, rng)
    fits = {K: emlib.em(X, emlib.init_params(X, K, rng), max_iter=5, tol=0, reg_covar=1e-6) for K in range(1, 5)}
    runs = [emlib.em(X, emlib.init_params(X, 3, rng, method="random"), max_iter=5, tol=0, reg_covar=1e-6) for _ in range(3)]
    criteria = {"BIC": [emlib.bic(X, fits[K].params) for K in fits], "AIC": [emlib.aic(X, fits[K].params) for K in fits]}
    x = rng.normal(170.0, 8.0, size=N)
    x_mix = emlib.sample(MIX_1D, N, rng)[0][:, 0]
    q0 = rng.dirichlet(np.ones(3), size=N)

    bern_means = rng.uniform(0.1, 0.9, size=(3, 16))
    B = (rng.random((N, 16)) < bern_means[rng.integers(3, size=N)]).astype(float)
    bern = emlib.bernoulli_em(B, emlib.bernoulli_init(B, 3, rng), max_iter=5)

    X3 = np.column_stack([X, X[:, 0] - 0.5 * X[:, 1] + rng.normal(size=N)])
    fractions = [0.0, 0.2, 0.4]
    datasets = []
    for f in fractions:
        Xf = X3.copy()
        Xf[:, 1:][rng.random((N, 2)) < f] = np.nan  # the first column is always observed: no row is empty
        datasets.append(Xf)
    full = GaussianParams(*emlib.gaussian_mle(X3))
    imputed = []
    for Xf in datasets:
        filled = np.where(np.isnan(Xf), np.nanmean(Xf, axis=0), Xf)
        imputed.append(GaussianParams(*emlib.gaussian_mle(filled)))
    em_fits = [missing_em(Xf, max_iter=3, tol=0).params for Xf in datasets]

    resp0 = rng.dirichlet(np.ones(6), size=N)
    vb = V.vb_gmm(X, V.vb_prior(X, alpha0=1e-3), resp0, max_iter=5, tol=0)

    return {
        "LikelihoodExplorer": lambda: W.LikelihoodExplorer(x, unit="cm"),
        "MixtureExplorer": lambda: W.MixtureExplorer(MIX_1D, x=x_mix, xlim=(-4.0, 5.0)),
        "BoundExplorer": lambda: W.BoundExplorer(X, fits[3].params, q0),
        "EMAnimator": lambda: W.EMAnimator(X, fits[3]),
        "StartExplorer": lambda: W.StartExplorer(X, runs),
        "KExplorer": lambda: W.KExplorer(X, {K: fits[K].params for K in fits}, criteria, K=3),
        "HardeningExplorer": lambda: W.HardeningExplorer(X, fits[3].params.means, np.geomspace(1e-3, 3.0, 25)),
        "BernoulliAnimator": lambda: W.BernoulliAnimator(bern, (4, 4)),
        "MissingDataExplorer": lambda: MissingDataExplorer(X3, fractions, datasets, full, imputed, em_fits),
        "VBAnimator": lambda: VBAnimator(X, vb),
    }


def first_frame(make, repeats):
    """Median seconds from the call to the first PNG; and the last explorer's title note, if any."""
    times, note = [], ""
    for _ in range(repeats):
        t0 = time.perf_counter()
        ex = make()
        png = bytes(ex.image.value)
        times.append(time.perf_counter() - t0)
        assert png.startswith(b"\x89PNG")
        note = next((t.get_text().split("(")[-1].rstrip(")") for ax in ex.fig.axes for t in ax.texts + [ax.title]
                     if "points drawn" in t.get_text()), "")
        ex.close()
    return statistics.median(times), note


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10**6)
    ap.add_argument("--ref", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    ref, big = makers(args.ref), makers(args.n)
    print(f"inputs computed in {time.perf_counter() - t0:.0f} s; median of {args.repeats} first frames each\n")
    print(f"{'explorer':20s} {'N = ' + format(args.ref, ','):>14s} {'N = ' + format(args.n, ','):>16s} {'ratio':>7s}  drawn")
    for name in big:
        first_frame(ref[name], 1)  # warm-up: fonts, mathtext and imports are loaded once per process
        t_ref, _ = first_frame(ref[name], args.repeats)
        t_big, note = first_frame(big[name], args.repeats)
        print(f"{name:20s} {t_ref:12.2f} s {t_big:14.2f} s {t_big / t_ref:6.1f}x  {note or '(no scatter plot)'}")


if __name__ == "__main__":
    main()
