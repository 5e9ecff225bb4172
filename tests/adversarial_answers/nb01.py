"""Adversarial answers to exercises 1.3-1.5 (notebook 01)."""
import sys

import numpy as np

import emlib

from . import right, wrong

LOG_2PI = np.log(2 * np.pi)


def _ll(x, mu, var):
    N = x.size
    return -N / 2 * LOG_2PI - N / 2 * np.log(var) - np.sum((x - mu) ** 2) / (2 * var)


# ---------------------------------------------------------------- 1.3 log-likelihood
@wrong("1.3", "centres x in place (x -= mu): the right value, but the caller's data are changed", expect="changed its input")
def ll_in_place(x, mu, var):
    x -= mu
    return -x.size / 2 * LOG_2PI - x.size / 2 * np.log(var) - np.sum(x**2) / (2 * var)


@wrong("1.3", "a complex logarithm: the real part is right, the result is complex", expect="complex")
def ll_complex(x, mu, var):
    return -x.size / 2 * np.log(2 * np.pi * var + 0j) - np.sum((x - mu) ** 2) / (2 * var)


@wrong("1.3", "prints the value and forgets to return it", expect="return")
def ll_prints(x, mu, var):
    value = _ll(x, mu, var)
    print(f"ln p = {value:.1f}")


@wrong("1.3", "uses the sample mean where mu belongs")
def ll_sample_mean(x, mu, var):
    return _ll(x, x.mean(), var)


@wrong("1.3", "uses the sample variance where var belongs")
def ll_sample_var(x, mu, var):
    return _ll(x, mu, x.var())


@wrong("1.3", "hard-codes N = 12, the size of the notebook's first sample")
def ll_hard_coded_n(x, mu, var):
    N = 12
    return -N / 2 * LOG_2PI - N / 2 * np.log(var) - np.sum((x - mu) ** 2) / (2 * var)


@wrong("1.3", "calls emlib, which the exercise rules out (numpy only)", expect="emlib")
def ll_emlib(x, mu, var):
    return emlib.gaussian_log_likelihood(x, mu, var)


@wrong("1.3", "returns the number as a string", expect="str")
def ll_string(x, mu, var):
    return f"{_ll(x, mu, var):.12f}"


@wrong("1.3", "calls sys.exit() in the middle", expect="exit")
def ll_exit(x, mu, var):
    sys.exit("done")


@wrong("1.3", "partial work: raises NotImplementedError for more than 20 points", expect="NotImplementedError")
def ll_partial(x, mu, var):
    if x.size > 20:
        raise NotImplementedError("large samples later")
    return _ll(x, mu, var)


@wrong("1.3", "divides by N - 1 somewhere: the mean squared deviation with 1/(N-1)")
def ll_n_minus_1(x, mu, var):
    N = x.size
    return -N / 2 * LOG_2PI - N / 2 * np.log(var) - N * np.sum((x - mu) ** 2) / (N - 1) / (2 * var)


@wrong("1.3", "returns the log-likelihood of every point, an array, not their sum", expect="shape")
def ll_per_point(x, mu, var):
    return -0.5 * LOG_2PI - 0.5 * np.log(var) - (x - mu) ** 2 / (2 * var)


@right("1.3", "computed in float32")
def ll_float32(x, mu, var):
    x = x.astype(np.float32)
    N = x.size
    return np.float32(-N / 2 * np.log(np.float32(2 * np.pi))) - np.float32(N / 2) * np.log(np.float32(var)) - np.sum((x - np.float32(mu)) ** 2) / np.float32(2 * var)


@right("1.3", "a sum of per-point log densities, written as one log of 2 pi var")
def ll_one_log(x, mu, var):
    return float(-0.5 * np.sum(np.log(2 * np.pi * var) + (x - mu) ** 2 / var))


@right("1.3", "a plain Python loop, returned as a one-element array")
def ll_loop(x, mu, var):
    total = 0.0
    for xn in x:
        total += -0.5 * np.log(2 * np.pi * var) - (xn - mu) ** 2 / (2 * var)
    return np.array([total])


# ---------------------------------------------------------------- 1.4 two variances
@wrong("1.4", "sorts x in place first (the values are right, the caller's data are reordered)", expect="changed its input")
def var_sorts(x):
    x.sort()
    return np.var(x), np.var(x, ddof=1)


@wrong("1.4", "hard-codes N = 5")
def var_hard_coded_n(x):
    squares = np.sum((x - x.mean()) ** 2)
    return squares / 5, squares / 4


@wrong("1.4", "the unbiased one multiplied by (N-1)/N instead of N/(N-1)")
def var_inverted_ratio(x):
    v = np.var(x)
    return v, v * (x.size - 1) / x.size


@wrong("1.4", "returns three values (mean too)", expect="3 values")
def var_three(x):
    return x.mean(), np.var(x), np.var(x, ddof=1)


@wrong("1.4", "centres on 0, not on the sample mean")
def var_uncentred(x):
    s = np.sum(x**2)
    return s / x.size, s / (x.size - 1)


@wrong("1.4", "returns a dict", expect="dict")
def var_dict(x):
    return {"ml": np.var(x), "unbiased": np.var(x, ddof=1)}


@wrong("1.4", "returns strings", expect="str")
def var_strings(x):
    return str(np.var(x)), str(np.var(x, ddof=1))


@wrong("1.4", "divides by N + 1 for the second")
def var_n_plus_1(x):
    squares = np.sum((x - x.mean()) ** 2)
    return squares / x.size, squares / (x.size + 1)


@right("1.4", "returned as a numpy array of two numbers")
def var_array(x):
    return np.array([np.var(x), np.var(x, ddof=1)])


@right("1.4", "returned as a list, with np.var and ddof")
def var_list(x):
    return [np.var(x), np.var(x, ddof=1)]


@right("1.4", "computed in float32")
def var_float32(x):
    x = x.astype(np.float32)
    d = x - x.mean()
    s = np.sum(d * d)
    return s / np.float32(x.size), s / np.float32(x.size - 1)


# ---------------------------------------------------------------- 1.5 Sigma_ML
@wrong("1.5", "centres X in place (X -= mean)", expect="changed its input")
def cov_in_place(X):
    X -= X.mean(axis=0)
    return X.T @ X / X.shape[0]


@wrong("1.5", "np.cov with rows as variables: an (N, N) matrix", expect="shape")
def cov_rows(X):
    return np.cov(X, bias=True)


@wrong("1.5", "only the diagonal: the variances of the coordinates, no covariances")
def cov_diagonal(X):
    return np.diag(X.var(axis=0))


@wrong("1.5", "partial work: raises NotImplementedError for D > 3", expect="NotImplementedError")
def cov_partial(X):
    if X.shape[1] > 3:
        raise NotImplementedError
    C = X - X.mean(axis=0)
    return C.T @ C / len(X)


@wrong("1.5", "hard-codes D = 2 in its loops")
def cov_hard_coded_d(X):
    m = X.mean(axis=0)
    S = np.zeros((X.shape[1], X.shape[1]))
    for i in range(2):
        for j in range(2):
            S[i, j] = np.mean((X[:, i] - m[i]) * (X[:, j] - m[j]))
    return S


@wrong("1.5", "the correlation matrix")
def cov_correlation(X):
    return np.corrcoef(X.T)


@wrong("1.5", "the precision matrix, the inverse of Sigma_ML")
def cov_precision(X):
    return np.linalg.inv(np.cov(X.T, bias=True))


@wrong("1.5", "only the upper triangle filled in")
def cov_upper(X):
    return np.triu(np.cov(X.T, bias=True))


@wrong("1.5", "calls emlib.gaussian_mle, which the exercise rules out (numpy only)", expect="emlib")
def cov_emlib(X):
    return emlib.gaussian_mle(X)[1]


@right("1.5", "np.cov with rowvar=False and bias=True")
def cov_np(X):
    return np.cov(X, rowvar=False, bias=True)


@right("1.5", "an average of outer products with einsum")
def cov_einsum(X):
    C = X - X.mean(axis=0)
    return np.einsum("ni,nj->ij", C, C) / len(X)


@right("1.5", "computed in float32")
def cov_float32(X):
    X = X.astype(np.float32)
    C = X - X.mean(axis=0)
    return C.T @ C / np.float32(len(X))
