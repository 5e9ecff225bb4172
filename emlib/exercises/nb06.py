"""Checked exercises of notebook 06 (how many components?).

- 6.3 the number of free parameters of a full-covariance GMM;
- 6.4 BIC from a fit;
- 6.5 the held-out log-likelihood per point;
- 6.7 the K chosen by BIC, by AIC and by the held-out log-likelihood.

References are computed with emlib; the mistakes are the slips a student plausibly makes.
"""
import copy

import numpy as np

from emlib.em import em, init_params
from emlib.mixture import GMMParams, _logsumexp, log_joint, mixture_log_likelihood, sample
from emlib.model_selection import aic, bic, n_parameters

from . import Exercise, register


# ---------------------------------------------------------------- 6.3 parameter count
def _count_cases(rng):
    pairs = [(3, 3), (1, 4), (5, 2), (2, 1), (int(rng.integers(2, 9)), int(rng.integers(2, 7)))]
    return [(K, D) for K, D in pairs]


def _count_ref(K, D):
    return n_parameters(K, D)


def _count_full_matrices(K, D):
    return K - 1 + K * D + K * D * D


def _count_no_weights(K, D):
    return K * D + K * D * (D + 1) // 2


def _count_k_weights(K, D):
    return K + K * D + K * D * (D + 1) // 2


def _count_strict_triangle(K, D):
    return K - 1 + K * D + K * D * (D - 1) // 2


def _count_one_covariance(K, D):
    return K - 1 + K * D + D * (D + 1) // 2


def _count_diagnose(got, expected, case):
    K, D = case
    try:
        g = float(got)
    except (TypeError, ValueError):
        return None
    if g != round(g):
        return f"your count {g} is not a whole number"
    return None


register(
    Exercise(
        id="6.3",
        title="Count the free parameters of a full-covariance GMM",
        kind="function",
        reference=_count_ref,
        cases=_count_cases,
        mistakes=[
            (_count_full_matrices, "you counted all D^2 entries of each Sigma_k; a symmetric matrix is fixed by its diagonal and upper triangle, D(D+1)/2 numbers"),
            (_count_no_weights, "the mixing weights are missing: K weights with one constraint sum_k pi_k = 1 add K - 1"),
            (_count_k_weights, "you counted K weights; the constraint sum_k pi_k = 1 leaves K - 1 free"),
            (_count_strict_triangle, "you counted only the strict upper triangle, D(D-1)/2; the D variances on the diagonal are free too"),
            (_count_one_covariance, "that is the count for one covariance shared by all components; here each of the K components has its own"),
        ],
        diagnose=_count_diagnose,
        hints=(
            "Count the three kinds of parameters separately: weights, means, covariances.",
            "The weights lose one degree of freedom to sum_k pi_k = 1; each mean has D free numbers.",
            "A symmetric D x D matrix has D numbers on the diagonal and D(D-1)/2 above it.",
        ),
        solution='''
        def n_params(K, D):
            return (K - 1) + K * D + K * D * (D + 1) // 2
        ''',
        rtol=0.0,
        atol=0.0,
        seed=603,
    )
)


# ---------------------------------------------------------------- 6.4 BIC from a fit
def _random_params(rng, K, D):
    A = rng.normal(scale=0.5, size=(K, D, D))
    covs = A @ A.transpose(0, 2, 1) + np.eye(D) * rng.uniform(0.3, 1.0, size=(K, 1, 1))
    return GMMParams(rng.dirichlet(np.full(K, 3.0)), rng.normal(scale=3.0, size=(K, D)), covs)


def _bic_cases(rng):
    cases = []
    for N, K, D in [(150, 3, 2), (40, 2, 1), (300, 4, 3)]:
        params = _random_params(rng, K, D)
        X, _ = sample(params, N, rng)
        cases.append((X, params))
    return cases


def _p(X, params):
    return n_parameters(len(params.weights), X.shape[1])


def _bic_ref(X, params):
    return bic(X, params)


def _bic_half_log(X, params):
    return -2 * mixture_log_likelihood(X, params) + _p(X, params) * np.log(len(X)) / 2


def _bic_sign(X, params):
    return 2 * mixture_log_likelihood(X, params) + _p(X, params) * np.log(len(X))


def _bic_prml_scale(X, params):
    return mixture_log_likelihood(X, params) - _p(X, params) * np.log(len(X)) / 2


def _bic_k_not_p(X, params):
    return -2 * mixture_log_likelihood(X, params) + len(params.weights) * np.log(len(X))


def _bic_aic(X, params):
    return -2 * mixture_log_likelihood(X, params) + 2 * _p(X, params)


def _bic_log_d(X, params):
    return -2 * mixture_log_likelihood(X, params) + _p(X, params) * np.log(X.shape[1])


def _bic_diagnose(got, expected, case):
    X, params = case
    try:
        g = float(got)
    except (TypeError, ValueError):
        return None
    if g < 0 < expected:
        return "your BIC is negative: -2 ln p is positive here (ln p < 0), and the penalty is positive too"
    return None


register(
    Exercise(
        id="6.4",
        title="BIC from a fit",
        kind="function",
        reference=_bic_ref,
        cases=_bic_cases,
        mistakes=[
            (_bic_half_log, "your penalty is p ln(N) / 2: that belongs to the scale of ln p (PRML 4.139); on the scale of -2 ln p it is p ln N"),
            (_bic_sign, "the sign of the log-likelihood term is wrong: BIC = -2 ln p(X | theta) + p ln N"),
            (_bic_prml_scale, "that is PRML 4.139's approximation of ln p(X), i.e. -BIC/2; multiply by -2 to get BIC (smaller is better)"),
            (_bic_k_not_p, "you charged K, the number of components; the penalty counts every free parameter p"),
            (_bic_aic, "that is AIC (penalty 2p); BIC's penalty is p ln N"),
            (_bic_log_d, "your penalty uses ln D; it is ln N, the number of data points"),
        ],
        diagnose=_bic_diagnose,
        hints=(
            "BIC has two parts: a term from the maximised log-likelihood, and a penalty per free parameter.",
            "On the deviance scale, -2 ln p(X | theta) plus (number of free parameters) times ln N; smaller is better.",
            "Use emlib.mixture_log_likelihood for ln p and your parameter count from exercise 6.3 with K = len(params.weights), D = X.shape[1].",
        ),
        solution='''
        def bic_from_fit(X, params):
            N, D = X.shape
            K = len(params.weights)
            p = (K - 1) + K * D + K * D * (D + 1) // 2
            return -2 * emlib.mixture_log_likelihood(X, params) + p * np.log(N)
        ''',
        rtol=1e-9,
        seed=604,
    )
)


# ---------------------------------------------------------------- 6.5 held-out log-likelihood per point
def _heldout_cases(rng):
    cases = []
    for N, K, D in [(80, 3, 2), (25, 2, 1), (120, 4, 3)]:
        params = _random_params(rng, K, D)
        X, _ = sample(params, N, rng)
        cases.append((X + rng.normal(scale=0.3, size=X.shape), params))  # new data, not exactly from the fit
    return cases


def _heldout_ref(X_test, params):
    return mixture_log_likelihood(X_test, params) / len(X_test)


def _heldout_total(X_test, params):
    return mixture_log_likelihood(X_test, params)


def _heldout_hard(X_test, params):
    return float(np.mean(np.max(log_joint(X_test, params), axis=1)))


def _heldout_no_weights(X_test, params):
    lj = log_joint(X_test, params) - np.log(params.weights)
    return float(np.mean(_logsumexp(lj, axis=1)))


def _heldout_log_of_mean(X_test, params):
    return float(_logsumexp(_logsumexp(log_joint(X_test, params), axis=1)) - np.log(len(X_test)))


def _heldout_mean_over_nk(X_test, params):
    return float(np.mean(log_joint(X_test, params)))


register(
    Exercise(
        id="6.5",
        title="The held-out log-likelihood per point",
        kind="function",
        reference=_heldout_ref,
        cases=_heldout_cases,
        mistakes=[
            (_heldout_total, "you returned the total ln p over the test set; divide by the number of test points"),
            (_heldout_hard, "you took the best component for each point (max_k); the mixture density sums over the components (log-sum-exp)"),
            (_heldout_no_weights, "the mixing weights pi_k are missing from your sum over components"),
            (_heldout_log_of_mean, "you took the log of the average density; the average of ln p(x_n | theta) is what is asked"),
            (_heldout_mean_over_nk, "you averaged ln pi_k N(x_n | mu_k, Sigma_k) over n and k; sum over k inside the log first"),
        ],
        hints=(
            "The held-out log-likelihood is ln p(X_test | theta) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), with theta fitted on the training data.",
            "Per point: divide by the number of test points, so that sets of different sizes compare.",
            "emlib.mixture_log_likelihood(X_test, params) computes the sum stably (log-sum-exp).",
        ),
        solution='''
        def heldout_per_point(X_test, params):
            return emlib.mixture_log_likelihood(X_test, params) / len(X_test)
        ''',
        rtol=1e-9,
        seed=605,
    )
)


# ---------------------------------------------------------------- 6.7 choosing K three ways
_CHOOSE_CASES = {}  # rng state on entry -> (the cases, rng state on exit): every check reuses the 15 fits


def _choose_cases(rng):
    """(train, test, {K: fit on train}): few training points, so that the three choices differ.

    The fits are made once per rng state and kept; every call returns fresh copies
    (an answer that changes `fits` cannot reach a later check) and leaves ``rng``
    where the computation would have left it.
    """
    key = repr(rng.bit_generator.state)
    if key not in _CHOOSE_CASES:
        cases = []
        for n_train, K_true, D in [(50, 3, 2), (40, 2, 2), (70, 3, 1)]:
            truth = _random_params(rng, K_true, D)
            X, _ = sample(truth, n_train + 150, rng)
            train, test = X[:n_train], X[n_train:]
            fits = {K: em(train, init_params(train, K, rng), max_iter=200, tol=1e-8, reg_covar=1e-6).params for K in range(1, 6)}
            cases.append((train, test, fits))
        _CHOOSE_CASES[key] = (cases, rng.bit_generator.state)
    cases, state = _CHOOSE_CASES[key]
    rng.bit_generator.state = state
    return copy.deepcopy(cases)


def _choose(train, test, fits, crit_data, heldout_data, best_bic=min, best_heldout=max):
    return (best_bic(fits, key=lambda K: bic(crit_data, fits[K])),
            best_bic(fits, key=lambda K: aic(crit_data, fits[K])),
            best_heldout(fits, key=lambda K: mixture_log_likelihood(heldout_data, fits[K])))


def _choose_ref(train, test, fits):
    return _choose(train, test, fits, train, test)


def _choose_max_criteria(train, test, fits):
    return _choose(train, test, fits, train, test, best_bic=max)


def _choose_heldout_on_train(train, test, fits):
    return _choose(train, test, fits, train, train)


def _choose_criteria_on_test(train, test, fits):
    return _choose(train, test, fits, test, test)


def _choose_positions(train, test, fits):
    keys = list(fits)
    return tuple(keys.index(K) for K in _choose_ref(train, test, fits))


def _choose_min_heldout(train, test, fits):
    return _choose(train, test, fits, train, test, best_heldout=min)


register(
    Exercise(
        id="6.7",
        title="Choose K by BIC, AIC and the held-out log-likelihood",
        kind="function",
        reference=_choose_ref,
        cases=_choose_cases,
        mistakes=[
            (_choose_max_criteria, "BIC and AIC are deviances plus a penalty: smaller is better, so take the K that minimises them"),
            (_choose_min_heldout, "the held-out log-likelihood is a log-likelihood: larger is better, so take the K that maximises it"),
            (_choose_heldout_on_train, "your held-out choice uses the training points; evaluate ln p on `test`, which the fits have not seen"),
            (_choose_criteria_on_test, "BIC and AIC use the data the model was fitted on (`train`): their penalties stand in for the missing test set"),
            (_choose_positions, "you returned positions in the dict (counting from 0); return the keys K themselves"),
        ],
        hints=(
            "Three choices, each an argmin or argmax over the keys K of `fits`: BIC and AIC on `train` (smaller is better), ln p on `test` (larger is better).",
            "min(fits, key=lambda K: ...) returns the key K with the smallest value of the expression; max likewise.",
            "emlib.bic(train, fits[K]), emlib.aic(train, fits[K]) and emlib.mixture_log_likelihood(test, fits[K]) are the three numbers for one K.",
        ),
        solution='''
        def choose_k(train, test, fits):
            bic_k = min(fits, key=lambda K: emlib.bic(train, fits[K]))
            aic_k = min(fits, key=lambda K: emlib.aic(train, fits[K]))
            heldout_k = max(fits, key=lambda K: emlib.mixture_log_likelihood(test, fits[K]))
            return bic_k, aic_k, heldout_k
        ''',
        rtol=0.0,
        atol=0.0,
        seed=607,
    )
)
