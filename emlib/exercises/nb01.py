"""Checked exercises of notebook 01 (maximum likelihood for one Gaussian).

- 1.3 the Gaussian log-likelihood ln p(x | mu, sigma^2) (PRML 1.54);
- 1.4 the ML variance and the unbiased variance (PRML 1.56, 1.59);
- 1.5 the multivariate ML covariance Sigma_ML (PRML 2.122).

References are computed with emlib; the mistakes are the slips a student (or the
lecture notes) plausibly makes. The diagnoses also probe the answer on transformed
data (shifted, scaled, written twice), where the right answer changes in a known way.
"""
import numpy as np

from emlib.gaussian import gaussian_log_likelihood, gaussian_mle

from . import Exercise, fmt, register, tolerance

LOG_2PI = np.log(2.0 * np.pi)


def centred_elsewhere(g, e, tol):
    """True if g - e is a nonzero rank-one positive semi-definite matrix: sum (x - c)(x - c)^T / N for a centre c != mean."""
    if g.shape[0] < 2:  # in one dimension every larger variance is "rank one": no evidence of a centre
        return False
    diff = (g - e + (g - e).T) / 2
    ev = np.linalg.eigvalsh(diff)
    scale = max(float(np.max(np.abs(e))), 1e-300)
    return bool(ev[-1] > 1e3 * tol * scale and np.all(np.abs(ev[:-1]) <= tol * max(scale, ev[-1])))


def _same(a, b, got):
    """a and b agree to the precision the answer can have."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=100 * tolerance(got), atol=1e-300))


# ---------------------------------------------------------------- 1.3 log-likelihood
def _loglik_cases(rng):
    """1-D samples of different sizes (2 to 300 points), large and small variances, mu near and far."""
    cases = []
    for n, mu, sd in [(12, 170.0, 8.0), (40, -3.0, 0.5), (7, 0.0, 3.0), (2, 1000.0, 0.05), (300, 5.0, 20.0)]:
        x = rng.normal(mu, sd, size=n)
        cases.append((x, float(mu + rng.normal(0, sd)), float(sd**2 * rng.uniform(0.5, 2.0))))
    return cases


def _loglik_describe(case):
    x, mu, var = case
    return f"N = {x.size} points, mu = {fmt(mu)}, var = {fmt(var)}"


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


def _loglik_diagnose(got, expected, case, ask):
    x, mu, var = case
    g = float(got)
    if not np.isfinite(g):
        return f"your value is {g}: is a variance or a log argument 0 or negative somewhere?"
    twice = ask(np.concatenate([x, x]), mu, var)
    if twice is not None and not _same(twice, 2 * g, got):
        return ("for the sample written twice (2N points) your value is not twice the value for the N points: ln p is a sum "
                "of one term per point, and every term, constants included, counts once per point (no fixed N, no average)")
    shifted = ask(x + 10.0, mu + 10.0, var)
    if shifted is not None and not _same(shifted, g, got):
        return "your value changes when every x_n and mu move by the same amount: ln p depends on the data only through x_n - mu"
    moved = ask(x, mu + np.sqrt(var), var)
    wider = ask(x, mu, 4 * var)
    if moved is not None and _same(moved, g, got):
        return "your value does not change when mu changes: use the argument mu, not the sample mean"
    if wider is not None and _same(wider, g, got):
        return "your value does not change when var changes: use the argument var = sigma^2, not the sample variance"
    if moved is not None and not _same(float(moved) - g, _loglik_ref(x, mu + np.sqrt(var), var) - float(expected), got):
        return "your value changes in the wrong way when mu moves: check the quadratic term -sum_n (x_n - mu)^2 / (2 sigma^2)"
    if wider is not None and not _same(float(wider) - g, _loglik_ref(x, mu, 4 * var) - float(expected), got):
        return ("your value changes in the wrong way when var = sigma^2 changes: check -(N/2) ln sigma^2 and the division "
                "by 2 sigma^2 (var is already sigma^2)")
    return "the terms that depend on mu and sigma^2 are right; the constant is off: each point contributes -1/2 ln(2 pi)"


register(
    Exercise(
        id="1.3",
        title="The Gaussian log-likelihood",
        kind="function",
        reference=_loglik_ref,
        cases=_loglik_cases,
        describe=_loglik_describe,
        returns="a float",
        forbidden=("emlib",),
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
    """Samples of 2 to 50 points; one far from 0 with a tiny spread, so an uncentred sum shows."""
    return [(rng.normal(mu, sd, size=n),) for n, mu, sd in [(5, 170.0, 8.0), (12, -2.0, 0.3), (3, 10.0, 2.0), (2, 100.0, 1.0), (50, 0.0, 1e-3)]]


def _var_describe(case):
    (x,) = case
    return f"N = {x.size} points"


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


def _var_diagnose(got, expected, case, ask):
    (x,) = case
    a, b = (float(v) for v in got)
    N = x.size
    if a < 0 or b < 0:
        return "one of your values is negative, but a variance is an average of squares"
    shifted = ask(x + 100.0)
    if shifted is not None and not _same(np.array(shifted, dtype=float), np.array([a, b]), got):
        return "your values change when every x_n moves by 100: centre on the sample mean, the variance does not depend on the location"
    scaled = ask(3.0 * x)
    if scaled is not None and not _same(np.array(scaled, dtype=float), 9 * np.array([a, b]), got):
        return "tripling the data should multiply a variance by 9; yours does not scale that way: squares of the deviations?"
    twice = ask(np.concatenate([x, x]))
    if twice is not None and not _same(float(twice[0]), a, got):
        return "for the sample written twice (2N points) sigma^2_ML should not change; yours does: divide by the number of points, N"
    if a > 0 and not _same(b / a, N / (N - 1), got):
        return (f"the ratio of your two estimates is {fmt(b / a, N / (N - 1))}; for N = {N} points it should be "
                f"N/(N-1) = {fmt(N / (N - 1), b / a)}")
    return None


register(
    Exercise(
        id="1.4",
        title="The ML variance and the unbiased variance",
        kind="function",
        reference=_var_ref,
        cases=_var_cases,
        describe=_var_describe,
        returns="the pair (sigma2_ML, s2)",
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
    """D from 1 to 5, N from D + 1 to 50, means far from 0 (so E[x x^T] differs from the covariance)."""
    cases = []
    for n, d, offset in [(30, 2, 5.0), (9, 3, 5.0), (50, 4, 5.0), (6, 1, 50.0), (4, 3, 1e3), (20, 5, 0.0)]:
        A = rng.normal(size=(d, d)) * rng.uniform(0.2, 3.0, size=d)
        mean = offset + rng.normal(0.0, 3.0, size=d)
        cases.append((mean + rng.normal(size=(n, d)) @ A.T,))
    return cases


def _cov_describe(case):
    (X,) = case
    return f"N = {X.shape[0]} points in D = {X.shape[1]} dimension{'s' if X.shape[1] > 1 else ''}"


def _cov_ref(X):
    return gaussian_mle(X)[1]


def _cov_n_minus_1(X):
    return gaussian_mle(X)[1] * X.shape[0] / (X.shape[0] - 1)


def _cov_uncentred(X):
    return X.T @ X / X.shape[0]


def _cov_outer_n_by_n(X):
    d = X - X.mean(axis=0)
    return d @ d.T / X.shape[0]


def _cov_diagnose(got, expected, case, ask):
    (X,) = case
    g = np.asarray(got, dtype=float)
    tol = 100 * tolerance(got)
    scale = float(np.max(np.abs(g), initial=0.0)) or 1.0
    if not np.allclose(g, g.T, rtol=tol, atol=tol * scale):
        return "your matrix is not symmetric, but (x_n - mu)(x_n - mu)^T is: sum the full outer products"
    if np.any(np.diag(g) < 0):
        return "your matrix has a negative diagonal entry, so it is no covariance"
    if g.shape[0] > 1 and np.allclose(np.diag(g), 1.0, rtol=tol):
        return "your diagonal is all 1: that is the correlation matrix; Sigma_ML keeps the variances on its diagonal"
    if np.min(np.linalg.eigvalsh((g + g.T) / 2)) < -tol * scale:
        return "your matrix has a negative eigenvalue, so some direction would have a negative variance; an average of outer products cannot"
    with np.errstate(all="ignore"):
        if np.allclose(g @ np.asarray(expected), np.eye(len(g)), rtol=1e-4, atol=1e-4):
            return "that is the inverse of Sigma_ML (the precision matrix): return the covariance itself"
    if centred_elsewhere(g, np.asarray(expected), tol):
        return ("your matrix exceeds Sigma_ML by a rank-one term (m - c)(m - c)^T: you centred on a point c other than the "
                "sample mean m = mu_ML")
    shifted = ask(X + 7.0)
    if shifted is not None and not _same(shifted, g, got):
        return "your matrix changes when all the points move by the same vector: centre each point on the sample mean mu_ML"
    twice = ask(np.vstack([X, X]))
    if twice is not None and not _same(twice, g, got):
        return "for the data written twice (2N points) Sigma_ML should not change; yours does: divide the sum of outer products by N"
    scaled = ask(2.0 * X)
    if scaled is not None and not _same(scaled, 4 * g, got):
        return "doubling the data should multiply Sigma_ML by 4; yours does not scale that way: are the outer products squared deviations?"
    e = np.asarray(expected)
    if np.allclose(np.diag(g), np.diag(e), rtol=tol) and g.shape[0] > 1:
        return "your diagonal (the variances) is right; the off-diagonal entries (the covariances) are not: use the full outer products"
    return None


register(
    Exercise(
        id="1.5",
        title="The multivariate ML covariance",
        kind="function",
        reference=_cov_ref,
        cases=_cov_cases,
        describe=_cov_describe,
        returns="a (D, D) array",
        forbidden=("emlib",),
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
