"""emlib.variational: the values of vb_log_rho, expected_log_weights and expected_log_det_precision, each by an
independent route (numerical integration over q, Monte Carlo draws from q, the Bartlett decomposition of the
Wishart), and what vb_gmm and vb_prior return besides the fit.

Written after mutmut (mutation/MUTMUT.md): the constant -D/2 ln 2 pi of ln rho_nk cancels in the
responsibilities, so no test that compares r_nk or the fit can see it; these read the values themselves.
PRML 10.46 defines ln rho_nk = E_q[ln pi_k] + E_q[ln N(x_n | mu_k, Lambda_k^-1)], which is what the
references compute, from the densities, without the closed forms PRML 10.64-10.66.
"""
import inspect
import math
import re
import warnings

import numpy as np
import pytest
from scipy import integrate, stats

import emlib
from emlib.variational import (
    VBPosterior,
    elbo_terms,
    expected_log_det_precision,
    expected_log_weights,
    gammaln,
    vb_gmm,
    vb_log_rho,
    vb_m_step,
    vb_prior,
)


def e_log_beta(a, b):
    """E[ln p] for p ~ Beta(a, b), by quadrature (the marginal of one coordinate of a Dirichlet)."""
    return integrate.quad(lambda p: math.log(p) * stats.beta.pdf(p, a, b), 0.0, 1.0, epsabs=1e-12, epsrel=1e-12, limit=200)[0]


def e_log_chi2(k):
    """E[ln c] for c ~ chi^2 with k degrees of freedom, by quadrature over u = ln c, whose density
    exp(k u / 2 - e^u / 2) / (2^(k/2) Gamma(k/2)) is smooth (p(c) itself is infinite at c = 0 for k < 2)."""
    log_norm = 0.5 * k * math.log(2.0) + math.lgamma(0.5 * k)
    f = lambda u: u * math.exp(0.5 * k * u - 0.5 * math.exp(u) - log_norm)
    return integrate.quad(f, -1000.0, 10.0 + math.log(k + 1.0), epsabs=1e-13, epsrel=1e-12, limit=400,
                          points=[-100.0, -20.0, math.log(k)])[0]


def test_expected_log_weights_by_quadrature():
    alpha = np.array([0.3, 2.0, 7.5])
    want = [e_log_beta(a, alpha.sum() - a) for a in alpha]
    np.testing.assert_allclose(expected_log_weights(alpha), want, rtol=0, atol=1e-8)


def test_expected_log_det_precision_by_the_bartlett_decomposition():
    """Lambda ~ W(W, nu) has |Lambda| = |W| prod_{i=1}^D c_i with independent c_i ~ chi^2_{nu - i + 1} (Bartlett),
    so E[ln|Lambda|] = ln|W| + sum_i E[ln c_i]; each E[ln c_i] by quadrature."""
    rng = np.random.default_rng(5)
    D = 3
    A = rng.normal(size=(2, D, D))
    W_inv = A @ A.transpose(0, 2, 1) + 0.5 * np.eye(D)
    nu = np.array([2.5, 9.0])  # 2.5 > D - 1 = 2: a chi^2 with 0.5 degrees of freedom among the factors
    want = [-np.linalg.slogdet(W_inv[k])[1] + sum(e_log_chi2(nu[k] - i + 1) for i in range(1, D + 1)) for k in range(2)]
    np.testing.assert_allclose(expected_log_det_precision(W_inv, nu), want, rtol=0, atol=1e-8)


def one_dimensional_log_rho(x, alpha, beta, m, W_inv, nu, k):
    """E[ln pi_k] + E[ln N(x | mu, 1/lambda)] over q(mu | lambda) = N(m, 1/(beta lambda)),
    q(lambda) = Gamma(shape nu/2, scale 2 W), by a double integral (D = 1): Gauss-Hermite nodes in mu, adaptive
    quadrature in ln lambda."""
    W = 1.0 / W_inv
    gam = stats.gamma(nu / 2, scale=2 * W)
    z, w = np.polynomial.hermite_e.hermegauss(6)  # E over mu ~ N(m, sd^2): exact for the quadratic in mu below
    w = w / w.sum()

    def inner(lam):  # over u = ln lambda, so that the Gamma density's peak at 0 for nu < 2 is smooth
        lam = math.exp(lam)
        mu = m + z / math.sqrt(beta * lam)
        e_mu = np.sum(w * (0.5 * math.log(lam / (2 * math.pi)) - 0.5 * lam * (x - mu) ** 2))
        return e_mu * math.exp(gam.logpdf(lam)) * lam

    e_log_n = integrate.quad(inner, -60.0, math.log(gam.ppf(1 - 1e-15)), epsabs=1e-12, epsrel=1e-12, limit=400,
                             points=[math.log(gam.mean())])[0]
    return e_log_beta(alpha[k], alpha.sum() - alpha[k]) + e_log_n


def test_vb_log_rho_in_one_dimension_by_quadrature():
    post = VBPosterior(np.array([1.5, 4.0]), np.array([2.0, 6.0]), np.array([[-1.0], [2.0]]),
                       np.array([[[0.8]], [[3.0]]]), np.array([1.7, 5.0]))
    X = np.array([[0.3], [2.5]])
    got = vb_log_rho(X, post)
    assert got.shape == (2, 2)
    for n in range(2):
        for k in range(2):
            want = one_dimensional_log_rho(X[n, 0], post.alpha, post.beta[k], post.m[k, 0], post.W_inv[k, 0, 0], post.nu[k], k)
            assert got[n, k] == pytest.approx(want, abs=1e-7), (n, k)


def test_vb_log_rho_in_two_dimensions_by_monte_carlo():
    """Draws pi ~ Dir(alpha), Lambda_k ~ W(W_k, nu_k) (scipy), mu_k | Lambda_k ~ N(m_k, (beta_k Lambda_k)^-1);
    the average of ln pi_k + ln N(x_n | mu_k, Lambda_k^-1) estimates ln rho_nk. With 40 000 draws the standard
    error is below 0.02 nats; the tolerance is 5 standard errors (measured), far below the 1.4 nats by which
    -D/2 ln 2 pi and D/2 ln 2 pi, or D and 1/D, differ in 2-D."""
    rng = np.random.default_rng(11)
    S = 40_000
    post = VBPosterior(np.array([2.0, 5.0]), np.array([1.5, 8.0]), np.array([[0.0, 1.0], [1.0, 0.0]]),
                       np.array([[[3.0, 0.9], [0.9, 1.5]], [[6.0, -1.2], [-1.2, 3.0]]]), np.array([3.5, 9.0]))
    X = np.array([[0.5, 0.5], [0.2, 0.8], [0.8, 0.1]])  # near both means, where the draws' spread is small
    got = vb_log_rho(X, post)
    pis = rng.dirichlet(post.alpha, size=S)
    for k in range(2):
        lam = stats.wishart(df=post.nu[k], scale=np.linalg.inv(post.W_inv[k])).rvs(size=S, random_state=rng)
        cov_mu = np.linalg.inv(post.beta[k] * lam)
        mu = post.m[k] + np.einsum("sij,sj->si", np.linalg.cholesky(cov_mu), rng.standard_normal((S, 2)))
        logdet = np.linalg.slogdet(lam)[1]
        for n in range(X.shape[0]):
            d = X[n] - mu
            draws = np.log(pis[:, k]) + 0.5 * logdet - math.log(2 * math.pi) - 0.5 * np.einsum("si,sij,sj->s", d, lam, d)
            se = draws.std() / math.sqrt(S)
            assert se < 0.02
            assert abs(got[n, k] - draws.mean()) < 5 * se + 1e-3, (n, k, got[n, k], draws.mean(), se)


def test_gammaln_returns_floats():
    """ln Gamma of an array is a float array (not an array of Python objects from the vectorised math.lgamma)."""
    out = gammaln(np.array([0.5, 1.0, 4.0]))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [0.5 * math.log(math.pi), 0.0, math.log(6.0)], rtol=1e-14, atol=1e-15)


def test_elbo_with_hard_responsibilities_is_finite_and_silent():
    """r_nk = 0 exactly (a hard assignment): 0 ln 0 = 0 in E[ln q(Z)], without a divide or invalid warning."""
    rng = np.random.default_rng(4)
    X = np.vstack([rng.normal(size=(10, 2)), rng.normal(size=(10, 2)) + 5])
    resp = np.zeros((20, 2))
    resp[:10, 0] = resp[10:, 1] = 1.0
    prior = vb_prior(X, 1.0)
    post = vb_m_step(X, resp, prior)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        terms = elbo_terms(X, resp, post, prior)
    assert terms.log_q_z == 0.0  # every q(z_n) is a point mass: no entropy
    assert np.isfinite(terms.total)


def test_vb_prior_defaults_by_numpy():
    """m0 = mean of X, W0^-1 = the N - 1 sample covariance (numpy's np.cov), nu0 = D, beta0 = 1."""
    rng = np.random.default_rng(6)
    X = rng.normal(size=(30, 3)) @ np.array([[2.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.0, 0.3, 0.2]]) + [10.0, -4.0, 1.0]
    prior = vb_prior(X, 0.7)
    assert prior.alpha0 == 0.7 and prior.beta0 == 1.0 and prior.nu0 == 3.0
    np.testing.assert_allclose(prior.m0, X.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(prior.W0_inv, np.cov(X, rowvar=False), rtol=1e-12)


def _blobs():
    rng = np.random.default_rng(9)
    X = np.vstack([rng.normal(size=(40, 2)), rng.normal(size=(40, 2)) * 0.7 + [4.0, 1.0]])
    resp = rng.dirichlet(np.ones(2), size=80)
    return X, vb_prior(X, 1.0), resp


def test_vb_gmm_result_fields():
    X, prior, resp = _blobs()
    res = vb_gmm(X, prior, resp, max_iter=5, tol=0.0)
    assert res.n_iter == 5 and res.converged is False
    assert len(res.history) == 6 and len(res.elbos) == 6
    post = vb_m_step(X, resp, prior)  # the start
    np.testing.assert_allclose(res.history[0].m, post.m, rtol=1e-12)
    for before, after in zip(res.history, res.history[1:]):
        r = emlib.vb_e_step(X, before)
        np.testing.assert_allclose(after.W_inv, vb_m_step(X, r, prior).W_inv, rtol=1e-10)
    np.testing.assert_allclose(res.resp, emlib.vb_e_step(X, res.history[-2]), rtol=1e-10)
    assert np.all(np.diff(res.elbos) > -1e-9)
    res0 = vb_gmm(X, prior, resp, max_iter=0)
    assert res0.n_iter == 0 and res0.converged is False and len(res0.history) == 1


@pytest.mark.parametrize("tol", [1e-4, 1e-6])
def test_vb_gmm_stopping_rule_is_the_change_per_point(tol):
    """converged: the last |change of the ELBO| per point is below tol, no earlier one was (the rule re-applied
    to the returned ELBOs must stop at the same iteration)."""
    X, prior, resp = _blobs()
    res = vb_gmm(X, prior, resp, tol=tol)
    per_point = np.abs(np.diff(res.elbos)) / X.shape[0]
    assert res.converged is True
    assert res.n_iter == len(per_point) >= 3
    assert per_point[-1] < tol and np.all(per_point[:-1] >= tol)


def test_vb_gmm_default_tolerance_is_1e_8_per_point():
    X, prior, resp = _blobs()
    res = vb_gmm(X, prior, resp)
    per_point = np.abs(np.diff(res.elbos)) / X.shape[0]
    assert res.converged is True and per_point[-1] < 1e-8 and np.all(per_point[:-1] >= 1e-8)


@pytest.mark.parametrize("func", [emlib.em, emlib.missing_em, emlib.vb_gmm, emlib.vb_prior])
def test_documented_numeric_defaults_are_the_signatures(func):
    """Every "name : ..., default <number>" in a docstring is the default in the signature."""
    documented = dict(re.findall(r"^\s*(\w+) : [^\n]*?default ([-+0-9.e]+)", inspect.getdoc(func), flags=re.M))
    assert documented, "no documented numeric default found"
    params = inspect.signature(func).parameters
    for name, value in documented.items():
        assert params[name].default == float(value), (func.__name__, name, value, params[name].default)


def test_each_elbo_term_by_monte_carlo_from_scipy_densities():
    """The seven terms of PRML 10.70 are expectations under q; in 3-D, with draws pi ~ Dir(alpha), Lambda_k ~ W(W_k, nu_k)
    and mu_k | Lambda_k ~ N(m_k, (beta_k Lambda_k)^-1), each is the average of a log density (scipy's Dirichlet and
    Wishart; the Gaussian with precision beta Lambda written out). The Wishart normaliser's -D(D-1)/4 ln pi and
    the Dirichlet normaliser cancel in the total (they appear in p and in q), so only the terms can show them."""
    rng = np.random.default_rng(13)
    S, D, K = 20_000, 3, 2
    X = rng.normal(size=(12, D)) + np.repeat([[0.0, 0.0, 0.0], [2.0, 1.0, -1.0]], 6, axis=0)
    prior = emlib.VBPrior(0.8, 0.5, np.zeros(D), 2.0 * np.eye(D), 4.0)
    resp = rng.dirichlet([2.0, 2.0], size=12)
    post = vb_m_step(X, resp, prior)
    terms = elbo_terms(X, resp, post, prior)

    def log_normal_precision(x, mean, prec):  # ln N(x | mean, prec^-1) for S draws: x (S, D), prec (S, D, D)
        d = x - mean
        return 0.5 * np.linalg.slogdet(prec)[1] - 0.5 * D * math.log(2 * math.pi) - 0.5 * np.einsum("si,sij,sj->s", d, prec, d)

    pis = rng.dirichlet(post.alpha, size=S)
    est = {"log_p_pi": stats.dirichlet(np.full(K, prior.alpha0)).logpdf(pis.T),
           "log_q_pi": stats.dirichlet(post.alpha).logpdf(pis.T),
           "log_p_z": np.log(pis) @ resp.sum(axis=0)}
    W0 = np.linalg.inv(prior.W0_inv)
    for name in ("log_p_mu_lambda", "log_q_mu_lambda", "log_p_x"):
        est[name] = np.zeros(S)
    for k in range(K):
        W_k = np.linalg.inv(post.W_inv[k])
        lam = stats.wishart(df=post.nu[k], scale=W_k).rvs(size=S, random_state=rng)
        mu = post.m[k] + np.einsum("sij,sj->si", np.linalg.cholesky(np.linalg.inv(post.beta[k] * lam)), rng.standard_normal((S, D)))
        lam_t = np.moveaxis(lam, 0, -1)  # scipy's Wishart logpdf takes (D, D, S)
        est["log_p_mu_lambda"] += log_normal_precision(mu, prior.m0, prior.beta0 * lam) + stats.wishart(df=prior.nu0, scale=W0).logpdf(lam_t)
        est["log_q_mu_lambda"] += log_normal_precision(mu, post.m[k], post.beta[k] * lam) + stats.wishart(df=post.nu[k], scale=W_k).logpdf(lam_t)
        est["log_p_x"] += sum(resp[n, k] * log_normal_precision(mu, X[n], lam) for n in range(X.shape[0]))
    for name, draws in est.items():
        se = draws.std() / math.sqrt(S)
        assert se < 0.1, (name, se)
        assert abs(getattr(terms, name) - draws.mean()) < 5 * se + 1e-6, (name, getattr(terms, name), draws.mean(), se)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert terms.log_q_z == pytest.approx(np.sum(resp * np.log(resp)), rel=1e-12)


def test_vb_gmm_runs_500_iterations_by_default_when_tol_is_0():
    rng = np.random.default_rng(17)
    X = np.concatenate([rng.normal(size=6), rng.normal(size=6) + 4.0])[:, None]
    res = vb_gmm(X, vb_prior(X, 1.0), rng.dirichlet(np.ones(2), size=12), tol=0.0)
    assert res.n_iter == 500 and len(res.history) == 501 and res.converged is False
