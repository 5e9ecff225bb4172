"""Variational Bayes for Gaussian mixtures (PRML 10.2), next to EM (PRML 9.2).

The parameters become latent variables with conjugate priors

    p(pi) = Dir(pi | alpha0)                                               (PRML 10.39)
    p(mu, Lambda) = prod_k N(mu_k | m0, (beta0 Lambda_k)^-1) W(Lambda_k | W0, nu0)   (PRML 10.40)

and the posterior p(Z, pi, mu, Lambda | X) is approximated by the mean-field
family q(Z) q(pi, mu, Lambda).  Each factor in turn is set to its optimum
ln q_j* = E_{i != j}[ln p(X, Z, pi, mu, Lambda)] + const (PRML 10.9):

- "E-step" ``vb_e_step``: q*(Z) = prod_n prod_k r_nk^z_nk with
  ln rho_nk = E[ln pi_k] + 1/2 E[ln|Lambda_k|] - D/2 ln 2 pi
              - 1/2 E_{mu_k, Lambda_k}[(x_n - mu_k)^T Lambda_k (x_n - mu_k)]   (PRML 10.46)
  and r_nk = rho_nk / sum_j rho_nj (PRML 10.49), computed in log space;
- "M-step" ``vb_m_step``: q*(pi) = Dir(pi | alpha), q*(mu_k, Lambda_k) =
  N(mu_k | m_k, (beta_k Lambda_k)^-1) W(Lambda_k | W_k, nu_k) (PRML 10.57-10.63).

Each step maximises the evidence lower bound (ELBO, PRML 10.70-10.77) in its
factor, so the ELBO never decreases.  ``elbo_terms`` computes it in full.

Numerics: W_k is stored through its inverse W_k^-1 (the matrix that the update
PRML 10.62 produces) and only its Cholesky factor L_k (W_k^-1 = L_k L_k^T) is
used: ln|W_k| = -2 sum ln diag L_k and (x - m)^T W_k (x - m) = |L_k^-1 (x - m)|^2
by a solve.  No matrix is inverted.  The digamma function psi is computed here
in numpy (recurrence, then the asymptotic series) and ln Gamma by the standard
library's math.lgamma, entry by entry (no scipy).

Shapes: N points, D dimensions, K components.
"""
import math
from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_cov_matrix, check_data, check_nonnegative, check_prob_rows
from .gaussian import LOG_2PI
from .mixture import GMMParams, _logsumexp

__all__ = [
    "VBPrior",
    "VBPosterior",
    "ELBOTerms",
    "VBResult",
    "digamma",
    "gammaln",
    "vb_prior",
    "expected_log_weights",
    "expected_log_det_precision",
    "vb_log_rho",
    "vb_e_step",
    "vb_m_step",
    "elbo_terms",
    "elbo",
    "vb_gmm",
    "expected_params",
]


class VBPrior(NamedTuple):
    """The conjugate prior of PRML 10.39-10.40, the same for every component.

    Attributes
    ----------
    alpha0 : float > 0, the Dirichlet concentration of each pi_k
    beta0 : float > 0, scales the precision of mu_k: mu_k | Lambda_k ~ N(m0, (beta0 Lambda_k)^-1)
    m0 : array of shape (D,), the prior mean of each mu_k
    W0_inv : array of shape (D, D), the inverse of the Wishart scale matrix W0 (symmetric positive definite)
    nu0 : float > D - 1, the Wishart degrees of freedom
    """

    alpha0: float
    beta0: float
    m0: np.ndarray
    W0_inv: np.ndarray
    nu0: float


class VBPosterior(NamedTuple):
    """The factor q(pi, mu, Lambda) = Dir(pi | alpha) prod_k N(mu_k | m_k, (beta_k Lambda_k)^-1) W(Lambda_k | W_k, nu_k).

    Attributes
    ----------
    alpha : array of shape (K,), Dirichlet parameters alpha_k > 0 (PRML 10.58)
    beta : array of shape (K,), beta_k > 0 (PRML 10.60)
    m : array of shape (K, D), means m_k (PRML 10.61)
    W_inv : array of shape (K, D, D), the inverses W_k^-1 of the Wishart scales (PRML 10.62)
    nu : array of shape (K,), degrees of freedom nu_k > D - 1 (PRML 10.63)
    """

    alpha: np.ndarray
    beta: np.ndarray
    m: np.ndarray
    W_inv: np.ndarray
    nu: np.ndarray


class ELBOTerms(NamedTuple):
    """The seven expectations of PRML 10.70, each a float.

    ELBO = log_p_x + log_p_z + log_p_pi + log_p_mu_lambda - log_q_z - log_q_pi - log_q_mu_lambda.

    Attributes
    ----------
    log_p_x : E[ln p(X | Z, mu, Lambda)] (PRML 10.71)
    log_p_z : E[ln p(Z | pi)] (PRML 10.72)
    log_p_pi : E[ln p(pi)] (PRML 10.73)
    log_p_mu_lambda : E[ln p(mu, Lambda)] (PRML 10.74)
    log_q_z : E[ln q(Z)] (PRML 10.75)
    log_q_pi : E[ln q(pi)] (PRML 10.76)
    log_q_mu_lambda : E[ln q(mu, Lambda)] (PRML 10.77)
    """

    log_p_x: float
    log_p_z: float
    log_p_pi: float
    log_p_mu_lambda: float
    log_q_z: float
    log_q_pi: float
    log_q_mu_lambda: float

    @property
    def total(self):
        """The ELBO, PRML 10.70."""
        return (self.log_p_x + self.log_p_z + self.log_p_pi + self.log_p_mu_lambda
                - self.log_q_z - self.log_q_pi - self.log_q_mu_lambda)


class VBResult(NamedTuple):
    """What :func:`vb_gmm` returns.

    Attributes
    ----------
    posterior : VBPosterior, the final q(pi, mu, Lambda)
    resp : array of shape (N, K), the final q(Z) (the r_nk from which ``posterior`` was computed)
    elbos : array of shape (n_iter + 1,), the ELBO at the start and after each iteration
    history : list of n_iter + 1 VBPosterior, q(pi, mu, Lambda) at those points
    n_iter : int, the number of iterations run
    converged : bool, whether the stopping rule on ``tol`` was met
    """

    posterior: VBPosterior
    resp: np.ndarray
    elbos: np.ndarray
    history: list
    n_iter: int
    converged: bool


# ---------------------------------------------------------------- special functions
_lgamma = np.frompyfunc(math.lgamma, 1, 1)

# psi(x) ~ ln x - 1/(2x) - sum_n B_2n / (2n x^2n): the coefficients B_2n / (2n) for n = 1..6
_PSI_ASYMPTOTIC = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760)
_PSI_SHIFT = 10.0  # recur up to x >= 10, where the series' first omitted term is below 1e-14 (B_14 / (14 x^14) < 1e-14)


def _gammaln(x):
    """ln Gamma(x) for x > 0, elementwise (math.lgamma, vectorised)."""
    x = np.asarray(x, dtype=float)
    return np.asarray(_lgamma(x), dtype=float)


def _digamma(x):
    """psi(x) = d ln Gamma(x) / dx for x > 0, elementwise.

    The recurrence psi(x) = psi(x + 1) - 1/x moves every argument to x >= 10,
    then the asymptotic series is summed in Horner form.
    """
    x = np.array(x, dtype=float, copy=True)
    out = np.zeros_like(x)
    small = x < _PSI_SHIFT
    while np.any(small):
        out[small] -= 1.0 / x[small]
        x[small] += 1.0
        small = x < _PSI_SHIFT
    inv2 = 1.0 / (x * x)
    series = 0.0
    for c in reversed(_PSI_ASYMPTOTIC):
        series = c + inv2 * series  # c_1 + inv2 (c_2 + inv2 (c_3 + ...))
    return out + np.log(x) - 0.5 / x - inv2 * series


def _check_positive_array(x, name):
    x = as_float_array(x, name)
    if np.any(x <= 0):
        where = tuple(int(i) for i in np.argwhere(x <= 0)[0])
        raise ValueError(f"{name} must be > 0, got {float(x[where])} at index {where}")
    return x


def digamma(x):
    """The digamma function psi(x) = d ln Gamma(x) / dx, elementwise, for x > 0.

    Parameters
    ----------
    x : float or array, every entry > 0

    Returns
    -------
    float array of the shape of x

    Raises
    ------
    ValueError if an entry is not positive or not finite.
    """
    return _digamma(_check_positive_array(x, "x"))


def gammaln(x):
    """ln Gamma(x), elementwise, for x > 0.

    Parameters
    ----------
    x : float or array, every entry > 0

    Returns
    -------
    float array of the shape of x

    Raises
    ------
    ValueError if an entry is not positive or not finite.
    """
    return _gammaln(_check_positive_array(x, "x"))


# ---------------------------------------------------------------- private core (trusted input)
def _chol(W_inv):
    """Cholesky factors L_k of W_k^-1 = L_k L_k^T, shape (K, D, D)."""
    return np.linalg.cholesky(W_inv)


def _log_det_W(L):
    """ln|W_k| = -ln|W_k^-1| = -2 sum_i ln (L_k)_ii, shape (K,)."""
    return -2.0 * np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)


def _expected_log_pi(alpha):
    """E[ln pi_k] = psi(alpha_k) - psi(sum_j alpha_j) (PRML 10.66)."""
    return _digamma(alpha) - _digamma(np.sum(alpha))


def _expected_log_det_lambda(nu, log_det_W, D):
    """E[ln|Lambda_k|] = sum_{i=1}^D psi((nu_k + 1 - i)/2) + D ln 2 + ln|W_k| (PRML 10.65)."""
    i = np.arange(1, D + 1)
    return np.sum(_digamma((nu[:, None] + 1 - i) / 2), axis=1) + D * math.log(2.0) + log_det_W


def _mahalanobis_W(X, m, L):
    """(x_n - m_k)^T W_k (x_n - m_k) = |L_k^-1 (x_n - m_k)|^2 for every n and k, shape (N, K)."""
    diff = X.T[None, :, :] - m[:, :, None]  # (K, D, N)
    white = np.linalg.solve(L, diff)  # L_k^-1 (x_n - m_k), (K, D, N)
    return np.sum(white**2, axis=1).T


def _log_rho(X, post, L=None):
    """ln rho_nk of PRML 10.46, shape (N, K)."""
    D = X.shape[1]
    L = _chol(post.W_inv) if L is None else L
    e_log_pi = _expected_log_pi(post.alpha)
    e_log_lam = _expected_log_det_lambda(post.nu, _log_det_W(L), D)
    e_quad = D / post.beta + post.nu * _mahalanobis_W(X, post.m, L)  # PRML 10.64
    return e_log_pi + 0.5 * e_log_lam - 0.5 * D * LOG_2PI - 0.5 * e_quad


def _e_step(X, post):
    """r_nk = rho_nk / sum_j rho_nj (PRML 10.49), by a log-sum-exp."""
    log_rho = _log_rho(X, post)
    return np.exp(log_rho - _logsumexp(log_rho, axis=1)[:, None])


def _m_step(X, resp, prior):
    """q*(pi) and q*(mu, Lambda) from r (PRML 10.51-10.63), in a form that never divides by N_k.

    With N_k xbar_k = sum_n r_nk x_n, PRML 10.61 is m_k = (beta0 m0 + sum_n r_nk x_n) / beta_k, and
    PRML 10.62, W_k^-1 = W0^-1 + N_k S_k + beta0 N_k / (beta0 + N_k) (xbar_k - m0)(xbar_k - m0)^T,
    equals W0^-1 + sum_n r_nk (x_n - m_k)(x_n - m_k)^T + beta0 (m_k - m0)(m_k - m0)^T.
    A component with N_k = 0 gets the prior back (m_k = m0, W_k = W0), never 0/0.
    """
    N_k = resp.sum(axis=0)
    alpha = prior.alpha0 + N_k  # PRML 10.58
    beta = prior.beta0 + N_k  # PRML 10.60
    nu = prior.nu0 + N_k  # PRML 10.63
    m = (prior.beta0 * prior.m0 + resp.T @ X) / beta[:, None]  # PRML 10.61
    K, D = m.shape
    W_inv = np.empty((K, D, D))
    sqrt_r = np.sqrt(resp)
    for k in range(K):  # centred differences
        diff = (X - m[k]) * sqrt_r[:, k][:, None]  # sqrt(r_nk) (x_n - m_k), (N, D)
        dm = m[k] - prior.m0
        W_inv[k] = prior.W0_inv + diff.T @ diff + prior.beta0 * np.outer(dm, dm)  # PRML 10.62
    return VBPosterior(alpha, beta, m, W_inv, nu)


def _log_C(alpha):
    """ln C(alpha) = ln Gamma(sum_k alpha_k) - sum_k ln Gamma(alpha_k), the Dirichlet normaliser (PRML B.23)."""
    return float(_gammaln(np.sum(alpha)) - np.sum(_gammaln(alpha)))


def _log_B(log_det_W, nu, D):
    """ln B(W, nu), the Wishart normaliser (PRML B.79), elementwise over the (K,) arrays given."""
    i = np.arange(1, D + 1)
    return (-0.5 * nu * log_det_W - 0.5 * nu * D * math.log(2.0) - 0.25 * D * (D - 1) * math.log(math.pi)
            - np.sum(_gammaln((np.asarray(nu, dtype=float)[..., None] + 1 - i) / 2), axis=-1))


def _elbo_terms(X, resp, post, prior):
    N, D = X.shape
    K = post.alpha.size
    L = _chol(post.W_inv)
    log_det_W = _log_det_W(L)
    e_log_pi = _expected_log_pi(post.alpha)
    e_log_lam = _expected_log_det_lambda(post.nu, log_det_W, D)
    maha = _mahalanobis_W(X, post.m, L)  # (N, K)

    # PRML 10.71: sum_n sum_k r_nk E[ln N(x_n | mu_k, Lambda_k^-1)] (the N_k S_k form of the book, summed point by point)
    log_p_x = 0.5 * float(np.sum(resp * (e_log_lam - D / post.beta - post.nu * maha - D * LOG_2PI)))
    log_p_z = float(np.sum(resp @ e_log_pi))  # PRML 10.72
    log_p_pi = _log_C(np.full(K, prior.alpha0)) + (prior.alpha0 - 1) * float(np.sum(e_log_pi))  # PRML 10.73

    # PRML 10.74
    C0 = np.linalg.cholesky(prior.W0_inv)
    trace = np.sum(np.linalg.solve(L, np.broadcast_to(C0, L.shape)) ** 2, axis=(1, 2))  # Tr(W0^-1 W_k) = |L_k^-1 C0|_F^2
    dm = (post.m - prior.m0)[:, :, None]
    quad_m0 = np.sum(np.linalg.solve(L, dm) ** 2, axis=(1, 2))  # (m_k - m0)^T W_k (m_k - m0)
    log_det_W0 = float(_log_det_W(C0[None])[0])
    log_p_mu_lambda = (
        0.5 * float(np.sum(D * math.log(prior.beta0 / (2 * math.pi)) + e_log_lam - D * prior.beta0 / post.beta
                           - prior.beta0 * post.nu * quad_m0))
        + K * float(_log_B(log_det_W0, prior.nu0, D))
        + 0.5 * (prior.nu0 - D - 1) * float(np.sum(e_log_lam))
        - 0.5 * float(np.sum(post.nu * trace))
    )

    with np.errstate(divide="ignore", invalid="ignore"):
        log_q_z = float(np.sum(np.where(resp > 0, resp * np.log(resp), 0.0)))  # PRML 10.75, 0 ln 0 = 0
    log_q_pi = float(np.sum((post.alpha - 1) * e_log_pi)) + _log_C(post.alpha)  # PRML 10.76
    entropy_lam = -_log_B(log_det_W, post.nu, D) - 0.5 * (post.nu - D - 1) * e_log_lam + 0.5 * post.nu * D  # PRML B.82
    log_q_mu_lambda = float(np.sum(0.5 * e_log_lam + 0.5 * D * np.log(post.beta / (2 * math.pi)) - 0.5 * D - entropy_lam))  # PRML 10.77
    return ELBOTerms(log_p_x, log_p_z, log_p_pi, log_p_mu_lambda, log_q_z, log_q_pi, log_q_mu_lambda)


def _expected_params(post):
    weights = post.alpha / post.alpha.sum()  # E[pi_k] (PRML B.17)
    covs = post.W_inv / post.nu[:, None, None]  # (E[Lambda_k])^-1 = (nu_k W_k)^-1
    return GMMParams(weights, post.m.copy(), covs)


# ---------------------------------------------------------------- validation
def _check_scalar(value, name, lower, strict=True):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or (value <= lower if strict else value < lower):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {lower:g} and finite, got {value!r}")
    return value


def _check_prior(prior, D=None, name="prior"):
    try:
        alpha0, beta0, m0, W0_inv, nu0 = prior
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a VBPrior (alpha0, beta0, m0, W0_inv, nu0)") from None
    m0 = as_float_array(m0, f"{name}.m0")
    if m0.ndim != 1 or (D is not None and m0.shape != (D,)):
        want = f"({D},) to match X" if D is not None else "(D,)"
        raise ValueError(f"{name}.m0 must have shape {want}, got shape {m0.shape}")
    D = m0.size
    W0_inv = as_float_array(W0_inv, f"{name}.W0_inv")
    if W0_inv.shape != (D, D):
        raise ValueError(f"{name}.W0_inv must have shape (D, D) = ({D}, {D}), got shape {W0_inv.shape}")
    check_cov_matrix(W0_inv, f"{name}.W0_inv")
    alpha0 = _check_scalar(alpha0, f"{name}.alpha0", 0.0)
    beta0 = _check_scalar(beta0, f"{name}.beta0", 0.0)
    nu0 = _check_scalar(nu0, f"{name}.nu0", D - 1.0)
    return VBPrior(alpha0, beta0, m0, W0_inv, nu0)


def _check_posterior(post, D=None, name="posterior"):
    try:
        alpha, beta, m, W_inv, nu = post
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a VBPosterior (alpha, beta, m, W_inv, nu)") from None
    alpha = _check_positive_array(alpha, f"{name}.alpha")
    if alpha.ndim != 1:
        raise ValueError(f"{name}.alpha must have shape (K,), got shape {alpha.shape}")
    K = alpha.size
    beta = _check_positive_array(beta, f"{name}.beta")
    if beta.shape != (K,):
        raise ValueError(f"{name}.beta must have shape (K,) = ({K},), got shape {beta.shape}")
    m = as_float_array(m, f"{name}.m")
    if m.ndim != 2 or m.shape[0] != K or (D is not None and m.shape[1] != D):
        want = f"({K}, {D}) to match X" if D is not None else f"({K}, D)"
        raise ValueError(f"{name}.m must have shape (K, D) = {want}, got shape {m.shape}")
    D = m.shape[1]
    W_inv = as_float_array(W_inv, f"{name}.W_inv")
    if W_inv.shape != (K, D, D):
        raise ValueError(f"{name}.W_inv must have shape (K, D, D) = ({K}, {D}, {D}), got shape {W_inv.shape}")
    for k in range(K):
        check_cov_matrix(W_inv[k], f"{name}.W_inv[{k}] (component {k})")
    nu = as_float_array(nu, f"{name}.nu")
    if nu.shape != (K,):
        raise ValueError(f"{name}.nu must have shape (K,) = ({K},), got shape {nu.shape}")
    if np.any(nu <= D - 1):
        k = int(np.argmax(nu <= D - 1))
        raise ValueError(f"{name}.nu must be > D - 1 = {D - 1}, got nu[{k}] = {float(nu[k])}")
    return VBPosterior(alpha, beta, m, W_inv, nu)


def _check_resp(resp, N):
    resp = as_float_array(resp, "resp")
    if resp.ndim != 2:
        raise ValueError(f"resp must have shape (N, K), got shape {resp.shape}")
    return check_prob_rows(resp, N, resp.shape[1], "resp")


# ---------------------------------------------------------------- public API
def vb_prior(X, alpha0, beta0=1.0, nu0=None, m0=None, W0_inv=None):
    """A broad conjugate prior centred on the data (scikit-learn's defaults for the Gaussian-Wishart part).

    Defaults: m0 = the mean of X, nu0 = D, W0^-1 = the sample covariance of X
    (divided by N - 1), so that E[Lambda_k] = nu0 W0 = D times the inverse sample covariance.

    Parameters
    ----------
    X : array of shape (N, D), N >= 2
    alpha0 : float > 0, the Dirichlet concentration
    beta0 : float > 0, default 1
    nu0 : float > D - 1, default D
    m0 : array of shape (D,), default the mean of X
    W0_inv : array of shape (D, D), default the sample covariance of X

    Returns
    -------
    VBPrior

    Raises
    ------
    ValueError on bad input, or when X has a singular sample covariance and W0_inv is not given.
    """
    X = check_data(X)
    N, D = X.shape
    if m0 is None:
        m0 = X.mean(axis=0)
    if W0_inv is None:
        if N < 2:
            raise ValueError(f"the default W0_inv needs at least 2 points, X has shape {X.shape}; pass W0_inv")
        diff = X - X.mean(axis=0)
        W0_inv = diff.T @ diff / (N - 1)
    return _check_prior(VBPrior(alpha0, beta0, m0, W0_inv, float(D) if nu0 is None else nu0), D=D)


def expected_log_weights(alpha):
    """E[ln pi_k] = psi(alpha_k) - psi(alpha_hat), alpha_hat = sum_k alpha_k (PRML 10.66).

    Parameters
    ----------
    alpha : array of shape (K,), alpha_k > 0

    Returns
    -------
    array of shape (K,)
    """
    alpha = _check_positive_array(alpha, "alpha")
    if alpha.ndim != 1:
        raise ValueError(f"alpha must have shape (K,), got shape {alpha.shape}")
    return _expected_log_pi(alpha)


def expected_log_det_precision(W_inv, nu):
    """E[ln|Lambda_k|] = sum_{i=1}^D psi((nu_k + 1 - i)/2) + D ln 2 + ln|W_k| (PRML 10.65).

    Parameters
    ----------
    W_inv : array of shape (K, D, D), the inverses of the Wishart scales W_k
    nu : array of shape (K,), nu_k > D - 1

    Returns
    -------
    array of shape (K,)
    """
    W_inv = as_float_array(W_inv, "W_inv")
    if W_inv.ndim != 3 or W_inv.shape[1] != W_inv.shape[2]:
        raise ValueError(f"W_inv must have shape (K, D, D), got shape {W_inv.shape}")
    K, D, _ = W_inv.shape
    post = _check_posterior(VBPosterior(np.ones(K), np.ones(K), np.zeros((K, D)), W_inv, nu), name="(W_inv, nu)")
    return _expected_log_det_lambda(post.nu, _log_det_W(_chol(post.W_inv)), D)


def vb_log_rho(X, posterior):
    """ln rho_nk, the unnormalised log responsibilities of variational Bayes (PRML 10.46, with 10.64-10.66).

    ln rho_nk = E[ln pi_k] + 1/2 E[ln|Lambda_k|] - D/2 ln(2 pi)
                - 1/2 (D / beta_k + nu_k (x_n - m_k)^T W_k (x_n - m_k))

    Parameters
    ----------
    X : array of shape (N, D)
    posterior : VBPosterior with K components in D dimensions

    Returns
    -------
    array of shape (N, K)
    """
    X = check_data(X)
    return _log_rho(X, _check_posterior(posterior, D=X.shape[1]))


def vb_e_step(X, posterior):
    """The optimal q*(Z) for a given q(pi, mu, Lambda): r_nk = rho_nk / sum_j rho_nj (PRML 10.46-10.49).

    Parameters
    ----------
    X : array of shape (N, D)
    posterior : VBPosterior with K components in D dimensions

    Returns
    -------
    resp : array of shape (N, K), rows summing to 1
    """
    X = check_data(X)
    return _e_step(X, _check_posterior(posterior, D=X.shape[1]))


def vb_m_step(X, resp, prior):
    """The optimal q*(pi) q*(mu, Lambda) for a given q(Z) (PRML 10.51-10.63).

    alpha_k = alpha0 + N_k, beta_k = beta0 + N_k, nu_k = nu0 + N_k,
    m_k = (beta0 m0 + N_k xbar_k) / beta_k,
    W_k^-1 = W0^-1 + N_k S_k + beta0 N_k / (beta0 + N_k) (xbar_k - m0)(xbar_k - m0)^T.

    Parameters
    ----------
    X : array of shape (N, D)
    resp : array of shape (N, K), r_nk, rows summing to 1
    prior : VBPrior in D dimensions

    Returns
    -------
    VBPosterior
    """
    X = check_data(X)
    prior = _check_prior(prior, D=X.shape[1])
    return _m_step(X, _check_resp(resp, X.shape[0]), prior)


def elbo_terms(X, resp, posterior, prior):
    """The seven expectations that make up the ELBO (PRML 10.70-10.77) at q(Z) q(pi, mu, Lambda).

    Parameters
    ----------
    X : array of shape (N, D)
    resp : array of shape (N, K), q(Z) as r_nk
    posterior : VBPosterior with K components, q(pi, mu, Lambda)
    prior : VBPrior in D dimensions

    Returns
    -------
    ELBOTerms (its ``total`` is the ELBO)
    """
    X = check_data(X)
    N, D = X.shape
    prior = _check_prior(prior, D=D)
    posterior = _check_posterior(posterior, D=D)
    resp = _check_resp(resp, N)
    if resp.shape[1] != posterior.alpha.size:
        raise ValueError(f"resp must have shape (N, K) = ({N}, {posterior.alpha.size}) to match the posterior, got shape {resp.shape}")
    return _elbo_terms(X, resp, posterior, prior)


def elbo(X, resp, posterior, prior):
    """The evidence lower bound L(q) <= ln p(X) at q(Z) q(pi, mu, Lambda) (PRML 10.70); see :func:`elbo_terms`."""
    return elbo_terms(X, resp, posterior, prior).total


def vb_gmm(X, prior, resp, max_iter=500, tol=1e-8):
    """Variational Bayes for a Gaussian mixture, starting from the responsibilities ``resp``.

    The start is q(pi, mu, Lambda) = vb_m_step(X, resp, prior).  One iteration
    is then a "VB E-step" (q(Z) optimal for the current q(pi, mu, Lambda)) and a
    "VB M-step" (q(pi, mu, Lambda) optimal for that q(Z)).  Each maximises the
    ELBO in its factor, so the ELBO never decreases.  The run stops after
    ``max_iter`` iterations, or earlier when the ELBO per point changes by less
    than ``tol`` (in absolute value); ``tol = 0`` runs exactly ``max_iter`` iterations.

    Parameters
    ----------
    X : array of shape (N, D)
    prior : VBPrior in D dimensions
    resp : array of shape (N, K), the initial q(Z)
    max_iter : int >= 0, default 500
    tol : float >= 0, default 1e-8 (nats per point)

    Returns
    -------
    VBResult(posterior, resp, elbos, history, n_iter, converged)
    """
    X = check_data(X)
    N, D = X.shape
    prior = _check_prior(prior, D=D)
    resp = _check_resp(resp, N)
    check_nonnegative(max_iter, "max_iter", integer=True)
    check_nonnegative(tol, "tol")
    post = _m_step(X, resp, prior)
    elbos = [_elbo_terms(X, resp, post, prior).total]
    history = [post]
    converged = False
    for _ in range(max_iter):
        resp = _e_step(X, post)
        post = _m_step(X, resp, prior)
        elbos.append(_elbo_terms(X, resp, post, prior).total)
        history.append(post)
        if tol > 0 and abs(elbos[-1] - elbos[-2]) / N < tol:
            converged = True
            break
    return VBResult(post, resp, np.array(elbos), history, len(history) - 1, converged)


def expected_params(posterior):
    """The expected parameters under q: weights E[pi_k], means E[mu_k] = m_k, and covariances (E[Lambda_k])^-1.

    E[pi_k] = alpha_k / sum_j alpha_j (PRML B.17), E[mu_k] = m_k, E[Lambda_k] = nu_k W_k (PRML B.80),
    so the covariance reported is W_k^-1 / nu_k.  (The mean of Lambda_k^-1 under the
    Wishart is W_k^-1 / (nu_k - D - 1), larger; the two agree as nu_k grows.)

    Parameters
    ----------
    posterior : VBPosterior

    Returns
    -------
    GMMParams with weights (K,), means (K, D), covs (K, D, D)
    """
    return _expected_params(_check_posterior(posterior))
