"""Adversarial answers to exercises 6.3-6.7 (notebook 06: how many components?)."""
import math

import numpy as np
from scipy.special import logsumexp

import emlib

from . import right, wrong


def _count(K, D):
    return (K - 1) + K * D + K * D * (D + 1) // 2


def _ll(X, params):
    return emlib.mixture_log_likelihood(X, params)


# ---------------------------------------------------------------- 6.3 the parameter count
@wrong("6.3", "returns the count as a string", expect="string")
def count_string(K, D):
    return str(_count(K, D))


@wrong("6.3", "an unfinished answer that returns a huge placeholder, 2**2000 (too large for a float)")
def count_huge(K, D):
    return 2**2000


@wrong("6.3", "floors the two halves of K D (D + 1) / 2 separately: off by one when K and D are both odd")
def count_floor_halves(K, D):
    return (K - 1) + K * D + K * D * D // 2 + K * D // 2


@wrong("6.3", "hard-codes D = 2, the Old Faithful data")
def count_d2(K, D):
    return (K - 1) + K * 2 + K * 3


@wrong("6.3", "hard-codes K = 3")
def count_k3(K, D):
    return 2 + 3 * D + 3 * D * (D + 1) // 2


@wrong("6.3", "D (D + 1) covariance entries, the factor 1/2 forgotten")
def count_no_half(K, D):
    return (K - 1) + K * D + K * D * (D + 1)


@wrong("6.3", "the diagonal-covariance count, D variances per component")
def count_diagonal(K, D):
    return (K - 1) + 2 * K * D


@wrong("6.3", "special-cases one dimension with 3K (a weight, a mean and a variance per component, K weights, not K - 1): "
               "wrong only at D = 1 (a student helper's answer; D = 1 was not a test case)")
def count_d1_special(K, D):
    if D == 1:
        return 3 * K
    return _count(K, D)


@wrong("6.3", "returns the three parts as a tuple instead of their sum")
def count_parts(K, D):
    return K - 1, K * D, K * D * (D + 1) // 2


@wrong("6.3", "a loop over the upper triangle that starts at j = i + 1 for the first component only")
def count_loop_slip(K, D):
    total = K - 1 + K * D
    for k in range(K):
        for i in range(D):
            for j in range(i + (1 if k == 0 else 0), D):
                total += 1
    return total


@right("6.3", "math.comb(D + 1, 2) covariance entries per component")
def count_comb(K, D):
    return (K - 1) + K * D + K * math.comb(D + 1, 2)


@right("6.3", "true division: a float with the right whole value")
def count_float(K, D):
    return (K - 1) + K * D + K * D * (D + 1) / 2


@right("6.3", "counts the entries of one component, then K of them minus the constraint, as a numpy integer")
def count_per_component(K, D):
    per = 1 + D + np.sum(np.triu(np.ones((D, D), dtype=int)))
    return np.int64(K * per - 1)


# ---------------------------------------------------------------- 6.4 BIC
@wrong("6.4", "log10 N in the penalty")
def bic_log10(X, params):
    N, D = X.shape
    return -2 * _ll(X, params) + _count(len(params.weights), D) * np.log10(N)


@wrong("6.4", "the mean log-likelihood per point in place of the total")
def bic_mean_ll(X, params):
    N, D = X.shape
    return -2 * _ll(X, params) / N + _count(len(params.weights), D) * np.log(N)


@wrong("6.4", "N taken as X.size (N times D)")
def bic_size(X, params):
    return -2 * _ll(X, params) + _count(len(params.weights), X.shape[1]) * np.log(X.size)


@wrong("6.4", "a parameter count with diagonal covariances (a wrong answer to 6.3 carried over)")
def bic_diag_count(X, params):
    N, D = X.shape
    K = len(params.weights)
    return -2 * _ll(X, params) + ((K - 1) + 2 * K * D) * np.log(N)


@wrong("6.4", "hard-codes K = 3 in the count")
def bic_k3(X, params):
    N, D = X.shape
    return -2 * _ll(X, params) + _count(3, D) * np.log(N)


@wrong("6.4", "hard assignments: each point's best component instead of the sum over components")
def bic_hard(X, params):
    N, D = X.shape
    ll = np.max(emlib.log_joint(X, params), axis=1).sum()
    return -2 * ll + _count(len(params.weights), D) * np.log(N)


@wrong("6.4", "regularises the covariances in place before computing", expect="changed its input")
def bic_in_place(X, params):
    N, D = X.shape
    params.covs[:] += 1e-6 * np.eye(D)
    return -2 * _ll(X, params) + _count(len(params.weights), D) * np.log(N)


@wrong("6.4", "calls emlib.bic, which the exercise rules out", expect="emlib.bic")
def bic_emlib(X, params):
    return emlib.bic(X, params)


@wrong("6.4", "the criterion to maximise: minus BIC")
def bic_negated(X, params):
    N, D = X.shape
    return 2 * _ll(X, params) - _count(len(params.weights), D) * np.log(N)


@right("6.4", "ln p by hand: log_joint and scipy's logsumexp")
def bic_by_hand(X, params):
    N, D = X.shape
    ll = logsumexp(emlib.log_joint(X, params), axis=1).sum()
    return float(-2 * ll + _count(len(params.weights), D) * np.log(N))


@right("6.4", "emlib.n_parameters for the count (only emlib.bic is ruled out)")
def bic_n_parameters(X, params):
    return -2 * _ll(X, params) + emlib.n_parameters(len(params.weights), X.shape[1]) * math.log(len(X))


@right("6.4", "the deviance and the penalty in float32")
def bic_float32(X, params):
    N, D = X.shape
    return np.float32(-2 * _ll(X, params)) + np.float32(_count(len(params.weights), D) * np.log(N))


# ---------------------------------------------------------------- 6.5 held-out ln p per point
@wrong("6.5", "mixes the components in probability space: a far test point underflows to ln 0")
def heldout_prob_space(X_test, params):
    dens = np.exp(emlib.log_joint(X_test, params)).sum(axis=1)
    return float(np.mean(np.log(dens)))


@wrong("6.5", "divides by the number of numbers, N D, not by the number of points")
def heldout_per_coordinate(X_test, params):
    return _ll(X_test, params) / X_test.size


@wrong("6.5", "the median over the points instead of the mean")
def heldout_median(X_test, params):
    return float(np.median(logsumexp(emlib.log_joint(X_test, params), axis=1)))


@wrong("6.5", "divides by K, the number of components")
def heldout_over_k(X_test, params):
    return _ll(X_test, params) / len(params.weights)


@wrong("6.5", "returns every point's ln p, an array", expect="shape")
def heldout_array(X_test, params):
    return logsumexp(emlib.log_joint(X_test, params), axis=1)


@wrong("6.5", "log base 10")
def heldout_log10(X_test, params):
    return _ll(X_test, params) / len(X_test) / np.log(10)


@wrong("6.5", "the geometric mean density: exp of the right value")
def heldout_exp(X_test, params):
    return float(np.exp(_ll(X_test, params) / len(X_test)))


@wrong("6.5", "drops the points whose density underflows (nanmean over finite values)")
def heldout_drop_far(X_test, params):
    with np.errstate(divide="ignore"):
        per = np.log(np.exp(emlib.log_joint(X_test, params)).sum(axis=1))
    return float(np.mean(per[np.isfinite(per)]))


@wrong("6.5", "sorts the test points in place by their first coordinate (the average is unchanged)", expect="changed its input")
def heldout_sorts(X_test, params):
    X_test[:] = X_test[np.argsort(X_test[:, 0])]
    return _ll(X_test, params) / len(X_test)


@right("6.5", "log-sum-exp by hand, then the mean")
def heldout_by_hand(X_test, params):
    lj = emlib.log_joint(X_test, params)
    m = lj.max(axis=1, keepdims=True)
    return float(np.mean(m[:, 0] + np.log(np.exp(lj - m).sum(axis=1))))


@right("6.5", "np.logaddexp.reduce over the components")
def heldout_logaddexp(X_test, params):
    return np.logaddexp.reduce(emlib.log_joint(X_test, params), axis=1).mean()


@right("6.5", "a loop over the points, in float32 at the end")
def heldout_loop_f32(X_test, params):
    total = 0.0
    for x in X_test:
        total += logsumexp(emlib.log_joint(x[None, :], params))
    return np.float32(total / len(X_test))


# ---------------------------------------------------------------- 6.7 choosing K
def _crit(train, fits, f):
    return {K: f(train, p) for K, p in fits.items()}


@wrong("6.7", "np.argmin(...) + 1: assumes the keys are 1, 2, ..., in order")
def choose_argmin_plus_one(train, test, fits):
    models = list(fits.values())
    b = [emlib.bic(train, p) for p in models]
    a = [emlib.aic(train, p) for p in models]
    h = [emlib.mixture_log_likelihood(test, p) for p in models]
    return int(np.argmin(b)) + 1, int(np.argmin(a)) + 1, int(np.argmax(h)) + 1


@wrong("6.7", "the index into sorted keys, but of the values in dict order")
def choose_sorted_mismatch(train, test, fits):
    keys = sorted(fits)
    models = list(fits.values())
    b = [emlib.bic(train, p) for p in models]
    a = [emlib.aic(train, p) for p in models]
    h = [emlib.mixture_log_likelihood(test, p) for p in models]
    return keys[int(np.argmin(b))], keys[int(np.argmin(a))], keys[int(np.argmax(h))]


@wrong("6.7", "returns the three best criterion values, not the K that attains them")
def choose_values(train, test, fits):
    return (min(emlib.bic(train, p) for p in fits.values()), min(emlib.aic(train, p) for p in fits.values()),
            max(emlib.mixture_log_likelihood(test, p) for p in fits.values()))


@wrong("6.7", "the held-out choice minimises BIC on the test set")
def choose_bic_on_test(train, test, fits):
    return (min(fits, key=lambda K: emlib.bic(train, fits[K])), min(fits, key=lambda K: emlib.aic(train, fits[K])),
            min(fits, key=lambda K: emlib.bic(test, fits[K])))


@wrong("6.7", "looks only at K = 1..4 (range(1, 5) hard-coded)")
def choose_range(train, test, fits):
    ks = [K for K in range(1, 5) if K in fits]
    return (min(ks, key=lambda K: emlib.bic(train, fits[K])), min(ks, key=lambda K: emlib.aic(train, fits[K])),
            max(ks, key=lambda K: emlib.mixture_log_likelihood(test, fits[K])))


@wrong("6.7", "removes the fits it has looked at from the dict", expect="changed its input")
def choose_pops(train, test, fits):
    b = min(fits, key=lambda K: emlib.bic(train, fits[K]))
    a = min(fits, key=lambda K: emlib.aic(train, fits[K]))
    h = max(fits, key=lambda K: emlib.mixture_log_likelihood(test, fits[K]))
    fits.clear()
    return b, a, h


@wrong("6.7", "AIC chosen by the largest training likelihood (no penalty)")
def choose_aic_no_penalty(train, test, fits):
    return (min(fits, key=lambda K: emlib.bic(train, fits[K])), max(fits, key=lambda K: emlib.mixture_log_likelihood(train, fits[K])),
            max(fits, key=lambda K: emlib.mixture_log_likelihood(test, fits[K])))


@right("6.7", "np.argmin over the keys in dict order, the keys returned as a numpy array")
def choose_array(train, test, fits):
    keys = list(fits)
    b = [emlib.bic(train, fits[K]) for K in keys]
    a = [emlib.aic(train, fits[K]) for K in keys]
    h = [emlib.mixture_log_likelihood(test, fits[K]) for K in keys]
    return np.array([keys[int(np.argmin(b))], keys[int(np.argmin(a))], keys[int(np.argmax(h))]])


@right("6.7", "the held-out likelihood per point (the same argmax), returned as a list")
def choose_per_point(train, test, fits):
    return [min(fits, key=lambda K: emlib.bic(train, fits[K])), min(fits, key=lambda K: emlib.aic(train, fits[K])),
            max(fits, key=lambda K: emlib.mixture_log_likelihood(test, fits[K]) / len(test))]


@right("6.7", "sorted (value, K) pairs")
def choose_sorted_pairs(train, test, fits):
    b = sorted((emlib.bic(train, p), K) for K, p in fits.items())[0][1]
    a = sorted((emlib.aic(train, p), K) for K, p in fits.items())[0][1]
    h = sorted((-emlib.mixture_log_likelihood(test, p), K) for K, p in fits.items())[0][1]
    return b, a, h
