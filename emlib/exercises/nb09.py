"""Checked exercises of notebook 09 (EM for a Gaussian with missing entries)."""
import numpy as np

from ..gaussian import LOG_2PI, gaussian_log_likelihood
from ..missing import GaussianParams, missing_e_step, missing_m_step, observed_log_likelihood
from . import Exercise, fmt, register, tolerance


def _random_gaussian(rng, D):
    A = rng.normal(size=(D, D))
    return rng.normal(scale=2.0, size=D), A @ A.T / D + 0.5 * np.eye(D)


def _blocks(x, mean, cov):
    o = ~np.isnan(x)
    m = ~o
    return o, m, x[o] - mean[o], cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]


def _moments(x, x_m, C_mm):
    """E[x] and E[x x^T] from the conditional mean x_m and the covariance C_mm of the missing block."""
    m = np.isnan(x)
    x_hat = x.copy()
    x_hat[m] = x_m
    C = np.zeros((x.size, x.size))
    C[np.ix_(m, m)] = C_mm
    return x_hat, np.outer(x_hat, x_hat) + C


# ---------------------------------------------------------------- 9.4: the E-step for one point
def _moments_reference(x, mean, cov):
    e = missing_e_step(x[None, :], GaussianParams(mean, cov))
    return e.x_hat[0], np.outer(e.x_hat[0], e.x_hat[0]) + e.cond_covs[0]


def _moments_cases(rng):
    cases = []
    for D, missing in [(4, [1, 3]), (4, [0, 1]), (4, [2, 0]), (6, [0, 2, 5])]:
        mean, cov = _random_gaussian(rng, D)
        x = rng.multivariate_normal(mean, cov)
        x[missing] = np.nan
        cases.append((x, mean, cov))
    return cases


def _moments_swapped(x, mean, cov):
    o, m, d, Soo, Smo, Smm = _blocks(x, mean, cov)
    x_m = mean[m] + np.linalg.solve(Soo, Smo) @ d  # Sigma_oo^-1 Sigma_mo (x_o - mu_o): the order swapped
    return _moments(x, x_m, Smm - Smo @ np.linalg.solve(Soo, Smo.T))


def _moments_no_centre(x, mean, cov):
    o, m, d, Soo, Smo, Smm = _blocks(x, mean, cov)
    x_m = mean[m] + Smo @ np.linalg.solve(Soo, x[o])  # x_o where x_o - mu_o belongs
    return _moments(x, x_m, Smm - Smo @ np.linalg.solve(Soo, Smo.T))


def _moments_no_cond_cov(x, mean, cov):
    o, m, d, Soo, Smo, Smm = _blocks(x, mean, cov)
    x_m = mean[m] + Smo @ np.linalg.solve(Soo, d)
    return _moments(x, x_m, np.zeros_like(Smm))


def _moments_prior_cov(x, mean, cov):
    o, m, d, Soo, Smo, Smm = _blocks(x, mean, cov)
    x_m = mean[m] + Smo @ np.linalg.solve(Soo, d)
    return _moments(x, x_m, Smm)


def _moments_diagnose(got, expected, case):
    x = case[0]
    o = ~np.isnan(x)
    try:
        x_hat, Exx = (np.asarray(g, dtype=float) for g in got)
    except (TypeError, ValueError):
        return None
    if not np.allclose(x_hat[o], x[o]):
        return "E[x] must keep the observed entries as they are: only the missing ones are filled in"
    if not np.allclose(Exx[np.ix_(o, o)], np.outer(x[o], x[o])):
        return "the observed block of E[x x^T] is known exactly: it is x_o x_o^T"
    if not np.allclose(Exx, Exx.T):
        return "E[x x^T] must be symmetric"
    return None


register(Exercise(
    id="9.4",
    title="E[x] and E[x x^T] for one point with missing entries",
    kind="function",
    reference=_moments_reference,
    cases=_moments_cases,
    mistakes=[
        (_moments_swapped, "the conditional mean is mu_m + Sigma_mo Sigma_oo^-1 (x_o - mu_o): you multiplied in the other order"),
        (_moments_no_centre, "the conditional mean regresses on x_o - mu_o: you forgot to subtract the observed block of the mean"),
        (_moments_no_cond_cov, "E[x x^T] is E[x] E[x]^T plus the conditional covariance in the missing block: you left that covariance out"),
        (_moments_prior_cov, "the missing block of E[x x^T] needs the conditional covariance Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om, not Sigma_mm: seeing x_o reduces the uncertainty"),
    ],
    diagnose=_moments_diagnose,
    hints=(
        "Split the indices into o = observed and m = missing; the posterior of x_m given x_o is the conditional Gaussian of PRML 2.81-2.82.",
        "Solve with Sigma_oo rather than inverting it: np.linalg.solve(S_oo, x_o - mu_o) is Sigma_oo^-1 (x_o - mu_o).",
        "E[x x^T] = E[x] E[x]^T + cov[x | x_o], and cov[x | x_o] is zero except in the (m, m) block.",
    ),
    solution='''
        def expected_stats(x, mean, cov):
            o, m = ~np.isnan(x), np.isnan(x)
            S_oo, S_mo, S_mm = cov[np.ix_(o, o)], cov[np.ix_(m, o)], cov[np.ix_(m, m)]
            x_hat = x.copy()
            x_hat[m] = mean[m] + S_mo @ np.linalg.solve(S_oo, x[o] - mean[o])   # PRML 2.81
            C = np.zeros((x.size, x.size))
            C[np.ix_(m, m)] = S_mm - S_mo @ np.linalg.solve(S_oo, S_mo.T)      # PRML 2.82
            return x_hat, np.outer(x_hat, x_hat) + C
    ''',
    rtol=1e-7,
    seed=904,
))


# ---------------------------------------------------------------- 9.5: the observed-data log-likelihood
def _loglik_reference(X, mean, cov):
    return observed_log_likelihood(X, GaussianParams(mean, cov))


def _loglik_cases(rng):
    """Rows with every entry, with some and with a single one observed; the second case adds a row 30 standard
    deviations out (its density underflows in probability space)."""
    cases = []
    for N, D, fraction in [(30, 3, 0.35), (50, 4, 0.25)]:
        mean, cov = _random_gaussian(rng, D)
        X = rng.multivariate_normal(mean, cov, size=N)
        U = rng.random(X.shape)
        miss = U < fraction
        miss[np.arange(N), np.argmax(U, axis=1)] = False  # every row keeps one entry
        X[miss] = np.nan
        cases.append((X, mean, cov))
    X, mean, cov = cases[1]
    far = mean + 30.0 * np.sqrt(np.diag(cov))
    far[1] = np.nan
    cases[1] = (np.vstack([X, far]), mean, cov)
    return cases


def _loglik_full_sigma(X, mean, cov):
    filled = np.where(np.isnan(X), mean, X)  # fill the gaps with the mean, then use the full Sigma
    return gaussian_log_likelihood(filled, mean, cov)


def _loglik_complete_cases(X, mean, cov):
    complete = ~np.isnan(X).any(axis=1)
    return gaussian_log_likelihood(X[complete], mean, cov)


def _loglik_D_constant(X, mean, cov):
    n_missing = np.isnan(X).sum()
    return observed_log_likelihood(X, GaussianParams(mean, cov)) - 0.5 * n_missing * LOG_2PI


def _same(a, b, got):
    """a and b agree to the precision the answer can have."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=100 * tolerance(got), atol=1e-9))


def _loglik_diagnose(got, expected, case, ask):
    """Probe the answer row by row: a sum over the rows; right on the complete rows?; at the mean (no quadratic term)?"""
    X, mean, cov = case
    g = float(got)
    if not np.isfinite(g):
        return (f"your log-likelihood is {g}: a density underflowed to 0 (a row far from the mean) or a log of a negative "
                "number; work with log densities throughout")
    rows = [ask(X[n:n + 1], mean, cov) for n in range(len(X))]
    if any(r is None for r in rows):
        return None
    rows = np.array([float(r) for r in rows])
    right = np.array([_loglik_reference(X[n:n + 1], mean, cov) for n in range(len(X))])
    if not _same(rows.sum(), g, got):
        if _same(rows.mean(), g, got):
            return "your value is the average over the rows; the log-likelihood is their sum"
        return "your value for all the rows is not the sum of your values for each row alone: ln p(X) = sum_n ln p(x_n,o)"
    complete = ~np.isnan(X).any(axis=1)
    ok = np.isclose(rows, right, rtol=1e-7, atol=1e-9)
    if np.all(ok[complete]) and not np.all(ok[~complete]):
        return ("your value is right on the rows without missing entries but not on rows with missing entries: such a row "
                "contributes the marginal density of its observed entries, ln N(x_o | mu_o, Sigma_oo), with |o| in the constant")
    D = X.shape[1]
    at_mean = ask(mean[None, :], mean, cov)
    if at_mean is not None:
        right_at_mean = -0.5 * (D * LOG_2PI + np.linalg.slogdet(cov)[1])
        if not _same(at_mean, right_at_mean, got):
            return ("even for a complete row at the mean itself, where the quadratic term is 0, your value is off: check the "
                    "terms that do not depend on x, -(|o|/2) ln(2 pi) - (1/2) ln|Sigma_oo| (the log-determinant of the "
                    "observed block, not of the full Sigma or of its diagonal)")
        return ("your value is right at the mean but not away from it: check the quadratic term "
                "(x_o - mu_o)^T Sigma_oo^-1 (x_o - mu_o), with the inverse of the observed block (np.linalg.solve)")
    return None


register(Exercise(
    id="9.5",
    title="The observed-data log-likelihood",
    kind="function",
    reference=_loglik_reference,
    cases=_loglik_cases,
    mistakes=[
        (_loglik_full_sigma, "each row's density is over its observed entries only: use mu_o and the block Sigma_oo, not the full Sigma at a filled-in row"),
        (_loglik_complete_cases, "rows with missing entries still carry information: every row contributes ln N(x_o | mu_o, Sigma_oo)"),
        (_loglik_D_constant, "the normalising term of a row is -(|o|/2) ln(2 pi), with |o| its number of observed entries, not -(D/2) ln(2 pi)"),
    ],
    diagnose=_loglik_diagnose,
    returns="a float",
    hints=(
        "Loop over the rows; for each, o = ~np.isnan(x) selects the observed entries.",
        "The marginal of a Gaussian over the entries o is N(mu_o, Sigma_oo) (PRML 2.92-2.93): take those blocks.",
        "emlib.gaussian_logpdf evaluates ln N at an array of points of shape (n, d): pass the row's observed entries as "
        "one such point, with the matching blocks of the mean and the covariance (np.ix_ selects a block).",
    ),
    solution='''
        def observed_loglik(X, mean, cov):
            total = 0.0
            for x in X:
                o = ~np.isnan(x)
                total += emlib.gaussian_logpdf(x[o][None, :], mean[o], cov[np.ix_(o, o)])[0]
            return total
    ''',
    rtol=1e-9,
    seed=905,
))


# ---------------------------------------------------------------- 9.6: the M-step on expectations
def _m_reference(x_hat, cond_covs):
    return tuple(missing_m_step(x_hat, cond_covs))


def _m_cases(rng):
    cases = []
    for N, D in [(40, 3), (25, 4)]:
        mean, cov = _random_gaussian(rng, D)
        X = rng.multivariate_normal(mean, cov, size=N)
        X[rng.random(X.shape) < 0.3] = np.nan
        X[np.isnan(X).all(axis=1), 0] = 0.0
        e = missing_e_step(X, GaussianParams(mean, cov))
        cases.append((e.x_hat, e.cond_covs))
    return cases


def _m_no_cond(x_hat, cond_covs):
    return tuple(missing_m_step(x_hat, np.zeros_like(cond_covs)))


def _m_unbiased(x_hat, cond_covs):
    N = x_hat.shape[0]
    mean, cov = missing_m_step(x_hat, cond_covs)
    return mean, cov * N / (N - 1)


def _m_sum_not_mean(x_hat, cond_covs):
    mean, cov = missing_m_step(x_hat, np.zeros_like(cond_covs))
    return mean, cov + cond_covs.sum(axis=0)


register(Exercise(
    id="9.6",
    title="The M-step: the Gaussian MLE on expected sufficient statistics",
    kind="function",
    reference=_m_reference,
    cases=_m_cases,
    mistakes=[
        (_m_no_cond, "Sigma must include the conditional covariances: (1/N) sum_n [(x_hat_n - mu)(x_hat_n - mu)^T + C_n]; without them you have regression imputation, which shrinks Sigma"),
        (_m_unbiased, "the maximum-likelihood Sigma divides by N, not N - 1"),
        (_m_sum_not_mean, "the C_n are averaged like the outer products: divide their sum by N too"),
    ],
    hints=(
        "This is notebook 01's MLE with E[x_n] in place of x_n and E[x_n x_n^T] in place of x_n x_n^T.",
        "mu = the average of x_hat; Sigma = the average over n of E[(x_n - mu)(x_n - mu)^T].",
        "E[(x_n - mu)(x_n - mu)^T] = (x_hat_n - mu)(x_hat_n - mu)^T + C_n.",
    ),
    solution='''
        def m_step(x_hat, cond_covs):
            N = x_hat.shape[0]
            mean = x_hat.mean(axis=0)
            diff = x_hat - mean
            cov = (diff.T @ diff + cond_covs.sum(axis=0)) / N
            return mean, cov
    ''',
    rtol=1e-9,
    seed=906,
))
