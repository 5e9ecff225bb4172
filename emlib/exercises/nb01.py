"""Checked exercises of notebook 01 (maximum likelihood for one Gaussian).

- 1.3 the Gaussian log-likelihood ln p(x | mu, sigma^2) (PRML 1.54);
- 1.4 the ML variance and the unbiased variance (PRML 1.56, 1.59);
- 1.5 the multivariate ML covariance Sigma_ML (PRML 2.122).

References are computed with emlib; the mistakes are the slips a student (or the
lecture notes) plausibly makes.
"""
import numpy as np

from emlib.gaussian import gaussian_log_likelihood, gaussian_mle

from . import Exercise, register

LOG_2PI = np.log(2.0 * np.pi)


# ---------------------------------------------------------------- 1.3 log-likelihood
def _loglik_cases(rng):
    """1-D samples of different sizes, evaluated away from and near their MLE."""
    cases = []
    for n, mu, sd in [(12, 170.0, 8.0), (40, -3.0, 0.5), (7, 0.0, 3.0)]:
        x = rng.normal(mu, sd, size=n)
        cases.append((x, float(mu + rng.normal(0, sd)), float(sd**2 * rng.uniform(0.5, 2.0))))
    return cases


def _loglik_ref(x, mu, var):
    return gaussian_log_likelihood(x, mu, var)


def _loglik_notes(x, mu, var):
    return -0.5 * np.sqrt(2 * np.pi) * np.sqrt(var) ** 3 - np.sum((x - mu) ** 2) / (2 * var)


def _loglik_sigma_in_log(x, mu, var):
    return -x.size / 2 * LOG_2PI - x.size / 2 * np.log(np.sqrt(var)) - np.sum((x - mu) ** 2) / (2 * var)


def _loglik_sigma_in_denominator(x, mu, var):
    return -x.size / 2 * LOG_2PI - x.size / 2 * np.log(var) - np.sum((x - mu) ** 2) / (2 * np.sqrt(var))


def _loglik_no_2pi(x, mu, var):
    return -x.size / 2 * np.log(var) - np.sum((x - mu) ** 2) / (2 * var)


def _loglik_constants_once(x, mu, var):
    return -0.5 * LOG_2PI - 0.5 * np.log(var) - np.sum((x - mu) ** 2) / (2 * var)


def _loglik_per_point_mean(x, mu, var):
    return gaussian_log_likelihood(x, mu, var) / x.size


def _loglik_diagnose(got, expected, case):
    x, mu, var = case
    try:
        diff = float(got) - float(expected)
    except (TypeError, ValueError):
        return None
    if np.isclose(diff, x.size / 2 * np.log(var), rtol=1e-6):
        return "the term -(N/2) ln sigma^2 is missing"
    if np.isclose(diff / (x.size * LOG_2PI / 2), round(diff / (x.size * LOG_2PI / 2)), atol=1e-6) and abs(diff) > 1e-6:
        return "your answer is off by a multiple of (N/2) ln(2 pi): check the constant term"
    return None


register(
    Exercise(
        id="1.3",
        title="The Gaussian log-likelihood",
        kind="function",
        reference=_loglik_ref,
        cases=_loglik_cases,
        mistakes=[
            (_loglik_notes, "that is the notes' line -1/2 sqrt(2 pi) sigma^3 - ...: the normaliser contributes -(N/2) ln(2 pi) - (N/2) ln sigma^2"),
            (_loglik_sigma_in_log, "you took ln sigma where ln sigma^2 belongs: var is already sigma^2"),
            (_loglik_sigma_in_denominator, "you divided the sum of squares by 2 sigma; it is divided by 2 sigma^2 = 2 var"),
            (_loglik_no_2pi, "the constant -(N/2) ln(2 pi) is missing: it does not move the maximum, but it is part of ln p"),
            (_loglik_constants_once, "your constants are counted once, not N times: each of the N log densities contributes -1/2 ln(2 pi) - 1/2 ln sigma^2"),
            (_loglik_per_point_mean, "you returned the average log density; ln p is the sum over the N points"),
        ],
        diagnose=_loglik_diagnose,
        hints=(
            "Start from ln N(x_n | mu, sigma^2) for one point: the log of the normalising factor 1/sqrt(2 pi sigma^2), plus the log of the exponential.",
            "ln(1/sqrt(2 pi sigma^2)) = -1/2 ln(2 pi) - 1/2 ln sigma^2, and there is one such term for every point.",
            "Sum over n: the constants appear N times, the squared deviations once each, divided by 2 sigma^2.",
        ),
        solution='''
        def log_likelihood(x, mu, var):
            N = x.size
            return -N / 2 * np.log(2 * np.pi) - N / 2 * np.log(var) - np.sum((x - mu) ** 2) / (2 * var)
        ''',
        rtol=1e-9,
        seed=101,
    )
)


# ---------------------------------------------------------------- 1.4 two variance estimates
def _var_cases(rng):
    return [(rng.normal(mu, sd, size=n),) for n, mu, sd in [(5, 170.0, 8.0), (12, -2.0, 0.3), (3, 10.0, 2.0)]]


def _var_ref(x):
    _, var_ml = gaussian_mle(x)
    return var_ml, var_ml * x.size / (x.size - 1)


def _var_both_n(x):
    v = gaussian_mle(x)[1]
    return v, v


def _var_both_n_minus_1(x):
    v = gaussian_mle(x)[1] * x.size / (x.size - 1)
    return v, v


def _var_swapped(x):
    a, b = _var_ref(x)
    return b, a


def _var_std(x):
    a, b = _var_ref(x)
    return np.sqrt(a), np.sqrt(b)


def _var_diagnose(got, expected, case):
    (x,) = case
    try:
        g = np.asarray(got, dtype=float).ravel()
    except (TypeError, ValueError):
        return None
    if g.size == 2 and np.all(np.isfinite(g)) and g[0] > 0 and not np.isclose(g[1] / g[0], x.size / (x.size - 1), rtol=1e-6):
        return f"the ratio of your two estimates is {g[1] / g[0]:.3g}; for N = {x.size} points it should be N/(N-1)"
    return None


register(
    Exercise(
        id="1.4",
        title="The ML variance and the unbiased variance",
        kind="function",
        reference=_var_ref,
        cases=_var_cases,
        mistakes=[
            (_var_both_n, "your second estimate also divides by N: the unbiased one divides by N - 1"),
            (_var_both_n_minus_1, "your first estimate divides by N - 1: sigma^2_ML divides by N"),
            (_var_swapped, "the two values are swapped: return (sigma^2_ML, unbiased)"),
            (_var_std, "you returned standard deviations; the exercise asks for variances (sigma^2)"),
        ],
        diagnose=_var_diagnose,
        hints=(
            "Both estimates use the squared deviations from the sample mean (the fitted mean, not the true one).",
            "They differ only in what the sum of squared deviations is divided by.",
            "sigma^2_ML divides by N; the unbiased estimate multiplies sigma^2_ML by N/(N - 1) (PRML 1.59).",
        ),
        solution='''
        def variance_estimates(x):
            N = x.size
            squares = np.sum((x - x.mean()) ** 2)
            return squares / N, squares / (N - 1)
        ''',
        rtol=1e-9,
        seed=102,
    )
)


# ---------------------------------------------------------------- 1.5 Sigma_ML
def _cov_cases(rng):
    cases = []
    for n, d in [(30, 2), (9, 3), (50, 4)]:
        A = rng.normal(size=(d, d))
        mean = rng.normal(5.0, 3.0, size=d)  # far from 0, so E[x x^T] differs from the covariance
        cases.append((mean + rng.normal(size=(n, d)) @ A.T,))
    return cases


def _cov_ref(X):
    return gaussian_mle(X)[1]


def _cov_n_minus_1(X):
    return gaussian_mle(X)[1] * X.shape[0] / (X.shape[0] - 1)


def _cov_uncentred(X):
    return X.T @ X / X.shape[0]


def _cov_outer_n_by_n(X):
    d = X - X.mean(axis=0)
    return d @ d.T / X.shape[0]


def _cov_diagnose(got, expected, case):
    g = np.asarray(got, dtype=float)
    if g.ndim == 2 and g.shape[0] == g.shape[1] and not np.allclose(g, g.T, rtol=1e-10, atol=1e-12):
        return "your matrix is not symmetric: sum the outer products (x_n - mu)(x_n - mu)^T"
    if g.ndim == 2 and g.shape[0] == g.shape[1] and np.any(np.diag(g) < 0):
        return "your matrix has a negative diagonal entry, so it is no covariance"
    return None


register(
    Exercise(
        id="1.5",
        title="The multivariate ML covariance",
        kind="function",
        reference=_cov_ref,
        cases=_cov_cases,
        mistakes=[
            (_cov_n_minus_1, "you used 1/(N - 1): that is the unbiased estimate, Sigma_ML divides by N"),
            (_cov_uncentred, "you forgot to subtract the mean: 1/N sum x_n x_n^T is E[x x^T], not the covariance"),
            (_cov_outer_n_by_n, "your matrix is (N, N): X^T X has shape (D, D), X X^T has shape (N, N)"),
        ],
        diagnose=_cov_diagnose,
        hints=(
            "Centre the data first: subtract mu_ML, the mean of each column.",
            "Sigma_ML is the average of the outer products (x_n - mu_ML)(x_n - mu_ML)^T, a (D, D) matrix.",
            "With the centred rows stacked in a (N, D) array C, that average is C^T C / N.",
        ),
        solution='''
        def covariance_ml(X):
            centred = X - X.mean(axis=0)
            return centred.T @ centred / X.shape[0]
        ''',
        rtol=1e-9,
        seed=103,
    )
)
