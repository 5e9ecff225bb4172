"""Checked exercises of notebook 04, EM for Gaussian mixtures.

- 4.5 (implement): the E-step, responsibilities gamma(z_nk) (PRML 9.23)
- 4.6 (implement): one EM iteration, E-step then M-step (PRML 9.23-9.26)
- 4.7 (derive): the M-step for diagonal covariances
- 4.8 (derive): the MAP update of pi under a Dirichlet prior

The references of 4.5-4.7 are computed with emlib (``e_step``, ``m_step``); 4.8 has no emlib
counterpart, so its closed form is the reference. The notebook checks the derived updates of
4.7 and 4.8 independently, against a numerical maximum of the objective.
"""
import numpy as np

import emlib

from . import Exercise, register


# ---------------------------------------------------------------- test cases
def _random_params(rng, K, D, spread=2.5):
    """A well-conditioned GMMParams with unequal weights."""
    weights = rng.dirichlet(np.full(K, 3.0))
    means = rng.normal(scale=spread, size=(K, D))
    A = rng.normal(size=(K, D, D))
    covs = A @ A.transpose(0, 2, 1) / D + 0.4 * np.eye(D)
    return emlib.GMMParams(weights, means, covs)


def _mixture_case(rng, N, K, D):
    params = _random_params(rng, K, D)
    X, _ = emlib.sample(params, N, rng)
    return X, params


def _mixture_cases(rng):
    """(X, params): K != N so that a transposed answer shows; the last case has a point far
    from every component, where probability-space Bayes' rule gives 0/0."""
    cases = [_mixture_case(rng, 9, 3, 2), _mixture_case(rng, 40, 2, 1), _mixture_case(rng, 30, 4, 3)]
    X, params = _mixture_case(rng, 12, 2, 2)
    X = X.copy()
    X[0] = params.means.mean(axis=0) + 60.0  # about 60 standard deviations from every mean
    cases.append((X, params))
    return cases


def _resp_cases(rng):
    """(X, resp) with responsibilities as any valid rows of probabilities."""
    out = []
    for N, K, D in ((10, 2, 2), (25, 3, 1), (30, 3, 3)):
        X = rng.normal(size=(N, D)) * rng.uniform(0.5, 2.0, size=D) + rng.normal(size=D)
        resp = rng.dirichlet(np.ones(K), size=N)
        out.append((X, resp))
    return out


def _alpha_cases(rng):
    """(resp, alpha) with alpha_k >= 1, so that the maximum lies inside the simplex."""
    out = []
    for N, K in ((8, 2), (20, 3), (15, 4)):
        resp = rng.dirichlet(np.ones(K), size=N)
        alpha = 1.0 + rng.uniform(0.0, 4.0, size=K)
        out.append((resp, alpha))
    return out


# ---------------------------------------------------------------- helpers
def _normalise(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    e = np.exp(a - m)
    return e / e.sum(axis=axis, keepdims=True)


def _covs(X, resp, means, denom):
    diff = X[:, None, :] - means[None, :, :]  # (N, K, D)
    return np.einsum("nk,nki,nkj->kij", resp, diff, diff) / denom[:, None, None]


def _row_sum_hint(got, expected, case, what="responsibilities"):
    g = np.asarray(got, dtype=float)
    if g.ndim == 2 and g.shape == np.shape(expected):
        if np.any(np.isnan(g)):
            return (f"your {what} contain NaN: far from every component, pi_k N(x_n | mu_k, Sigma_k) underflows to 0 "
                    "and Bayes' rule gives 0/0; work with logs and subtract the log-sum-exp")
        if np.any(g < 0) or np.any(g > 1):
            return f"some of your {what} lie outside [0, 1]: are they probabilities?"
        sums = g.sum(axis=1)
        worst = int(np.argmax(np.abs(sums - 1)))
        if abs(sums[worst] - 1) > 1e-8:
            return f"row {worst} of your {what} sums to {sums[worst]:.3g}, not 1: normalise over the components k"
    return None


# ---------------------------------------------------------------- 4.5 the E-step
def _resp_reference(X, params):
    return emlib.e_step(X, params)


def _resp_over_n(X, params):
    return _normalise(emlib.log_joint(X, params), axis=0)


def _resp_no_weights(X, params):
    return _normalise(emlib.log_joint(X, params) - np.log(params.weights), axis=1)


def _resp_transposed(X, params):
    return emlib.e_step(X, params).T


def _resp_log(X, params):
    lj = emlib.log_joint(X, params)
    m = np.max(lj, axis=1, keepdims=True)
    return lj - (m + np.log(np.exp(lj - m).sum(axis=1, keepdims=True)))


register(Exercise(
    id="4.5",
    title="The E-step in plain numpy",
    kind="function",
    reference=_resp_reference,
    cases=_mixture_cases,
    mistakes=[
        (_resp_over_n, "your responsibilities are normalised over the points n (each column sums to 1); "
                       "normalise over the components k, so that each row sums to 1"),
        (_resp_no_weights, "you left out the mixing weights: gamma(z_nk) is proportional to pi_k N(x_n | mu_k, Sigma_k)"),
        (_resp_transposed, "shape (K, N), expected (N, K): one row per point, one column per component"),
        (_resp_log, "you returned ln gamma(z_nk); exponentiate at the end"),
    ],
    diagnose=_row_sum_hint,
    hints=(
        "Bayes' rule: gamma(z_nk) = p(x_n, z_n = k) / sum_j p(x_n, z_n = j), with p(x_n, z_n = k) = pi_k N(x_n | mu_k, Sigma_k).",
        "Work with logs: build an (N, K) array of ln pi_k + emlib.gaussian_logpdf(X, mu_k, Sigma_k), one column per k.",
        "Subtract each row's log-sum-exp (subtract the row maximum first, then log of the sum of exp), then exponentiate. "
        "Without logs, a point far from every component gives 0/0.",
    ),
    solution='''
    def responsibilities(X, params):
        K = len(params.weights)
        log_joint = np.column_stack([np.log(params.weights[k]) + emlib.gaussian_logpdf(X, params.means[k], params.covs[k])
                                     for k in range(K)])                       # (N, K)
        m = log_joint.max(axis=1, keepdims=True)
        log_px = m + np.log(np.exp(log_joint - m).sum(axis=1, keepdims=True))  # ln p(x_n), (N, 1)
        return np.exp(log_joint - log_px)
    ''',
    seed=4005,
))


# ---------------------------------------------------------------- 4.6 one EM iteration
def _step_reference(X, params):
    return tuple(emlib.m_step(X, emlib.e_step(X, params)))


def _step_parts(X, params):
    resp = emlib.e_step(X, params)
    N_k = resp.sum(axis=0)
    means = resp.T @ X / N_k[:, None]
    return resp, N_k, means


def _step_old_means(X, params):
    resp, N_k, means = _step_parts(X, params)
    return N_k / X.shape[0], means, _covs(X, resp, params.means, N_k)


def _step_unbiased(X, params):
    resp, N_k, means = _step_parts(X, params)
    return N_k / X.shape[0], means, _covs(X, resp, means, N_k - 1)


def _step_counts(X, params):
    resp, N_k, means = _step_parts(X, params)
    return N_k, means, _covs(X, resp, means, N_k)


def _step_diagnose(got, expected, case):
    try:
        weights = np.asarray(got[0], dtype=float)
    except (TypeError, ValueError, IndexError):
        return None
    if weights.shape == np.shape(expected[0]) and abs(weights.sum() - 1) > 1e-8:
        return f"your weights sum to {weights.sum():.3g}, not 1"
    covs = np.asarray(got[2], dtype=float)
    if covs.shape == np.shape(expected[2]) and not np.allclose(covs, covs.transpose(0, 2, 1)):
        return "your covariance matrices are not symmetric: use (x_n - mu_k)(x_n - mu_k)^T"
    return None


register(Exercise(
    id="4.6",
    title="One EM iteration: E-step, then M-step",
    kind="function",
    reference=_step_reference,
    cases=_mixture_cases,
    mistakes=[
        (_step_old_means, "your Sigma_k uses the old means; centre at the new means mu_k^new (PRML 9.25)"),
        (_step_unbiased, "you used 1/(N_k - 1); the maximum of Q divides by N_k"),
        (_step_counts, "your weights are N_k, not N_k / N"),
    ],
    diagnose=_step_diagnose,
    hints=(
        "First the responsibilities at the old parameters (your E-step, or emlib.e_step), then N_k = the column sums.",
        "The new means are the gamma-weighted averages of the points; each covariance is a gamma-weighted average of outer "
        "products of differences from a mean. Which mean: the old one or the new one?",
        "Which normaliser maximises Q, N_k or N_k - 1? And the weights must sum to 1 over the components.",
    ),
    solution='''
    def em_iteration(X, params):
        resp = emlib.e_step(X, params)                                   # (N, K), at theta_old
        N_k = resp.sum(axis=0)                                           # (K,)
        means = resp.T @ X / N_k[:, None]                                # PRML 9.24
        diff = X[:, None, :] - means[None, :, :]                         # (N, K, D), the NEW means
        covs = np.einsum("nk,nki,nkj->kij", resp, diff, diff) / N_k[:, None, None]  # PRML 9.25
        weights = N_k / len(X)                                           # PRML 9.26
        return weights, means, covs
    ''',
    seed=4006,
))


# ---------------------------------------------------------------- 4.7 diagonal covariances
def _diag_reference(X, resp):
    p = emlib.m_step(X, resp)
    return p.weights, p.means, np.diagonal(p.covs, axis1=1, axis2=2).copy()


def _diag_parts(X, resp):
    N_k = resp.sum(axis=0)
    means = resp.T @ X / N_k[:, None]
    sq = np.einsum("nk,nkd->kd", resp, (X[:, None, :] - means[None, :, :]) ** 2)
    return N_k, means, sq


def _diag_std(X, resp):
    N_k, means, sq = _diag_parts(X, resp)
    return N_k / len(X), means, np.sqrt(sq / N_k[:, None])


def _diag_unbiased(X, resp):
    N_k, means, sq = _diag_parts(X, resp)
    return N_k / len(X), means, sq / (N_k[:, None] - 1)


def _diag_full(X, resp):
    p = emlib.m_step(X, resp)
    return p.weights, p.means, p.covs


def _diag_diagnose(got, expected, case):
    try:
        var = np.asarray(got[2], dtype=float)
    except (TypeError, ValueError, IndexError):
        return None
    if var.shape == np.shape(expected[2]) and np.any(var <= 0):
        return "some of your variances are not positive"
    return None


register(Exercise(
    id="4.7",
    title="The M-step for diagonal covariances",
    kind="function",
    reference=_diag_reference,
    cases=_resp_cases,
    mistakes=[
        (_diag_std, "you returned standard deviations sigma_kd; the update is for the variances sigma_kd^2"),
        (_diag_unbiased, "you used 1/(N_k - 1); the maximum of Q divides by N_k"),
        (_diag_full, "you returned full (K, D, D) covariance matrices; the diagonal model has D variances per component, shape (K, D)"),
    ],
    diagnose=_diag_diagnose,
    hints=(
        "With Sigma_k = diag(sigma_k1^2, ..., sigma_kD^2), ln N(x | mu_k, Sigma_k) is a sum over d of one-dimensional "
        "Gaussian log-densities. Do the updates for pi_k and mu_k change?",
        "Differentiate Q with respect to sigma_kd^2 (or its inverse): only the terms of dimension d of component k remain.",
        "The update is a gamma-weighted average, over the points, of a squared difference in dimension d.",
    ),
    solution='''
    def m_step_diag(X, resp):
        N_k = resp.sum(axis=0)                                           # (K,)
        means = resp.T @ X / N_k[:, None]                                # (K, D), as for full covariances
        sq = (X[:, None, :] - means[None, :, :]) ** 2                    # (N, K, D)
        variances = np.einsum("nk,nkd->kd", resp, sq) / N_k[:, None]     # (K, D)
        return N_k / len(X), means, variances
    ''',
    seed=4007,
))


# ---------------------------------------------------------------- 4.8 Dirichlet prior on pi
def _map_reference(resp, alpha):
    N_k = resp.sum(axis=0)  # the notebook checks this closed form against a numerical maximum
    return (N_k + alpha - 1) / (resp.shape[0] + alpha.sum() - len(alpha))


def _map_no_minus_one(resp, alpha):
    N_k = resp.sum(axis=0)
    return (N_k + alpha) / (resp.shape[0] + alpha.sum())


def _map_over_n(resp, alpha):
    N_k = resp.sum(axis=0)
    return (N_k + alpha - 1) / resp.shape[0]


def _map_ml(resp, alpha):
    return resp.sum(axis=0) / resp.shape[0]


def _map_diagnose(got, expected, case):
    g = np.asarray(got, dtype=float)
    if g.shape == np.shape(expected) and abs(g.sum() - 1) > 1e-8:
        return f"your weights sum to {g.sum():.3g}, not 1: check the normalising constant"
    return None


register(Exercise(
    id="4.8",
    title="A Dirichlet prior on the weights: the MAP update",
    kind="function",
    reference=_map_reference,
    cases=_alpha_cases,
    mistakes=[
        (_map_no_minus_one, "you used N_k + alpha_k; the Dirichlet density has pi_k^(alpha_k - 1), so the update has N_k + alpha_k - 1"),
        (_map_over_n, "you divided by N; the Lagrange condition fixes the denominator so that the weights sum to 1"),
        (_map_ml, "this is the maximum-likelihood update N_k / N: the prior is missing"),
    ],
    diagnose=_map_diagnose,
    hints=(
        "Add ln Dir(pi | alpha) = sum_k (alpha_k - 1) ln pi_k + const to the part of Q that depends on pi.",
        "The objective is sum_k (N_k + alpha_k - 1) ln pi_k: the same form as before, with N_k replaced by a pseudo-count.",
        "Use a Lagrange multiplier for sum_k pi_k = 1, exactly as for PRML 9.26, and sum the stationarity condition over k.",
    ),
    solution='''
    def map_weights(resp, alpha):
        N_k = resp.sum(axis=0)                                           # (K,)
        return (N_k + alpha - 1) / (len(resp) + alpha.sum() - len(alpha))
    ''',
    seed=4008,
))
