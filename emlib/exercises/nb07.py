"""Checked exercises of notebook 07 (k-means as the hard limit of EM).

7.4  the k-means objective J (a function)
7.5  one k-means iteration: hard assignments, then the new means (a function)
7.6  the eps -> 0 limit of the responsibilities when several means tie (a value)

References are computed with emlib: squared distances from the log density of
N(x | mu_k, I), hard assignments as the responsibilities of a mixture with
covariances eps I at a tiny eps, and new means from ``emlib.m_step``.
"""
import numpy as np

import emlib

from . import Exercise, register

_LOG_2PI = np.log(2.0 * np.pi)


def _gmm_eps(means, eps, weights=None):
    K, D = means.shape
    w = np.full(K, 1.0 / K) if weights is None else np.asarray(weights, dtype=float)
    return emlib.GMMParams(w, means, np.broadcast_to(eps * np.eye(D), (K, D, D)).copy())


def _sq_dist(X, means):
    """||x_n - mu_k||^2, shape (N, K), from ln N(x_n | mu_k, I) = -(D ln 2 pi + ||x_n - mu_k||^2) / 2."""
    K, D = means.shape
    log_joint = emlib.log_joint(X, _gmm_eps(means, 1.0))          # includes ln(1/K)
    return -2.0 * (log_joint - np.log(1.0 / K)) - D * _LOG_2PI


def _plain_sq_dist(X, means):
    return ((X[:, None, :] - means[None]) ** 2).sum(axis=2)


# ---------------------------------------------------------------- 7.4 the objective J
def _j_cases(rng):
    cases = []
    for N, K, D in [(12, 3, 2), (40, 4, 3), (25, 2, 5)]:
        X = rng.normal(size=(N, D)) * 2.0
        r = np.eye(K)[rng.integers(K, size=N)]
        means = rng.normal(size=(K, D))
        cases.append((X, r, means))
    return cases


def _j_reference(X, r, means):
    return float(np.sum(r * _sq_dist(X, means)))


def _j_unsquared(X, r, means):
    return float(np.sum(r * np.sqrt(_plain_sq_dist(X, means))))


def _j_mean(X, r, means):
    return float(np.sum(r * _plain_sq_dist(X, means)) / len(X))


def _j_all_means(X, r, means):
    return float(np.sum(_plain_sq_dist(X, means)))


def _j_diagnose(got, expected, case):
    got = float(np.asarray(got, dtype=float))
    if got < 0:
        return "J is a sum of squared distances and cannot be negative"
    return None


register(Exercise(
    id="7.4",
    title="The k-means objective J",
    kind="function",
    reference=_j_reference,
    cases=_j_cases,
    mistakes=[
        (_j_unsquared, "you summed the distances ||x_n - mu_k||, not their squares"),
        (_j_mean, "you divided by N: J is a sum over the points, not a mean"),
        (_j_all_means, "you summed the distances to every mean: r_nk keeps only the mean that point n is assigned to"),
    ],
    diagnose=_j_diagnose,
    hints=(
        "J = sum_n sum_k r_nk ||x_n - mu_k||^2: one squared Euclidean distance per point, to the mean it is assigned to.",
        "Broadcasting X[:, None, :] - means[None] gives shape (N, K, D); square and sum over the last axis for (N, K) squared distances.",
        "Multiply the (N, K) squared distances by r (same shape) and sum everything; return a float.",
    ),
    solution='''
    def distortion(X, r, means):
        sq = ((X[:, None, :] - means[None]) ** 2).sum(axis=2)   # (N, K) squared distances
        return float(np.sum(r * sq))
    ''',
    seed=704,
))


# ---------------------------------------------------------------- 7.5 one k-means iteration
def _step_cases(rng):
    cases = []
    for N, K, D in [(30, 3, 2), (60, 4, 2), (45, 3, 4)]:
        while True:
            X = rng.normal(size=(N, D)) + 2.0 * rng.normal(size=(K, D))[rng.integers(K, size=N)]
            means = X[rng.choice(N, size=K, replace=False)]        # distinct data points: no empty cluster
            sq = np.sort(_plain_sq_dist(X, means), axis=1)
            if np.min(sq[:, 1] - sq[:, 0]) > 1e-3:                 # no near-tie: hard assignments are unambiguous
                break
        cases.append((X, means))
    return cases


def _hard(X, means):
    """Hard assignments as emlib's responsibilities at eps = 1e-9 (exactly 0/1 for these cases)."""
    return np.round(emlib.e_step(X, _gmm_eps(means, 1e-9)))


def _step_reference(X, means):
    return emlib.m_step(X, _hard(X, means), reg_covar=1e-6).means


def _step_argmax(X, means):
    r = np.eye(len(means))[np.argmax(_plain_sq_dist(X, means), axis=1)]
    return (r.T @ X) / np.maximum(r.sum(axis=0), 1)[:, None]


def _step_over_n(X, means):
    r = _hard(X, means)
    return (r.T @ X) / len(X)


def _step_all_points(X, means):
    return np.broadcast_to(X.mean(axis=0), means.shape).copy()


def _step_twice(X, means):
    return _step_reference(X, _step_reference(X, means))


register(Exercise(
    id="7.5",
    title="One k-means iteration",
    kind="function",
    reference=_step_reference,
    cases=_step_cases,
    mistakes=[
        (_step_argmax, "your means average the points that are farthest from each mean: the assignment step takes the argmin of the distance, not the argmax"),
        (_step_over_n, "you divided by N: each new mean is the average over its own cluster, so divide by N_k = sum_n r_nk"),
        (_step_all_points, "every new mean is the average of all points: weight the points by r_nk, so that each mean averages only its own cluster"),
        (_step_twice, "your function did two iterations: one assignment step, then one update step"),
    ],
    hints=(
        "First the assignment step (PRML 9.2): r_nk = 1 for the nearest mean, 0 otherwise, shape (N, K). Then the update step (PRML 9.4).",
        "np.argmin over the (N, K) squared distances gives each point's nearest mean; np.eye(K)[labels] turns labels into one-hot rows.",
        "The new mean of cluster k is sum_n r_nk x_n / sum_n r_nk: a matrix product r.T @ X divided by the column sums of r.",
    ),
    solution='''
    def kmeans_step(X, means):
        K = len(means)
        sq = ((X[:, None, :] - means[None]) ** 2).sum(axis=2)   # (N, K) squared distances
        r = np.eye(K)[np.argmin(sq, axis=1)]                     # assignment step (PRML 9.2)
        return (r.T @ X) / r.sum(axis=0)[:, None]                # update step (PRML 9.4)
    ''',
    seed=705,
))


# ---------------------------------------------------------------- 7.6 the limit at a tie
TIE_POINT = np.array([0.0, 0.0])
TIE_MEANS = np.array([[2.0, 0.0], [0.0, 2.0], [-3.0, 0.0], [0.0, -2.0]])
TIE_WEIGHTS = np.array([0.1, 0.2, 0.3, 0.4])


def _tie_reference():
    """emlib's responsibilities at eps = 1e-3: the far mean's share is exp(-5/2e-3), zero in floating point."""
    return emlib.e_step(TIE_POINT[None], _gmm_eps(TIE_MEANS, 1e-3, TIE_WEIGHTS))[0]


def _tie_argmin():
    return np.eye(4)[np.argmin(_plain_sq_dist(TIE_POINT[None], TIE_MEANS)[0])]


def _tie_equal():
    tied = np.isclose(_plain_sq_dist(TIE_POINT[None], TIE_MEANS)[0], 4.0)
    return tied / tied.sum()


def _tie_weights():
    return TIE_WEIGHTS.copy()


def _tie_diagnose(got, expected, case):
    got = np.asarray(got, dtype=float)
    if not np.isclose(got.sum(), 1.0):
        return f"responsibilities sum to 1 over k; yours sum to {got.sum():.3g}"
    if got[2] > 1e-9:
        return "the third mean is farther from x than the others: its share vanishes as eps -> 0"
    return None


register(Exercise(
    id="7.6",
    title="The limit at a tie",
    kind="value",
    reference=_tie_reference,
    mistakes=[
        (_tie_argmin, "you broke the tie: argmin picks one of the nearest means, but in the limit every tied mean keeps a share"),
        (_tie_equal, "an equal split ignores the weights: when the distances are equal, gamma_j / gamma_k = pi_j / pi_k for every eps"),
        (_tie_weights, "the weights alone are the limit only if all means are equally far: a mean farther than the nearest loses its share as eps -> 0"),
    ],
    diagnose=_tie_diagnose,
    hints=(
        "Compute the squared distances from x to the four means first: which ones are the smallest?",
        "Divide numerator and denominator of PRML 9.42 by exp(-d_min / 2 eps). Terms with d_k = d_min keep their pi_k; the others carry exp(-(d_k - d_min) / 2 eps).",
        "The limit is pi_k restricted to the tied means, renormalised to sum to 1; zero elsewhere.",
    ),
    solution='''
    d = ((means_ex - x_ex) ** 2).sum(axis=1)            # squared distances to the four means
    tied = np.isclose(d, d.min())                       # the nearest means (here more than one)
    gamma_limit = np.where(tied, weights_ex, 0.0) / weights_ex[tied].sum()
    ''',
))
