"""Adversarial answers to exercises 9.4-9.6 (notebook 09: EM for a Gaussian with missing entries)."""
import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.stats import multivariate_normal

from . import right, wrong

LOG_2PI = np.log(2 * np.pi)


def _stats(x, mean, cov):
    o, m = ~np.isnan(x), np.isnan(x)
    S_oo, S_mo, S_mm = cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]
    x_hat = x.copy()
    x_hat[m] = mean[m] + S_mo @ np.linalg.solve(S_oo, x[o] - mean[o])
    C = np.zeros((x.size, x.size))
    C[np.ix_(m, m)] = S_mm - S_mo @ np.linalg.solve(S_oo, S_mo.T)
    return x_hat, np.outer(x_hat, x_hat) + C


# ---------------------------------------------------------------- 9.4 E[x] and E[x x^T] for one point
@wrong("9.4", "x_hat = x (not a copy): filling it in erases the NaNs of the data", expect="changed its input")
def stats_alias(x, mean, cov):
    o, m = ~np.isnan(x), np.isnan(x)
    S_oo, S_mo, S_mm = cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]
    x_hat = x
    x_hat[m] = mean[m] + S_mo @ np.linalg.solve(S_oo, x[o] - mean[o])
    C = np.zeros((x.size, x.size))
    C[np.ix_(m, m)] = S_mm - S_mo @ np.linalg.solve(S_oo, S_mo.T)
    return x_hat, np.outer(x_hat, x_hat) + C


@wrong("9.4", "mean imputation: the missing entries filled with mu_m, no regression on x_o")
def stats_mean_fill(x, mean, cov):
    o, m = ~np.isnan(x), np.isnan(x)
    S_oo, S_mo, S_mm = cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]
    x_hat = np.where(m, mean, x)
    C = np.zeros((x.size, x.size))
    C[np.ix_(m, m)] = S_mm - S_mo @ np.linalg.solve(S_oo, S_mo.T)
    return x_hat, np.outer(x_hat, x_hat) + C


@wrong("9.4", "puts the conditional covariance in the top-left block, not at the missing indices")
def stats_top_left(x, mean, cov):
    o, m = ~np.isnan(x), np.isnan(x)
    S_oo, S_mo, S_mm = cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]
    x_hat = x.copy()
    x_hat[m] = mean[m] + S_mo @ np.linalg.solve(S_oo, x[o] - mean[o])
    C = np.zeros((x.size, x.size))
    k = int(m.sum())
    C[:k, :k] = S_mm - S_mo @ np.linalg.solve(S_oo, S_mo.T)
    return x_hat, np.outer(x_hat, x_hat) + C


@wrong("9.4", "returns the conditional covariance matrix C instead of E[x x^T]")
def stats_C_only(x, mean, cov):
    x_hat, Exx = _stats(x, mean, cov)
    return x_hat, Exx - np.outer(x_hat, x_hat)


@wrong("9.4", "hard-codes D = 4 (np.zeros((4, 4)))")
def stats_d4(x, mean, cov):
    o, m = ~np.isnan(x), np.isnan(x)
    S_oo, S_mo, S_mm = cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]
    x_hat = x.copy()
    x_hat[m] = mean[m] + S_mo @ np.linalg.solve(S_oo, x[o] - mean[o])
    C = np.zeros((4, 4))
    C[np.ix_(m, m)] = S_mm - S_mo @ np.linalg.solve(S_oo, S_mo.T)
    return x_hat, np.outer(x_hat, x_hat) + C


@wrong("9.4", "E[x x^T] from x with the NaNs set to 0, the conditional covariance added")
def stats_zero_filled_outer(x, mean, cov):
    x_hat, Exx = _stats(x, mean, cov)
    z = np.nan_to_num(x)
    return x_hat, np.outer(z, z) + (Exx - np.outer(x_hat, x_hat))


@wrong("9.4", "the conditional covariance with a plus sign: Sigma_mm + Sigma_mo Sigma_oo^-1 Sigma_om")
def stats_plus(x, mean, cov):
    o, m = ~np.isnan(x), np.isnan(x)
    S_oo, S_mo, S_mm = cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]
    x_hat = x.copy()
    x_hat[m] = mean[m] + S_mo @ np.linalg.solve(S_oo, x[o] - mean[o])
    C = np.zeros((x.size, x.size))
    C[np.ix_(m, m)] = S_mm + S_mo @ np.linalg.solve(S_oo, S_mo.T)
    return x_hat, np.outer(x_hat, x_hat) + C


@right("9.4", "Cholesky solves with scipy (cho_factor, cho_solve)")
def stats_cholesky(x, mean, cov):
    o, m = ~np.isnan(x), np.isnan(x)
    S_oo, S_mo, S_mm = cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]
    f = cho_factor(S_oo)
    x_hat = np.where(m, 0.0, x)
    x_hat[m] = mean[m] + S_mo @ cho_solve(f, x[o] - mean[o])
    C = np.zeros((x.size, x.size))
    C[np.ix_(m, m)] = S_mm - S_mo @ cho_solve(f, S_mo.T)
    return x_hat, np.outer(x_hat, x_hat) + C


@right("9.4", "index arrays (np.flatnonzero) instead of boolean masks, returned as a list")
def stats_indices(x, mean, cov):
    o, m = np.flatnonzero(~np.isnan(x)), np.flatnonzero(np.isnan(x))
    x_hat = np.array(x, dtype=float)
    x_hat[m] = mean[m] + cov[np.ix_(m, o)] @ np.linalg.lstsq(cov[np.ix_(o, o)], x[o] - mean[o], rcond=None)[0]
    E = np.outer(x_hat, x_hat)
    E[np.ix_(m, m)] += cov[np.ix_(m, m)] - cov[np.ix_(m, o)] @ np.linalg.solve(cov[np.ix_(o, o)], cov[np.ix_(o, m)])
    return [x_hat, E]


@right("9.4", "float32 throughout")
def stats_f32(x, mean, cov):
    x_hat, Exx = _stats(x.astype(np.float32), mean.astype(np.float32), cov.astype(np.float32))
    return x_hat.astype(np.float32), Exx.astype(np.float32)


# ---------------------------------------------------------------- 9.5 the observed-data log-likelihood
def _row(x, mean, cov):
    o = ~np.isnan(x)
    if not o.any():
        return 0.0
    return multivariate_normal(mean[o], cov[np.ix_(o, o)]).logpdf(x[o])


@wrong("9.5", "zero-fills the NaNs and uses the full Gaussian")
def loglik_zero_fill(X, mean, cov):
    return float(sum(multivariate_normal(mean, cov).logpdf(np.nan_to_num(x)) for x in X))


@wrong("9.5", "the average over the rows instead of the sum")
def loglik_mean(X, mean, cov):
    return float(np.mean([_row(x, mean, cov) for x in X]))


@wrong("9.5", "independent coordinates: only the diagonal of Sigma")
def loglik_diagonal(X, mean, cov):
    var = np.diag(cov)
    return float(np.nansum(-0.5 * (LOG_2PI + np.log(var) + (X - mean) ** 2 / var)))


@wrong("9.5", "returns one log-likelihood per row", expect="number")
def loglik_rows(X, mean, cov):
    return np.array([_row(x, mean, cov) for x in X])


@wrong("9.5", "the log-determinant of the full Sigma with the observed block's quadratic form")
def loglik_full_det(X, mean, cov):
    total = 0.0
    full_logdet = np.linalg.slogdet(cov)[1]
    for x in X:
        o = ~np.isnan(x)
        d = x[o] - mean[o]
        total += -0.5 * (o.sum() * LOG_2PI + full_logdet + d @ np.linalg.solve(cov[np.ix_(o, o)], d))
    return total


@wrong("9.5", "the normalising term -|o|/2 ln(2 pi) left out")
def loglik_no_2pi(X, mean, cov):
    return float(sum(_row(x, mean, cov) + 0.5 * (~np.isnan(x)).sum() * LOG_2PI for x in X))


@wrong("9.5", "fills the NaNs of X in place with the mean", expect="changed its input")
def loglik_fills(X, mean, cov):
    rows = [_row(x, mean, cov) for x in X]
    idx = np.where(np.isnan(X))
    X[idx] = mean[idx[1]]
    return float(sum(rows))


@wrong("9.5", "the quadratic form with Sigma_oo instead of its inverse")
def loglik_no_inverse(X, mean, cov):
    total = 0.0
    for x in X:
        o = ~np.isnan(x)
        if not o.any():
            continue
        d = x[o] - mean[o]
        S = cov[np.ix_(o, o)]
        total += -0.5 * (o.sum() * LOG_2PI + np.linalg.slogdet(S)[1] + d @ S @ d)
    return total


@right("9.5", "scipy.stats.multivariate_normal on each row's observed block")
def loglik_scipy(X, mean, cov):
    return float(sum(_row(x, mean, cov) for x in X))


@right("9.5", "grouped by missingness pattern, Cholesky per pattern")
def loglik_patterns(X, mean, cov):
    total = 0.0
    masks = ~np.isnan(X)
    for pattern in np.unique(masks, axis=0):
        if not pattern.any():
            continue
        rows = X[(masks == pattern).all(axis=1)][:, pattern]
        L = np.linalg.cholesky(cov[np.ix_(pattern, pattern)])
        z = np.linalg.solve(L, (rows - mean[pattern]).T)
        total += np.sum(-0.5 * (pattern.sum() * LOG_2PI + (z**2).sum(axis=0)) - np.log(np.diag(L)).sum())
    return total


@right("9.5", "float32 result")
def loglik_f32(X, mean, cov):
    return np.float32(sum(_row(x, mean, cov) for x in X))


# ---------------------------------------------------------------- 9.6 the M-step on expectations
@wrong("9.6", "the uncentred second moment: x_hat^T x_hat / N + mean(C), the mean outer product not subtracted")
def m_uncentred(x_hat, cond_covs):
    N = len(x_hat)
    return x_hat.mean(axis=0), (x_hat.T @ x_hat + cond_covs.sum(axis=0)) / N


@wrong("9.6", "np.cov (which divides by N - 1) plus the mean of the C_n")
def m_np_cov(x_hat, cond_covs):
    return x_hat.mean(axis=0), np.cov(x_hat.T) + cond_covs.mean(axis=0)


@wrong("9.6", "centres x_hat in place", expect="changed its input")
def m_in_place(x_hat, cond_covs):
    mean = x_hat.mean(axis=0)
    x_hat -= mean
    return mean, (x_hat.T @ x_hat + cond_covs.sum(axis=0)) / len(x_hat)


@wrong("9.6", "returns (cov, mean): the pair swapped")
def m_swapped(x_hat, cond_covs):
    mean = x_hat.mean(axis=0)
    d = x_hat - mean
    return (d.T @ d + cond_covs.sum(axis=0)) / len(x_hat), mean


@wrong("9.6", "the C_n added twice")
def m_twice(x_hat, cond_covs):
    mean = x_hat.mean(axis=0)
    d = x_hat - mean
    return mean, (d.T @ d + 2 * cond_covs.sum(axis=0)) / len(x_hat)


@wrong("9.6", "only the diagonal of Sigma kept")
def m_diag(x_hat, cond_covs):
    mean = x_hat.mean(axis=0)
    d = x_hat - mean
    return mean, np.diag(np.diag(d.T @ d + cond_covs.sum(axis=0))) / len(x_hat)


@wrong("9.6", "a parenthesis slip: only the C_n divided by N, d^T d + sum(C_n) / N")
def m_parenthesis(x_hat, cond_covs):
    mean = x_hat.mean(axis=0)
    d = x_hat - mean
    return mean, d.T @ d + cond_covs.sum(axis=0) / len(x_hat)


@right("9.6", "np.cov with bias=True plus the mean C_n")
def m_np_cov_bias(x_hat, cond_covs):
    return x_hat.mean(axis=0), np.cov(x_hat, rowvar=False, bias=True) + cond_covs.mean(axis=0)


@right("9.6", "E[x x^T] averaged, minus the outer product of the mean, as a list")
def m_second_moment(x_hat, cond_covs):
    mean = x_hat.mean(axis=0)
    S = np.einsum("ni,nj->ij", x_hat, x_hat) / len(x_hat) + cond_covs.mean(axis=0)
    return [mean, S - np.outer(mean, mean)]


@right("9.6", "float32")
def m_f32(x_hat, cond_covs):
    x_hat, cond_covs = x_hat.astype(np.float32), cond_covs.astype(np.float32)
    mean = x_hat.mean(axis=0)
    d = x_hat - mean
    return mean, (d.T @ d + cond_covs.sum(axis=0)) / np.float32(len(x_hat))
