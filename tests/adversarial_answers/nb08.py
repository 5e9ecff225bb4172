"""Adversarial answers to exercises 8.3-8.6 (notebook 08: a mixture of Bernoulli distributions)."""
import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import logsumexp

from . import right, wrong


def _table(means, targets):
    return np.abs(targets[:, None, :] - means[None, :, :]).mean(axis=2)   # (P, K)


# ---------------------------------------------------------------- 8.3 nearest component of each prototype
@wrong("8.3", "returns (distance, index): the two values swapped")
def near_swapped_order(means, targets):
    t = _table(means, targets)
    i = t.argmin(axis=1)
    return t[np.arange(len(t)), i], i


@wrong("8.3", "the mean squared pixel difference instead of the mean absolute one")
def near_squared(means, targets):
    t = ((targets[:, None, :] - means[None]) ** 2).mean(axis=2)
    i = t.argmin(axis=1)
    return i, t[np.arange(len(t)), i]


@wrong("8.3", "the largest pixel difference (Chebyshev) instead of the mean")
def near_max(means, targets):
    t = np.abs(targets[:, None, :] - means[None]).max(axis=2)
    i = t.argmin(axis=1)
    return i, t[np.arange(len(t)), i]


@wrong("8.3", "1-based indices")
def near_one_based(means, targets):
    t = _table(means, targets)
    i = t.argmin(axis=1)
    return i + 1, t[np.arange(len(t)), i]


@wrong("8.3", "hard-codes three components: looks only at means[:3]")
def near_k3(means, targets):
    t = _table(means[:3], targets)
    i = t.argmin(axis=1)
    return i, t[np.arange(len(t)), i]


@wrong("8.3", "clips the targets in place before comparing", expect="changed its input")
def near_clips(means, targets):
    np.clip(targets, 0.01, 0.99, out=targets)
    t = _table(means, targets)
    i = t.argmin(axis=1)
    return i, t[np.arange(len(t)), i]


@wrong("8.3", "returns a list of (index, distance) pairs, one per prototype")
def near_pairs(means, targets):
    t = _table(means, targets)
    return [(int(k), float(t[p, k])) for p, k in enumerate(t.argmin(axis=1))]


@wrong("8.3", "np.argmin without axis=1: one index into the flattened table", expect="shape")
def near_no_axis(means, targets):
    t = _table(means, targets)
    return np.argmin(t), t.min(axis=1)


@right("8.3", "scipy's cdist with 'cityblock', divided by D")
def near_cdist(means, targets):
    t = cdist(targets, means, "cityblock") / means.shape[1]
    i = t.argmin(axis=1)
    return i, t.min(axis=1)


@right("8.3", "a loop over the prototypes, the result as a list of two arrays")
def near_loop(means, targets):
    index, dist = [], []
    for e in targets:
        d = np.abs(means - e).mean(axis=1)
        index.append(int(np.argmin(d)))
        dist.append(float(d.min()))
    return [np.array(index), np.array(dist)]


@right("8.3", "float32 distances, indices as floats")
def near_f32(means, targets):
    t = _table(means.astype(np.float32), targets.astype(np.float32))
    i = t.argmin(axis=1)
    return i.astype(float), t.min(axis=1)


# ---------------------------------------------------------------- 8.4 ln p(x_n | theta)
@wrong("8.4", "exponentiates the log joints without subtracting the maximum: they underflow for 1500 pixels")
def ll_naive_lse(X, params):
    weights, means = params
    a = np.log(weights) + X @ np.log(means).T + (1 - X) @ np.log1p(-means).T
    return np.log(np.exp(a).sum(axis=1))


@wrong("8.4", "log-sum-exp shifted by one maximum for the whole array, not each row's: underflows for an image "
                "far less likely than the likeliest (found by a student helper)")
def ll_global_max_shift(X, params):
    weights, means = params
    lj = np.log(weights) + X @ np.log(means).T + (1 - X) @ np.log1p(-means).T
    m = lj.max()
    return m + np.log(np.exp(lj - m).sum(axis=1))


@wrong("8.4", "ln mu_ki for the pixels that are off too (1 - mu forgotten inside the log)")
def ll_log_mu_twice(X, params):
    weights, means = params
    a = np.log(weights) + X @ np.log(means).T + (1 - X) @ np.log(means).T
    return logsumexp(a, axis=1)


@wrong("8.4", "ln(1 - mu) written as np.log1p(mu)")
def ll_log1p_sign(X, params):
    weights, means = params
    a = np.log(weights) + X @ np.log(means).T + (1 - X) @ np.log1p(means).T
    return logsumexp(a, axis=1)


@wrong("8.4", "sums over the images: one number, not one per image", expect="shape")
def ll_total(X, params):
    weights, means = params
    return logsumexp(np.log(weights) + X @ np.log(means).T + (1 - X) @ np.log1p(-means).T, axis=1).sum()


@wrong("8.4", "averages over the pixels instead of summing them")
def ll_pixel_mean(X, params):
    weights, means = params
    D = X.shape[1]
    return logsumexp(np.log(weights) + (X @ np.log(means).T + (1 - X) @ np.log1p(-means).T) / D, axis=1)


@wrong("8.4", "clips the means in place away from 0 and 1", expect="changed its input")
def ll_clips(X, params):
    weights, means = params
    np.clip(means, 1e-3, 1 - 1e-3, out=means)
    means *= 1.0 + 1e-9
    return logsumexp(np.log(weights) + X @ np.log(means).T + (1 - X) @ np.log1p(-means).T, axis=1)


@wrong("8.4", "log-sum-exp over the images (axis 0) instead of the components")
def ll_wrong_axis(X, params):
    weights, means = params
    a = np.log(weights) + X @ np.log(means).T + (1 - X) @ np.log1p(-means).T
    return logsumexp(a, axis=0)


@right("8.4", "scipy's logsumexp with the weights as b=")
def ll_b(X, params):
    weights, means = params
    return logsumexp(X @ np.log(means).T + (1 - X) @ np.log1p(-means).T, axis=1, b=weights[None, :])


@right("8.4", "np.logaddexp.reduce and a loop over the components")
def ll_loop(X, params):
    weights, means = params
    cols = [np.log(w) + (X * np.log(m) + (1 - X) * np.log(1 - m)).sum(axis=1) for w, m in zip(weights, means)]
    return np.logaddexp.reduce(np.stack(cols, axis=1), axis=1)


@right("8.4", "xlogy-style with np.where, the maximum subtracted")
def ll_where(X, params):
    weights, means = params
    a = np.log(weights) + np.where(X[:, None, :] == 1, np.log(means)[None], np.log1p(-means)[None]).sum(axis=2)
    m = a.max(axis=1)
    return m + np.log(np.exp(a - m[:, None]).sum(axis=1))


# ---------------------------------------------------------------- 8.5 the M-step for the means
@wrong("8.5", "X.T @ resp, shape (D, K)", expect="transposed")
def m_transposed(X, resp):
    return X.T @ resp / resp.sum(axis=0)


@wrong("8.5", "Laplace smoothing (sum + 1) / (N_k + 2): a Beta(2, 2) prior, not the ML update")
def m_laplace(X, resp):
    return (resp.T @ X + 1) / (resp.sum(axis=0)[:, None] + 2)


@wrong("8.5", "weights the images by the squared responsibilities")
def m_squared(X, resp):
    r = resp**2
    return r.T @ X / r.sum(axis=0)[:, None]


@wrong("8.5", "normalises resp in place over the images first", expect="changed its input")
def m_in_place(X, resp):
    resp /= resp.sum(axis=0)
    return resp.T @ X


@wrong("8.5", "hard-codes K = 3")
def m_k3(X, resp):
    return np.array([resp[:, k] @ X / resp[:, k].sum() for k in range(3)])


@wrong("8.5", "the first component's responsibilities for every component")
def m_first(X, resp):
    mean0 = resp[:, 0] @ X / resp[:, 0].sum()
    return np.tile(mean0, (resp.shape[1], 1))


@wrong("8.5", "returns the new weights N_k / N instead of the means", expect="shape")
def m_weights(X, resp):
    return resp.sum(axis=0) / len(X)


@right("8.5", "np.average with the responsibilities as weights, per component")
def m_average(X, resp):
    return np.array([np.average(X, axis=0, weights=resp[:, k]) for k in range(resp.shape[1])])


@right("8.5", "einsum over a copy of resp normalised per column")
def m_einsum(X, resp):
    w = resp / resp.sum(axis=0)
    return np.einsum("nk,nd->kd", w, X)


@right("8.5", "float32")
def m_f32(X, resp):
    X, resp = X.astype(np.float32), resp.astype(np.float32)
    return resp.T @ X / resp.sum(axis=0)[:, None]


# ---------------------------------------------------------------- 8.6 EM for exponentials
def _resp(x, weights, rates):
    a = np.log(weights) + np.log(rates) - np.outer(x, rates)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


@wrong("8.6", "the E-step in probability space: a long wait underflows every component to 0, and 0/0 is NaN")
def exp_prob_space(x, weights, rates):
    p = weights * rates * np.exp(-np.outer(x, rates))
    resp = p / p.sum(axis=1, keepdims=True)
    N_k = resp.sum(axis=0)
    return N_k / len(x), N_k / (resp.T @ x)


@wrong("8.6", "the weights missing from the E-step")
def exp_no_weights(x, weights, rates):
    a = np.log(rates) - np.outer(x, rates)
    resp = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    N_k = resp.sum(axis=0)
    return N_k / len(x), N_k / (resp.T @ x)


@wrong("8.6", "returns (rates, weights): the pair swapped")
def exp_swapped(x, weights, rates):
    resp = _resp(x, weights, rates)
    N_k = resp.sum(axis=0)
    return N_k / (resp.T @ x), N_k / len(x)


@wrong("8.6", "normalises the responsibilities over the points instead of the components")
def exp_norm_over_n(x, weights, rates):
    a = np.log(weights) + np.log(rates) - np.outer(x, rates)
    resp = np.exp(a - logsumexp(a, axis=0, keepdims=True))
    N_k = resp.sum(axis=0)
    return N_k / len(x), N_k / (resp.T @ x)


@wrong("8.6", "the rates ignore the responsibilities: N / sum_n x_n for every component")
def exp_pooled_rate(x, weights, rates):
    resp = _resp(x, weights, rates)
    return resp.sum(axis=0) / len(x), np.full(len(rates), len(x) / x.sum())


@wrong("8.6", "writes the new values into weights and rates in place", expect="changed its input")
def exp_in_place(x, weights, rates):
    resp = _resp(x, weights, rates)
    N_k = resp.sum(axis=0)
    weights[:] = N_k / len(x)
    rates[:] = N_k / (resp.T @ x)
    return weights, rates


@wrong("8.6", "two EM iterations")
def exp_twice(x, weights, rates):
    for _ in range(2):
        resp = _resp(x, weights, rates)
        N_k = resp.sum(axis=0)
        weights, rates = N_k / len(x), N_k / (resp.T @ x)
    return weights, rates


@right("8.6", "log space with np.logaddexp.reduce, returned as a list")
def exp_logaddexp(x, weights, rates):
    a = np.log(weights)[None] + np.log(rates)[None] - x[:, None] * rates[None]
    resp = np.exp(a - np.logaddexp.reduce(a, axis=1)[:, None])
    N_k = resp.sum(axis=0)
    return [N_k / len(x), N_k / (resp.T @ x)]


@right("8.6", "the M-step for the means 1/lambda_k first, then inverted")
def exp_via_means(x, weights, rates):
    resp = _resp(x, weights, rates)
    N_k = resp.sum(axis=0)
    scale = (resp * x[:, None]).sum(axis=0) / N_k
    return N_k / N_k.sum(), 1.0 / scale


@right("8.6", "a loop over the points for the E-step")
def exp_loop(x, weights, rates):
    resp = np.zeros((len(x), len(rates)))
    for n, xn in enumerate(x):
        a = np.log(weights) + np.log(rates) - rates * xn
        resp[n] = np.exp(a - a.max())
        resp[n] /= resp[n].sum()
    N_k = resp.sum(axis=0)
    return N_k / len(x), N_k / (resp.T @ x)
