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

from . import Exercise, fmt, register, tolerance
from .nb01 import centred_elsewhere
from .nb02 import _mixture_describe, _relabelled, responsibility_properties


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
    """(X, params): K != N so that a transposed answer shows; K = 3, 2, 4, 1 and D = 2, 1, 3; data
    far from the origin; the last case has a point far from every component, where probability-space
    Bayes' rule gives 0/0."""
    cases = [_mixture_case(rng, 9, 3, 2), _mixture_case(rng, 40, 2, 1), _mixture_case(rng, 30, 4, 3), _mixture_case(rng, 8, 1, 2)]
    X, params = _mixture_case(rng, 20, 3, 2)
    shift = np.array([40.0, -25.0])  # far from the origin: an answer that forgets to centre shows
    cases.append((X + shift, params._replace(means=params.means + shift)))
    X, params = _mixture_case(rng, 12, 2, 2)
    X = X.copy()
    X[0] = params.means.mean(axis=0) + 60.0  # about 60 standard deviations from every mean
    cases.append((X, params))
    return cases


def _resp_cases(rng):
    """(X, resp) with responsibilities as any valid rows of probabilities: K = 2, 3, 1, 4; D = 2, 1, 3;
    data far from the origin; one component with a tiny share of the points."""
    out = []
    for N, K, D, offset in ((10, 2, 2, 0.0), (25, 3, 1, 0.0), (30, 3, 3, 30.0), (12, 1, 2, -50.0), (40, 4, 2, 5.0)):
        X = rng.normal(size=(N, D)) * rng.uniform(0.5, 2.0, size=D) + rng.normal(size=D) + offset
        resp = rng.dirichlet(np.ones(K), size=N)
        if K == 4:
            resp[:, 3] *= 1e-3  # N_4 is about 0.01: a nearly empty component
            resp /= resp.sum(axis=1, keepdims=True)
        out.append((X, resp))
    return out


def _resp_describe(case):
    X, resp = case
    N_k = resp.sum(axis=0)
    text = f"N = {X.shape[0]} points, K = {resp.shape[1]}, D = {X.shape[1]}"
    if np.abs(X.mean(axis=0)).max() > 20:
        text += ", data far from the origin"
    if N_k.min() < 0.1:
        text += f", one nearly empty component (N_k < 0.1)"
    return text


def _alpha_cases(rng):
    """(resp, alpha) with alpha_k >= 1 (not all 1), so that the maximum lies inside the simplex; K = 2 to 5,
    large alpha, and a component with N_k = 0."""
    out = []
    for N, K in ((8, 2), (20, 3), (15, 4), (30, 5)):
        resp = rng.dirichlet(np.ones(K), size=N)
        alpha = 1.0 + rng.uniform(0.5, 4.0, size=K)
        out.append((resp, alpha))
    for alpha in ([1.5, 3.0, 120.0], [2.0, 3.5, 1.0]):
        resp = rng.dirichlet(np.ones(3), size=12)
        resp[:, 2] = 0.0  # an empty component: with alpha_3 > 1 the prior keeps its weight above 0, with alpha_3 = 1 it is 0
        resp /= resp.sum(axis=1, keepdims=True)
        out.append((resp, np.array(alpha)))
    return out


def _alpha_describe(case):
    resp, alpha = case
    text = f"N = {resp.shape[0]}, K = {resp.shape[1]}"
    if np.any(resp.sum(axis=0) == 0):
        text += ", a component with N_k = 0"
    if alpha.max() > 50:
        text += ", a large alpha_k"
    return text


# ---------------------------------------------------------------- helpers
def _normalise(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    e = np.exp(a - m)
    return e / e.sum(axis=axis, keepdims=True)


def _covs(X, resp, means, denom):
    diff = X[:, None, :] - means[None, :, :]  # (N, K, D)
    return np.einsum("nk,nki,nkj->kij", resp, diff, diff) / denom[:, None, None]


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
    describe=lambda case: _mixture_describe(case),
    returns="an (N, K) array",
    forbidden=("emlib.e_step", "emlib.log_joint", "emlib.em"),
    mistakes=[
        (_resp_over_n, "your responsibilities are normalised over the points n (each column sums to 1); "
                       "normalise over the components k, so that each row sums to 1"),
        (_resp_no_weights, "you left out the mixing weights: gamma(z_nk) is proportional to pi_k N(x_n | mu_k, Sigma_k)"),
        (_resp_transposed, "shape (K, N), expected (N, K): one row per point, one column per component"),
        (_resp_log, "you returned ln gamma(z_nk); exponentiate at the end"),
    ],
    diagnose=lambda got, expected, case, ask: responsibility_properties(got, expected, case, ask),
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


def _weights_hint(w, tol):
    if np.any(w < -tol):
        return "some of your weights are negative"
    if abs(w.sum() - 1) > tol:
        return f"your weights sum to {fmt(w.sum(), 1.0)}, not 1: pi_k = N_k / N"
    return None


def _covs_hint(covs, tol):
    scale = float(np.max(np.abs(covs), initial=0.0)) or 1.0
    if not np.allclose(covs, np.swapaxes(covs, 1, 2), rtol=tol, atol=tol * scale):
        return "your covariance matrices are not symmetric: use the outer products (x_n - mu_k)(x_n - mu_k)^T"
    if np.any(np.linalg.eigvalsh((covs + np.swapaxes(covs, 1, 2)) / 2)[:, 0] < -tol * scale):
        return "one of your covariance matrices has a negative eigenvalue, which a gamma-weighted average of outer products cannot have"
    return None


def _step_diagnose(got, expected, case, ask):
    X, params = case
    weights, means, covs = (np.asarray(v, dtype=float) for v in got)
    tol = 100 * tolerance(got)
    msg = _weights_hint(weights, tol) or _covs_hint(covs, tol)
    if msg:
        return msg
    K = len(params.weights)
    ok = [np.allclose(g, e, rtol=1e-6, atol=1e-9) for g, e in zip((weights, means, covs), expected)]
    if ok[0] and ok[1] and not ok[2]:
        for k in range(K):
            if centred_elsewhere(covs[k], expected[2][k], tol):
                return (f"your Sigma_{k} exceeds the right one by a rank-one term: it is centred on a point other than the new "
                        "mean mu_k^new (PRML 9.25 uses the means just computed)")
    if K > 1:
        perm = np.roll(np.arange(K), 1)
        relabelled = ask(X, _relabelled(params, perm))
        if relabelled is not None and not all(np.allclose(np.asarray(r, dtype=float), g[perm], rtol=tol, atol=1e-9)
                                              for r, g in zip(relabelled, (weights, means, covs))):
            return "relabelling the components should only reorder your outputs; yours change otherwise: is K or a component index hard-coded?"
    twice = ask(np.vstack([X, X]), params)
    if twice is not None and not all(np.allclose(np.asarray(r, dtype=float), g, rtol=tol, atol=1e-9)
                                     for r, g in zip(twice, (weights, means, covs))):
        return ("for the data written twice the new parameters should not change; yours do: the means and covariances divide by N_k, "
                "the weights by N")
    if not ok[0] and np.allclose(weights * len(X), np.round(weights * len(X)), atol=1e-9):
        return ("your weights are all multiples of 1/N, counts of points: hard assignments? EM uses the soft counts "
                "N_k = sum_n gamma(z_nk)")
    if ok[0] and not ok[1]:
        return "your weights are right but your means are not: mu_k^new = sum_n gamma(z_nk) x_n / N_k, with the responsibilities at the old parameters"
    return None


register(Exercise(
    id="4.6",
    title="One EM iteration: E-step, then M-step",
    kind="function",
    reference=_step_reference,
    cases=_mixture_cases,
    describe=lambda case: _mixture_describe(case),
    returns="the triple (weights, means, covs)",
    forbidden=("emlib.m_step", "emlib.em"),
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


def _diag_diagnose(got, expected, case, ask):
    X, resp = case
    weights, means, var = (np.asarray(v, dtype=float) for v in got)
    tol = 100 * tolerance(got)
    if np.any(var <= 0):
        return "some of your variances are not positive"
    msg = _weights_hint(weights, tol)
    if msg:
        return msg
    e_w, e_m, e_v = expected
    if np.allclose(weights, e_w, rtol=1e-6) and np.allclose(means, e_m, rtol=1e-6, atol=1e-9):
        extra = var - e_v
        if np.allclose(extra, extra.flat[0], rtol=1e-6, atol=1e-15) and extra.flat[0] != 0:
            return "each of your variances is larger than the right one by the same amount: an added constant (a regulariser?)"
        N_k = resp.sum(axis=0)
        global_centre = np.einsum("nk,nd->kd", resp, (X - X.mean(axis=0)) ** 2) / N_k[:, None]
        if np.allclose(var, global_centre, rtol=1e-6):
            return "your variances are centred on the mean of all the data; centre each component at its own new mean mu_k"
        if np.all(extra > -tol * np.abs(e_v)) and np.any(extra > 1e-6 * np.abs(e_v)):
            return ("your variances are larger than the right ones everywhere: sigma_kd^2 is the average of (x_nd - mu_kd)^2 "
                    "with weights gamma(z_nk) / N_k, centred at the new mean")
    shifted = ask(X + 10.0, resp)
    if shifted is not None and not np.allclose(np.asarray(shifted[2], dtype=float), var, rtol=tol, atol=1e-9):
        return "your variances change when all the points move by the same vector: centre each component at its new mean mu_k"
    K = resp.shape[1]
    if K > 1:
        perm = np.roll(np.arange(K), 1)
        relabelled = ask(X, resp[:, perm])
        if relabelled is not None and not all(np.allclose(np.asarray(r, dtype=float), g[perm], rtol=tol, atol=1e-9)
                                              for r, g in zip(relabelled, (weights, means, var))):
            return "reordering the columns of resp should only reorder your outputs; yours change otherwise: is K or a component index hard-coded?"
    twice = ask(np.vstack([X, X]), np.vstack([resp, resp]))
    if twice is not None and not np.allclose(np.asarray(twice[2], dtype=float), var, rtol=tol, atol=1e-9):
        return "for the data written twice the variances should not change; yours do: divide each component's weighted sum by N_k"
    uniform = ask(X, np.full_like(resp, 1.0 / K))
    if uniform is not None and not np.allclose(np.asarray(uniform[2], dtype=float), X.var(axis=0)[None].repeat(K, 0), rtol=tol, atol=1e-9):
        return "with equal responsibilities 1/K for every point each variance should be that of the data, X.var(axis=0); yours is not"
    return None


register(Exercise(
    id="4.7",
    title="The M-step for diagonal covariances",
    kind="function",
    reference=_diag_reference,
    cases=_resp_cases,
    describe=_resp_describe,
    returns="the triple (weights, means, variances)",
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


def _map_diagnose(got, expected, case, ask):
    resp, alpha = case
    g = np.asarray(got, dtype=float)
    tol = 100 * tolerance(got)
    if np.any(g < -tol):
        return "some of your weights are negative"
    if abs(g.sum() - 1) > tol:
        return f"your weights sum to {fmt(g.sum(), 1.0)}, not 1: check the normalising constant"
    flat = ask(resp, np.ones_like(alpha))
    if flat is not None:
        if not np.allclose(np.asarray(flat, dtype=float), resp.sum(axis=0) / len(resp), rtol=tol, atol=1e-12):
            return "with alpha = 1 (a flat prior) your update should be the ML update N_k / N; yours is not"
        return "your update is right for alpha = 1 but not for this alpha: the pseudo-counts are N_k + alpha_k - 1"
    return None


register(Exercise(
    id="4.8",
    title="A Dirichlet prior on the weights: the MAP update",
    kind="function",
    reference=_map_reference,
    cases=_alpha_cases,
    describe=_alpha_describe,
    returns="a (K,) array",
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
