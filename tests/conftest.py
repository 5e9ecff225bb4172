import os

import numpy as np
import pytest
from hypothesis import settings

import emlib

# One BLAS thread per test worker unless the caller chose a number: pytest-xdist already runs one
# worker per core, and a second BLAS thread on a tiny matrix only waits. Kernels started by nbval
# inherit the variable. (CI and the closing note run the suite with 1 and with 2 threads explicitly.)
if not any(v in os.environ for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")):
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


# Hypothesis draws the same examples on every run and every machine, and keeps no database of
# earlier failures: a property test is as reproducible as the rest of the suite.
settings.register_profile("emlib", derandomize=True, database=None)
settings.load_profile("emlib")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def random_params(rng, K, D, spread=3.0):
    """A random, well-conditioned GMMParams."""
    weights = rng.dirichlet(np.ones(K))
    means = rng.normal(scale=spread, size=(K, D))
    A = rng.normal(size=(K, D, D))
    covs = A @ A.transpose(0, 2, 1) / D + 0.3 * np.eye(D)
    return emlib.GMMParams(weights, means, covs)


@pytest.fixture
def small_problem(rng):
    params = random_params(rng, 3, 2)
    X, z = emlib.sample(params, 200, rng)
    return X, params
