"""The Gaussian mixture: parameters, log p(x, z), the log-likelihood, sampling.

    p(x | theta) = sum_k pi_k N(x | mu_k, Sigma_k)                    (PRML 9.7)

with the latent z ~ Discrete(pi) and x | z = k ~ N(mu_k, Sigma_k), so that

    ln p(x_n, z_n = k | theta) = ln pi_k + ln N(x_n | mu_k, Sigma_k)
    ln p(X | theta) = sum_n ln sum_k exp(ln p(x_n, z_n = k | theta)) (PRML 9.14)

The sum over k is taken with a log-sum-exp, so that no density ever leaves
log space.  All K components are evaluated with one matrix product: each
covariance is factored as Sigma_k = L_k L_k^T and the points are whitened
by W_k = L_k^-T, the Cholesky factor of the precision, so that
(x - mu)^T Sigma^-1 (x - mu) = |(x - mu)^T W_k|^2 and ln|Sigma_k| = -2 sum ln diag(W_k).
"""
from typing import NamedTuple

import numpy as np

from ._validation import check_data, check_nonnegative, check_params, check_rng
from .gaussian import LOG_2PI


class GMMParams(NamedTuple):
    """Parameters theta = (pi, mu, Sigma) of a K-component mixture in D dimensions.

    Attributes
    ----------
    weights : array of shape (K,)
        Mixing coefficients pi_k >= 0 with sum_k pi_k = 1.
    means : array of shape (K, D)
        Component means mu_k.
    covs : array of shape (K, D, D)
        Component covariances Sigma_k, symmetric positive definite.
    """

    weights: np.ndarray
    means: np.ndarray
    covs: np.ndarray


class ComponentCollapseError(ValueError):
    """A component's covariance became singular or it lost all responsibility.

    Attributes ``component`` and ``iteration`` (None outside ``em``) say where.
    """

    def __init__(self, message, component, iteration=None):
        super().__init__(message)
        self.component = component
        self.iteration = iteration


# ---------------------------------------------------------------- private core
def _logsumexp(a, axis=-1):
    """ln sum exp(a) along ``axis``; a slice that is all -inf gives -inf, not NaN."""
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        s = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))
    return np.squeeze(s + m, axis=axis)


def _precision_cholesky(covs, iteration=None):
    """W_k = L_k^-T for Sigma_k = L_k L_k^T, shape (K, D, D), by triangular solves.

    Raises ComponentCollapseError naming the first component whose
    covariance is not positive definite.
    """
    K, D, _ = covs.shape
    try:
        chol = np.linalg.cholesky(covs)
        ok = np.all(np.diagonal(chol, axis1=1, axis2=2) > 0, axis=1)
    except np.linalg.LinAlgError:
        chol, ok = None, np.zeros(K, dtype=bool)
        for k in range(K):  # find which component failed
            try:
                ok[k] = np.all(np.diag(np.linalg.cholesky(covs[k])) > 0)
            except np.linalg.LinAlgError:
                pass
    if not np.all(ok):
        k = int(np.argmin(ok))
        when = f" at iteration {iteration}" if iteration is not None else ""
        raise ComponentCollapseError(
            f"the covariance of component {k} is singular{when} (it has collapsed onto "
            f"too few points, PRML 9.2.1); use reg_covar > 0 (e.g. 1e-6) or another start",
            component=k,
            iteration=iteration,
        )
    eye = np.broadcast_to(np.eye(D), (K, D, D))
    return np.linalg.solve(chol, eye).transpose(0, 2, 1)


def _log_joint_T(XT, weights, means, prec_chol):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k) for all k and n at once, shape (K, N).

    The core works on the transposed data XT (D, N) and returns the transpose
    of the (N, K) log joint: every reduction (over dimensions here, over
    components in the E-step) then runs along long contiguous rows, and one
    matrix product whitens the points for all K components:
    y[k] = W_k^T x_n - W_k^T mu_k = W_k^T (x_n - mu_k).
    XT should be centred (see ``_centre``), because W_k^T x_n and W_k^T mu_k
    are formed before their difference is taken.
    """
    K, D, _ = prec_chol.shape
    WT = prec_chol.transpose(0, 2, 1)  # (K, D, D), rows of W_k^T
    y = (WT.reshape(K * D, D) @ XT).reshape(K, D, -1)  # W_k^T x_n, (K, D, N)
    y -= (WT @ means[:, :, None])  # - W_k^T mu_k
    np.square(y, out=y)
    log_jt = np.sum(y, axis=1)  # Mahalanobis terms (x_n - mu_k)^T Sigma_k^-1 (x_n - mu_k), (K, N)
    log_jt *= -0.5
    log_det_prec = np.sum(np.log(np.diagonal(prec_chol, axis1=1, axis2=2)), axis=1)  # -1/2 ln|Sigma_k|
    with np.errstate(divide="ignore"):  # pi_k = 0 gives ln pi_k = -inf, as it should
        log_jt += (np.log(weights) + log_det_prec - 0.5 * D * LOG_2PI)[:, None]
    return log_jt


def _centre(X, means):
    """X (N, D) as centred XT (D, N), and the means shifted alike.

    The mixture is translation-equivariant, so nothing changes but the rounding.
    """
    shift = X.mean(axis=0)
    return np.ascontiguousarray((X - shift).T), means - shift


def _log_joint_params_T(X, params):
    """(K, N) log joint on trusted input X (N, D) and params: centre, factor, evaluate."""
    weights, means, covs = params
    XT, mc = _centre(X, means)
    return _log_joint_T(XT, weights, mc, _precision_cholesky(covs))


def _log_joint_params(X, params):
    """(N, K) log joint on trusted input."""
    return _log_joint_params_T(X, params).T


# ---------------------------------------------------------------- public API
def log_joint(X, params):
    """ln p(x_n, z_n = k | theta) = ln pi_k + ln N(x_n | mu_k, Sigma_k).

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams with weights (K,), means (K, D), covs (K, D, D)

    Returns
    -------
    log_joint : array of shape (N, K)

    Raises
    ------
    ValueError
        On NaN/inf, shapes that disagree, weights that are negative or do
        not sum to 1, or a covariance that is not symmetric positive definite.
    """
    X = check_data(X)
    params = check_params(params, D=X.shape[1])
    return _log_joint_params(X, params)


def mixture_log_likelihood(X, params):
    """ln p(X | theta) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k) (PRML 9.14), a float.

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams with weights (K,), means (K, D), covs (K, D, D)
    """
    return float(np.sum(_logsumexp(log_joint(X, params), axis=1)))


def sample(params, n, rng):
    """Draw n points from the generative process z ~ Discrete(pi), x | z ~ N(mu_z, Sigma_z).

    Parameters
    ----------
    params : GMMParams with weights (K,), means (K, D), covs (K, D, D)
    n : int, number of points
    rng : np.random.Generator

    Returns
    -------
    X : array of shape (n, D)
    z : int array of shape (n,), the component of each point
    """
    weights, means, covs = check_params(params)
    check_nonnegative(n, "n", integer=True)
    check_rng(rng)
    K, D = means.shape
    z = rng.choice(K, size=n, p=weights / weights.sum())
    chol = np.linalg.cholesky(covs)
    eps = rng.standard_normal((n, D))
    X = means[z] + np.einsum("nij,nj->ni", chol[z], eps)
    return X, z


def interpolate_params(params_a, params_b, s):
    """theta(s) = (1 - s) theta_a + s theta_b, component by component (for PRML Fig. 9.14 slices).

    For s outside [0, 1] the result may leave the parameter space (negative
    weights, indefinite covariances); the validating functions then say so.
    """
    return GMMParams(*((1.0 - s) * np.asarray(a, dtype=float) + s * np.asarray(b, dtype=float) for a, b in zip(params_a, params_b)))
