"""EM for one Gaussian with missing entries (PRML 9.4, with the conditional Gaussian 2.81-2.82).

Each row x_n of X is a draw from N(mu, Sigma); NaN marks an entry that was not
recorded.  Split x_n into its observed part o and its missing part m.  The
missing coordinates are the latent variables, and the model of the data we
have is the marginal of the observed part (PRML 2.92-2.93):

    ln p(X_obs | theta) = sum_n ln N(x_n,o | mu_o, Sigma_oo).

This is the likelihood that EM maximises.  It is the right one when the
entries are missing at random (whether an entry is missing may depend on the
observed values, not on the missing value itself); then the missingness
mechanism drops out of the likelihood.

E-step: the posterior of the missing part is Gaussian (PRML 2.81, 2.82),

    mu_m|o    = mu_m + Sigma_mo Sigma_oo^-1 (x_n,o - mu_o)
    Sigma_m|o = Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om,

so the expected sufficient statistics are E[x_n] = x_hat_n (the observed
values, with mu_m|o filled in) and E[x_n x_n^T] = x_hat_n x_hat_n^T + C_n, where
C_n holds Sigma_m|o in its (m, m) block and zeros elsewhere.

M-step: the Gaussian MLE (PRML 2.121, 2.122) on those expectations,

    mu    = 1/N sum_n x_hat_n
    Sigma = 1/N sum_n [(x_hat_n - mu)(x_hat_n - mu)^T + C_n].

Rows that share a missingness pattern share Sigma_oo, its Cholesky factor and
Sigma_m|o; the code groups them, so one factorisation serves a whole group.
No inverse and no determinant is ever formed: Sigma_oo = L L^T, and every
Sigma_oo^-1 is a triangular solve with L.
"""
from typing import NamedTuple

import numpy as np

from ._validation import check_cov_matrix, check_nonnegative
from .gaussian import LOG_2PI


class GaussianParams(NamedTuple):
    """The parameters of one Gaussian: ``mean`` of shape (D,), ``cov`` of shape (D, D)."""

    mean: np.ndarray
    cov: np.ndarray


class ExpectedStats(NamedTuple):
    """What :func:`missing_e_step` returns.

    Attributes
    ----------
    x_hat : array of shape (N, D), E[x_n | x_n,o, theta]: the observed values,
        the conditional means mu_m|o in the missing entries
    cond_covs : array of shape (N, D, D), cov[x_n | x_n,o, theta]: Sigma_m|o in
        the (m, m) block, zeros in every row and column of an observed entry.
        E[x_n x_n^T] = x_hat_n x_hat_n^T + cond_covs[n].
    """

    x_hat: np.ndarray
    cond_covs: np.ndarray


class MissingEMResult(NamedTuple):
    """What :func:`missing_em` returns.

    Attributes
    ----------
    params : GaussianParams, the final parameters
    x_hat : array of shape (N, D), E[x_n | x_n,o] at the final parameters
    log_likelihoods : array of shape (n_iter + 1,), ln p(X_obs | theta) at the
        start and after each iteration (an E-step then an M-step)
    history : list of n_iter + 1 GaussianParams, the parameters at those points
    n_iter : int, the number of iterations run
    converged : bool, whether the stopping rule on ``tol`` was met
    """

    params: GaussianParams
    x_hat: np.ndarray
    log_likelihoods: np.ndarray
    history: list
    n_iter: int
    converged: bool


# ---------------------------------------------------------------- validation
def check_missing_data(X, name="X", every_dimension=True):
    """Validate data of shape (N, D) in which NaN marks a missing entry; return float64.

    Raises ValueError on a wrong shape, on inf, on a row with every entry
    missing, and (if ``every_dimension``, as estimation needs) on a dimension
    that is never observed.
    """
    try:
        X = np.array(X, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric (NaN for missing), got {type(X).__name__}: {exc}") from None
    if X.ndim != 2:
        hint = f"; for 1-D data use {name}[:, None]" if X.ndim == 1 else ""
        raise ValueError(f"{name} must have shape (N, D), got shape {X.shape}{hint}")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must have at least one point and one dimension, got shape {X.shape}")
    if np.any(np.isinf(X)):
        n, d = np.argwhere(np.isinf(X))[0]
        raise ValueError(f"{name} contains inf at index ({n}, {d}); only NaN may mark a missing entry")
    missing = np.isnan(X)
    empty = missing.all(axis=1)
    if np.any(empty):
        n = int(np.argmax(empty))
        raise ValueError(f"row {n} of {name} has every entry missing ({int(empty.sum())} such rows); "
                         f"it carries no information: drop it")
    never = missing.all(axis=0)
    if every_dimension and np.any(never):
        d = int(np.argmax(never))
        raise ValueError(f"dimension {d} of {name} is never observed: its mean and variance cannot be estimated")
    return X


def _check_gaussian_params(params, D, name="params"):
    """Validate (mean (D,), cov (D, D) symmetric positive definite); return GaussianParams."""
    try:
        mean, cov = params
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a GaussianParams (mean, cov)") from None
    out = []
    for value, what in ((mean, "mean"), (cov, "cov")):
        try:
            arr = np.array(value, dtype=np.float64, copy=True)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}.{what} must be numeric: {exc}") from None
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name}.{what} contains NaN or inf")
        out.append(arr)
    mean, cov = out
    if mean.shape != (D,):
        raise ValueError(f"{name}.mean must have shape (D,) = ({D},) to match X, got shape {mean.shape}")
    if cov.shape != (D, D):
        raise ValueError(f"{name}.cov must have shape (D, D) = ({D}, {D}) to match X, got shape {cov.shape}")
    check_cov_matrix(cov, f"{name}.cov")
    return GaussianParams(mean, cov)


# ---------------------------------------------------------------- private core
def _patterns(X):
    """Group the rows by missingness pattern: a list of (observed mask (D,), row indices)."""
    missing = np.isnan(X)
    patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
    inverse = np.ravel(inverse)
    return [(~p, np.flatnonzero(inverse == i)) for i, p in enumerate(patterns)]


def _cholesky(S, what):
    try:
        L = np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        L = None
    if L is None or not np.all(np.diag(L) > 0):
        raise ValueError(f"{what} is not positive definite (smallest eigenvalue {np.linalg.eigvalsh(S)[0]:.3g})")
    return L


def _e_step(X, groups, mean, cov, what="Sigma"):
    """E-step and ln p(X_obs | theta) in one pass over the patterns.

    Returns x_hat (N, D), the sum of the conditional covariances (D, D), the
    conditional covariance of each pattern (a list of (|m|, |m|) arrays) and
    ln p(X_obs | theta), a float.
    """
    N, D = X.shape
    x_hat = X.copy()
    C_sum = np.zeros((D, D))
    cond = []
    ll = 0.0
    for obs, rows in groups:
        mis = ~obs
        n_o = int(obs.sum())
        L = _cholesky(cov[np.ix_(obs, obs)], f"{what}, restricted to the observed dimensions {np.flatnonzero(obs).tolist()},")
        diff = X[np.ix_(rows, obs)] - mean[obs]  # x_n,o - mu_o, (n, |o|)
        w = np.linalg.solve(L, diff.T)  # L^-1 (x_n,o - mu_o), (|o|, n)
        ll += -0.5 * (rows.size * (n_o * LOG_2PI + 2.0 * np.sum(np.log(np.diag(L)))) + np.sum(w * w))
        if not mis.any():
            cond.append(np.zeros((0, 0)))
            continue
        A = np.linalg.solve(L, cov[np.ix_(obs, mis)])  # L^-1 Sigma_om, (|o|, |m|)
        x_hat[np.ix_(rows, mis)] = mean[mis] + (A.T @ w).T  # mu_m + Sigma_mo Sigma_oo^-1 (x_o - mu_o)  (PRML 2.81)
        S = cov[np.ix_(mis, mis)] - A.T @ A  # Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om               (PRML 2.82)
        S = 0.5 * (S + S.T)
        cond.append(S)
        C_sum[np.ix_(mis, mis)] += rows.size * S
    return x_hat, C_sum, cond, float(ll)


def _m_step(x_hat, C_sum):
    """The Gaussian MLE on expectations: mean (D,) and cov (D, D), from centred differences."""
    N = x_hat.shape[0]
    mean = x_hat.mean(axis=0)
    diff = x_hat - mean
    cov = (diff.T @ diff + C_sum) / N
    return GaussianParams(mean, 0.5 * (cov + cov.T))


def _initial_params(X):
    """Start: per dimension, the mean and the 1/n variance of its observed values; no correlation."""
    mean = np.nanmean(X, axis=0)
    var = np.nanmean((X - mean) ** 2, axis=0)
    if np.any(var <= 0):
        d = int(np.argmax(var <= 0))
        raise ValueError(f"dimension {d} of X has a single distinct observed value; its variance is 0. "
                         f"Pass init explicitly or drop that dimension")
    return GaussianParams(mean, np.diag(var))


# ---------------------------------------------------------------- public API
def conditional_gaussian(x, params):
    """The Gaussian of the missing entries of one point given its observed entries (PRML 2.81, 2.82).

    mu_m|o = mu_m + Sigma_mo Sigma_oo^-1 (x_o - mu_o),
    Sigma_m|o = Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om.

    Parameters
    ----------
    x : array of shape (D,), NaN where missing; at least one entry observed
    params : GaussianParams with mean (D,), cov (D, D)

    Returns
    -------
    (mean, cov) : arrays of shape (M,) and (M, M), M the number of missing
        entries, in the order of the missing dimensions (both empty when none is missing)
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must have shape (D,), got shape {x.shape}; for many points use missing_e_step")
    X = check_missing_data(x[None, :], "x", every_dimension=False)
    mean, cov = _check_gaussian_params(params, X.shape[1])
    x_hat, _, cond, _ = _e_step(X, _patterns(X), mean, cov, "params.cov")
    mis = np.isnan(x)
    return x_hat[0, mis], cond[0]


def observed_log_likelihood(X, params):
    """ln p(X_obs | theta) = sum_n ln N(x_n,o | mu_o, Sigma_oo), the likelihood EM maximises.

    Each row contributes the marginal density of its observed entries (PRML
    2.92-2.93: the marginal of a Gaussian keeps the observed block of mu and
    Sigma), with the normalising term -(|o|/2) ln(2 pi) of its |o| observed entries.

    Parameters
    ----------
    X : array of shape (N, D), NaN where missing
    params : GaussianParams with mean (D,), cov (D, D)

    Returns
    -------
    float
    """
    X = check_missing_data(X, every_dimension=False)
    mean, cov = _check_gaussian_params(params, X.shape[1])
    return _e_step(X, _patterns(X), mean, cov, "params.cov")[3]


def missing_e_step(X, params):
    """E[x_n | x_n,o, theta] and cov[x_n | x_n,o, theta] for every row (PRML 2.81, 2.82).

    Parameters
    ----------
    X : array of shape (N, D), NaN where missing
    params : GaussianParams with mean (D,), cov (D, D)

    Returns
    -------
    ExpectedStats(x_hat (N, D), cond_covs (N, D, D)); E[x_n x_n^T] = x_hat_n x_hat_n^T + cond_covs[n]
    """
    X = check_missing_data(X, every_dimension=False)
    mean, cov = _check_gaussian_params(params, X.shape[1])
    groups = _patterns(X)
    x_hat, _, cond, _ = _e_step(X, groups, mean, cov, "params.cov")
    N, D = X.shape
    cond_covs = np.zeros((N, D, D))
    for (obs, rows), S in zip(groups, cond):
        mis = np.flatnonzero(~obs)
        cond_covs[np.ix_(rows, mis, mis)] = S
    return ExpectedStats(x_hat, cond_covs)


def missing_m_step(x_hat, cond_covs):
    """The Gaussian MLE on expected sufficient statistics.

    mu = 1/N sum_n x_hat_n,  Sigma = 1/N sum_n [(x_hat_n - mu)(x_hat_n - mu)^T + C_n];
    with nothing missing (C_n = 0, x_hat = X) this is PRML 2.121-2.122.

    Parameters
    ----------
    x_hat : array of shape (N, D), E[x_n | x_n,o]
    cond_covs : array of shape (N, D, D), cov[x_n | x_n,o] (symmetric, positive semi-definite)

    Returns
    -------
    GaussianParams with mean (D,), cov (D, D)
    """
    try:
        x_hat = np.array(x_hat, dtype=np.float64, copy=True)
        cond_covs = np.array(cond_covs, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"x_hat and cond_covs must be numeric: {exc}") from None
    if x_hat.ndim != 2 or x_hat.shape[0] < 1 or x_hat.shape[1] < 1:
        raise ValueError(f"x_hat must have shape (N, D), got shape {x_hat.shape}")
    N, D = x_hat.shape
    if cond_covs.shape != (N, D, D):
        raise ValueError(f"cond_covs must have shape (N, D, D) = ({N}, {D}, {D}), got shape {cond_covs.shape}")
    for arr, what in ((x_hat, "x_hat"), (cond_covs, "cond_covs")):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{what} contains NaN or inf (the E-step fills every missing entry)")
    return _m_step(x_hat, cond_covs.sum(axis=0))


def missing_em(X, init=None, max_iter=200, tol=1e-8):
    """Fit N(mu, Sigma) to data with missing entries by EM.

    One iteration is an E-step at the current theta then an M-step.  The run
    stops after ``max_iter`` iterations, or earlier when ln p(X_obs | theta)
    per point rises by less than ``tol``.  ``tol=0`` runs exactly ``max_iter``
    iterations.  EM reaches a stationary point of ln p(X_obs | theta): with
    missing entries the likelihood need not be concave, so that point is not
    guaranteed to be the global maximum (for its data, notebook 09 checks that it
    is a local maximum, the one Newton's method finds from another start).

    If two dimensions are never observed in the same row, the observed-data
    likelihood does not determine their covariance; EM then keeps whatever
    value the start leads to (no error is raised).

    Parameters
    ----------
    X : array of shape (N, D), NaN where missing
    init : GaussianParams or None; None starts from each dimension's observed
        mean and variance, with no correlation
    max_iter : int >= 0, default 200
    tol : float >= 0, default 1e-8 (nats per point)

    Returns
    -------
    MissingEMResult(params, x_hat, log_likelihoods, history, n_iter, converged)

    Raises
    ------
    ValueError
        On bad input (a row with every entry missing, a dimension never
        observed, shapes that disagree), or when Sigma becomes singular.
    """
    X = check_missing_data(X)
    N, D = X.shape
    params = _initial_params(X) if init is None else _check_gaussian_params(init, D, "init")
    check_nonnegative(max_iter, "max_iter", integer=True)
    check_nonnegative(tol, "tol")
    groups = _patterns(X)
    x_hat, C_sum, _, ll = _e_step(X, groups, *params, what="init.cov")
    log_likelihoods, history, converged = [ll], [params], False
    for it in range(1, max_iter + 1):
        params = _m_step(x_hat, C_sum)
        x_hat, C_sum, _, ll = _e_step(X, groups, *params, what=f"Sigma after iteration {it}")
        log_likelihoods.append(ll)
        history.append(params)
        if tol > 0 and abs(ll - log_likelihoods[-2]) / N < tol:
            converged = True
            break
    return MissingEMResult(params, x_hat, np.array(log_likelihoods), history, len(history) - 1, converged)
