"""emlib.missing: EM for a Gaussian with missing entries, against an independent maximiser (scipy)."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import emlib
from emlib.missing import (
    GaussianParams,
    conditional_gaussian,
    missing_e_step,
    missing_em,
    missing_m_step,
    observed_log_likelihood,
)

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# permuting rows and dimensions: a bug of bookkeeping, not of numbers, shows on the first few problems
FEWER = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_gaussian(rng, D):
    A = rng.normal(size=(D, D))
    return GaussianParams(rng.normal(scale=2.0, size=D), A @ A.T / D + 0.3 * np.eye(D))


def with_missing(rng, X, fraction):
    """MCAR: each entry missing with probability ``fraction``; every row keeps one entry."""
    X = X.copy()
    U = rng.random(X.shape)
    miss = U < fraction
    miss[np.arange(X.shape[0]), np.argmax(U, axis=1)] = False
    X[miss] = np.nan
    return X


def problem(seed, N=200, D=3, fraction=0.3):
    rng = np.random.default_rng(seed)
    truth = random_gaussian(rng, D)
    X = rng.multivariate_normal(truth.mean, truth.cov, size=N)
    return with_missing(rng, X, fraction), truth


# ---------------------------------------------------------------- independent references (scipy)
def scipy_observed_ll(X, mean, cov):
    """sum_n ln N(x_n,o | mu_o, Sigma_oo) with scipy's density, rows with one pattern at a time."""
    total = 0.0
    for pattern in {tuple(r) for r in np.isnan(X)}:
        o = ~np.array(pattern)
        rows = X[np.all(np.isnan(X) == ~o, axis=1)][:, o]
        total += np.sum(stats.multivariate_normal(mean[o], cov[np.ix_(o, o)]).logpdf(rows).reshape(-1))
    return total


def unpack(theta, D):
    mean = theta[:D]
    L = np.zeros((D, D))
    L[np.tril_indices(D)] = theta[D:]
    L[np.diag_indices(D)] = np.exp(np.diag(L))
    return mean, L @ L.T


def scipy_maximiser(X):
    """Maximise the observed-data log-likelihood over (mu, Cholesky factor with log diagonal) by BFGS."""
    N, D = X.shape
    mean0 = np.nanmean(X, axis=0)
    L0 = np.diag(np.log(np.nanstd(X, axis=0)))
    theta0 = np.concatenate([mean0, L0[np.tril_indices(D)]])
    res = optimize.minimize(lambda t: -scipy_observed_ll(X, *unpack(t, D)) / N, theta0, method="BFGS",
                            options={"gtol": 1e-7, "maxiter": 2000})  # below 1e-7 its finite-difference gradient only loses precision
    return unpack(res.x, D), -res.fun * N


# ---------------------------------------------------------------- oracle
@pytest.mark.parametrize("seed", [0, 1])
def test_em_reaches_the_maximum_found_by_scipy(seed):
    X, _ = problem(seed, N=150, D=3, fraction=0.3)
    (mean, cov), ll_ref = scipy_maximiser(X)
    fit = missing_em(X, max_iter=500, tol=1e-13)  # run to EM's own stopping rule (about 30 iterations here)
    assert fit.converged
    assert fit.log_likelihoods[-1] >= ll_ref - 1e-7 * abs(ll_ref)
    np.testing.assert_allclose(fit.params.mean, mean, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(fit.params.cov, cov, rtol=1e-4, atol=1e-6)


def test_observed_log_likelihood_matches_scipy_row_by_row():
    X, truth = problem(3, N=60, D=4, fraction=0.4)
    assert np.isclose(observed_log_likelihood(X, truth), scipy_observed_ll(X, *truth), rtol=1e-12)


def test_observed_log_likelihood_is_not_the_full_density_at_the_imputed_points():
    """The plausible mistake (the full Sigma at mean-filled rows) gives a different number."""
    X, truth = problem(4, N=60, D=3, fraction=0.4)
    filled = np.where(np.isnan(X), truth.mean, X)
    wrong = emlib.gaussian_log_likelihood(filled, *truth)
    assert not np.isclose(observed_log_likelihood(X, truth), wrong, rtol=1e-3)


def test_conditional_gaussian_matches_a_brute_force_conditioning():
    """Condition by the precision matrix (PRML 2.73, 2.75): an independent route to 2.81-2.82."""
    rng = np.random.default_rng(5)
    params = random_gaussian(rng, 5)
    x = rng.normal(size=5)
    x[[1, 3]] = np.nan
    m, S = conditional_gaussian(x, params)
    mis = np.isnan(x)
    Lam = np.linalg.solve(params.cov, np.eye(5))  # the precision (a reference in a test, not emlib)
    S_ref = np.linalg.solve(Lam[np.ix_(mis, mis)], np.eye(2))
    m_ref = params.mean[mis] - S_ref @ Lam[np.ix_(mis, ~mis)] @ (x[~mis] - params.mean[~mis])
    np.testing.assert_allclose(m, m_ref, rtol=1e-10)
    np.testing.assert_allclose(S, S_ref, rtol=1e-10)


def test_e_step_moments_match_sampling():
    """E[x x^T] includes the conditional covariance: a Monte Carlo check from the joint."""
    rng = np.random.default_rng(6)
    params = random_gaussian(rng, 3)
    x = np.array([0.5, np.nan, np.nan])
    stats_ = missing_e_step(x[None, :], params)
    draws = rng.multivariate_normal(params.mean, params.cov, size=400_000)
    near = draws[np.abs(draws[:, 0] - 0.5) < 0.01]  # condition on x_1 ~= 0.5 by rejection
    assert near.shape[0] > 1000
    np.testing.assert_allclose(stats_.x_hat[0, 1:], near[:, 1:].mean(axis=0), atol=0.08)
    np.testing.assert_allclose(stats_.cond_covs[0, 1:, 1:], np.cov(near[:, 1:].T), atol=0.08)
    assert np.all(stats_.cond_covs[0, 0] == 0) and np.all(stats_.cond_covs[0, :, 0] == 0)


def test_nothing_missing_one_step_is_the_mle():
    rng = np.random.default_rng(7)
    truth = random_gaussian(rng, 3)
    X = rng.multivariate_normal(truth.mean, truth.cov, size=100)
    fit = missing_em(X, init=truth, max_iter=1, tol=0)
    mean, cov = emlib.gaussian_mle(X)
    np.testing.assert_allclose(fit.params.mean, mean, rtol=1e-13)
    np.testing.assert_allclose(fit.params.cov, cov, rtol=1e-12)
    e = missing_e_step(X, truth)
    assert np.array_equal(e.x_hat, X) and not np.any(e.cond_covs)


def test_m_step_uses_the_conditional_covariances():
    X, truth = problem(8, N=80, D=3, fraction=0.4)
    e = missing_e_step(X, truth)
    p = missing_m_step(*e)
    without = missing_m_step(e.x_hat, np.zeros_like(e.cond_covs))
    assert np.all(np.diag(p.cov) > np.diag(without.cov))  # C_n adds variance to every dimension with a missing entry
    # and the M-step maximises Q: random perturbations of (mu, Sigma) lower it
    def Q(mean, cov):
        d = e.x_hat - mean
        second = d.T @ d + e.cond_covs.sum(axis=0)
        return -0.5 * (X.shape[0] * np.linalg.slogdet(cov)[1] + np.trace(np.linalg.solve(cov, second)))
    rng = np.random.default_rng(0)
    for _ in range(50):
        B = rng.normal(scale=0.05, size=(3, 3))
        assert Q(p.mean + rng.normal(scale=0.05, size=3), p.cov + B @ B.T) < Q(*p)
        assert Q(p.mean, p.cov + B @ B.T) < Q(*p)


# ---------------------------------------------------------------- properties
@st.composite
def problems(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    D = draw(st.integers(2, 4))
    N = draw(st.integers(10 * D, 80))
    fraction = draw(st.floats(0.0, 0.5))
    return problem(seed, N=N, D=D, fraction=fraction)[0], np.random.default_rng(seed)


@SETTINGS
@given(problems())
def test_observed_log_likelihood_never_decreases(prob):
    X, _ = prob
    fit = missing_em(X, max_iter=30, tol=0)
    lls = fit.log_likelihoods
    assert np.all(np.diff(lls) >= -1e-9 * np.abs(lls[1:]))


@FEWER
@given(problems())
def test_invariant_to_permuting_rows_and_dimensions(prob):
    X, rng = prob
    rows, dims = rng.permutation(X.shape[0]), rng.permutation(X.shape[1])
    a = missing_em(X, max_iter=15, tol=0)
    b = missing_em(X[rows][:, dims], max_iter=15, tol=0)
    np.testing.assert_allclose(b.params.mean, a.params.mean[dims], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(b.params.cov, a.params.cov[np.ix_(dims, dims)], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(b.x_hat, a.x_hat[rows][:, dims], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(b.log_likelihoods, a.log_likelihoods, rtol=1e-10)


@SETTINGS
@given(problems())
def test_e_step_keeps_observed_values_and_pattern_grouping_is_exact(prob):
    X, rng = prob
    params = GaussianParams(np.nanmean(X, axis=0), np.diag(np.nanvar(X, axis=0)) + 0.5)
    e = missing_e_step(X, params)
    obs = ~np.isnan(X)
    assert np.array_equal(e.x_hat[obs], X[obs]) and np.all(np.isfinite(e.x_hat))
    n = int(rng.integers(X.shape[0]))  # one row on its own gives the same conditional
    m, S = conditional_gaussian(X[n], params)
    mis = ~obs[n]
    np.testing.assert_allclose(e.x_hat[n, mis], m, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(e.cond_covs[n][np.ix_(mis, mis)], S, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- errors
def test_errors_name_the_problem():
    X, truth = problem(9, N=20, D=3)
    bad = X.copy()
    bad[4] = np.nan
    with pytest.raises(ValueError, match=r"row 4 of X has every entry missing"):
        missing_em(bad)
    bad = X.copy()
    bad[:, 1] = np.nan
    with pytest.raises(ValueError, match=r"dimension 1 of X is never observed"):
        missing_em(bad)
    with pytest.raises(ValueError, match=r"X must have shape \(N, D\), got shape \(20,\)"):
        missing_em(X[:, 0])
    bad = X.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match=r"contains inf at index \(0, 0\)"):
        missing_em(bad)
    with pytest.raises(ValueError, match=r"init.mean must have shape \(D,\) = \(3,\) to match X, got shape \(2,\)"):
        missing_em(X, init=GaussianParams(np.zeros(2), np.eye(3)))
    with pytest.raises(ValueError, match=r"params.cov must have shape \(D, D\) = \(3, 3\)"):
        observed_log_likelihood(X, GaussianParams(np.zeros(3), np.eye(2)))
    with pytest.raises(ValueError, match=r"params.cov is not positive definite"):
        missing_e_step(X, GaussianParams(np.zeros(3), -np.eye(3)))
    with pytest.raises(ValueError, match=r"cond_covs must have shape \(N, D, D\) = \(20, 3, 3\)"):
        missing_m_step(np.zeros((20, 3)), np.zeros((20, 3)))
    with pytest.raises(ValueError, match=r"x_hat contains NaN"):
        missing_m_step(X, np.zeros((20, 3, 3)))
    with pytest.raises(ValueError, match=r"x must have shape \(D,\)"):
        conditional_gaussian(X, truth)
    with pytest.raises(ValueError, match=r"max_iter must be a non-negative integer"):
        missing_em(X, max_iter=2.5)


def test_a_collapsing_covariance_is_an_error_not_nan():
    """Two points in three dimensions: the M-step's Sigma is singular, and the next E-step says so."""
    X = np.array([[0.0, 1.0, 2.0], [1.0, np.nan, 0.5]])
    with pytest.raises(ValueError, match=r"Sigma after iteration 1, restricted to the observed dimensions .* not positive definite"):
        missing_em(X, init=GaussianParams(np.zeros(3), np.eye(3)), max_iter=5)


def test_a_dimension_never_observed_is_fine_for_the_e_step_at_given_parameters():
    rng = np.random.default_rng(10)
    params = random_gaussian(rng, 3)
    X = rng.normal(size=(5, 3))
    X[:, 2] = np.nan
    e = missing_e_step(X, params)
    assert np.all(np.isfinite(e.x_hat))
