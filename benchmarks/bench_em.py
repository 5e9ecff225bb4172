"""emlib.em against scikit-learn's GaussianMixture.fit: same data, same start, 50 iterations.

Both run with one BLAS thread, interleaved, several times; the script prints
the median time of each, their ratio (emlib / scikit-learn) and checks that
both reach the same parameters.  Usage: python benchmarks/bench_em.py [--repeats 5]
"""
import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

import emlib


def make_data(N, K, D, rng):
    """N points from a random K-component mixture in D dimensions."""
    means = rng.normal(scale=4.0, size=(K, D))
    A = rng.normal(size=(K, D, D)) / np.sqrt(D)
    covs = A @ A.transpose(0, 2, 1) + 0.5 * np.eye(D)
    X, _ = emlib.sample(emlib.GMMParams(np.full(K, 1.0 / K), means, covs), N, rng)
    return X


def run(N, K, D, n_iter, repeats, seed=0):
    rng = np.random.default_rng(seed)
    X = make_data(N, K, D, rng)
    init = emlib.init_params(X, K, rng)
    precisions = np.linalg.solve(init.covs, np.broadcast_to(np.eye(D), init.covs.shape))
    gm = GaussianMixture(
        K, covariance_type="full", tol=0, max_iter=n_iter, reg_covar=0.0,
        weights_init=init.weights, means_init=init.means, precisions_init=precisions,
    )
    t_em, t_sk = [], []
    for _ in range(repeats):  # interleaved, so both see the same machine load
        t0 = time.perf_counter()
        result = emlib.em(X, init, max_iter=n_iter, tol=0)
        t_em.append(time.perf_counter() - t0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t0 = time.perf_counter()
            gm.fit(X)
            t_sk.append(time.perf_counter() - t0)
    # scikit-learn's fit ends with one more E-step, so compare the M-step parameters
    p = result.params
    for mine, theirs, name in [(p.weights, gm.weights_, "weights"), (p.means, gm.means_, "means"), (p.covs, gm.covariances_, "covs")]:
        err = np.max(np.abs(mine - theirs) / np.maximum(np.abs(theirs), 1e-300 + np.max(np.abs(theirs)) * 1e-12))
        assert err < 1e-9, f"{name} differ from scikit-learn by {err:.2e} (relative)"
    m_em, m_sk = np.median(t_em), np.median(t_sk)
    print(f"N={N} K={K} D={D:<2} iterations={n_iter}: emlib {m_em * 1e3:8.1f} ms  scikit-learn {m_sk * 1e3:8.1f} ms  "
          f"ratio {m_em / m_sk:.2f}  (median of {repeats}; parameters equal to 1e-9)")
    return m_em / m_sk


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    with threadpool_limits(limits=1):
        ratios = [run(args.n, 5, D, 50, args.repeats) for D in (2, 10)]
    print(f"worst ratio {max(ratios):.2f}")


if __name__ == "__main__":
    main()
