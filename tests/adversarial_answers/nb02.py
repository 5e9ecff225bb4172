"""Adversarial answers to exercises 2.4-2.6 (notebook 02)."""
import numpy as np
import scipy.special

import emlib

from . import right, wrong


def _lj(X, params):
    return emlib.log_joint(X, params)


def _lse(a):
    m = a.max(axis=1, keepdims=True)
    return m + np.log(np.exp(a - m).sum(axis=1, keepdims=True))


# ---------------------------------------------------------------- 2.4 responsibilities
@wrong("2.4", "calls emlib.e_step, which the exercise rules out", expect="e_step")
def resp_e_step(X, params):
    return emlib.e_step(X, params)


@wrong("2.4", "probability space, with a 1e-300 guard against 0/0: the far points get equal shares", expect="far")
def resp_guarded(X, params):
    p = np.exp(_lj(X, params)) + 1e-300
    return p / p.sum(axis=1, keepdims=True)


@wrong("2.4", "normalises by the row maximum instead of the row sum", expect="sums to")
def resp_max_normalised(X, params):
    lj = _lj(X, params)
    return np.exp(lj - lj.max(axis=1, keepdims=True))


@wrong("2.4", "hard-codes K = 3 columns")
def resp_k3(X, params):
    lj = _lj(X, params)[:, :3]
    return np.exp(lj - _lse(lj))


@wrong("2.4", "writes the normalised table into params.weights as a side effect", expect="changed its input")
def resp_mutates_params(X, params):
    g = np.exp(_lj(X, params) - _lse(_lj(X, params)))
    params.weights[:] = g.mean(axis=0)
    return g


@wrong("2.4", "drops the determinant: Mahalanobis distances only", expect="|Sigma_k|")
def resp_no_det(X, params):
    maha = np.stack([np.einsum("nd,de,ne->n", X - m, np.linalg.inv(S), X - m) for m, S in zip(params.means, params.covs)], axis=1)
    a = np.log(params.weights) - 0.5 * maha
    return np.exp(a - _lse(a))


@wrong("2.4", "uses the covariance where the precision belongs (the ctgk/PRML bug)")
def resp_cov_not_precision(X, params):
    D = X.shape[1]
    a = np.stack([np.log(w) - 0.5 * (D * np.log(2 * np.pi) + np.linalg.slogdet(S)[1]) - 0.5 * np.einsum("nd,de,ne->n", X - m, S, X - m)
                  for w, m, S in zip(params.weights, params.means, params.covs)], axis=1)
    return np.exp(a - _lse(a))


@wrong("2.4", "hard assignments (one-hot of the argmax), as a list of lists", expect="0 or 1")
def resp_hard_assign(X, params):
    lj = _lj(X, params)
    return np.eye(lj.shape[1])[lj.argmax(axis=1)].tolist()


@right("2.4", "scipy.special.softmax over k")
def resp_softmax(X, params):
    return scipy.special.softmax(_lj(X, params), axis=1)


@right("2.4", "scipy.special.logsumexp, computed in float32 at the end")
def resp_float32(X, params):
    lj = _lj(X, params)
    return np.exp(lj - scipy.special.logsumexp(lj, axis=1, keepdims=True)).astype(np.float32)


@right("2.4", "its own log densities from Cholesky factors, a loop over k")
def resp_cholesky(X, params):
    N, D = X.shape
    a = np.empty((N, len(params.weights)))
    for k, (w, m, S) in enumerate(zip(params.weights, params.means, params.covs)):
        L = np.linalg.cholesky(S)
        y = np.linalg.solve(L, (X - m).T)
        a[:, k] = np.log(w) - 0.5 * D * np.log(2 * np.pi) - np.log(np.diag(L)).sum() - 0.5 * (y**2).sum(axis=0)
    return np.exp(a - _lse(a))


# ---------------------------------------------------------------- 2.5 mixture log-likelihood
@wrong("2.5", "calls emlib.mixture_log_likelihood, which the exercise rules out", expect="mixture_log_likelihood")
def ll_emlib(X, params):
    return emlib.mixture_log_likelihood(X, params)


@wrong("2.5", "log-sum-exp over the points (axis 0) and the sum over k")
def ll_wrong_axis(X, params):
    return float(np.sum(scipy.special.logsumexp(_lj(X, params), axis=0)))


@wrong("2.5", "the average over points, not the sum", expect="sum")
def ll_mean(X, params):
    return float(np.mean(scipy.special.logsumexp(_lj(X, params), axis=1)))


@wrong("2.5", "probability space with a guard: ln(sum + 1e-300)", expect="far")
def ll_guarded(X, params):
    return float(np.sum(np.log(np.exp(_lj(X, params)).sum(axis=1) + 1e-300)))


@wrong("2.5", "uses only the first two components (hard-coded K = 2)")
def ll_k2(X, params):
    return float(np.sum(scipy.special.logsumexp(_lj(X, params)[:, :2], axis=1)))


@wrong("2.5", "never stops: a while loop whose condition never changes", expect="did not finish")
def ll_endless(X, params):
    total, n = 0.0, 0
    while n < len(X):
        total += float(scipy.special.logsumexp(_lj(X[n:n + 1], params)))
    return total


@wrong("2.5", "forgets the log of the weights: multiplies the log densities by pi_k")
def ll_weight_times_log(X, params):
    lj = _lj(X, params) - np.log(params.weights)
    return float(np.sum(scipy.special.logsumexp(lj * params.weights, axis=1)))


@wrong("2.5", "returns ln p(x_n) for every point, an array", expect="single number")
def ll_per_point(X, params):
    return scipy.special.logsumexp(_lj(X, params), axis=1)


@right("2.5", "scipy.special.logsumexp")
def ll_scipy(X, params):
    return float(scipy.special.logsumexp(_lj(X, params), axis=1).sum())


@right("2.5", "np.logaddexp.reduce, returned as a 0-d array")
def ll_logaddexp(X, params):
    return np.sum(np.logaddexp.reduce(_lj(X, params), axis=1))


@right("2.5", "a loop over points, a max per point")
def ll_loop(X, params):
    total = 0.0
    for row in _lj(X, params):
        m = row.max()
        total += m + np.log(np.sum(np.exp(row - m)))
    return total


# ---------------------------------------------------------------- 2.6 complete-data covariances
def _cov_k(X, z, K, centre):
    D = X.shape[1]
    out = np.zeros((K, D, D))
    for k in range(K):
        Xk = X[z == k]
        d = Xk - centre(Xk, k)
        out[k] = d.T @ d / len(Xk)
    return out


@right("2.6", "emlib.m_step with one-hot labels (the exercise does not rule it out)")
def complete_m_step(X, z, K):
    return emlib.m_step(X, np.eye(K)[z]).covs


@wrong("2.6", "loops over range(K - 1): the last component stays zero", expect="k = ")
def complete_off_by_one(X, z, K):
    D = X.shape[1]
    out = np.zeros((K, D, D))
    for k in range(K - 1):
        d = X[z == k] - X[z == k].mean(axis=0)
        out[k] = d.T @ d / len(d)
    return out


@wrong("2.6", "centres in place: X[z == k] -= mean writes into X", expect="changed its input")
def complete_in_place(X, z, K):
    D = X.shape[1]
    out = np.zeros((K, D, D))
    for k in range(K):
        X[z == k] -= X[z == k].mean(axis=0)
        d = X[z == k]
        out[k] = d.T @ d / len(d)
    return out


@wrong("2.6", "only the diagonal of each Sigma_k")
def complete_diagonal(X, z, K):
    return np.array([np.diag(X[z == k].var(axis=0)) for k in range(K)])


@wrong("2.6", "divides by N_k + 1")
def complete_n_plus_1(X, z, K):
    D = X.shape[1]
    out = np.zeros((K, D, D))
    for k in range(K):
        d = X[z == k] - X[z == k].mean(axis=0)
        out[k] = d.T @ d / (len(d) + 1)
    return out


@wrong("2.6", "centres on the median of each component", expect="rank-one")
def complete_median(X, z, K):
    return _cov_k(X, z, K, lambda Xk, k: np.median(Xk, axis=0))


@wrong("2.6", "assumes the labels are 1..K (z == k + 1)")
def complete_labels_from_1(X, z, K):
    D = X.shape[1]
    out = np.zeros((K, D, D))
    for k in range(K):
        Xk = X[z == k + 1]
        if len(Xk):
            d = Xk - Xk.mean(axis=0)
            out[k] = d.T @ d / len(Xk)
    return out


@right("2.6", "np.cov with bias=True per component")
def complete_np_cov(X, z, K):
    return np.array([np.atleast_2d(np.cov(X[z == k], rowvar=False, bias=True)) for k in range(K)])


@right("2.6", "einsum with a one-hot matrix, returned as a list of matrices")
def complete_einsum(X, z, K):
    Z = np.eye(K)[z]
    Nk = Z.sum(axis=0)
    mu = Z.T @ X / Nk[:, None]
    d = X[:, None, :] - mu[None]
    return list(np.einsum("nk,nki,nkj->kij", Z, d, d) / Nk[:, None, None])


@right("2.6", "E[x x^T] - mu mu^T per component (fine here: the data are not huge)")
def complete_moments(X, z, K):
    out = []
    for k in range(K):
        Xk = X[z == k] - X.mean(axis=0)  # shifted first, so the difference of moments is well conditioned
        m = Xk.mean(axis=0)
        out.append(Xk.T @ Xk / len(Xk) - np.outer(m, m))
    return np.array(out)
