"""One Gaussian: its log density and its maximum-likelihood estimate.

The log-likelihood of N independent draws from N(mu, sigma^2) is

    ln p(x | mu, sigma^2) = -N/2 ln(2 pi) - N/2 ln sigma^2
                            - 1/(2 sigma^2) sum_n (x_n - mu)^2      (PRML 1.54)

and in D dimensions, per point,

    ln N(x | mu, Sigma) = -1/2 (D ln(2 pi) + ln|Sigma| + (x - mu)^T Sigma^-1 (x - mu)).

Log-determinants and Mahalanobis terms come from the Cholesky factor
Sigma = L L^T: ln|Sigma| = 2 sum_i ln L_ii and the Mahalanobis term is the
squared norm of the whitened point L^-1 (x - mu), found by a triangular
solve; no inverse and no determinant is ever formed.
"""
import numpy as np

from ._validation import as_float_array, check_cov_matrix, check_data

LOG_2PI = np.log(2.0 * np.pi)


# ---------------------------------------------------------------- private core
def _logpdf_chol(X, mean, chol):
    """ln N(x_n | mean, L L^T) for X (N, D), mean (D,), lower-triangular L (D, D)."""
    D = X.shape[1]
    whitened = np.linalg.solve(chol, (X - mean).T)  # (D, N): L^-1 (x_n - mu)
    maha = np.einsum("dn,dn->n", whitened, whitened)
    log_det = 2.0 * np.sum(np.log(np.diag(chol)))
    return -0.5 * (D * LOG_2PI + log_det + maha)


def _mle(X):
    """Mean (D,) and 1/N covariance (D, D) from centred differences."""
    mean = X.mean(axis=0)
    diff = X - mean
    cov = diff.T @ diff / X.shape[0]
    return mean, cov


# ---------------------------------------------------------------- public API
def _check_gaussian(x, mean, cov):
    """Validate (x, mean, cov); return 2-D float arrays and the Cholesky factor."""
    x = as_float_array(x, "x")
    if x.ndim == 1:
        mean = as_float_array(mean, "mean")
        var = as_float_array(cov, "cov")
        if mean.ndim != 0:
            raise ValueError(f"for 1-D x, mean must be a scalar, got shape {mean.shape}")
        if var.ndim != 0:
            raise ValueError(f"for 1-D x, cov must be a scalar variance, got shape {var.shape}")
        if var <= 0:
            raise ValueError(f"the variance cov must be > 0, got {float(var)!r}")
        return x[:, None], mean.reshape(1), np.sqrt(var).reshape(1, 1)
    x = check_data(x, "x")
    D = x.shape[1]
    mean = as_float_array(mean, "mean")
    cov = as_float_array(cov, "cov")
    if mean.shape != (D,):
        raise ValueError(f"mean must have shape (D,) = ({D},) to match x, got shape {mean.shape}")
    if cov.shape != (D, D):
        raise ValueError(f"cov must have shape (D, D) = ({D}, {D}) to match x, got shape {cov.shape}")
    return x, mean, check_cov_matrix(cov, "cov")


def gaussian_logpdf(x, mean, cov):
    """Log density ln N(x_n | mean, cov) of every point.

    Parameters
    ----------
    x : array of shape (N, D), or (N,) for one dimension
    mean : array of shape (D,), or a scalar when x is 1-D
    cov : array of shape (D, D), or a scalar variance sigma^2 when x is 1-D

    Returns
    -------
    logpdf : array of shape (N,)

    Raises
    ------
    ValueError
        On NaN/inf, shapes that disagree, a variance <= 0, or a covariance
        that is not symmetric positive definite.
    """
    X, mean, chol = _check_gaussian(x, mean, cov)
    return _logpdf_chol(X, mean, chol)


def gaussian_log_likelihood(x, mean, cov):
    """ln p(x | mean, cov) = sum_n ln N(x_n | mean, cov) (PRML 1.54, 2.118), a float.

    Takes the same arguments as :func:`gaussian_logpdf`.
    """
    return float(np.sum(gaussian_logpdf(x, mean, cov)))


def gaussian_mle(x):
    """Maximum-likelihood mean and covariance (the biased 1/N estimator).

    mu_ML = 1/N sum_n x_n,  Sigma_ML = 1/N sum_n (x_n - mu_ML)(x_n - mu_ML)^T
    (PRML 2.121, 2.122), from centred differences.

    Parameters
    ----------
    x : array of shape (N, D), or (N,) for one dimension

    Returns
    -------
    (mean, cov) : arrays of shape (D,) and (D, D); or two floats
        (mu, sigma^2) when x is 1-D.
    """
    x = as_float_array(x, "x")
    if x.ndim == 1:
        if x.size < 1:
            raise ValueError("x must contain at least one point, got shape (0,)")
        mean, cov = _mle(x[:, None])
        return float(mean[0]), float(cov[0, 0])
    X = check_data(x, "x")
    return _mle(X)
