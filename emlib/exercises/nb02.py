"""Checked exercises of notebook 02 (mixture models and latent variables).

- 2.4 the posterior gamma(z_nk) = p(z_n = k | x_n, theta) (PRML 9.13, 9.23);
- 2.5 the mixture log-likelihood ln p(X | theta) with a log-sum-exp (PRML 9.14);
- 2.6 the complete-data ML covariances Sigma_k, Z known (maximising PRML 9.36).

References are computed with emlib.
"""
import numpy as np

from emlib.em import e_step, m_step
from emlib.mixture import GMMParams, log_joint, mixture_log_likelihood

from . import Exercise, register


def _random_params(rng, K, D, spread=4.0):
    weights = rng.dirichlet(np.full(K, 3.0))
    means = rng.normal(0.0, spread, size=(K, D))
    covs = []
    for _ in range(K):
        A = rng.normal(size=(D, D))
        covs.append(A @ A.T + 0.5 * np.eye(D))
    return GMMParams(weights, means, np.array(covs))


def _mixture_cases(rng, far=True):
    """(X, params) with N != K; the last case has points far from every component."""
    cases = []
    for N, K, D in [(7, 3, 2), (10, 2, 1), (6, 4, 3)]:
        params = _random_params(rng, K, D)
        X = params.means[rng.integers(K, size=N)] + rng.normal(size=(N, D)) * 1.5
        cases.append((X, params))
    if far:
        params = _random_params(rng, 3, 2, spread=1.0)
        X = rng.normal(size=(8, 2))
        X[:3] += np.array([[120.0, 0.0], [0.0, -120.0], [-100.0, 100.0]])  # exp(ln p(x_n, k)) underflows to 0 for every k here
        cases.append((X, params))
    return cases


# ---------------------------------------------------------------- 2.4 responsibilities
def _resp_cases(rng):
    return _mixture_cases(rng, far=True)


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


def _resp_diagnose(got, expected, case):
    g = np.asarray(got, dtype=float)
    if g.shape != np.shape(expected) or not np.all(np.isfinite(g)):
        return None
    if np.any(g < 0):
        return "some of your responsibilities are negative: did you return the log posterior, not the posterior?"
    rows = g.sum(axis=1)
    if not np.allclose(rows, 1.0, rtol=1e-8):
        worst = rows[np.argmax(np.abs(rows - 1.0))]
        return f"a row of your responsibilities sums to {worst:.3g}, not 1: normalise over the K components of each point"
    return None


register(
    Exercise(
        id="2.4",
        title="The posterior gamma(z_nk) by Bayes' rule",
        kind="function",
        reference=_resp_ref,
        cases=_resp_cases,
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
def _ll_cases(rng):
    return _mixture_cases(rng, far=True)


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


def _ll_diagnose(got, expected, case):
    try:
        g = float(got)
    except (TypeError, ValueError):
        return None
    if g == -np.inf:
        return "your value is -inf: exp(ln p(x_n, z_n = k)) underflowed to 0 for a point far from every component; use a log-sum-exp"
    if g > float(expected):
        return "your value is larger than ln p(X): does your sum over k include terms that do not belong to it?"
    return None


register(
    Exercise(
        id="2.5",
        title="The mixture log-likelihood with a log-sum-exp",
        kind="function",
        reference=_ll_ref,
        cases=_ll_cases,
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
    cases = []
    for N, K, D in [(40, 3, 2), (25, 2, 1), (60, 4, 3)]:
        params = _random_params(rng, K, D)
        # every component gets at least D + 1 points, so that each Sigma_k is positive definite
        z = np.concatenate([np.repeat(np.arange(K), D + 1), rng.integers(K, size=N - K * (D + 1))])
        rng.shuffle(z)
        X = params.means[z] + np.einsum("nij,nj->ni", np.linalg.cholesky(params.covs)[z], rng.normal(size=(N, D)))
        cases.append((X, z, K))
    return cases


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


def _complete_diagnose(got, expected, case):
    g = np.asarray(got, dtype=float)
    if g.shape != np.shape(expected) or not np.all(np.isfinite(g)):
        return None
    if not np.allclose(g, np.swapaxes(g, 1, 2), rtol=1e-10, atol=1e-12):
        return "one of your Sigma_k is not symmetric: average the outer products (x_n - mu_k)(x_n - mu_k)^T"
    return None


register(
    Exercise(
        id="2.6",
        title="The complete-data ML covariances",
        kind="function",
        reference=_complete_ref,
        cases=_complete_cases,
        mistakes=[
            (_complete_n_minus_1, "you used 1/(N_k - 1) in Sigma_k: the ML covariance divides by N_k"),
            (_complete_global_mean, "your Sigma_k is centred on the mean of all the data: centre each component's points on their own mean mu_k"),
            (_complete_divide_by_n, "your Sigma_k divides by N, not by N_k, the number of points of component k"),
            (_complete_pooled, "all your Sigma_k are the same pooled matrix: each component's covariance uses only its own points"),
        ],
        diagnose=_complete_diagnose,
        hints=(
            "With Z known, ln p(X, Z) = sum_n sum_k z_nk (ln pi_k + ln N(x_n | mu_k, Sigma_k)): the pi-part and each component's Gaussian part can be maximised separately.",
            "The pi-part is sum_k N_k ln pi_k with N_k = sum_n z_nk; maximise it under sum_k pi_k = 1 with a Lagrange multiplier. Each Gaussian part is notebook 01's problem on the points with z_n = k.",
            "Return an array of shape (K, D, D): Sigma_k from the points with z_n = k only, centred on their own mean and divided by N_k.",
        ),
        solution='''
        def complete_data_covariances(X, z, K):
            covs = np.zeros((K, X.shape[1], X.shape[1]))
            for k in range(K):
                centred = X[z == k] - X[z == k].mean(axis=0)   # the points of component k, around mu_k
                covs[k] = centred.T @ centred / len(centred)   # divided by N_k
            return covs
        ''',
        rtol=1e-8,
        atol=1e-10,
        seed=203,
    )
)
