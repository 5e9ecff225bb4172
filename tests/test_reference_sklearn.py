"""emlib against scikit-learn's GaussianMixture, an independent implementation."""
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

import emlib
from emlib.datasets import old_faithful

from .conftest import random_params


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """The matrices here are tiny (D <= 5): a second BLAS thread only adds waiting, a lot of it on a busy machine."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def sklearn_from(init, max_iter, reg_covar=0.0, warm_start=False):
    D = init.means.shape[1]
    precisions = np.linalg.solve(init.covs, np.broadcast_to(np.eye(D), init.covs.shape))
    return GaussianMixture(
        init.weights.size, covariance_type="full", tol=0, max_iter=max_iter, reg_covar=reg_covar,
        weights_init=init.weights, means_init=init.means, precisions_init=precisions, warm_start=warm_start,
    )


def fitted_sklearn(params):
    """A GaussianMixture whose fitted state is exactly params."""
    K, D = params.means.shape
    gm = GaussianMixture(K, covariance_type="full")
    gm.weights_, gm.means_, gm.covariances_ = params
    gm.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(params.covs))
    gm.precisions_ = np.linalg.inv(params.covs)
    return gm


@pytest.mark.parametrize("K, D, n_iter", [(1, 1, 3), (2, 2, 1), (3, 2, 10), (4, 5, 25)])
def test_em_matches_sklearn_parameters_and_trajectory(rng, K, D, n_iter):
    X, _ = emlib.sample(random_params(rng, K, D), 500, rng)
    init = emlib.init_params(X, K, rng)
    result = emlib.em(X, init, max_iter=n_iter, tol=0)
    assert result.n_iter == n_iter and len(result.log_likelihoods) == n_iter + 1
    # sklearn's trajectory, one iteration per fit: with warm_start each fit starts where the previous one stopped
    gm = sklearn_from(init, 1, warm_start=True)
    for k in range(1, n_iter + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm.fit(X)
        assert gm.n_iter_ == 1
        mine = result.history[k]
        np.testing.assert_allclose(mine.weights, gm.weights_, rtol=1e-9)
        np.testing.assert_allclose(mine.means, gm.means_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(mine.covs, gm.covariances_, rtol=1e-9, atol=1e-12)
        ll_sklearn = gm.score(X) * X.shape[0]
        assert np.isclose(result.log_likelihoods[k], ll_sklearn, rtol=1e-10)
    # and n_iter chained one-iteration fits are one fit of n_iter iterations from the same start
    fresh = sklearn_from(init, n_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fresh.fit(X)
    assert fresh.n_iter_ == n_iter
    for a, b in zip((gm.weights_, gm.means_, gm.covariances_), (fresh.weights_, fresh.means_, fresh.covariances_)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_em_with_reg_covar_matches_sklearn(rng):
    X = old_faithful()
    init = emlib.init_params(X, 3, rng)
    result = emlib.em(X, init, max_iter=15, tol=0, reg_covar=1e-3)
    gm = sklearn_from(init, 15, reg_covar=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    np.testing.assert_allclose(result.params.covs, gm.covariances_, rtol=1e-9)


def test_e_step_matches_predict_proba(small_problem):
    X, params = small_problem
    np.testing.assert_allclose(emlib.e_step(X, params), fitted_sklearn(params).predict_proba(X), rtol=1e-10, atol=1e-14)


def test_mixture_log_likelihood_matches_score(small_problem):
    X, params = small_problem
    expected = fitted_sklearn(params).score(X) * X.shape[0]
    assert np.isclose(emlib.mixture_log_likelihood(X, params), expected, rtol=1e-12)


def test_log_joint_matches_weighted_log_prob(small_problem):
    X, params = small_problem
    np.testing.assert_allclose(emlib.log_joint(X, params), fitted_sklearn(params)._estimate_weighted_log_prob(X), rtol=1e-12)


def test_old_faithful_known_optimum(rng):
    X = old_faithful()
    assert X.shape == (272, 2)
    assert np.isclose(X[:, 0].mean(), 3.487783, atol=1e-6) and np.isclose(X[:, 1].mean(), 70.897059, atol=1e-6)
    best = max(emlib.em(X, emlib.init_params(X, 2, np.random.default_rng(s))).log_likelihoods[-1] for s in range(5))
    gm = GaussianMixture(2, covariance_type="full", tol=1e-10, max_iter=1000, n_init=5, reg_covar=0, random_state=0).fit(X)
    assert np.isclose(best, gm.score(X) * 272, rtol=1e-6)
