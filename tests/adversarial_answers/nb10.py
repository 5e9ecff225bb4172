"""Adversarial answers to exercises 10.3-10.4 (notebook 10: variational Bayes for Gaussian mixtures)."""
import math

import numpy as np
from scipy.special import digamma, gammaln

from . import right, wrong


# ---------------------------------------------------------------- 10.3 E[ln pi_k] under Dir(alpha)
@wrong("10.3", "psi(alpha_k) - psi(mean of alpha) instead of psi(sum of alpha)")
def elp_mean(alpha):
    return digamma(alpha) - digamma(np.mean(alpha))


@wrong("10.3", "psi approximated by ln: psi(alpha_k) - ln(alpha_hat)")
def elp_log_normaliser(alpha):
    return digamma(alpha) - np.log(np.sum(alpha))


@wrong("10.3", "psi(alpha_k + 1) - psi(alpha_hat + 1): the posterior's counts shifted by one")
def elp_plus_one(alpha):
    return digamma(alpha + 1) - digamma(np.sum(alpha) + 1)


@wrong("10.3", "normalises alpha in place first", expect="changed its input")
def elp_in_place(alpha):
    total = alpha.sum()
    out = digamma(alpha) - digamma(total)
    alpha /= total
    return out


@wrong("10.3", "digamma by a forward difference of ln Gamma with h = 1e-5: close, not exact")
def elp_forward_difference(alpha):
    h = 1e-5
    psi = lambda a: (gammaln(a + h) - gammaln(a)) / h  # noqa: E731
    return psi(alpha) - psi(np.sum(alpha))


@wrong("10.3", "digamma by its asymptotic series ln a - 1/(2a) - 1/(12 a^2), without the recurrence for small a")
def elp_series(alpha):
    psi = lambda a: np.log(a) - 1 / (2 * a) - 1 / (12 * a**2)  # noqa: E731
    return psi(alpha) - psi(np.sum(alpha))


@wrong("10.3", "hard-codes K = 3")
def elp_k3(alpha):
    return digamma(alpha[:3]) - digamma(np.sum(alpha[:3]))


@wrong("10.3", "returns the sum over k, one number", expect="shape")
def elp_sum(alpha):
    return float(np.sum(digamma(alpha) - digamma(np.sum(alpha))))


@right("10.3", "scipy.special.digamma, in float32")
def elp_f32(alpha):
    a = alpha.astype(np.float32)
    return (digamma(a) - digamma(a.sum())).astype(np.float32)


@right("10.3", "digamma by the recurrence psi(a) = psi(a + 1) - 1/a up to a >= 10, then its asymptotic series")
def elp_own_digamma(alpha):
    def psi(a):
        a = np.array(a, dtype=float)
        out = np.zeros_like(a)
        while np.any(a < 10):
            small = a < 10
            out[small] -= 1 / a[small]
            a[small] += 1
        inv2 = 1 / a**2
        return out + np.log(a) - 0.5 / a - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
    return psi(alpha) - psi(np.sum(alpha))


@right("10.3", "a list comprehension with math.fsum for alpha_hat")
def elp_list(alpha):
    hat = math.fsum(alpha)
    return [float(digamma(a) - digamma(hat)) for a in alpha]


# ---------------------------------------------------------------- 10.4 ln rho_nk
def _parts(X, post):
    alpha, beta, m, W_inv, nu = post
    N, D = X.shape
    L = np.linalg.cholesky(W_inv)
    log_det_W = -2 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)
    e_log_pi = digamma(alpha) - digamma(alpha.sum())
    white = np.linalg.solve(L, X.T[None] - m[:, :, None])
    maha = (white**2).sum(axis=1).T
    return alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha


def _e_log_lam(nu, D, log_det_W, i0=1):
    i = np.arange(i0, D + i0)
    return digamma((nu[:, None] + 1 - i) / 2).sum(axis=1) + D * np.log(2) + log_det_W


@wrong("10.4", "the sum over i in E[ln|Lambda|] runs from 0 to D - 1 (off by one)")
def rho_off_by_one(X, post):
    alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha = _parts(X, post)
    return e_log_pi + 0.5 * _e_log_lam(nu, D, log_det_W, i0=0) - 0.5 * D * np.log(2 * np.pi) - 0.5 * (D / beta + nu * maha)


@wrong("10.4", "D ln 2 left out of E[ln|Lambda|]")
def rho_no_ln2(X, post):
    alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha = _parts(X, post)
    return e_log_pi + 0.5 * (_e_log_lam(nu, D, log_det_W) - D * np.log(2)) - 0.5 * D * np.log(2 * np.pi) - 0.5 * (D / beta + nu * maha)


@wrong("10.4", "ln|W_inv| where ln|W| belongs (the sign of the log-determinant)")
def rho_det_sign(X, post):
    alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha = _parts(X, post)
    return e_log_pi + 0.5 * _e_log_lam(nu, D, -log_det_W) - 0.5 * D * np.log(2 * np.pi) - 0.5 * (D / beta + nu * maha)


@wrong("10.4", "the -D/2 ln(2 pi) term left out")
def rho_no_2pi(X, post):
    alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha = _parts(X, post)
    return e_log_pi + 0.5 * _e_log_lam(nu, D, log_det_W) - 0.5 * (D / beta + nu * maha)


@wrong("10.4", "the quadratic form with W_inv in place of W")
def rho_w_inv(X, post):
    alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha = _parts(X, post)
    d = X[:, None, :] - m[None]
    q = np.einsum("nki,kij,nkj->nk", d, post.W_inv, d)
    return e_log_pi + 0.5 * _e_log_lam(nu, D, log_det_W) - 0.5 * D * np.log(2 * np.pi) - 0.5 * (D / beta + nu * q)


@wrong("10.4", "ln(alpha_k / alpha_hat) for E[ln pi_k]")
def rho_log_mean_pi(X, post):
    alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha = _parts(X, post)
    return np.log(alpha / alpha.sum()) + 0.5 * _e_log_lam(nu, D, log_det_W) - 0.5 * D * np.log(2 * np.pi) - 0.5 * (D / beta + nu * maha)


@wrong("10.4", "scales W_inv in place by 1/nu to get E[Lambda]^-1", expect="changed its input")
def rho_in_place(X, post):
    out = _rho(X, post)
    post.W_inv[...] /= post.nu[:, None, None]
    return out


@wrong("10.4", "hard-codes D = 2 in the digamma sum")
def rho_d2(X, post):
    alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha = _parts(X, post)
    e_lam = digamma((nu[:, None] + 1 - np.arange(1, 3)) / 2).sum(axis=1) + D * np.log(2) + log_det_W
    return e_log_pi + 0.5 * e_lam - 0.5 * D * np.log(2 * np.pi) - 0.5 * (D / beta + nu * maha)


def _rho(X, post):
    alpha, beta, m, nu, N, D, log_det_W, e_log_pi, maha = _parts(X, post)
    return e_log_pi + 0.5 * _e_log_lam(nu, D, log_det_W) - 0.5 * D * np.log(2 * np.pi) - 0.5 * (D / beta + nu * maha)


@right("10.4", "W = inv(W_inv) and slogdet, a loop over the components")
def rho_inverse_loop(X, post):
    alpha, beta, m, W_inv, nu = post
    N, D = X.shape
    out = np.empty((N, len(alpha)))
    for k in range(len(alpha)):
        W = np.linalg.inv(W_inv[k])
        e_lam = sum(digamma((nu[k] + 1 - i) / 2) for i in range(1, D + 1)) + D * np.log(2) + np.linalg.slogdet(W)[1]
        d = X - m[k]
        out[:, k] = (digamma(alpha[k]) - digamma(alpha.sum()) + 0.5 * e_lam - 0.5 * D * np.log(2 * np.pi)
                     - 0.5 * (D / beta[k] + nu[k] * np.einsum("ni,ij,nj->n", d, W, d)))
    return out


@right("10.4", "the whole thing in float32")
def rho_f32(X, post):
    return _rho(X, post).astype(np.float32)


@right("10.4", "solve(W_inv, d) for the quadratic form (no Cholesky)")
def rho_solve(X, post):
    alpha, beta, m, W_inv, nu = post
    N, D = X.shape
    d = X[None] - m[:, None, :]                                     # (K, N, D)
    q = np.einsum("knd,knd->kn", d, np.linalg.solve(W_inv, d.transpose(0, 2, 1)).transpose(0, 2, 1)).T
    log_det_W = -np.linalg.slogdet(W_inv)[1]
    e_lam = digamma((nu[:, None] + 1 - np.arange(1, D + 1)) / 2).sum(axis=1) + D * np.log(2) + log_det_W
    return digamma(alpha) - digamma(alpha.sum()) + 0.5 * e_lam - 0.5 * D * np.log(2 * np.pi) - 0.5 * (D / beta + nu * q)
