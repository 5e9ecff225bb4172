"""Every bad input to emlib.missing, emlib.variational, emlib.bernoulli, emlib.bound, emlib.sample and
emlib.n_parameters is refused with a message that names the argument as the caller wrote it, and the offending value or index.

Written after mutmut (mutation/MUTMUT.md), as tests/test_gaussian_messages.py was for emlib.gaussian: mutants
that passed another name (or none) to the validators, or pointed at the wrong index, survived the older tests,
which checked the exception type but not the message. A few cases sit exactly on a boundary (nu = D - 1, a mean
of exactly 1, a weight of exactly 0) so that a validator with < for <= is caught.
"""
import re
import warnings

import numpy as np
import pytest

import emlib
from emlib.bernoulli import BernoulliParams, bernoulli_em, bernoulli_log_joint, bernoulli_log_likelihood, bernoulli_m_step
from emlib.missing import GaussianParams, check_missing_data, conditional_gaussian, missing_e_step, missing_em, missing_m_step, observed_log_likelihood
from emlib.variational import (
    digamma,
    elbo,
    expected_log_det_precision,
    expected_log_weights,
    expected_params,
    gammaln,
    vb_e_step,
    vb_gmm,
    vb_log_rho,
    vb_m_step,
    vb_prior,
)

RNG = np.random.default_rng(2024)
XG = RNG.normal(size=(6, 2)) + [3.0, -1.0]  # Gaussian data, N = 6, D = 2
PRIOR = vb_prior(XG, 1.0)
RESP = np.full((6, 2), 0.5)
POST = vb_m_step(XG, RESP, PRIOR)
XM = np.array([[0.0, 1.0, np.nan], [1.0, np.nan, 2.0], [0.5, 0.2, 0.1], [2.0, 1.0, 0.0]])  # missing entries
PM = GaussianParams(np.zeros(3), np.eye(3))
XB = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])  # binary
PB = BernoulliParams(np.array([0.4, 0.6]), np.array([[0.2, 0.7, 0.5], [0.6, 0.3, 0.8]]))
GMM = emlib.GMMParams(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [3.0, 3.0]]), np.stack([np.eye(2)] * 2))

CASES = [
    # (call, the argument the message must start with, a phrase it must contain)
    # ---- emlib.missing
    (lambda: check_missing_data("abc"), "X", "must be numeric (NaN for missing), got str"),
    (lambda: check_missing_data([1.0, 2.0]), "X", "got shape (2,); for 1-D data use X[:, None]"),
    (lambda: check_missing_data(np.zeros((0, 2))), "X", "at least one point and one dimension, got shape (0, 2)"),
    (lambda: check_missing_data(np.zeros((2, 0))), "X", "at least one point and one dimension, got shape (2, 0)"),
    (lambda: observed_log_likelihood(XM, (np.zeros(3),)), "params", "must be a GaussianParams (mean, cov)"),
    (lambda: missing_em(XM, init=(np.zeros(3), np.eye(3), 1.0)), "init", "must be a GaussianParams (mean, cov)"),
    (lambda: observed_log_likelihood(XM, GaussianParams("ab", np.eye(3))), "params.mean", "must be numeric"),
    (lambda: observed_log_likelihood(XM, GaussianParams(np.zeros(3), "ab")), "params.cov", "must be numeric"),
    (lambda: observed_log_likelihood(XM, GaussianParams([np.nan, 0.0, 0.0], np.eye(3))), "params.mean", "contains NaN or inf"),
    (lambda: missing_e_step(XM, GaussianParams(np.zeros(3), np.diag([np.inf, 1.0, 1.0]))), "params.cov", "contains NaN or inf"),
    (lambda: conditional_gaussian([np.inf, 1.0, 2.0], PM), "x", "contains inf at index (0, 0)"),
    (lambda: missing_m_step("ab", np.zeros((1, 2, 2))), "x_hat and cond_covs", "must be numeric"),
    (lambda: missing_m_step(np.zeros((0, 2)), np.zeros((0, 2, 2))), "x_hat", "must have shape (N, D), got shape (0, 2)"),
    (lambda: missing_m_step(np.zeros((2, 0)), np.zeros((2, 0, 0))), "x_hat", "must have shape (N, D), got shape (2, 0)"),
    (lambda: missing_m_step(np.zeros(3), np.zeros((3, 1, 1))), "x_hat", "must have shape (N, D), got shape (3,)"),
    (lambda: missing_m_step(np.zeros((2, 2)), np.full((2, 2, 2), np.nan)), "cond_covs", "contains NaN or inf"),
    (lambda: missing_em(XM, tol=-1.0), "tol", "must be non-negative and finite, got -1.0"),
    # dimension 0 has variance 0.0225 (< 1), dimension 1 a single value: the message must point at 1
    (lambda: missing_em(np.array([[0.0, 1.0], [0.3, 1.0], [np.nan, 1.0], [0.15, np.nan]])), "dimension 1 of X",
     "has a single distinct observed value; its variance is 0"),
    # ---- emlib.variational
    (lambda: digamma([0.5, -2.0]), "x", "must be > 0, got -2.0 at index (1,)"),
    (lambda: gammaln([[1.0, 2.0], [0.5, 0.0]]), "x", "must be > 0, got 0.0 at index (1, 1)"),
    (lambda: vb_prior(XG, True), "prior.alpha0", "must be a number, got True"),
    (lambda: vb_prior(XG, "1.0"), "prior.alpha0", "must be a number, got '1.0'"),
    (lambda: vb_prior(XG, 1.0, beta0=0.0), "prior.beta0", "must be > 0 and finite, got 0.0"),
    (lambda: vb_prior(XG, 1.0, nu0=1.0), "prior.nu0", "must be > 1 and finite, got 1.0"),
    (lambda: vb_prior(XG[:1], 1.0), "the default W0_inv", "needs at least 2 points, X has shape (1, 2); pass W0_inv"),
    (lambda: vb_prior(XG, 1.0, m0="ab"), "prior.m0", "must be numeric"),
    (lambda: vb_prior(XG, 1.0, m0=np.zeros(3)), "prior.m0", "must have shape (2,) to match X, got shape (3,)"),
    (lambda: vb_prior(XG, 1.0, W0_inv="ab"), "prior.W0_inv", "must be numeric"),
    (lambda: vb_prior(XG, 1.0, W0_inv=np.eye(3)), "prior.W0_inv", "must have shape (D, D) = (2, 2), got shape (3, 3)"),
    (lambda: vb_m_step(XG, RESP, (1.0, 2.0)), "prior", "must be a VBPrior (alpha0, beta0, m0, W0_inv, nu0)"),
    (lambda: vb_m_step(XG, RESP, PRIOR._replace(m0=np.zeros(3), W0_inv=np.eye(3))), "prior.m0", "(2,) to match X"),
    (lambda: elbo(XG, RESP, POST, PRIOR._replace(m0=np.zeros(3), W0_inv=np.eye(3))), "prior.m0", "(2,) to match X"),
    (lambda: vb_gmm(XG, PRIOR._replace(m0=np.zeros(3), W0_inv=np.eye(3)), RESP), "prior.m0", "(2,) to match X"),
    (lambda: elbo(XG, RESP, POST._replace(m=np.zeros((2, 3)), W_inv=np.stack([np.eye(3)] * 2)), PRIOR), "posterior.m",
     "(K, D) = (2, 2) to match X, got shape (2, 3)"),
    (lambda: vb_e_step(XG, (1, 2)), "posterior", "must be a VBPosterior (alpha, beta, m, W_inv, nu)"),
    (lambda: vb_e_step(XG, POST._replace(alpha=np.array([1.0, -1.0]))), "posterior.alpha", "must be > 0, got -1.0 at index (1,)"),
    (lambda: vb_e_step(XG, POST._replace(alpha=np.ones((2, 1)))), "posterior.alpha", "must have shape (K,), got shape (2, 1)"),
    (lambda: vb_e_step(XG, POST._replace(beta=np.ones(3))), "posterior.beta", "must have shape (K,) = (2,), got shape (3,)"),
    (lambda: vb_e_step(XG, POST._replace(m="ab")), "posterior.m", "must be numeric"),
    (lambda: vb_e_step(XG, POST._replace(m=np.zeros(2))), "posterior.m", "(K, D) = (2, 2) to match X, got shape (2,)"),
    (lambda: vb_e_step(XG, POST._replace(m=np.zeros((3, 2)))), "posterior.m", "(K, D) = (2, 2) to match X, got shape (3, 2)"),
    (lambda: expected_params(POST._replace(m=np.zeros((3, 2)))), "posterior.m", "(K, D) = (2, D), got shape (3, 2)"),
    (lambda: vb_e_step(XG, POST._replace(W_inv="ab")), "posterior.W_inv", "must be numeric"),
    (lambda: vb_e_step(XG, POST._replace(W_inv=np.ones((2, 3, 3)))), "posterior.W_inv", "(K, D, D) = (2, 2, 2), got shape (2, 3, 3)"),
    (lambda: vb_e_step(XG, POST._replace(W_inv=np.stack([np.eye(2), -np.eye(2)]))), "posterior.W_inv[1] (component 1)",
     "is not positive definite"),
    (lambda: vb_e_step(XG, POST._replace(nu="ab")), "posterior.nu", "must be numeric"),
    (lambda: vb_e_step(XG, POST._replace(nu=np.ones(3))), "posterior.nu", "must have shape (K,) = (2,), got shape (3,)"),
    (lambda: vb_e_step(XG, POST._replace(nu=np.array([1.5, 1.0]))), "posterior.nu", "must be > D - 1 = 1, got nu[1] = 1.0"),
    (lambda: vb_e_step(XG, POST._replace(nu=np.array([1.5, 0.5]))), "posterior.nu", "must be > D - 1 = 1, got nu[1] = 0.5"),
    (lambda: vb_m_step(XG, "ab", PRIOR), "resp", "must be numeric"),
    (lambda: vb_m_step(XG, np.ones(6), PRIOR), "resp", "must have shape (N, K), got shape (6,)"),
    (lambda: vb_gmm(XG, PRIOR, RESP, max_iter=2.0), "max_iter", "must be a non-negative integer, got 2.0"),
    (lambda: vb_gmm(XG, PRIOR, RESP, tol=-1.0), "tol", "must be non-negative and finite, got -1.0"),
    (lambda: expected_log_weights([1.0, 0.0]), "alpha", "must be > 0, got 0.0 at index (1,)"),
    (lambda: expected_log_weights(np.ones((2, 2))), "alpha", "must have shape (K,), got shape (2, 2)"),
    (lambda: expected_log_det_precision("ab", [3.0]), "W_inv", "must be numeric"),
    (lambda: expected_log_det_precision(np.ones((2, 2)), [3.0]), "W_inv", "must have shape (K, D, D), got shape (2, 2)"),
    (lambda: expected_log_det_precision(np.ones((1, 2, 3)), [3.0]), "W_inv", "must have shape (K, D, D), got shape (1, 2, 3)"),
    (lambda: expected_log_det_precision(np.stack([np.eye(2)]), [1.0]), "(W_inv, nu).nu", "must be > D - 1 = 1, got nu[0] = 1.0"),
    (lambda: expected_log_det_precision(np.stack([np.eye(2)]), [2.0, 3.0]), "(W_inv, nu).nu", "(K,) = (1,), got shape (2,)"),
    # ---- emlib.bernoulli
    (lambda: bernoulli_log_likelihood("ab", PB), "X", "must be numeric"),
    (lambda: bernoulli_log_likelihood(np.ones(3), PB), "X", "must have shape (N, D), got shape (3,)"),
    (lambda: bernoulli_log_likelihood(XB * 2, PB), "X", "must contain only 0 and 1"),
    (lambda: bernoulli_log_likelihood(XB, PB._replace(weights="ab")), "params.weights", "must be numeric"),
    (lambda: bernoulli_log_likelihood(XB, PB._replace(means="ab")), "params.means", "must be numeric"),
    (lambda: bernoulli_log_likelihood(XB, PB._replace(weights=np.array([1.5, -0.5]))), "params.weights",
     "must be non-negative and sum to 1"),
    (lambda: bernoulli_log_likelihood(XB, PB._replace(weights=np.array([0.5, 0.6]))), "params.weights",
     "must be non-negative and sum to 1"),
    (lambda: bernoulli_log_likelihood(XB, PB._replace(means=np.array([[0.2, 0.7, 0.5], [0.6, 1.0, 0.8]]))), "params.means",
     "must lie strictly between 0 and 1"),
    (lambda: bernoulli_log_likelihood(XB, PB._replace(means=np.array([[0.2, 0.7, 0.5], [0.6, 2.5, 0.8]]))), "params.means",
     "must lie strictly between 0 and 1"),
    (lambda: bernoulli_log_likelihood(XB, PB._replace(means=np.array([[0.2, 0.7, 0.0], [0.6, 0.3, 0.8]]))), "params.means",
     "must lie strictly between 0 and 1"),
    (lambda: bernoulli_m_step(XB, "ab"), "resp", "must be numeric"),
    (lambda: bernoulli_m_step(XB, np.ones(4)), "resp", "must have shape (N, K), got shape (4,)"),
    (lambda: bernoulli_m_step(XB, np.full((4, 2), 0.6)), "rows of resp", "must sum to 1, got row 0"),
    (lambda: bernoulli_m_step(XB, np.array([[1.0, 0.0]] * 4)), "component 1", "received no responsibility"),
    (lambda: bernoulli_em(XB, PB, max_iter=2.5), "max_iter", "must be a non-negative integer, got 2.5"),
    # ---- emlib.bound and emlib.sample
    (lambda: emlib.entropy([0.5, 0.5]), "q", "must have shape (N, K), got shape (2,)"),
    (lambda: emlib.entropy([[0.5, 0.6]]), "rows of q", "must sum to 1, got row 0"),
    (lambda: emlib.expected_complete_log_likelihood(XG, GMM, np.full((6, 2), 0.6)), "rows of resp", "must sum to 1, got row 0"),
    (lambda: emlib.lower_bound(XG, GMM, np.full((6, 2), 0.6)), "rows of q", "must sum to 1, got row 0"),
    (lambda: emlib.sample(GMM, 2.5, RNG), "n", "must be a non-negative integer, got 2.5"),
    (lambda: emlib.sample(GMM, -1, RNG), "n", "must be non-negative and finite, got -1"),
    (lambda: emlib.n_parameters(0, 2), "K", "must be a positive integer, got 0"),
    (lambda: emlib.n_parameters(2, 1.0), "D", "must be a positive integer, got 1.0"),
    (lambda: digamma("ab"), "x", "must be numeric"),
    (lambda: vb_log_rho(XG, POST._replace(m=np.zeros((2, 3)), W_inv=np.stack([np.eye(3)] * 2))), "posterior.m",
     "(K, D) = (2, 2) to match X, got shape (2, 3)"),
    # emlib.gaussian (tests/test_gaussian_messages.py has the rest): 2-D x reaches a second validator after the first
    (lambda: emlib.gaussian_logpdf(np.zeros((2, 2, 2)), np.zeros(2), np.eye(2)), "x", "must have shape (N, D), got shape (2, 2, 2)"),
    (lambda: emlib.gaussian_logpdf(np.zeros((0, 2)), np.zeros(2), np.eye(2)), "x", "at least one point and one dimension"),
]


def assert_message_names(call, name, phrase):
    """call() raises a ValueError whose message starts with the argument's name and contains phrase."""
    with pytest.raises(ValueError) as err:
        call()
    message = str(err.value)
    assert re.match(re.escape(name) + r"(\b|(?=[ (.]))", message), f"the message should start with {name!r}: {message!r}"
    assert phrase in message, message


@pytest.mark.parametrize("i", range(len(CASES)))
def test_message_names_the_argument(i):
    assert_message_names(*CASES[i])


def test_shape_message_has_no_hint_beyond_1d():
    """The "use X[:, None]" hint is for 1-D data only; a 3-D array gets the plain message."""
    with pytest.raises(ValueError) as err:
        check_missing_data(np.zeros((2, 2, 2)))
    assert str(err.value) == "X must have shape (N, D), got shape (2, 2, 2)"


def test_a_singular_sigma_during_missing_em_names_the_iteration_the_dimensions_and_eigenvalue_0():
    """Dimension 2 is observed, and equal to 1, in every row: after one M-step its variance and covariances are
    exactly 0, so Sigma is singular and the E-step that follows must say so, with the smallest eigenvalue 0."""
    X = np.array([[0.0, 0.0, 1.0], [1.0, 2.0, 1.0], [2.0, 1.0, 1.0], [np.nan, 1.0, 1.0]])
    with pytest.raises(ValueError) as err:
        missing_em(X, init=GaussianParams(np.zeros(3), np.eye(3)))
    message = str(err.value)
    assert message.startswith("Sigma after iteration 1, restricted to the observed dimensions [0, 1, 2], is not positive definite")
    smallest = float(re.search(r"smallest eigenvalue (\S+)\)", message).group(1))
    assert abs(smallest) < 1e-12, message  # the other two eigenvalues are of order 1


def test_boundaries_that_are_legal():
    """Just inside each boundary that the validators draw, the call succeeds."""
    # nu just above D - 1 = 1 is a proper Wishart
    assert np.all(np.isfinite(vb_e_step(XG, POST._replace(nu=np.array([1.01, 1.5])))))
    # vb_prior's default W0_inv needs 2 points, and 2 are enough (in 1-D: two points in 2-D span a line)
    np.testing.assert_allclose(vb_prior(XG[:2, :1], 1.0).W0_inv, [[0.5 * (XG[0, 0] - XG[1, 0]) ** 2]], rtol=1e-12)
    # one point, one dimension: the smallest legal shapes
    assert check_missing_data([[2.0]]).shape == (1, 1)
    np.testing.assert_allclose(missing_m_step([[2.0]], [[[0.5]]]).cov, [[0.5]])
    # weights that sum to 1 within the tolerance check_params allows (1e-8) are sampled from, renormalised
    # (numpy's choice itself refuses p that misses 1 by more than 1.5e-8)
    params = GMM._replace(weights=np.array([0.5, 0.5 + 0.9e-8]))
    X, z = emlib.sample(params, 50, np.random.default_rng(0))
    assert X.shape == (50, 2) and set(z.tolist()) == {0, 1}
    # a component with less than one point of responsibility still gets its mean
    resp = np.array([[0.9, 0.1], [1.0, 0.0], [0.8, 0.2], [1.0, 0.0]])  # N_1 = 0.3
    means = bernoulli_m_step(XB, resp).means
    np.testing.assert_allclose(means[1], (0.1 * XB[0] + 0.2 * XB[2]) / 0.3)


def test_a_zero_weight_is_legal_and_silent():
    """A Bernoulli component with weight exactly 0: ln p(x, z = k) = -inf for it, no warning, and the likelihood
    is that of the other component alone (written out by hand)."""
    params = PB._replace(weights=np.array([1.0, 0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lj = bernoulli_log_joint(XB, params)
        ll = bernoulli_log_likelihood(XB, params)
    assert np.all(lj[:, 1] == -np.inf)
    mu = PB.means[0]
    by_hand = sum(np.log(np.prod(mu**x * (1 - mu) ** (1 - x))) for x in XB)
    assert ll == pytest.approx(by_hand, rel=1e-12)


def test_q_with_zeros_against_a_weight_of_zero_gives_a_finite_q():
    """Q(theta, theta_old) with gamma_nk = 0 exactly where ln p(x_n, z_n = k) = -inf (a component of weight 0):
    the convention 0 ln 0 = 0 makes Q finite, and equal to the sum over the other component."""
    params = GMM._replace(weights=np.array([1.0, 0.0]))
    resp = np.array([[1.0, 0.0]] * 6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ln 0 of the weight is -inf by design, without a warning
        Q = emlib.expected_complete_log_likelihood(XG, params, resp)
    by_hand = np.sum(-np.log(2 * np.pi) - 0.5 * np.sum(XG**2, axis=1))  # ln N(x | 0, I) in 2-D
    assert Q == pytest.approx(by_hand, rel=1e-12)
