"""EM for Gaussian mixtures: the E-step, the M-step and the loop (PRML 9.2.2).

E-step: the responsibilities, by Bayes' rule,
    gamma(z_nk) = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j)  (PRML 9.23)
M-step: with the soft cluster sizes N_k = sum_n gamma(z_nk),
    mu_k    = 1/N_k sum_n gamma(z_nk) x_n                                      (PRML 9.24)
    Sigma_k = 1/N_k sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T               (PRML 9.25)
    pi_k    = N_k / N                                                          (PRML 9.26)
"""
from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_data, check_nonnegative, check_params, check_prob_rows, check_rng
from .mixture import (
    ComponentCollapseError,
    GMMParams,
    _centre,
    _log_joint_T,
    _log_joint_params_T,
    _precision_cholesky,
)


class EMResult(NamedTuple):
    """What :func:`em` returns.

    Attributes
    ----------
    params : GMMParams, the final parameters
    resp : array of shape (N, K), the responsibilities at the final parameters
    log_likelihoods : array of shape (n_iter + 1,), ln p(X | theta) at the start
        and after each iteration (an E-step then an M-step)
    history : list of n_iter + 1 GMMParams, the parameters at those points
    n_iter : int, the number of iterations run
    converged : bool, whether the stopping rule on ``tol`` was met
    """

    params: GMMParams
    resp: np.ndarray
    log_likelihoods: np.ndarray
    history: list
    n_iter: int
    converged: bool


# ---------------------------------------------------------------- private core
def _normalise_T(log_jt):
    """Responsibilities (K, N) and ln p(x_n | theta) (N,) from ln p(x_n, z_n = k), (K, N).

    gamma = exp(log_jt - logsumexp_k log_jt), computed in place (log_jt is consumed).
    """
    m = np.max(log_jt, axis=0)
    if not np.all(np.isfinite(m)):
        n = int(np.argmin(np.isfinite(m)))
        raise ValueError(f"point {n} has log p(x_n, z_n = k) = {m[n]} for every k; its responsibilities are undefined")
    log_jt -= m
    resp = np.exp(log_jt, out=log_jt)
    s = np.sum(resp, axis=0)
    resp /= s
    return resp, m + np.log(s)


def _m_step_T(XT, respT, reg_covar, iteration=None):
    """PRML 9.24-9.26 on trusted input: XT (D, N), respT (K, N)."""
    D, N = XT.shape
    K = respT.shape[0]
    N_k = respT.sum(axis=1)
    floor = 10 * np.finfo(float).eps * N
    if np.any(N_k <= floor):
        k = int(np.argmin(N_k))
        when = f" at iteration {iteration}" if iteration is not None else ""
        raise ComponentCollapseError(
            f"component {k} received no responsibility{when} (N_k = {N_k[k]:.3g}); "
            f"use fewer components or another start (reg_covar cannot help: an empty component has no mean)",
            component=k,
            iteration=iteration,
        )
    means = (respT @ XT.T) / N_k[:, None]
    covs = np.empty((K, D, D))
    sqrt_resp = np.sqrt(respT)
    diff = np.empty_like(XT)
    for k in range(K):  # centred differences, never E[xx^T] - mu mu^T
        np.subtract(XT, means[k][:, None], out=diff)  # x_n - mu_k, (D, N)
        diff *= sqrt_resp[k]  # sqrt(gamma_nk) (x_n - mu_k), so that diff diff^T is the weighted sum
        covs[k] = (diff @ diff.T) / N_k[k]
    covs += reg_covar * np.eye(D)
    return GMMParams(N_k / N, means, covs)


def _check_steps(X, params=None, resp=None):
    X = check_data(X)
    if params is not None:
        params = GMMParams(*check_params(params, D=X.shape[1]))
    if resp is not None:
        resp = as_float_array(resp, "resp")
        if resp.ndim != 2:
            raise ValueError(f"resp must have shape (N, K), got shape {resp.shape}")
        resp = check_prob_rows(resp, X.shape[0], resp.shape[1], "resp")
    return X, params, resp


# ---------------------------------------------------------------- public API
def e_step(X, params):
    """The responsibilities gamma(z_nk) = p(z_n = k | x_n, theta) (PRML 9.23).

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams with weights (K,), means (K, D), covs (K, D, D)

    Returns
    -------
    resp : array of shape (N, K), rows summing to 1
    """
    X, params, _ = _check_steps(X, params)
    respT, _ = _normalise_T(_log_joint_params_T(X, params))
    return np.ascontiguousarray(respT.T)


def m_step(X, resp, reg_covar=0.0):
    """New parameters from the responsibilities (PRML 9.24-9.27).

    Parameters
    ----------
    X : array of shape (N, D)
    resp : array of shape (N, K), gamma(z_nk), rows summing to 1
    reg_covar : float >= 0, added to the diagonal of every Sigma_k after the
        division by N_k

    Returns
    -------
    GMMParams with weights N_k / N (K,), means (K, D), covs (K, D, D)

    Raises
    ------
    ValueError
        On bad input, or (ComponentCollapseError) when a component has
        N_k = 0 or a singular covariance.
    """
    check_nonnegative(reg_covar, "reg_covar")
    X, _, resp = _check_steps(X, resp=resp)
    params = _m_step_T(np.ascontiguousarray(X.T), np.ascontiguousarray(resp.T), reg_covar)
    _precision_cholesky(params.covs)  # a singular Sigma_k is an error, never NaN later
    return params


def em(X, init, max_iter=100, tol=1e-6, reg_covar=0.0):
    """Fit a Gaussian mixture by EM, starting from ``init``.

    One iteration is an E-step (responsibilities at the current theta) then an
    M-step.  The run stops after ``max_iter`` iterations, or earlier when the
    log-likelihood per point changes by less than ``tol``:
    |ln p(X | theta_new) - ln p(X | theta_old)| / N < tol (EM never lowers it,
    so the change is a rise up to rounding).  ``tol=0`` runs exactly
    ``max_iter`` iterations.

    Parameters
    ----------
    X : array of shape (N, D)
    init : GMMParams, the starting theta
    max_iter : int >= 0, default 100
    tol : float >= 0, default 1e-6 (nats per point)
    reg_covar : float >= 0, default 0 (plain maximum likelihood, as in the notes);
        added to the diagonal of each Sigma_k, which prevents collapse

    Returns
    -------
    EMResult(params, resp, log_likelihoods, history, n_iter, converged)

    Raises
    ------
    ValueError
        On bad input; ComponentCollapseError (a ValueError) naming the
        component and the iteration when a covariance becomes singular or a
        component receives no responsibility.
    """
    X = check_data(X)
    init = GMMParams(*check_params(init, D=X.shape[1], name="init"))
    if init.weights.size > X.shape[0]:
        raise ValueError(f"K = {init.weights.size} components need at least K points, X has N = {X.shape[0]}")
    check_nonnegative(max_iter, "max_iter", integer=True)
    check_nonnegative(tol, "tol")
    check_nonnegative(reg_covar, "reg_covar")

    N = X.shape[0]
    XT, means0 = _centre(X, init.means)  # work on centred data: exact, and kind to rounding
    shift = init.means - means0
    params = init
    respT, log_px = _normalise_T(_log_joint_T(XT, init.weights, means0, _precision_cholesky(init.covs, 0)))
    log_likelihoods = [float(log_px.sum())]
    history = [params]
    converged = False
    for it in range(1, max_iter + 1):
        new = _m_step_T(XT, respT, reg_covar, iteration=it)  # M-step, from the E-step before it
        prec_chol = _precision_cholesky(new.covs, iteration=it)
        respT, log_px = _normalise_T(_log_joint_T(XT, new.weights, new.means, prec_chol))  # next E-step
        ll = float(log_px.sum())
        if not np.isfinite(ll):
            raise ComponentCollapseError(
                f"the log-likelihood became {ll} at iteration {it}; use reg_covar > 0", component=None, iteration=it
            )
        params = GMMParams(new.weights, new.means + shift, new.covs)
        log_likelihoods.append(ll)
        history.append(params)
        if tol > 0 and abs(ll - log_likelihoods[-2]) / N < tol:
            converged = True
            break
    resp = np.ascontiguousarray(respT.T)
    return EMResult(params, resp, np.array(log_likelihoods), history, len(history) - 1, converged)


def init_params(X, K, rng, method="kmeans++"):
    """Starting parameters for EM.

    Every method starts from equal weights 1/K and gives every component the
    covariance of the whole data set (a broad start); they differ in the means:

    - ``"kmeans++"``: k-means++ seeding, each next mean a data point drawn with
      probability proportional to its squared distance to the nearest mean so far;
    - ``"random"``: K distinct data points drawn uniformly.

    Parameters
    ----------
    X : array of shape (N, D)
    K : int, 1 <= K <= N
    rng : np.random.Generator
    method : "kmeans++" or "random"

    Returns
    -------
    GMMParams with weights (K,), means (K, D), covs (K, D, D)
    """
    X = check_data(X)
    check_rng(rng)
    N, D = X.shape
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or not 1 <= K <= N:
        raise ValueError(f"K must be an integer with 1 <= K <= N = {N}, got K = {K!r}")
    if method == "random":
        means = X[rng.choice(N, size=K, replace=False)]
    elif method == "kmeans++":
        idx = [int(rng.integers(N))]
        d2 = np.sum((X - X[idx[0]]) ** 2, axis=1)
        for _ in range(1, K):
            total = d2.sum()
            nxt = int(rng.choice(N, p=d2 / total)) if total > 0 else int(rng.integers(N))
            idx.append(nxt)
            d2 = np.minimum(d2, np.sum((X - X[nxt]) ** 2, axis=1))
        means = X[idx]
    else:
        raise ValueError(f"method must be 'kmeans++' or 'random', got {method!r}")
    diff = X - X.mean(axis=0)
    cov = diff.T @ diff / N
    if not np.all(np.linalg.eigvalsh(cov) > 0):
        raise ValueError("X has a singular covariance (its points lie in a lower-dimensional subspace); "
                         "remove redundant dimensions before fitting a mixture")
    return GMMParams(np.full(K, 1.0 / K), means.copy(), np.broadcast_to(cov, (K, D, D)).copy())
