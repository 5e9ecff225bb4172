"""emlib.missing: what missing_em returns besides the final parameters (history, n_iter, converged, the start),
and observed_log_likelihood where a dimension is never observed, each against an independent route
(scipy's density, numpy's nan-statistics, or the stopping rule re-applied to the returned log-likelihoods).

Written after mutmut (mutation/MUTMUT.md): the older tests compared the final parameters only, so a wrong
history, an off-by-one n_iter or a stopping rule on the total instead of the per-point change survived.
"""
import numpy as np
import pytest
from scipy import stats

from emlib.missing import GaussianParams, check_missing_data, missing_e_step, missing_em, missing_m_step, observed_log_likelihood


def data(seed=3, N=50, D=3, fraction=0.3):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(D, D))
    X = rng.multivariate_normal(rng.normal(size=D), A @ A.T + 0.5 * np.eye(D), size=N)
    U = rng.random(X.shape)
    miss = U < fraction
    miss[np.arange(N), np.argmax(U, axis=1)] = False  # every row keeps an entry
    X[miss] = np.nan
    return X


def scipy_ll(X, mean, cov):
    """sum_n ln N(x_n,o | mu_o, Sigma_oo), one row at a time with scipy's density."""
    total = 0.0
    for x in X:
        o = ~np.isnan(x)
        total += stats.multivariate_normal(mean[o], cov[np.ix_(o, o)]).logpdf(x[o])
    return total


def test_history_log_likelihoods_and_n_iter_with_tol_0():
    """tol = 0 runs exactly max_iter iterations; history holds the n_iter + 1 parameters, each the E-step then
    M-step of the one before, and log_likelihoods[i] is ln p(X_obs | history[i]) (scipy's density)."""
    X = data()
    res = missing_em(X, max_iter=6, tol=0.0)
    assert res.n_iter == 6 and not res.converged
    assert len(res.history) == 7 and len(res.log_likelihoods) == 7
    for i, p in enumerate(res.history):
        assert isinstance(p, GaussianParams)
        assert res.log_likelihoods[i] == pytest.approx(scipy_ll(X, p.mean, p.cov), rel=1e-10)
    for before, after in zip(res.history, res.history[1:]):
        nxt = missing_m_step(*missing_e_step(X, before))
        np.testing.assert_allclose(after.mean, nxt.mean, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(after.cov, nxt.cov, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(res.params.mean, res.history[-1].mean)
    np.testing.assert_array_equal(res.params.cov, res.history[-1].cov)
    np.testing.assert_allclose(res.x_hat, missing_e_step(X, res.params).x_hat, rtol=1e-12)
    assert np.all(np.diff(res.log_likelihoods) > 0)  # EM rises at every step on this data


def test_zero_iterations_return_the_start_and_have_not_converged():
    X = data()
    init = GaussianParams(np.zeros(3), 2.0 * np.eye(3))
    res = missing_em(X, init=init, max_iter=0)
    assert res.n_iter == 0 and res.converged is False and len(res.history) == 1
    np.testing.assert_array_equal(res.params.mean, init.mean)
    np.testing.assert_array_equal(res.params.cov, init.cov)
    assert res.log_likelihoods.tolist() == [pytest.approx(scipy_ll(X, init.mean, init.cov), rel=1e-12)]


@pytest.mark.parametrize("tol", [1e-3, 1e-5])
def test_the_stopping_rule_is_the_rise_per_point(tol):
    """converged means the last rise of ln p per point is below tol and no earlier rise was: the rule re-applied to
    the returned log-likelihoods must pick the same iteration (a rule on the total rise, or on rise * N, stops elsewhere)."""
    X = data(N=50)
    res = missing_em(X, tol=tol, max_iter=500)
    per_point = np.abs(np.diff(res.log_likelihoods)) / X.shape[0]
    assert res.converged
    assert res.n_iter == len(per_point) == len(res.history) - 1
    assert per_point[-1] < tol
    assert np.all(per_point[:-1] >= tol)
    assert res.n_iter >= 3  # the rule had earlier steps to reject


def test_the_default_start_is_the_observed_mean_and_1_over_n_variance():
    """init=None: each dimension's mean and (1/n) variance over its observed entries, no correlation."""
    X = data()
    res = missing_em(X, max_iter=0)
    np.testing.assert_allclose(res.history[0].mean, np.nanmean(X, axis=0), rtol=1e-12)
    np.testing.assert_allclose(res.history[0].cov, np.diag(np.nanvar(X, axis=0)), rtol=1e-12, atol=1e-15)


def test_the_result_does_not_alias_the_callers_arrays_and_is_float():
    """Changing the caller's init afterwards must not rewrite history[0]; integer input comes back as float."""
    X = data()
    mean, cov = np.zeros(3), 2.0 * np.eye(3)
    res = missing_em(X, init=GaussianParams(mean, cov), max_iter=1)
    mean[:] = 7.0
    cov[:] = 9.0
    assert np.all(res.history[0].mean == 0.0) and np.all(np.diag(res.history[0].cov) == 2.0)
    res = missing_em(X, init=GaussianParams([0, 0, 0], [[2, 0, 0], [0, 2, 0], [0, 0, 2]]), max_iter=1)
    assert res.history[0].mean.dtype == np.float64 and res.history[0].cov.dtype == np.float64
    checked = check_missing_data([[1, 2], [3, 4]])  # a list of integers: float64, as documented
    assert checked.dtype == np.float64 and checked.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_m_step_takes_lists():
    """missing_m_step on nested lists: mu = mean of x_hat, Sigma = 1/N sum (x_hat - mu)(x_hat - mu)^T + mean C_n."""
    x_hat = [[0.0, 1.0], [2.0, 3.0], [4.0, 2.0]]
    C = [[[0.0, 0.0], [0.0, 0.0]], [[0.5, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.3]]]
    p = missing_m_step(x_hat, C)
    np.testing.assert_allclose(p.mean, [2.0, 2.0])
    # by hand: the scatter about (2, 2) is [[8, 2], [2, 2]], plus the conditional covariances diag(0.5, 0.3)
    np.testing.assert_allclose(p.cov, (np.array([[8.0, 2.0], [2.0, 2.0]]) + np.diag([0.5, 0.3])) / 3, rtol=1e-12)


def test_observed_log_likelihood_with_a_dimension_never_observed():
    """A dimension missing in every row is legal for the likelihood at given parameters (only estimation needs it):
    the value is the marginal density of the observed dimensions, scipy's, and the unobserved dimension's
    mean and variance do not change it."""
    X = data(D=3)
    X[:, 1] = np.nan
    X = X[~np.all(np.isnan(X), axis=1)]
    rng = np.random.default_rng(8)
    A = rng.normal(size=(3, 3))
    p = GaussianParams(rng.normal(size=3), A @ A.T + np.eye(3))
    ll = observed_log_likelihood(X, p)
    assert ll == pytest.approx(scipy_ll(X, p.mean, p.cov), rel=1e-10)
    other = GaussianParams(p.mean + np.array([0.0, 5.0, 0.0]), p.cov + np.diag([0.0, 4.0, 0.0]))
    assert observed_log_likelihood(X, other) == pytest.approx(ll, rel=1e-12)


def test_observed_log_likelihood_refuses_a_row_with_every_entry_missing():
    X = data()
    X[1] = np.nan
    with pytest.raises(ValueError, match=r"row 1 of X has every entry missing \(1 such rows\)"):
        observed_log_likelihood(X, GaussianParams(np.zeros(3), np.eye(3)))


def test_defaults_200_iterations_and_1e_8_per_point():
    """max_iter = 200 (seen with tol = 0) and tol = 1e-8 nats per point (the stopping rule re-applied)."""
    X = data(N=30)
    assert missing_em(X, tol=0.0).n_iter == 200
    res = missing_em(X)
    per_point = np.abs(np.diff(res.log_likelihoods)) / X.shape[0]
    assert res.converged and per_point[-1] < 1e-8 and np.all(per_point[:-1] >= 1e-8)
