"""Adversarial answers to exercises 7.4-7.6 (notebook 07: k-means as the hard limit of EM)."""
import numpy as np
from scipy.spatial.distance import cdist

from . import right, wrong


def _sq(X, means):
    return ((X[:, None, :] - means[None]) ** 2).sum(axis=2)


# ---------------------------------------------------------------- 7.4 the distortion J
@wrong("7.4", "ignores r and assigns every point to its nearest mean")
def j_nearest(X, r, means):
    return float(_sq(X, means).min(axis=1).sum())


@wrong("7.4", "hard-codes D = 2: only the first two coordinates")
def j_d2(X, r, means):
    return float(np.sum(r * _sq(X[:, :2], means[:, :2])))


@wrong("7.4", "returns each point's squared distance, an array", expect="shape")
def j_per_point(X, r, means):
    return np.sum(r * _sq(X, means), axis=1)


@wrong("7.4", "expands ||x - mu||^2 as ||x||^2 - ||mu||^2 (the cross term forgotten)")
def j_no_cross(X, r, means):
    sq = (X**2).sum(axis=1)[:, None] - (means**2).sum(axis=1)[None]
    return float(np.sum(r * sq))


@wrong("7.4", "centres X in place on its mean first", expect="changed its input")
def j_in_place(X, r, means):
    c = X.mean(axis=0)
    X -= c
    return float(np.sum(r * _sq(X, means - c)))


@wrong("7.4", "J / 2, as in the limit of -eps Q")
def j_half(X, r, means):
    return float(np.sum(r * _sq(X, means)) / 2)


@wrong("7.4", "the square root of J (the root of the summed squares)")
def j_sqrt(X, r, means):
    return float(np.sqrt(np.sum(r * _sq(X, means))))


@wrong("7.4", "uses r transposed: means indexed by the points' labels in the wrong order")
def j_labels_swapped(X, r, means):
    labels = np.argmax(r, axis=1)
    return float(np.sum((X - means[labels[::-1]]) ** 2))


@right("7.4", "np.linalg.norm squared, with the one-hot labels")
def j_norm(X, r, means):
    labels = np.argmax(r, axis=1)
    return float(np.linalg.norm(X - means[labels]) ** 2)


@right("7.4", "scipy's cdist with 'sqeuclidean'")
def j_cdist(X, r, means):
    return np.sum(r * cdist(X, means, "sqeuclidean"))


@right("7.4", "a double loop, in float32")
def j_loop_f32(X, r, means):
    X, r, means = X.astype(np.float32), r.astype(np.float32), means.astype(np.float32)
    total = np.float32(0)
    for n in range(len(X)):
        for k in range(len(means)):
            total += r[n, k] * np.sum((X[n] - means[k]) ** 2)
    return total


# ---------------------------------------------------------------- 7.5 one k-means iteration
@wrong("7.5", "overwrites the means in place (means[k] = ...) and returns them", expect="changed its input")
def step_in_place(X, means):
    labels = np.argmin(_sq(X, means), axis=1)
    for k in range(len(means)):
        means[k] = X[labels == k].mean(axis=0)
    return means


@wrong("7.5", "hard-codes K = 3")
def step_k3(X, means):
    labels = np.argmin(_sq(X, means[:3]), axis=1)
    return np.array([X[labels == k].mean(axis=0) for k in range(3)])


@wrong("7.5", "the median of each cluster instead of its mean (k-medians)")
def step_median(X, means):
    labels = np.argmin(_sq(X, means), axis=1)
    return np.array([np.median(X[labels == k], axis=0) for k in range(len(means))])


@wrong("7.5", "soft assignments exp(-||x - mu||^2) normalised over k, as in EM with unit variances")
def step_soft(X, means):
    a = -_sq(X, means)
    r = np.exp(a - a.max(axis=1, keepdims=True))
    r /= r.sum(axis=1, keepdims=True)
    return (r.T @ X) / r.sum(axis=0)[:, None]


@wrong("7.5", "assigns each mean its nearest point (argmin over the points)")
def step_wrong_axis(X, means):
    return X[np.argmin(_sq(X, means), axis=0)]


@wrong("7.5", "returns the new means and the labels", expect="2 values")
def step_with_labels(X, means):
    labels = np.argmin(_sq(X, means), axis=1)
    return np.array([X[labels == k].mean(axis=0) for k in range(len(means))]), labels


@wrong("7.5", "moves each mean halfway towards its cluster's average (a damped step)")
def step_damped(X, means):
    labels = np.argmin(_sq(X, means), axis=1)
    new = np.array([X[labels == k].mean(axis=0) for k in range(len(means))])
    return 0.5 * (means + new)


@wrong("7.5", "counts the old mean as one more point of its cluster: (sum + mu_k) / (N_k + 1)")
def step_old_mean_counted(X, means):
    labels = np.argmin(_sq(X, means), axis=1)
    return np.array([(X[labels == k].sum(axis=0) + means[k]) / (np.sum(labels == k) + 1) for k in range(len(means))])


@right("7.5", "Euclidean (unsquared) distances: the same nearest mean")
def step_unsquared(X, means):
    labels = np.argmin(np.sqrt(_sq(X, means)), axis=1)
    return np.array([X[labels == k].mean(axis=0) for k in range(len(means))])


@right("7.5", "scipy's cdist and np.bincount-weighted sums")
def step_cdist(X, means):
    labels = cdist(X, means).argmin(axis=1)
    K, D = means.shape
    sums = np.stack([np.bincount(labels, weights=X[:, d], minlength=K) for d in range(D)], axis=1)
    return sums / np.bincount(labels, minlength=K)[:, None]


@right("7.5", "a loop over the points, means on a copy")
def step_loop(X, means):
    new = np.zeros_like(means)
    count = np.zeros(len(means))
    for x in X:
        k = int(np.argmin(((means - x) ** 2).sum(axis=1)))
        new[k] += x
        count[k] += 1
    return new / count[:, None]


# ---------------------------------------------------------------- 7.6 the limit at a tie
_X = np.array([0.0, 0.0])
_MEANS = np.array([[2.0, 0.0], [0.0, 2.0], [-3.0, 0.0], [0.0, -2.0]])
_W = np.array([0.1, 0.2, 0.3, 0.4])


@wrong("7.6", "keeps pi_k on the tied means but forgets to renormalise", value=True)
def tie_not_renormalised():
    d = ((_MEANS - _X) ** 2).sum(axis=1)
    return np.where(np.isclose(d, d.min()), _W, 0.0)


@wrong("7.6", "the responsibilities at eps = 1, not the limit", value=True)
def tie_eps_one():
    a = np.log(_W) - ((_MEANS - _X) ** 2).sum(axis=1) / 2
    r = np.exp(a - a.max())
    return r / r.sum()


@wrong("7.6", "all the weight on the heaviest of the tied means", value=True)
def tie_heaviest():
    return np.array([0.0, 0.0, 0.0, 1.0])


@wrong("7.6", "drops the wrong mean (the second, not the far third)", value=True)
def tie_wrong_index():
    g = _W.copy()
    g[1] = 0.0
    return g / g.sum()


@wrong("7.6", "weights pi_k / d_k, renormalised", value=True)
def tie_inverse_distance():
    d = ((_MEANS - _X) ** 2).sum(axis=1)
    g = _W / d
    return g / g.sum()


@wrong("7.6", "renormalises over all four means, with the far one set to its weight squared", value=True)
def tie_far_squared():
    g = _W.copy()
    g[2] = _W[2] ** 2
    return g / g.sum()


@wrong("7.6", "a list of strings", value=True, expect="string")
def tie_strings():
    return ["1/7", "2/7", "0", "4/7"]


@right("7.6", "unsquared distances find the same tie", value=True)
def tie_unsquared():
    d = np.sqrt(((_MEANS - _X) ** 2).sum(axis=1))
    tied = d == d.min()
    return np.where(tied, _W, 0.0) / _W[tied].sum()


@right("7.6", "exact fractions as a list", value=True)
def tie_fractions():
    return [1 / 7, 2 / 7, 0, 4 / 7]


@right("7.6", "float32", value=True)
def tie_float32():
    return (np.array([1, 2, 0, 4], dtype=np.float32) / np.float32(7))
