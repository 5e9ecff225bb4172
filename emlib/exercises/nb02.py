"""Checked exercises of notebook 02 (mixture models and latent variables).

- 2.4 the posterior gamma(z_nk) = p(z_n = k | x_n, theta) (PRML 9.13, 9.23);
- 2.5 the mixture log-likelihood ln p(X | theta) with a log-sum-exp (PRML 9.14);
- 2.6 the complete-data ML covariances Sigma_k, Z known (maximising PRML 9.36).

References are computed with emlib. The test cases vary N, K (1 to 4) and D (1 to 3),
include two identical components (a tie: gamma(z_nk) = pi_k) and, last, points far from
every component, where exp(ln p(x_n, z_n = k)) underflows to 0 for every k.
"""
import numpy as np

from emlib.em import e_step, m_step
from emlib.mixture import GMMParams, log_joint, mixture_log_likelihood

from . import Exercise, fmt, register, tolerance
from .nb01 import centred_elsewhere


def _random_params(rng, K, D, spread=4.0):
    weights = rng.dirichlet(np.full(K, 3.0))
    means = rng.normal(0.0, spread, size=(K, D))
    covs = []
    for _ in range(K):
        A = rng.normal(size=(D, D))
        covs.append(A @ A.T + 0.5 * np.eye(D))
    return GMMParams(weights, means, np.array(covs))


def _mixture_cases(rng, one_component=True):
    """(X, params) with N != K: K = 3, 2, 4 (and 1), two identical components, and last the far points."""
    cases = []
    for N, K, D in [(7, 3, 2), (10, 2, 1), (6, 4, 3)] + ([(5, 1, 2)] if one_component else []):
        params = _random_params(rng, K, D)
        X = params.means[rng.integers(K, size=N)] + rng.normal(size=(N, D)) * 1.5
        cases.append((X, params))
    twin = _random_params(rng, 3, 2)
    twin = twin._replace(means=twin.means[[0, 0, 1]], covs=twin.covs[[0, 0, 1]])  # components 0 and 1 coincide
    cases.append((twin.means[rng.integers(3, size=9)] + rng.normal(size=(9, 2)), twin))
    params = _random_params(rng, 3, 2, spread=1.0)
    X = rng.normal(size=(8, 2))
    X[:3] += np.array([[120.0, 0.0], [0.0, -120.0], [-100.0, 100.0]])  # exp(ln p(x_n, k)) underflows to 0 for every k here
    cases.append((X, params))
    return cases


def _mixture_describe(case):
    X, params = case[0], case[1]
    N, D = X.shape
    K = len(params.weights)
    text = f"N = {N} points, K = {K} component{'s' if K > 1 else ''}, D = {D}"
    if K > 1 and np.any([np.array_equal(params.means[i], params.means[j]) for i in range(K) for j in range(i)]):
        text += ", two identical components with different weights"
    if np.any(log_joint(X, params).max(axis=1) < -745):
        text += ", some points so far from every component that pi_k N(x_n | mu_k, Sigma_k) underflows to 0 for every k"
    return text


def _far_rows(X, params):
    return np.flatnonzero(log_joint(X, params).max(axis=1) < -745)


def _relabelled(params, perm):
    return GMMParams(params.weights[perm], params.means[perm], params.covs[perm])


# ---------------------------------------------------------------- 2.4 responsibilities
def _resp_ref(X, params):
    return e_step(X, params)


def _weighted_densities(X, params):
    with np.errstate(all="ignore"):
        return np.exp(log_joint(X, params))


def _resp_unnormalised(X, params):
    return _weighted_densities(X, params)


def _resp_over_n(X, params):
    p = _weighted_densities(X, params)
    with np.errstate(all="ignore"):
        return p / p.sum(axis=0, keepdims=True)


def _resp_no_weights(X, params):
    flat = params._replace(weights=np.full(params.weights.size, 1.0 / params.weights.size))
    return e_step(X, flat)


def _resp_transposed(X, params):
    return e_step(X, params).T


def responsibility_properties(got, expected, case, ask=None, what="responsibilities"):
    """Shared by 2.4 and 4.5: NaN at the far points, signs, row sums, then the log-ratios gamma_nk / gamma_n0."""
    X, params = case[0], case[1]
    g = np.asarray(got, dtype=float)
    tol = 100 * tolerance(got)
    far = _far_rows(X, params)
    if np.any(~np.isfinite(g)):
        bad = np.flatnonzero(~np.all(np.isfinite(g), axis=1))
        if far.size and set(bad) <= set(far):
            return (f"your {what} are NaN (or inf) for the points far from every component: there pi_k N(x_n | ...) underflows "
                    "to 0 for every k and Bayes' rule gives 0/0; work with logs and subtract each row's log-sum-exp")
        return f"your {what} contain NaN or inf in row{'s' if bad.size > 1 else ''} {', '.join(map(str, bad[:5]))}: a log of 0, or 0/0?"
    if np.any(g < -tol):
        return f"some of your {what} are negative: did you return a log posterior, not the posterior?"
    if np.any(g > 1 + tol):
        return f"some of your {what} exceed 1, so they are no probabilities: divide by p(x_n), the sum over k of pi_k N(x_n | mu_k, Sigma_k)"
    rows = g.sum(axis=1)
    if g.shape[1] > 1 and np.all((np.abs(g) <= tol) | (np.abs(g - 1) <= tol)) and not np.all(
            (np.asarray(expected) < 1e-6) | (np.asarray(expected) > 1 - 1e-6)):
        return (f"your {what} are all 0 or 1: hard assignments; gamma(z_nk) is the posterior probability of component k, "
                "a number between 0 and 1")
    if not np.allclose(rows, 1.0, rtol=0, atol=tol):
        off = set(np.flatnonzero(~np.isclose(rows, 1.0, rtol=0, atol=tol)))
        if far.size and off <= set(far):
            return (f"the rows of your {what} sum to 1 except for the points far from every component: there pi_k N(x_n | ...) "
                    "underflows to 0 for every k; work with logs and subtract each row's log-sum-exp")
        worst = rows[np.argmax(np.abs(rows - 1.0))]
        cols = g.sum(axis=0)
        if g.shape[1] > 1 and np.allclose(cols, 1.0, atol=tol):
            return f"your columns sum to 1, not your rows: Bayes' rule normalises each point's row over the K components"
        return f"a row of your {what} sums to {fmt(worst, 1.0)}, not 1: normalise over the K components of each point"
    if far.size and not np.allclose(g[far], np.asarray(expected)[far], atol=1e-6) and np.allclose(
            np.delete(g, far, axis=0), np.delete(np.asarray(expected), far, axis=0), rtol=1e-6, atol=1e-9):
        return (f"your {what} are right except for the points far from every component: there, subtract each row's "
                "maximum of ln pi_k + ln N(x_n | ...) before exponentiating, or 1e-300 style guards distort the ratios")
    K = g.shape[1]
    if K == 1:
        return None
    if ask is not None:
        perm = np.roll(np.arange(K), 1)
        relabelled = ask(X, _relabelled(params, perm))
        if relabelled is not None and not np.allclose(np.asarray(relabelled, dtype=float), g[:, perm], atol=tol):
            return (f"relabelling the components should permute the columns of your {what} the same way; yours change otherwise: "
                    "is a component index or K hard-coded?")
    lj = log_joint(X, params)
    near = np.flatnonzero(np.all(g > 1e-12, axis=1) & (lj.max(axis=1) > -700))
    if near.size == 0:
        return None
    with np.errstate(all="ignore"):
        d = (np.log(g[near]) - np.log(g[near, :1])) - (lj[near] - lj[near, :1])  # (n, K), 0 for the right answer
    if np.allclose(d, d[:1], atol=1e-6):  # the error depends on k only
        log_det = np.linalg.slogdet(params.covs)[1]
        if np.allclose(d[0], 0.5 * (log_det - log_det[0]), atol=1e-6):
            return "the normalising factor |Sigma_k|^(-1/2) of N(x_n | mu_k, Sigma_k) is missing: it differs between components"
        if np.allclose(d[0], np.log(params.weights) - np.log(params.weights[0]), atol=1e-6):
            return "your pi_k enters twice (squared): the numerator is pi_k N(x_n | mu_k, Sigma_k)"
        return ("the ratio gamma_nk / gamma_nj is off by a factor that depends only on k: check pi_k and the normaliser "
                "|2 pi Sigma_k|^(-1/2)")
    return ("the ratio gamma_nk / gamma_nj should be pi_k N(x_n | mu_k, Sigma_k) / (pi_j N(x_n | mu_j, Sigma_j)); yours is off by a "
            "factor that varies with x_n: check the exponent -1/2 (x_n - mu_k)^T Sigma_k^{-1} (x_n - mu_k)")


def _resp_diagnose(got, expected, case, ask):
    return responsibility_properties(got, expected, case, ask)


register(
    Exercise(
        id="2.4",
        title="The posterior gamma(z_nk) by Bayes' rule",
        kind="function",
        reference=_resp_ref,
        cases=_mixture_cases,
        describe=_mixture_describe,
        returns="an (N, K) array",
        forbidden=("emlib.e_step", "emlib.em"),
        mistakes=[
            (_resp_transposed, "your array has shape (K, N), expected (N, K): one row per point"),
            (_resp_unnormalised, "you returned pi_k N(x_n | mu_k, Sigma_k) without dividing by p(x_n): the rows must sum to 1"),
            (_resp_over_n, "you normalised over the points n (each column sums to 1); Bayes' rule divides by p(x_n), a sum over the components k"),
            (_resp_no_weights, "you forgot the prior pi_k: the numerator is pi_k N(x_n | mu_k, Sigma_k)"),
        ],
        diagnose=_resp_diagnose,
        hints=(
            "Bayes' rule: posterior = prior times likelihood, divided by the evidence p(x_n).",
            "The numerator is p(x_n, z_n = k) = pi_k N(x_n | mu_k, Sigma_k); emlib.log_joint gives its logarithm as an (N, K) table.",
            "Work in log space: subtract each row's log-sum-exp (its largest entry first) from the row, then exponentiate; "
            "far from every component exp(ln p) underflows to 0 and 0/0 gives NaN.",
        ),
        solution='''
        def responsibilities(X, params):
            lj = emlib.log_joint(X, params)                  # ln pi_k + ln N(x_n | mu_k, Sigma_k), (N, K)
            m = lj.max(axis=1, keepdims=True)
            log_px = m + np.log(np.exp(lj - m).sum(axis=1, keepdims=True))
            return np.exp(lj - log_px)
        ''',
        rtol=1e-8,
        atol=1e-12,
        seed=201,
    )
)


# ---------------------------------------------------------------- 2.5 mixture log-likelihood
def _ll_ref(X, params):
    return mixture_log_likelihood(X, params)


def _ll_log_of_sum(X, params):
    with np.errstate(all="ignore"):
        return float(np.sum(np.log(np.exp(log_joint(X, params)).sum(axis=1))))


def _ll_sum_of_logs(X, params):
    return float(np.sum(log_joint(X, params)))


def _ll_max_only(X, params):
    return float(np.sum(log_joint(X, params).max(axis=1)))


def _ll_no_weights(X, params):
    K = params.weights.size
    lj = log_joint(X, params._replace(weights=np.full(K, 1.0 / K))) + np.log(K)  # ln N(x_n | mu_k, Sigma_k)
    m = lj.max(axis=1, keepdims=True)
    return float(np.sum(m[:, 0] + np.log(np.exp(lj - m).sum(axis=1))))


def _ll_diagnose(got, expected, case, ask):
    X, params = case
    g = float(got)
    tol = 100 * tolerance(got)
    if g == -np.inf:
        return "your value is -inf: exp(ln p(x_n, z_n = k)) underflowed to 0 for a point far from every component; use a log-sum-exp"
    if not np.isfinite(g):
        return f"your value is {g}: a log of 0, 0/0 or inf - inf somewhere?"
    halves = [ask(X[:1], params), ask(X[1:], params)]
    if all(h is not None for h in halves) and not np.isclose(float(halves[0]) + float(halves[1]), g, rtol=tol, atol=tol):
        return ("your value for all the points is not the sum of your values for the first point and for the rest: "
                "ln p(X | theta) = sum_n ln p(x_n | theta), one term per point")
    K = len(params.weights)
    if K > 1:
        relabelled = ask(X, _relabelled(params, np.roll(np.arange(K), 1)))
        if relabelled is not None and not np.isclose(float(relabelled), g, rtol=tol, atol=tol):
            return "relabelling the components changes your value, but ln p(X | theta) does not depend on their order: a hard-coded index?"
    per_point = [ask(X[n:n + 1], params) for n in range(len(X))]
    if all(p is not None for p in per_point):
        wrong = [n for n in range(len(X)) if not np.isclose(float(per_point[n]), _ll_ref(X[n:n + 1], params), rtol=tol, atol=tol)]
        far = set(_far_rows(X, params))
        if wrong and set(wrong) <= far:
            return ("your value is right for the points near the components but not for the points far from every component: "
                    "there every exp underflows; factor out each row's largest term (log-sum-exp)")
    if g > float(expected):
        return "your value is larger than ln p(X | theta): does your sum over k include terms that do not belong to it?"
    return "your value is smaller than ln p(X | theta) even for a single point: ln p(x_n) = ln sum_k pi_k N(x_n | mu_k, Sigma_k), every k included"


register(
    Exercise(
        id="2.5",
        title="The mixture log-likelihood with a log-sum-exp",
        kind="function",
        reference=_ll_ref,
        cases=lambda rng: _mixture_cases(rng, one_component=False),  # with K = 1 three of the mistakes coincide
        describe=_mixture_describe,
        returns="a float",
        forbidden=("emlib.mixture_log_likelihood",),
        mistakes=[
            (_ll_log_of_sum, "your value is -inf on points far from every component: exp underflowed to 0 before the log; subtract each row's maximum first (log-sum-exp)"),
            (_ll_sum_of_logs, "you summed the logs over k: ln p(x_n) = ln sum_k pi_k N(...), the sum over k sits inside the logarithm"),
            (_ll_max_only, "you kept only the largest term of each row: ln sum_k exp(a_k) = m + ln sum_k exp(a_k - m), the rest of the sum is missing"),
            (_ll_no_weights, "you dropped the weights pi_k: every term inside the logarithm is pi_k N(x_n | mu_k, Sigma_k)"),
        ],
        diagnose=_ll_diagnose,
        hints=(
            "ln p(X | theta) = sum_n ln sum_k exp(a_nk) with a_nk = ln pi_k + ln N(x_n | mu_k, Sigma_k), the table emlib.log_joint gives.",
            "exp(a_nk) can underflow to 0 for every k (try a point 60 standard deviations away). Factor out the largest entry of the row.",
            "With m_n = max_k a_nk: ln sum_k exp(a_nk) = m_n + ln sum_k exp(a_nk - m_n); now every exponent is <= 0 and one of them is 0.",
        ),
        solution='''
        def mixture_loglik(X, params):
            lj = emlib.log_joint(X, params)
            m = lj.max(axis=1, keepdims=True)
            return float(np.sum(m[:, 0] + np.log(np.exp(lj - m).sum(axis=1))))
        ''',
        rtol=1e-9,
        seed=202,
    )
)


# ---------------------------------------------------------------- 2.6 complete-data MLE
def _complete_cases(rng):
    """K = 3, 2, 4, 1; labels in random order; one component with exactly D + 1 points; means far from 0."""
    cases = []
    for N, K, D in [(40, 3, 2), (25, 2, 1), (60, 4, 3), (12, 2, 2), (30, 3, 3)]:
        params = _random_params(rng, K, D)
        params = params._replace(means=params.means + 20.0)
        # every component gets at least D + 1 points, so that each Sigma_k is positive definite
        z = np.concatenate([np.repeat(np.arange(K), D + 1), rng.integers(K - 1 if K > 1 else 1, size=N - K * (D + 1))])
        rng.shuffle(z)
        X = params.means[z] + np.einsum("nij,nj->ni", np.linalg.cholesky(params.covs)[z], rng.normal(size=(N, D)))
        cases.append((X, z, K))
    return cases


def _complete_describe(case):
    X, z, K = case
    counts = np.bincount(z, minlength=K)
    return f"N = {len(X)} points, K = {K}, D = {X.shape[1]}, n_k = {counts.tolist()}"


def _one_hot(z, K):
    return np.eye(K)[z]


def _complete_ref(X, z, K):
    return m_step(X, _one_hot(z, K)).covs


def _complete_n_minus_1(X, z, K):
    counts = np.bincount(z, minlength=K)
    return _complete_ref(X, z, K) * (counts / (counts - 1))[:, None, None]


def _complete_global_mean(X, z, K):
    covs = []
    for k in range(K):
        d = X[z == k] - X.mean(axis=0)
        covs.append(d.T @ d / d.shape[0])
    return np.array(covs)


def _complete_divide_by_n(X, z, K):
    counts = np.bincount(z, minlength=K)
    return _complete_ref(X, z, K) * (counts / X.shape[0])[:, None, None]


def _complete_pooled(X, z, K):
    means = m_step(X, _one_hot(z, K)).means
    d = X - means[z]
    return np.repeat((d.T @ d / X.shape[0])[None], K, axis=0)


def _complete_diagnose(got, expected, case, ask):
    X, z, K = case
    g = np.asarray(got, dtype=float)
    tol = 100 * tolerance(got)
    scale = float(np.max(np.abs(g), initial=0.0)) or 1.0
    if not np.allclose(g, np.swapaxes(g, 1, 2), rtol=tol, atol=tol * scale):
        return "one of your Sigma_k is not symmetric: average the outer products (x_n - mu_k)(x_n - mu_k)^T"
    if np.any(np.linalg.eigvalsh((g + np.swapaxes(g, 1, 2)) / 2)[:, 0] < -tol * scale):
        return "one of your Sigma_k has a negative eigenvalue, which an average of outer products cannot have"
    e = np.asarray(expected)
    empty = [k for k in range(K) if np.all(g[k] == 0)]
    if empty:
        return f"your Sigma_k for k = {', '.join(map(str, empty))} is all zeros: did your loop skip that component?"
    if X.shape[1] > 1 and np.allclose(g, g * np.eye(X.shape[1]), atol=tol * scale) and not np.allclose(e, e * np.eye(X.shape[1])):
        return "your Sigma_k are diagonal: the covariances between coordinates (the off-diagonal entries) are missing"
    for k in range(K):
        if centred_elsewhere(g[k], e[k], tol):
            return (f"your Sigma_{k} exceeds the ML covariance by a rank-one term (m - c)(m - c)^T: you centred component {k}'s "
                    "points on a point c other than their own mean m = mu_k")
    shifted = ask(X + 5.0, z, K)
    if shifted is not None and not np.allclose(np.asarray(shifted, dtype=float), g, rtol=tol, atol=tol * scale):
        return "your Sigma_k change when all the points move by the same vector: centre each component's points on their own mean mu_k"
    if K > 1:
        perm = np.roll(np.arange(K), 1)  # label k becomes perm[k]
        relabelled = ask(X, perm[z], K)
        if relabelled is not None and not np.allclose(np.asarray(relabelled, dtype=float)[perm], g, rtol=tol, atol=tol * scale):
            return "renaming the labels should only reorder your Sigma_k; yours change otherwise: is a label or K hard-coded?"
    twice = ask(np.vstack([X, X]), np.concatenate([z, z]), K)
    if twice is not None and not np.allclose(np.asarray(twice, dtype=float), g, rtol=tol, atol=tol * scale):
        return "for the data written twice your Sigma_k should not change; yours do: divide component k's sum by its own count n_k"
    bad = [k for k in range(K) if not np.allclose(g[k], e[k], rtol=1e-6, atol=1e-9 * scale)]
    if bad and len(bad) < K:
        counts = np.bincount(z, minlength=K)
        return (f"Sigma_k is right for some components but not for k = {', '.join(map(str, bad))} "
                f"(n_k = {', '.join(str(counts[k]) for k in bad)}): a loop that misses a component, or a special case?")
    return None


register(
    Exercise(
        id="2.6",
        title="The complete-data ML covariances",
        kind="function",
        reference=_complete_ref,
        cases=_complete_cases,
        describe=_complete_describe,
        returns="a (K, D, D) array",
        mistakes=[
            (_complete_n_minus_1, "you used 1/(n_k - 1) in Sigma_k: the ML covariance divides by n_k"),
            (_complete_global_mean, "your Sigma_k is centred on the mean of all the data: centre each component's points on their own mean mu_k"),
            (_complete_divide_by_n, "your Sigma_k divides by N, not by n_k, the number of points of component k"),
            (_complete_pooled, "all your Sigma_k are the same pooled matrix: each component's covariance uses only its own points"),
        ],
        diagnose=_complete_diagnose,
        hints=(
            "With Z known, ln p(X, Z) = sum_n sum_k z_nk (ln pi_k + ln N(x_n | mu_k, Sigma_k)): the pi-part and each component's Gaussian part can be maximised separately.",
            "The pi-part is sum_k n_k ln pi_k with n_k = sum_n z_nk; maximise it under sum_k pi_k = 1 with a Lagrange multiplier. Each Gaussian part is notebook 01's problem on the points with z_n = k.",
            "Return an array of shape (K, D, D): Sigma_k from the points with z_n = k only, centred on their own mean and divided by n_k.",
        ),
        solution='''
        def complete_data_covariances(X, z, K):
            covs = np.zeros((K, X.shape[1], X.shape[1]))
            for k in range(K):
                centred = X[z == k] - X[z == k].mean(axis=0)   # the points of component k, around mu_k
                covs[k] = centred.T @ centred / len(centred)   # divided by n_k
            return covs
        ''',
        rtol=1e-8,
        atol=1e-10,
        seed=203,
    )
)
