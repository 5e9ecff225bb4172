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

from . import Exercise, fmt, register, tolerance

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


def _same(a, b, got):
    """a and b agree to the precision the answer can have."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=100 * tolerance(got), atol=1e-300))


def _j_diagnose(got, expected, case, ask):
    """Properties of J: non-negative, depends on r, unchanged by a common shift and by reordering the points (with their
    rows of r), and four times larger when the data and the means are scaled by 2."""
    X, r, means = case
    g = float(got)
    if g < 0:
        return "J is a sum of squared distances and cannot be negative"
    other = np.roll(r, 1, axis=1)                              # every point moved to another cluster
    moved = ask(X, other, means)
    if moved is not None and _same(moved, g, got) and not np.isclose(_j_reference(X, other, means), g):
        return ("your J does not change when the assignments r change: J adds, for each point, the squared distance to "
                "the mean that its row of r selects (not to its nearest mean)")
    shift = 10.0 * np.ones(X.shape[1])
    shifted = ask(X + shift, r, means + shift)
    if shifted is not None and not _same(shifted, g, got):
        return ("your J changes when the data and the means move by the same vector; distances do not: compute x_n - mu_k "
                "first (or expand ||x - mu||^2 = ||x||^2 - 2 x.mu + ||mu||^2 with its cross term)")
    perm = np.random.default_rng(0).permutation(len(X))
    reordered = ask(X[perm], r[perm], means)
    if reordered is not None and not _same(reordered, g, got):
        return "your J changes when the points are reordered together with their rows of r: J is a sum over the points, each with its own row of r"
    scaled = ask(2 * X, r, 2 * means)
    if scaled is not None and g > 0:
        power = np.log2(float(scaled) / g)
        if not np.isclose(power, 2.0, atol=1e-6):
            return (f"when the data and the means are scaled by 2, your J grows by a factor {fmt(2 ** power, 4.0)}; a sum of "
                    "squared distances grows by 4: square the Euclidean distances (and do not take a root at the end)")
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
    returns="a float",
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


def _step_diagnose(got, expected, case, ask):
    """The update step averages each cluster: the new means do not move when the old ones move a little (the nearest
    means unchanged), and N_k mu_k is the sum of the cluster's points."""
    X, means = case
    got = np.asarray(got, dtype=float)
    labels = np.argmin(_plain_sq_dist(X, means), axis=1)
    sq = np.sort(_plain_sq_dist(X, means), axis=1)
    nudge = 1e-3 * np.sqrt(np.min(sq[:, 1] - sq[:, 0])) / np.sqrt(X.shape[1])
    nudged = means + nudge * np.random.default_rng(1).choice([-1.0, 1.0], size=means.shape)
    if np.array_equal(np.argmin(_plain_sq_dist(X, nudged), axis=1), labels):
        after = ask(X, nudged)
        if after is not None and not _same(after, got, got):
            return ("your new means move when the old means move a little without changing which mean is nearest to each "
                    "point: the assignment is hard (r_nk is 0 or 1) and the update step averages each cluster's points; "
                    "the old means play no other part")
    counts = np.bincount(labels, minlength=len(means))
    sums = np.array([X[labels == k].sum(axis=0) for k in range(len(means))])
    bad = [k for k in range(len(means)) if not np.allclose(counts[k] * got[k], sums[k], rtol=1e-6, atol=1e-9 * max(1.0, np.abs(sums).max()))]
    if bad:
        return (f"the new mean of cluster {bad[0]} is not the average of the points nearest to the old mean {bad[0]} "
                f"(N_k mu_k should be the sum of those points): assign each point to its nearest old mean, then average each cluster")
    return None


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
    diagnose=_step_diagnose,
    returns="a (K, D) array",
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
        return f"responsibilities sum to 1 over k; yours sum to {fmt(got.sum(), 1.0)}"
    if got[2] > 1e-9:
        return "the third mean is farther from x than the others: its share vanishes as eps -> 0"
    tied = [0, 1, 3]
    if np.any(got[tied] < 1e-9):
        return ("a mean that is as near to x as the nearest one got no share: at a tie, every tied mean keeps a share "
                "for every eps, so the limit splits among them")
    if not np.allclose(got[tied] / got[tied].sum(), TIE_WEIGHTS[tied] / TIE_WEIGHTS[tied].sum(), rtol=1e-6):
        return "among the tied means, the shares must stay in the ratio of their weights: gamma_j / gamma_k = pi_j / pi_k when d_j = d_k"
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
