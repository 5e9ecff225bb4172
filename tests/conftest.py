import numpy as np
import pytest

import emlib


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
