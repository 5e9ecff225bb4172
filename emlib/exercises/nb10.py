"""Checked exercises of notebook 10 (variational Bayes for Gaussian mixtures).

- 10.3 E[ln pi_k] = psi(alpha_k) - psi(alpha_hat) under q(pi) = Dir(pi | alpha) (PRML 10.66);
- 10.4 the VB log responsibilities ln rho_nk (PRML 10.46 with 10.64-10.66).

References are computed with emlib.variational.
"""
import math

import numpy as np

from emlib.gaussian import LOG_2PI
from emlib.variational import VBPosterior, _digamma, _expected_log_pi, _log_det_W, _log_rho, _mahalanobis_W

from . import Exercise, fmt, register, tolerance


# ---------------------------------------------------------------- 10.3 E[ln pi_k]
def _pi_cases(rng):
    cases = [(np.array([2.0, 3.0, 5.0]),), (np.array([0.5, 0.5]),), (np.array([1e-3, 1e-3, 200.0, 72.0]),)]
    cases.append((rng.gamma(2.0, 3.0, size=6) + 0.05,))
    return cases


def _pi_ref(alpha):
    return _expected_log_pi(alpha)


def _pi_ratio(alpha):
    return _digamma(alpha) / _digamma(np.sum(alpha))


def _pi_log_mean(alpha):
    return np.log(alpha / np.sum(alpha))


def _pi_no_normaliser(alpha):
    return _digamma(alpha)


def _same(a, b, got):
    """a and b agree to the precision the answer can have."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=100 * tolerance(got), atol=1e-12))


def _pi_diagnose(got, expected, case, ask):
    """Sign, a normalised vector, a value close to the right one (an approximate digamma), and the exact value for
    alpha = (1, 1): pi_1 is then uniform on [0, 1], and E[ln pi_1] = integral of ln p dp = -1."""
    g = np.asarray(got, dtype=float)
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape or not np.all(np.isfinite(g)):
        return None
    if np.any(g > 0):
        return "some of your E[ln pi_k] are positive: pi_k <= 1, so ln pi_k <= 0 and so is its expectation"
    if np.isclose(np.sum(np.exp(g)), 1.0, rtol=1e-9):
        return "your exp(E[ln pi_k]) sum to 1: you computed the log of a normalised vector, not the expectation of ln pi_k"
    error = float(np.max(np.abs(g - e) / np.maximum(np.abs(e), 1e-300)))
    if error < 1e-3:
        return (f"your values are close to the right ones (relative error up to {error:.0e}) but not within the check's "
                "tolerance: an approximation of the digamma function (a finite difference, or a series that needs large "
                "arguments)? Use digamma from emlib.variational")
    uniform = ask(np.array([1.0, 1.0]))
    if uniform is not None and not _same(uniform, [-1.0, -1.0], got):
        return (f"for alpha = (1, 1), pi_1 is uniform on [0, 1] and E[ln pi_1] = integral_0^1 ln p dp = -1; your function "
                f"gives {fmt(np.asarray(uniform, dtype=float)[0], -1.0)}: check psi(alpha_k) - psi(alpha_hat) with alpha_hat = sum_j alpha_j")
    return None


register(
    Exercise(
        id="10.3",
        title="E[ln pi_k] under a Dirichlet",
        kind="function",
        reference=_pi_ref,
        cases=_pi_cases,
        mistakes=[
            (_pi_ratio, "you divided psi(alpha_k) by psi(alpha_hat): the expectation of a logarithm is a difference, psi(alpha_k) - psi(alpha_hat)"),
            (_pi_log_mean, "you returned ln E[pi_k] = ln(alpha_k / alpha_hat); E[ln pi_k] is smaller (Jensen) and needs the digamma function"),
            (_pi_no_normaliser, "you returned psi(alpha_k) alone: subtract psi(alpha_hat), alpha_hat = sum_j alpha_j"),
        ],
        diagnose=_pi_diagnose,
        hints=(
            "Under Dir(pi | alpha), E[ln pi_k] is not ln E[pi_k]: the logarithm is concave, so Jensen's inequality makes E[ln pi_k] < ln E[pi_k].",
            "Differentiate the Dirichlet normaliser: E[ln pi_k] = -d ln C(alpha) / d alpha_k = d/d alpha_k [sum_j ln Gamma(alpha_j) - ln Gamma(alpha_hat)], alpha_hat = sum_j alpha_j (PRML B.21, B.23).",
            "The derivative of ln Gamma is the digamma function psi (emlib.variational.digamma). Return psi(alpha_k) - psi(alpha_hat) for every k, shape (K,).",
        ),
        solution='''
        def expected_log_pi(alpha):
            return digamma(alpha) - digamma(np.sum(alpha))      # PRML 10.66
        ''',
        rtol=1e-10,
        atol=1e-12,
        seed=1003,
    )
)


# ---------------------------------------------------------------- 10.4 ln rho_nk
def _random_posterior(rng, K, D, N_k):
    """A posterior after soft counts N_k, from a prior with its own beta_0 and nu_0 (so that beta_k and nu_k are
    unrelated: with beta_0 = 1 and nu_0 = D = 2, beta_k = nu_k - 1 made two different slips give equal numbers)."""
    alpha = rng.uniform(0.1, 2.0) + N_k
    beta = rng.uniform(0.05, 3.0) + N_k
    nu = D - 1 + rng.uniform(0.5, 4.0) + N_k
    m = rng.normal(0.0, 2.0, size=(K, D))
    W_inv = []
    for _ in range(K):
        A = rng.normal(size=(D, D))
        W_inv.append(nu[len(W_inv)] * (A @ A.T + 0.5 * np.eye(D)))  # E[Lambda_k]^-1 = W_k^-1 / nu_k of order 1
    return VBPosterior(alpha, beta, m, np.array(W_inv), nu)


def _rho_cases(rng):
    cases = []
    for N, K, D, scale in [(8, 3, 2, 5.0), (6, 2, 1, 0.3), (10, 4, 3, 2.0)]:  # small N_k: the D / beta_k and digamma terms matter
        post = _random_posterior(rng, K, D, rng.uniform(0.2, 1.0, size=K) * scale)
        X = post.m[rng.integers(K, size=N)] + rng.normal(size=(N, D))
        cases.append((X, post))
    return cases


def _rho_ref(X, post):
    return _log_rho(X, post)


def _rho_parts(X, post):
    D = X.shape[1]
    L = np.linalg.cholesky(post.W_inv)
    return _expected_log_pi(post.alpha), _log_det_W(L), _mahalanobis_W(X, post.m, L), D


def _rho_no_beta(X, post):
    e_pi, log_det_W, maha, D = _rho_parts(X, post)
    e_lam = np.sum(_digamma((post.nu[:, None] + 1 - np.arange(1, D + 1)) / 2), axis=1) + D * math.log(2.0) + log_det_W
    return e_pi + 0.5 * e_lam - 0.5 * D * LOG_2PI - 0.5 * post.nu * maha


def _rho_log_det_only(X, post):
    e_pi, log_det_W, maha, D = _rho_parts(X, post)
    return e_pi + 0.5 * log_det_W - 0.5 * D * LOG_2PI - 0.5 * (D / post.beta + post.nu * maha)


def _rho_no_nu(X, post):
    e_pi, log_det_W, maha, D = _rho_parts(X, post)
    e_lam = np.sum(_digamma((post.nu[:, None] + 1 - np.arange(1, D + 1)) / 2), axis=1) + D * math.log(2.0) + log_det_W
    return e_pi + 0.5 * e_lam - 0.5 * D * LOG_2PI - 0.5 * (D / post.beta + maha)


def _rho_normalised(X, post):
    a = _log_rho(X, post)
    m = a.max(axis=1, keepdims=True)
    return a - (m + np.log(np.exp(a - m).sum(axis=1, keepdims=True)))


def _rho_diagnose(got, expected, case):
    g = np.asarray(got, dtype=float)
    if g.shape != np.shape(expected) or not np.all(np.isfinite(g)):
        return None
    diff = g - np.asarray(expected)
    if np.allclose(diff, diff[:, :1], rtol=0, atol=1e-8):
        return "your values differ from ln rho_nk by a constant per point: fine for r_nk, but this exercise asks for ln rho_nk itself (PRML 10.46)"
    if np.allclose(diff, diff[:1, :], rtol=0, atol=1e-8):
        return "your values are off by a constant per component k: look at the terms that do not depend on x_n (E[ln pi_k], E[ln|Lambda_k|], D / beta_k)"
    return ("your values are off by more than a constant per component: the part that depends on x_n is wrong, the quadratic "
            "form nu_k (x_n - m_k)^T W_k (x_n - m_k) (W_inv holds W_k^-1, so solve with it or with its Cholesky factor)")


register(
    Exercise(
        id="10.4",
        title="The VB log responsibilities ln rho_nk",
        kind="function",
        reference=_rho_ref,
        cases=_rho_cases,
        mistakes=[
            (_rho_no_beta, "you forgot the D / beta_k term: the expectation of (x_n - mu_k)^T Lambda_k (x_n - mu_k) over mu_k adds D / beta_k (PRML 10.64)"),
            (_rho_log_det_only, "you used ln|W_k| for E[ln|Lambda_k|]: add sum_i psi((nu_k + 1 - i)/2) + D ln 2 (PRML 10.65)"),
            (_rho_no_nu, "your quadratic form lacks the factor nu_k: E[Lambda_k] = nu_k W_k (PRML 10.64)"),
            (_rho_normalised, "you returned ln r_nk, normalised over k: the exercise asks for the unnormalised ln rho_nk of PRML 10.46"),
        ],
        diagnose=_rho_diagnose,
        hints=(
            "ln rho_nk = E[ln pi_k] + 1/2 E[ln|Lambda_k|] - D/2 ln(2 pi) - 1/2 E[(x_n - mu_k)^T Lambda_k (x_n - mu_k)] (PRML 10.46): three expectations under q.",
            "E[ln pi_k] = psi(alpha_k) - psi(alpha_hat); E[ln|Lambda_k|] = sum_{i=1}^D psi((nu_k + 1 - i)/2) + D ln 2 + ln|W_k|; "
            "the quadratic has two parts, one from the spread of mu_k and one from the distance to m_k (PRML 10.64-10.66).",
            "W_inv holds W_k^-1: with L_k = cholesky(W_inv[k]), ln|W_k| = -2 sum ln diag(L_k) and (x - m_k)^T W_k (x - m_k) = |solve(L_k, x - m_k)|^2.",
        ),
        solution='''
        def log_rho(X, post):
            alpha, beta, m, W_inv, nu = post
            N, D = X.shape
            L = np.linalg.cholesky(W_inv)                                         # W_k^-1 = L_k L_k^T, (K, D, D)
            log_det_W = -2 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)   # ln|W_k|
            e_log_pi = digamma(alpha) - digamma(alpha.sum())                        # PRML 10.66
            i = np.arange(1, D + 1)
            e_log_lam = digamma((nu[:, None] + 1 - i) / 2).sum(axis=1) + D * np.log(2) + log_det_W   # PRML 10.65
            white = np.linalg.solve(L, X.T[None] - m[:, :, None])                  # L_k^-1 (x_n - m_k), (K, D, N)
            e_quad = D / beta + nu * (white**2).sum(axis=1).T                      # PRML 10.64, (N, K)
            return e_log_pi + 0.5 * e_log_lam - 0.5 * D * np.log(2 * np.pi) - 0.5 * e_quad   # PRML 10.46
        ''',
        rtol=1e-9,
        atol=1e-10,
        seed=1004,
    )
)
