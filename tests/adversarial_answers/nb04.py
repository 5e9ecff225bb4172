"""Adversarial answers to exercises 4.5-4.8 (notebook 04)."""
import numpy as np
import scipy.special

import emlib

from . import right, wrong


def _log_joint(X, params):
    return np.column_stack([np.log(w) + emlib.gaussian_logpdf(X, m, S) for w, m, S in zip(params.weights, params.means, params.covs)])


def _e_step(X, params):
    lj = _log_joint(X, params)
    return np.exp(lj - scipy.special.logsumexp(lj, axis=1, keepdims=True))


def _m_step(X, resp):
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    d = X[:, None, :] - means[None]
    return Nk / len(X), means, np.einsum("nk,nki,nkj->kij", resp, d, d) / Nk[:, None, None]


# ---------------------------------------------------------------- 4.5 the E-step in plain numpy
@wrong("4.5", "return emlib.e_step(X, params): the loophole of issue 19", expect="e_step")
def estep_emlib(X, params):
    return emlib.e_step(X, params)


@wrong("4.5", "uses emlib.log_joint, which the exercise does not allow (only gaussian_logpdf)", expect="log_joint")
def estep_log_joint(X, params):
    lj = emlib.log_joint(X, params)
    return np.exp(lj - scipy.special.logsumexp(lj, axis=1, keepdims=True))


@wrong("4.5", "probability space with np.nan_to_num: the far point gets zeros", expect="far")
def estep_nan_to_num(X, params):
    p = np.exp(_log_joint(X, params))
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(p / p.sum(axis=1, keepdims=True))


@wrong("4.5", "weights squared: ln pi_k added twice", expect="squared")
def estep_weights_twice(X, params):
    lj = _log_joint(X, params) + np.log(params.weights)
    return np.exp(lj - scipy.special.logsumexp(lj, axis=1, keepdims=True))


@wrong("4.5", "standardises X in place first", expect="changed its input")
def estep_in_place(X, params):
    out = _e_step(X.copy(), params)
    X -= X.mean(axis=0)
    return out


@wrong("4.5", "the softmax of the negative log joint (a sign slip)")
def estep_sign(X, params):
    return scipy.special.softmax(-_log_joint(X, params), axis=1)


@wrong("4.5", "hard-codes K = 2 components")
def estep_k2(X, params):
    lj = _log_joint(X, params)[:, :2]
    return np.exp(lj - scipy.special.logsumexp(lj, axis=1, keepdims=True))


@wrong("4.5", "drops the -1/2 ln|Sigma_k| term (its own Mahalanobis distances)", expect="|Sigma_k|")
def estep_no_det(X, params):
    maha = np.column_stack([np.einsum("nd,de,ne->n", X - m, np.linalg.inv(S), X - m) for m, S in zip(params.means, params.covs)])
    a = np.log(params.weights) - 0.5 * maha
    return np.exp(a - scipy.special.logsumexp(a, axis=1, keepdims=True))


@right("4.5", "gaussian_logpdf per component and scipy.special.softmax")
def estep_softmax(X, params):
    return scipy.special.softmax(_log_joint(X, params), axis=1)


@right("4.5", "its own Cholesky log densities, float32 at the end")
def estep_cholesky(X, params):
    N, D = X.shape
    a = np.empty((N, len(params.weights)))
    for k, (w, m, S) in enumerate(zip(params.weights, params.means, params.covs)):
        L = np.linalg.cholesky(S)
        y = np.linalg.solve(L, (X - m).T)
        a[:, k] = np.log(w) - 0.5 * D * np.log(2 * np.pi) - np.log(np.diag(L)).sum() - 0.5 * (y**2).sum(axis=0)
    m = a.max(axis=1, keepdims=True)
    r = np.exp(a - m)
    return (r / r.sum(axis=1, keepdims=True)).astype(np.float32)


@right("4.5", "a list of rows from a Python loop over points")
def estep_loop(X, params):
    rows = []
    for x in X:
        a = np.array([np.log(w) + emlib.gaussian_logpdf(x[None], m, S)[0] for w, m, S in zip(params.weights, params.means, params.covs)])
        rows.append(list(np.exp(a - a.max()) / np.exp(a - a.max()).sum()))
    return rows


# ---------------------------------------------------------------- 4.6 one EM iteration
@wrong("4.6", "writes the new parameters into params (the NamedTuple's arrays) and returns them", expect="changed its input")
def iter_in_place(X, params):
    w, m, c = _m_step(X, emlib.e_step(X, params))
    params.weights[:], params.means[:], params.covs[:] = w, m, c
    return params


@wrong("4.6", "calls emlib.m_step, which the exercise rules out", expect="m_step")
def iter_m_step(X, params):
    return tuple(emlib.m_step(X, emlib.e_step(X, params)))


@wrong("4.6", "returns a GMMParams with the old weights")
def iter_old_weights(X, params):
    w, m, c = _m_step(X, emlib.e_step(X, params))
    return emlib.GMMParams(params.weights, m, c)


@wrong("4.6", "the means divided by N, not by N_k")
def iter_means_over_n(X, params):
    resp = emlib.e_step(X, params)
    w, _, _ = _m_step(X, resp)
    means = resp.T @ X / len(X)
    Nk = resp.sum(axis=0)
    d = X[:, None, :] - means[None]
    return w, means, np.einsum("nk,nki,nkj->kij", resp, d, d) / Nk[:, None, None]


@wrong("4.6", "the covariances ignore the responsibilities (each is the covariance of all the data around mu_k)")
def iter_unweighted_covs(X, params):
    resp = emlib.e_step(X, params)
    w, m, _ = _m_step(X, resp)
    return w, m, np.array([(X - mk).T @ (X - mk) / len(X) for mk in m])


@wrong("4.6", "hard assignments (a k-means step) instead of responsibilities")
def iter_hard(X, params):
    resp = emlib.e_step(X, params)
    hard = np.eye(resp.shape[1])[resp.argmax(axis=1)] + 1e-12
    return _m_step(X, hard)


@wrong("4.6", "returns only (means, covs)", expect="3")
def iter_two_values(X, params):
    return _m_step(X, emlib.e_step(X, params))[1:]


@right("4.6", "a GMMParams from its own E-step and loops over k")
def iter_gmmparams(X, params):
    resp = _e_step(X, params)
    K, D = resp.shape[1], X.shape[1]
    Nk = resp.sum(axis=0)
    means = np.zeros((K, D))
    covs = np.zeros((K, D, D))
    for k in range(K):
        means[k] = resp[:, k] @ X / Nk[k]
        d = X - means[k]
        covs[k] = (resp[:, k, None] * d).T @ d / Nk[k]
    return emlib.GMMParams(Nk / len(X), means, covs)


@right("4.6", "returned as a list [weights, means, covs]")
def iter_list(X, params):
    return list(_m_step(X, emlib.e_step(X, params)))


# ---------------------------------------------------------------- 4.7 diagonal M-step
@wrong("4.7", "variances centred at the global mean of the data", expect="mean of all the data")
def diag_global_centre(X, resp):
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    return Nk / len(X), means, (resp.T @ (X - X.mean(axis=0)) ** 2) / Nk[:, None]


@wrong("4.7", "variances without the responsibilities: X.var per component")
def diag_unweighted(X, resp):
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    return Nk / len(X), means, np.array([((X - m) ** 2).mean(axis=0) for m in means])


@wrong("4.7", "divides the variances by N instead of N_k")
def diag_over_n(X, resp):
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    return Nk / len(X), means, np.einsum("nk,nkd->kd", resp, (X[:, None] - means[None]) ** 2) / len(X)


@wrong("4.7", "uses the old weights: returns uniform 1/K weights")
def diag_uniform_weights(X, resp):
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    return np.full(len(Nk), 1 / len(Nk)), means, np.einsum("nk,nkd->kd", resp, (X[:, None] - means[None]) ** 2) / Nk[:, None]


@wrong("4.7", "normalises resp in place (resp /= resp.sum(0)) to get weights per component", expect="changed its input")
def diag_in_place(X, resp):
    Nk = resp.sum(axis=0)
    resp /= Nk
    means = resp.T @ X
    return Nk / len(X), means, np.einsum("nk,nkd->kd", resp, (X[:, None] - means[None]) ** 2)


@wrong("4.7", "adds 1e-6 to each variance (a regulariser the exercise does not ask for)")
def diag_regularised(X, resp):
    w, m, S = _m_step(X, resp)
    return w, m, np.diagonal(S, axis1=1, axis2=2) + 1e-6 * np.ones(m.shape[1])


@wrong("4.7", "the variances of the means (a (D,) vector for all components)", expect="shape")
def diag_pooled(X, resp):
    w, m, S = _m_step(X, resp)
    return w, m, np.diagonal(S, axis1=1, axis2=2).mean(axis=0)


@right("4.7", "the diagonal of its own full M-step")
def diag_from_full(X, resp):
    w, m, S = _m_step(X, resp)
    return w, m, np.diagonal(S, axis1=1, axis2=2).copy()


@right("4.7", "E[x^2] - mu^2 per component (the data here are well scaled), as a list")
def diag_moments(X, resp):
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    c = X.mean(axis=0)
    second = resp.T @ (X - c) ** 2 / Nk[:, None]
    return [Nk / len(X), means, second - (means - c) ** 2]


# ---------------------------------------------------------------- 4.8 Dirichlet MAP weights
@wrong("4.8", "the denominator N + sum(alpha), without - K: the weights do not sum to 1", expect="sum to")
def map_denominator(resp, alpha):
    return (resp.sum(axis=0) + alpha - 1) / (len(resp) + alpha.sum())


@wrong("4.8", "the prior mean alpha_k / sum(alpha), no data")
def map_prior_mean(resp, alpha):
    return alpha / alpha.sum()


@wrong("4.8", "the average of the ML weights and the prior mean")
def map_average(resp, alpha):
    return 0.5 * resp.sum(axis=0) / len(resp) + 0.5 * alpha / alpha.sum()


@wrong("4.8", "clips the weights at 1e-3 (an extra floor)")
def map_floor(resp, alpha):
    c = resp.sum(axis=0) + alpha - 1
    w = np.maximum(c / c.sum(), 1e-3)
    return w / w.sum()


@wrong("4.8", "subtracts 1 from alpha in place", expect="changed its input")
def map_in_place(resp, alpha):
    alpha -= 1
    c = resp.sum(axis=0) + alpha
    return c / c.sum()


@wrong("4.8", "alpha - 1 divided by N in the numerator only")
def map_scaled(resp, alpha):
    c = resp.sum(axis=0) + (alpha - 1) / len(resp)
    return c / c.sum()


@right("4.8", "pseudo-counts normalised by their own sum")
def map_normalised(resp, alpha):
    c = resp.sum(axis=0) + alpha - 1
    return c / c.sum()


@right("4.8", "a loop, returned as a list")
def map_loop(resp, alpha):
    N, K = resp.shape
    return [(resp[:, k].sum() + alpha[k] - 1) / (N + alpha.sum() - K) for k in range(K)]
