"""Adversarial answers to exercises 5.4-5.6 (notebook 05)."""
import itertools

import numpy as np
import scipy.optimize

from . import right, wrong


def _scatter(X, resp):
    N_k = resp.sum(axis=0)
    means = resp.T @ X / N_k[:, None]
    d = X[:, None, :] - means[None]
    return N_k, np.einsum("nk,nki,nkj->kij", resp, d, d)


# ---------------------------------------------------------------- 5.4 inverse-Wishart M-step
@wrong("5.4", "lambda I added to the precision, not to S_k: (S_k^-1 + lambda I)^-1 scaled", expect="lam = 0")
def iw_lambda_on_precision(X, resp, lam, nu):
    N_k, S = _scatter(X, resp)
    D = X.shape[1]
    return np.array([np.linalg.inv(np.linalg.inv(S[k]) + lam * np.eye(D)) * N_k[k] / (N_k[k] + nu + D + 1) for k in range(len(N_k))])


@wrong("5.4", "denominator N_k + nu + D (the + 1 forgotten)", expect="denominator")
def iw_plus_d(X, resp, lam, nu):
    N_k, S = _scatter(X, resp)
    D = X.shape[1]
    return (S + lam * np.eye(D)) / (N_k + nu + D)[:, None, None]


@wrong("5.4", "S_k around the old means (the data mean), not the new ones", expect="rank-one")
def iw_global_mean(X, resp, lam, nu):
    N_k = resp.sum(axis=0)
    D = X.shape[1]
    d = X - X.mean(axis=0)
    S = np.einsum("nk,ni,nj->kij", resp, d, d)
    return (S + lam * np.eye(D)) / (N_k + nu + D + 1)[:, None, None]


@wrong("5.4", "lambda times a matrix of ones instead of lambda I")
def iw_lambda_ones(X, resp, lam, nu):
    N_k, S = _scatter(X, resp)
    D = X.shape[1]
    return (S + lam * np.ones((D, D))) / (N_k + nu + D + 1)[:, None, None]


@wrong("5.4", "the same Sigma for every component: the pooled scatter", expect="same matrix")
def iw_pooled(X, resp, lam, nu):
    N_k, S = _scatter(X, resp)
    D = X.shape[1]
    pooled = (S.sum(axis=0) + lam * np.eye(D)) / (len(X) + nu + D + 1)
    return np.repeat(pooled[None], len(N_k), axis=0)


@wrong("5.4", "normalises resp in place before using it", expect="changed its input")
def iw_in_place(X, resp, lam, nu):
    resp /= resp.sum(axis=1, keepdims=True)
    N_k, S = _scatter(X, resp)
    D = X.shape[1]
    return (S + lam * np.eye(D)) / (N_k + nu + D + 1)[:, None, None]


@wrong("5.4", "lambda^2 I: the prior scale squared")
def iw_lambda_squared(X, resp, lam, nu):
    N_k, S = _scatter(X, resp)
    D = X.shape[1]
    return (S + lam**2 * np.eye(D)) / (N_k + nu + D + 1)[:, None, None]


@right("5.4", "a loop over k with its own weighted scatter")
def iw_loop(X, resp, lam, nu):
    N, D = X.shape
    out = []
    for k in range(resp.shape[1]):
        w = resp[:, k]
        mu = w @ X / w.sum()
        S = (w[:, None] * (X - mu)).T @ (X - mu)
        out.append((S + lam * np.eye(D)) / (w.sum() + nu + D + 1))
    return np.array(out)


@right("5.4", "the prior as a Wishart density on the precision: N_k + nu - D - 1 (accepted, with a note)")
def iw_precision_parametrisation(X, resp, lam, nu):
    N_k, S = _scatter(X, resp)
    D = X.shape[1]
    return (S + lam * np.eye(D)) / (N_k + nu - D - 1)[:, None, None]


@right("5.4", "computed in float32")
def iw_float32(X, resp, lam, nu):
    X, resp = X.astype(np.float32), resp.astype(np.float32)
    N_k, S = _scatter(X, resp)
    D = X.shape[1]
    return (S + np.float32(lam) * np.eye(D, dtype=np.float32)) / (N_k + np.float32(nu + D + 1))[:, None, None]


# ---------------------------------------------------------------- 5.5 smallest variance
@wrong("5.5", "the smallest singular value of the Cholesky factor (a standard deviation)")
def small_chol(covs):
    return np.linalg.svd(np.linalg.cholesky(covs), compute_uv=False)[:, -1]


@wrong("5.5", "eigvals of the first component only, repeated")
def small_first_only(covs):
    return np.full(len(covs), np.linalg.eigvalsh(covs[0])[0])


@wrong("5.5", "the mean of the eigenvalues (trace / D)")
def small_trace(covs):
    return np.trace(covs, axis1=1, axis2=2) / covs.shape[1]


@wrong("5.5", "the smallest eigenvalue of the inverse (the precision)")
def small_precision(covs):
    return np.linalg.eigvalsh(np.linalg.inv(covs))[:, 0]


@wrong("5.5", "the smallest entry of each matrix (an off-diagonal covariance can be negative)", expect="negative")
def small_min_entry(covs):
    return covs.min(axis=(1, 2))


@wrong("5.5", "sorts the eigenvalues in place into the input", expect="changed its input")
def small_in_place(covs):
    ev = np.linalg.eigvalsh(covs)
    covs[:, 0, 0] = ev[:, 0]
    return ev[:, 0]


@wrong("5.5", "returns the value as a string per component", expect="strings")
def small_strings(covs):
    return [f"{v:.12g}" for v in np.linalg.eigvalsh(covs)[:, 0]]


@wrong("5.5", "min over 12 fixed directions: u^T Sigma u only at angles k * 15 degrees (the first two coordinates)")
def small_directions(covs):
    D = covs.shape[1]
    best = np.full(len(covs), np.inf)
    for a in np.linspace(0, np.pi, 12, endpoint=False):
        u = np.zeros(D)
        u[0], u[1] = np.cos(a), np.sin(a)
        best = np.minimum(best, np.einsum("i,kij,j->k", u, covs, u))
    return best


@right("5.5", "np.linalg.eigvals, real part, min per component, as a list")
def small_eigvals(covs):
    return [float(np.min(np.linalg.eigvals(c).real)) for c in covs]


@right("5.5", "the smallest singular value (a covariance is symmetric positive definite)")
def small_svd(covs):
    return np.linalg.svd(covs, compute_uv=False)[:, -1]


# ---------------------------------------------------------------- 5.6 alignment
def _sq_cost(ref, means):
    return ((ref[:, None, :] - means[None]) ** 2).sum(axis=2)


@wrong("5.6", "sorts both by the norm of the means and matches in that order")
def align_by_norm(ref, means):
    p = np.empty(len(ref), dtype=int)
    p[np.argsort(np.linalg.norm(ref, axis=1))] = np.argsort(np.linalg.norm(means, axis=1))
    return p


@wrong("5.6", "the identity permutation (assumes the labels already match)")
def align_identity(ref, means):
    return np.arange(len(ref))


@wrong("5.6", "tries only the cyclic shifts, not all K! permutations")
def align_shifts(ref, means):
    K = len(ref)
    cost = _sq_cost(ref, means)
    shifts = [np.roll(np.arange(K), s) for s in range(K)]
    return min(shifts, key=lambda p: cost[np.arange(K), p].sum())


@wrong("5.6", "maximises the total squared distance (max instead of min)")
def align_max(ref, means):
    K = len(ref)
    cost = _sq_cost(ref, means)
    return np.array(max(itertools.permutations(range(K)), key=lambda p: cost[np.arange(K), list(p)].sum()))


@wrong("5.6", "returns the permutation as floats divided by K (a normalised rank)", expect="permutation")
def align_fraction(ref, means):
    K = len(ref)
    cost = _sq_cost(ref, means)
    return np.array(min(itertools.permutations(range(K)), key=lambda p: cost[np.arange(K), list(p)].sum())) / K


@wrong("5.6", "sorts means in place by its first coordinate before matching", expect="changed its input")
def align_in_place(ref, means):
    K = len(ref)
    cost = _sq_cost(ref, means)
    best = np.array(min(itertools.permutations(range(K)), key=lambda p: cost[np.arange(K), list(p)].sum()))
    means.sort(axis=0)
    return best


@wrong("5.6", "greedy without repeats: each reference component in turn takes the nearest unused mean")
def align_greedy_unique(ref, means):
    cost = _sq_cost(ref, means)
    used, p = set(), []
    for k in range(len(ref)):
        j = min((j for j in range(len(ref)) if j not in used), key=lambda j: cost[k, j])
        used.add(j)
        p.append(j)
    return np.array(p)


@right("5.6", "scipy.optimize.linear_sum_assignment on the squared distances")
def align_hungarian(ref, means):
    rows, cols = scipy.optimize.linear_sum_assignment(_sq_cost(ref, means))
    return cols[np.argsort(rows)]


@right("5.6", "brute force, returned as a list of floats")
def align_floats(ref, means):
    K = len(ref)
    cost = _sq_cost(ref, means)
    best = min(itertools.permutations(range(K)), key=lambda p: sum(cost[k, p[k]] for k in range(K)))
    return [float(j) for j in best]


@right("5.6", "minimises -2 ref . means + |means|^2 (the squared distance without the constant |ref|^2)")
def align_inner_products(ref, means):
    K = len(ref)
    cost = -2 * ref @ means.T + (means**2).sum(axis=1)[None]
    return np.array(min(itertools.permutations(range(K)), key=lambda p: cost[np.arange(K), list(p)].sum()))
