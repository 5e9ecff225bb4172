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

from . import Exercise, fmt, register, tolerance


# ---------------------------------------------------------------- 6.3 parameter count
def _same(a, b, got):
    """a and b agree to the precision the answer can have."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=100 * tolerance(got), atol=1e-300))


def _count_cases(rng):
    """K from 2 to 60, D from 1 to 40: odd and even K D (so that halving in the wrong place shows), D = 2 (Old
    Faithful's), a seeded random pair of odd numbers, and D = 1 last (an answer that special-cases one dimension is
    checked there; it comes last because at D = 1 the count without the weights equals the one with a shared
    covariance, so the earlier cases tell those two mistakes apart first). K = 1 is left out: there the counts without
    the weights, with K weights and with one shared covariance all equal the right one; the diagnosis probes K = 1, 2,
    3 itself."""
    return [(3, 3), (5, 2), (2, 5), (60, 40), (int(rng.integers(2, 9)) * 2 + 1, int(rng.integers(2, 7)) * 2 + 1), (4, 1)]


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


def _count_diagnose(got, expected, case, ask):
    """Probe the answer's count as a function of K at this D: it must grow by one weight, one mean and one covariance per
    component, and start from -1 (K - 1 weights) when extrapolated to K = 0."""
    K, D = case
    g = float(got)
    if g != round(g):
        return f"your count {fmt(g)} is not a whole number: a count of parameters is an integer (integer division //?)"
    if g < 0:
        return "your count is negative"
    one, two, three = (ask(k, D) for k in (1, 2, 3))
    if one is None or two is None or three is None:
        return None
    one, two, three = (float(v) for v in (one, two, three))
    step, step2 = two - one, three - two
    per = 1 + D + D * (D + 1) // 2
    if step == step2 == 0:
        return "your count does not change with K: every component brings its own weight, mean and covariance (is K fixed somewhere?)"
    if step != step2:
        return (f"at D = {D}, your count grows by {fmt(step)} from K = 1 to 2 but by {fmt(step2)} from K = 2 to 3: every "
                "component brings the same parameters (a weight, a mean, a covariance), so the count must grow by the same amount")
    if step != per:
        cov = step - 1 - D
        share = (f", which leaves {fmt(cov)} for its covariance matrix after 1 weight and {D} mean entries" if cov > 0 else
                 f", less than its 1 weight and {D} mean entries alone")
        return (f"at D = {D}, each extra component adds {fmt(step)} to your count{share}. A symmetric D x D covariance is "
                "fixed by its D diagonal entries and the D(D-1)/2 entries above the diagonal")
    base = one - step
    return (f"your count grows by the right amount per component, but extrapolated to K = 0 it is {fmt(base)}, not -1: "
            "the K weights sum to 1, so K - 1 of them are free; nothing else is counted once for the whole mixture")


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
        returns="an int",
        describe=lambda case: f"K = {case[0]}, D = {case[1]}",
        forbidden=("emlib.n_parameters",),
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


def _bic_diagnose(got, expected, case, ask):
    """Split the answer into a likelihood part and a penalty, assuming in turn that one of them is right."""
    X, params = case
    N, D = X.shape
    g = float(got)
    ll = mixture_log_likelihood(X, params)
    p = _p(X, params)
    if g < 0 < expected:
        return "your BIC is negative: -2 ln p is positive here (ln p < 0), and the penalty is positive too"
    penalty = g + 2 * ll                        # if the likelihood part is right
    if np.isclose(penalty, 0.0, atol=1e-6 * abs(ll)):
        return "your value is -2 ln p(X | theta) alone: the penalty p ln N is missing"
    if penalty > 0:
        per = penalty / p                       # the log of the "N" the answer used, if it counts p right
        count = penalty / np.log(N)             # the count the answer used, if its log is ln N
        M = np.exp(per)
        if abs(count - round(count)) < 1e-6 * max(1.0, count) and round(count) != p:
            return (f"your penalty is {fmt(round(count))} ln N: it should count the free parameters of the mixture, "
                    f"K = {len(params.weights)} components with full covariances in D = {D} (exercise 6.3)")
        if M > 1.5 and abs(M - round(M)) < 1e-6 * M and round(M) != N:
            return (f"your penalty is p ln({fmt(round(M))}): N in p ln N is the number of points, len(X) = {N} here "
                    "(X.size counts N D numbers, X.shape[1] is D)")
        ratio = per / np.log(N)
        if not np.isclose(ratio, 1.0, rtol=1e-6):
            base = {1 / np.log(10): "10", 1 / np.log(2): "2"}
            for factor, name in base.items():
                if np.isclose(ratio, factor, rtol=1e-6):
                    return f"your penalty uses the logarithm to base {name}; BIC's p ln N is the natural logarithm (np.log)"
    implied = (g - p * np.log(N)) / -2          # the ln p the answer used, if the penalty is right
    if np.isclose(implied * N, ll, rtol=1e-6):
        return "your likelihood term is -2 times the average ln p per point: BIC uses the total ln p(X | theta), the sum over the points"
    if implied < ll:
        return ("if your penalty is p ln N, your likelihood term corresponds to a smaller ln p than the mixture's: ln p(X | theta) = "
                "sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), every component contributing inside the log (a max or one component gives less)")
    if implied > ll:
        return ("if your penalty is p ln N, your likelihood term corresponds to a larger ln p than the mixture's: ln p(X | theta) = "
                "sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), with the weights pi_k and every normalising constant")
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
        returns="a float",
        forbidden=("emlib.bic",),
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
    """New data near a fit (not exactly from it), K = 2 to 4, D = 1 to 3; the last case adds a test point 40 standard
    deviations from every component, whose density underflows to 0 in probability space (its ln p is far below -745)."""
    cases = []
    for N, K, D in [(80, 3, 2), (25, 2, 1), (120, 4, 3)]:
        params = _random_params(rng, K, D)
        X, _ = sample(params, N, rng)
        cases.append((X + rng.normal(scale=0.3, size=X.shape), params))  # new data, not exactly from the fit
    X, params = cases[-1]
    far = params.means.max(axis=0) + 40.0 * np.sqrt(np.max(np.linalg.eigvalsh(params.covs)))
    cases[-1] = (np.vstack([X, far]), params)
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


def _heldout_per_point(X_test, params):
    return _logsumexp(log_joint(X_test, params), axis=1)


def _heldout_diagnose(got, expected, case, ask):
    """Properties of an average of ln p(x_n | theta): its range, its invariance to repeating the test set, its response
    to one point moving away, and the points whose density underflows in probability space."""
    X, params = case
    g = float(got)
    if not np.isfinite(g):
        return (f"your value is {g}: some test point's density underflowed to 0 (a point far from every component), "
                "and ln 0 = -inf; combine the components in log space (log-sum-exp over k), never forming the density itself")
    per = _heldout_per_point(X, params)
    with np.errstate(under="ignore", divide="ignore"):
        underflows = np.all(np.exp(log_joint(X, params)) == 0.0, axis=1)
    if np.any(underflows) and np.isclose(g, np.mean(per[~underflows]), rtol=1e-6):
        return ("your value leaves out the test points whose density underflows to 0 in probability space (here a point far "
                "from every component): their ln p(x_n | theta) is a large negative number that counts like any other; "
                "compute it in log space (log-sum-exp over k) so that it never becomes ln 0")
    twice = ask(np.vstack([X, X]), params)
    if twice is not None and not _same(twice, g, got):
        if _same(twice, 2 * g, got):
            return ("your value doubles when the test set is written twice: an average over the test points must not change; "
                    "divide the sum of ln p(x_n | theta) by the number of test points, len(X_test)")
        return "your value changes when the test set is written twice: an average over the test points must not"
    if not per.min() - 1e-9 * abs(per.min()) <= g <= per.max() + 1e-9 * abs(per.max()):
        return (f"your value lies outside the range of the test points' ln p(x_n | theta) (from {fmt(per.min())} to "
                f"{fmt(per.max())}); an average of them cannot")
    moved = X.copy()
    moved[0] = moved[0] + 10.0 * np.sqrt(np.max(np.linalg.eigvalsh(params.covs)))
    after = ask(moved, params)
    if after is not None:
        change = float(after) - g
        should = (float(_heldout_per_point(moved[:1], params)[0]) - per[0]) / len(X)
        if abs(change) < 1e-3 * abs(should):
            return ("your value does not change when one test point moves far from every component: the average of "
                    "ln p(x_n | theta) must fall by that point's loss divided by N_test (a median or a max does not)")
        if not np.isclose(change, should, rtol=1e-3):
            return ("when one test point moves away, your value changes by a different amount than that point's ln p "
                    "divided by N_test: each point must count with weight 1 / N_test")
    return None


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
        diagnose=_heldout_diagnose,
        returns="a float",
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
    """(train, test, {K: fit on train}): few training points, so that the three choices differ (each pair differs in
    some case), neither criterion is the largest training likelihood in every case (the penalties matter), in case 2
    the smallest BIC on `test` is not the largest held-out ln p, and no two known mistakes give the same triple.

    The keys are not always 1, 2, ..., K_max in order: one case fits K = 2..6, one inserts K = 5, 4, ..., 1 in
    reverse order, one skips K = 4 and inserts its keys shuffled, so that a position in the dict is not a K.
    The fits are made once per rng state and kept; every call returns fresh copies
    (an answer that changes `fits` cannot reach a later check) and leaves ``rng``
    where the computation would have left it.
    """
    key = repr(rng.bit_generator.state)
    if key not in _CHOOSE_CASES:
        cases = []
        for n_train, K_true, D, Ks in [(50, 2, 2, [2, 3, 4, 5, 6]), (40, 3, 3, [5, 4, 3, 2, 1]), (30, 4, 1, [3, 1, 5, 2, 6])]:
            truth = _random_params(rng, K_true, D)
            X, _ = sample(truth, n_train + 150, rng)
            train, test = X[:n_train], X[n_train:]
            fits = {K: em(train, init_params(train, K, rng), max_iter=200, tol=1e-8, reg_covar=1e-6).params for K in Ks}
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


def _choose_diagnose(got, expected, case):
    """Values that are not keys of ``fits``, then the first choice that is a key but not the best one by its criterion."""
    train, test, fits = case
    names = ("BIC", "AIC", "held-out")
    got = [float(v) for v in got]
    for name, v in zip(names, got):
        if v not in fits:
            if v != round(v):
                return (f"your {name} choice, {fmt(v, round(v))}, is not a whole number: return the K itself (a key of fits), "
                        "not the value of the criterion")
            return (f"your {name} choice, K = {fmt(v)}, is not one of the keys of fits ({list(fits)}): return the key K, "
                    "not a position in a list (the keys need not be 1, 2, ..., nor in order)")
    criteria = ("the smallest BIC on `train` (emlib.bic)", "the smallest AIC on `train` (emlib.aic)",
                "the largest log-likelihood on `test` (emlib.mixture_log_likelihood)")
    for name, v, e, what in zip(names, got, expected, criteria):
        if v != e:
            return (f"your {name} choice is K = {fmt(v)}, but fits[{fmt(v)}] does not have {what} among the fits: "
                    "compare that criterion over every key of fits")
    return None


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
        diagnose=_choose_diagnose,
        returns="the triple (bic_k, aic_k, heldout_k)",
        describe=lambda case: f"train of shape {case[0].shape}, fits for K in {list(case[2])}",
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
