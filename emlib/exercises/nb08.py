"""Checked exercises of notebook 08 (a mixture of Bernoulli distributions).

8.3  for each prototype, the nearest fitted component and its distance (a function)
8.4  ln p(x_n | theta) for every image, in log space (a function)
8.5  the M-step for the Bernoulli means (a function)
8.6  one EM iteration for a mixture of exponential distributions (a function)

The reference for 8.3 is a loop over prototypes and components, written here;
references for 8.4 and 8.5 are computed with emlib (``bernoulli_log_joint``,
``bernoulli_m_step``); 8.6 has no emlib counterpart, so its reference is written
here in log space; the solution of exercise 8.6 in notebook 08 checks it against finite
differences of Q and a log-likelihood that never decreases.
"""
import numpy as np

import emlib
from emlib.mixture import _logsumexp

from . import Exercise, fmt, register, tolerance


def _random_bernoulli_case(rng, N, K, D):
    X = (rng.random((N, D)) < rng.uniform(0.2, 0.8, size=D)).astype(float)
    params = emlib.BernoulliParams(rng.dirichlet(np.full(K, 3.0)), rng.uniform(0.2, 0.8, size=(K, D)))
    return X, params


# ---------------------------------------------------------------- 8.3 the nearest component of each prototype
def _near_cases(rng):
    """Fitted means (K, D) and targets (P, D); each target is a noisy copy of one mean, so its nearest is clear.

    Shapes vary (K > P, K = P, K < P); when K < P two targets share a component.
    """
    cases = []
    for K, P, D in [(5, 3, 16), (4, 4, 9), (2, 3, 25), (6, 2, 64)]:
        means = rng.uniform(0.05, 0.95, size=(K, D))
        own = rng.permutation(K)[:P] if P <= K else rng.integers(K, size=P)
        targets = np.clip(means[own] + rng.normal(scale=0.05, size=(P, D)), 0.0, 1.0)
        cases.append((means, targets))
    return cases


def _near_table(means, targets, metric):
    """distance[p, k] = metric(|mu_k - e_p|) with a loop, the definition written out."""
    return np.array([[metric(np.abs(m - e)) for m in means] for e in targets])   # (P, K)


def _near_from_table(table):
    index = np.argmin(table, axis=1)
    return index, table[np.arange(len(table)), index]


def _near_reference(means, targets):
    return _near_from_table(_near_table(means, targets, np.mean))


def _near_swapped(means, targets):
    # for each component the nearest target: shape (K,), the question turned round
    return _near_from_table(_near_table(means, targets, np.mean).T)


def _near_farthest(means, targets):
    table = _near_table(means, targets, np.mean)
    index = np.argmax(table, axis=1)
    return index, table[np.arange(len(table)), index]


def _near_sum(means, targets):
    return _near_from_table(_near_table(means, targets, np.sum))


def _near_euclidean(means, targets):
    return _near_from_table(_near_table(means, targets, lambda d: np.sqrt(np.sum(d ** 2))))


def _near_signed(means, targets):
    # the absolute value forgotten: differences of opposite sign cancel
    return _near_from_table(np.array([[np.mean(m - e) for m in means] for e in targets]))


def _near_diagnose(got, expected, case):
    try:
        index = np.asarray(got[0], dtype=float)
        distance = np.asarray(got[1], dtype=float)
    except (TypeError, ValueError, IndexError):
        return None
    if distance.shape != expected[1].shape or index.shape != expected[0].shape:
        return None
    if np.any(distance < 0):
        return "a mean absolute difference is never negative; some of your distances are"
    if np.any(distance > 1):
        return "pixel probabilities lie in [0, 1], so their mean absolute difference is at most 1; some of your distances exceed 1"
    if np.array_equal(index, expected[0]):
        return "your indices are right but your distances are not: return each prototype's distance to the component you chose"
    if np.allclose(distance, expected[1]):
        return "your distances are right but some indices are not: each index is the position k of the closest component in means"
    return None


register(Exercise(
    id="8.3",
    title="For each prototype, the nearest component",
    kind="function",
    reference=_near_reference,
    cases=_near_cases,
    mistakes=[
        (_near_swapped, "you found, for each component, its nearest prototype: the question asks, for each prototype (a row of targets), its nearest component, one answer per prototype"),
        (_near_farthest, "you picked the farthest component (argmax): the closest has the smallest distance"),
        (_near_sum, "you summed the absolute differences over the pixels: the mean absolute pixel difference divides that sum by D"),
        (_near_euclidean, "you used the Euclidean distance: the exercise measures the mean absolute pixel difference, (1/D) sum_i |mu_ki - e_pi|"),
        (_near_signed, "you averaged the signed differences: without the absolute value, pixels that are too dark and too bright cancel"),
    ],
    diagnose=_near_diagnose,
    hints=(
        "First build a table of distances with one row per prototype and one column per component: entry (p, k) is the average over the pixels i of |mu_ki - e_pi|.",
        "Broadcasting gives the whole table at once: targets[:, None, :] - means[None, :, :] has shape (P, K, D); take the absolute value and average over the last axis.",
        "In each row p of that (P, K) table, the index is the position of the smallest entry (np.argmin along the components) and the distance is that smallest entry itself.",
    ),
    solution='''
    def nearest_components(means, targets):
        dist = np.abs(targets[:, None, :] - means[None, :, :]).mean(axis=2)   # (P, K) mean absolute pixel differences
        index = np.argmin(dist, axis=1)                                      # closest component of each prototype
        return index, dist[np.arange(len(targets)), index]
    ''',
    seed=803,
))


# ---------------------------------------------------------------- 8.4 ln p(x_n | theta)
def _ll_cases(rng):
    # the last case has D = 1500 pixels: a product of 1500 probabilities underflows to 0; its first two images are
    # the likeliest and the least likely under component 1, so their ln p differ by far more than 745 nats and a
    # log-sum-exp shifted by one maximum for the whole array (not each row's) underflows on the second
    cases = [_random_bernoulli_case(rng, N, K, D) for N, K, D in [(20, 3, 10), (15, 2, 40), (10, 3, 1500)]]
    X, params = cases[-1]
    means = np.clip(params.means[0] + rng.normal(0.0, 0.05, size=params.means.shape), 0.05, 0.95)  # similar components
    X = X.copy()
    X[0] = (means[0] > 0.5).astype(float)
    X[1] = (means[0] < 0.5).astype(float)
    cases[-1] = (X, emlib.BernoulliParams(params.weights, means))
    return cases


def _ll_reference(X, params):
    return _logsumexp(emlib.bernoulli_log_joint(X, params), axis=1)


def _ll_no_off_term(X, params):
    weights, means = params
    return _logsumexp(np.log(weights) + X @ np.log(means).T, axis=1)


def _ll_probability_space(X, params):
    weights, means = params
    with np.errstate(divide="ignore", under="ignore"):
        per_component = np.prod(np.where(X[:, None, :] == 1, means[None], 1 - means[None]), axis=2)   # (N, K)
        return np.log(per_component @ weights)


def _ll_no_weights(X, params):
    weights, means = params
    return _logsumexp(X @ np.log(means).T + (1 - X) @ np.log1p(-means).T, axis=1)


def _ll_max(X, params):
    return np.max(emlib.bernoulli_log_joint(X, params), axis=1)


def _same(a, b, got):
    """a and b agree to the precision the answer can have."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=100 * tolerance(got), atol=1e-300))


def _ll_diagnose(got, expected, case, ask):
    """Underflow and sign first; then probes with one component, where ln p is a plain sum over the pixels:
    an image with every pixel on, one with every pixel off, and the image and its means written twice."""
    X, params = case
    got = np.asarray(got, dtype=float)
    if np.any(np.isneginf(got) & np.isfinite(expected)):
        return ("ln p is -inf for some images: something underflowed to 0, either a product of many probabilities (add "
                    "logarithms instead) or exp of a log joint shifted by one maximum for the whole array (shift each row by its "
                    "own maximum)")
    if np.any(got > 0):
        return "ln p(x_n | theta) of a binary vector is at most 0 (a probability is at most 1); some of yours are positive"
    D = X.shape[1]
    one = emlib.BernoulliParams(np.array([1.0]), params.means[:1].copy())
    mu = one.means[0]
    on, off = np.ones((1, D)), np.zeros((1, D))
    got_on, got_off = ask(on, one), ask(off, one)
    if got_on is not None and got_off is not None:
        right_on, right_off = _same(got_on, [np.log(mu).sum()], got), _same(got_off, [np.log1p(-mu).sum()], got)
        if right_on and not right_off:
            return ("with one component, your ln p is right for an image whose pixels are all on but not for one whose pixels "
                    "are all off: a pixel that is off contributes ln(1 - mu_ki)")
        if right_off and not right_on:
            return ("with one component, your ln p is right for an image whose pixels are all off but not for one whose pixels "
                    "are all on: a pixel that is on contributes ln mu_ki")
        if not right_on and not right_off:
            doubled = ask(np.hstack([X[:1], X[:1]]), emlib.BernoulliParams(np.array([1.0]), np.hstack([mu, mu])[None, :]))
            single = ask(X[:1], one)
            if doubled is not None and single is not None and not _same(doubled, 2 * np.asarray(single), got):
                return ("with one component, writing an image and its means twice (2D pixels) must double ln p: the pixels "
                        "are independent given the component, so their log-probabilities add (no mean over the pixels)")
            return ("with one component, ln p(x | mu) = sum_i [x_i ln mu_i + (1 - x_i) ln(1 - mu_i)]; yours differs even "
                    "there (for an image with every pixel on, or every pixel off)")
    return None


register(Exercise(
    id="8.4",
    title="The Bernoulli log-likelihood, image by image, in log space",
    kind="function",
    reference=_ll_reference,
    cases=_ll_cases,
    mistakes=[
        (_ll_no_off_term, "you left out the (1 - x_ni) ln(1 - mu_ki) term: the pixels that are off carry information too"),
        (_ll_probability_space, "you multiplied probabilities: for many pixels the product underflows to 0 and its log is -inf; add logarithms and combine the components with log-sum-exp"),
        (_ll_no_weights, "the weights are missing: each component's term carries ln pi_k"),
        (_ll_max, "you kept only the largest component's term (a max); ln p sums over the components, which log-sum-exp does in log space"),
    ],
    diagnose=_ll_diagnose,
    returns="an (N,) array",
    hints=(
        "ln p(x_n | theta) = ln sum_k exp(a_nk) with a_nk = ln pi_k + sum_i [x_ni ln mu_ki + (1 - x_ni) ln(1 - mu_ki)].",
        "a = ln(pi) + X @ ln(mu).T + (1 - X) @ ln(1 - mu).T has shape (N, K); no probability is ever formed.",
        "Log-sum-exp over k: subtract each row's maximum m_n, exponentiate, sum, take the log, add m_n back.",
    ),
    solution='''
    def log_lik_per_image(X, params):
        weights, means = params
        a = np.log(weights) + X @ np.log(means).T + (1 - X) @ np.log1p(-means).T   # (N, K) log joints
        m = a.max(axis=1, keepdims=True)
        return (m + np.log(np.exp(a - m).sum(axis=1, keepdims=True)))[:, 0]        # log-sum-exp over k
    ''',
    seed=804,
))


# ---------------------------------------------------------------- 8.5 the M-step for the means
def _m_cases(rng):
    cases = []
    for N, K, D in [(30, 3, 8), (50, 2, 20), (40, 4, 5)]:
        X, _ = _random_bernoulli_case(rng, N, K, D)
        cases.append((X, rng.dirichlet(np.ones(K), size=N)))
    return cases


def _m_reference(X, resp):
    return emlib.bernoulli_m_step(X, resp).means


def _m_unweighted(X, resp):
    return np.broadcast_to(X.mean(axis=0), (resp.shape[1], X.shape[1])).copy()


def _m_over_n(X, resp):
    return resp.T @ X / len(X)


def _m_hard(X, resp):
    r = np.eye(resp.shape[1])[np.argmax(resp, axis=1)]
    return r.T @ X / np.maximum(r.sum(axis=0), 1)[:, None]


def _m_diagnose(got, expected, case, ask):
    """Means in [0, 1]; averages of each cluster when the responsibilities are one-hot; otherwise Q is not stationary."""
    X, resp = case
    got = np.asarray(got, dtype=float)
    if np.any(got < 0) or np.any(got > 1):
        return "a Bernoulli mean is a probability; some of yours lie outside [0, 1]"
    K = resp.shape[1]
    hard = np.eye(K)[np.arange(len(X)) % K]                  # one-hot: every component gets images
    got_hard = ask(X, hard)
    if got_hard is not None:
        averages = np.array([X[hard[:, k] == 1].mean(axis=0) for k in range(K)])
        if not _same(got_hard, averages, got):
            return ("with one-hot responsibilities, your means are not the average images of each component's images: "
                    "the M-step mean is the responsibility-weighted average sum_n gamma(z_nk) x_n / N_k, with no smoothing")
    exp = np.asarray(expected, dtype=float)
    if np.all(np.abs(got - 0.5) <= np.abs(exp - 0.5) + 1e-12) and np.any(np.abs(got - 0.5) < np.abs(exp - 0.5) - 1e-9):
        return "your means are pulled towards 1/2: that is smoothing (a prior), not the maximum of Q; the M-step is sum_n gamma(z_nk) x_n / N_k"
    return ("Q is not stationary at your means: dQ/dmu_ki = sum_n gamma(z_nk) [x_ni / mu_ki - (1 - x_ni) / (1 - mu_ki)] "
            "vanishes only at the responsibility-weighted average of the images (the weights gamma(z_nk) themselves, not a function of them)")


register(Exercise(
    id="8.5",
    title="The M-step for the Bernoulli means",
    kind="function",
    reference=_m_reference,
    cases=_m_cases,
    mistakes=[
        (_m_unweighted, "every component got the plain average image: weight each image by its responsibility gamma(z_nk)"),
        (_m_over_n, "you divided by N: the weighted sum of component k is divided by N_k = sum_n gamma(z_nk)"),
        (_m_hard, "you used hard assignments (argmax of gamma): the M-step weights every image by its soft responsibility"),
    ],
    diagnose=_m_diagnose,
    returns="a (K, D) array",
    hints=(
        "Set the derivative of Q with respect to mu_ki to zero (section 3); the pi_k terms do not involve mu.",
        "The sum over n of gamma(z_nk) x_ni for every k and i is one matrix product of resp (N, K) and X (N, D).",
        "Divide row k of that (K, D) matrix by N_k, the column sum k of resp.",
    ),
    solution='''
    def bernoulli_means(X, resp):
        N_k = resp.sum(axis=0)                  # (K,) soft counts
        return (resp.T @ X) / N_k[:, None]      # PRML 9.59: responsibility-weighted average images
    ''',
    seed=805,
))


# ---------------------------------------------------------------- 8.6 EM for exponentials
def _exp_cases(rng):
    """Two to three components; the first case adds a long wait (x = 4000, while every rate is at least 0.3): there
    pi_k kappa_k exp(-kappa_k x) underflows to 0 for every k, so an E-step in probability space gives 0/0."""
    cases = []
    for N, true_rates, true_weights in [(40, [0.5, 4.0], [0.6, 0.4]), (80, [0.2, 1.0, 6.0], [0.3, 0.3, 0.4]), (25, [1.0, 2.0], [0.5, 0.5])]:
        z = rng.choice(len(true_rates), size=N, p=true_weights)
        x = rng.exponential(1.0 / np.asarray(true_rates)[z])
        K = len(true_rates)
        weights = rng.dirichlet(np.full(K, 5.0))
        rates = np.sort(rng.uniform(0.3, 5.0, size=K))
        cases.append((x, weights, rates))
    x, weights, rates = cases[0]
    cases[0] = (np.append(x, 4000.0), weights, rates)
    return cases


def exp_log_joint(x, weights, rates):
    """ln p(x_n, z_n = k) = ln pi_k + ln kappa_k - kappa_k x_n, shape (N, K)."""
    return np.log(weights) + np.log(rates) - np.outer(x, rates)


def _exp_resp(x, weights, rates):
    lj = exp_log_joint(x, weights, rates)
    return np.exp(lj - _logsumexp(lj, axis=1)[:, None])


def _exp_reference(x, weights, rates):
    resp = _exp_resp(x, weights, rates)
    N_k = resp.sum(axis=0)
    return N_k / len(x), N_k / (resp.T @ x)


def _exp_mean_not_rate(x, weights, rates):
    resp = _exp_resp(x, weights, rates)
    N_k = resp.sum(axis=0)
    return N_k / len(x), (resp.T @ x) / N_k


def _exp_no_rate_factor(x, weights, rates):
    lj = np.log(weights) - np.outer(x, rates)
    resp = np.exp(lj - _logsumexp(lj, axis=1)[:, None])
    N_k = resp.sum(axis=0)
    return N_k / len(x), N_k / (resp.T @ x)


def _exp_counts_not_weights(x, weights, rates):
    resp = _exp_resp(x, weights, rates)
    N_k = resp.sum(axis=0)
    return N_k, N_k / (resp.T @ x)


def _exp_diagnose(got, expected, case, ask):
    """NaN from an underflow; weights that do not sum to 1; rates <= 0; the pair swapped; then a probe with one point,
    whose new weights are its responsibilities, proportional to pi_k kappa_k exp(-kappa_k x)."""
    x, weights, rates = case
    w, lam = (np.asarray(g, dtype=float) for g in got)
    if np.any(~np.isfinite(w)) or np.any(~np.isfinite(lam)):
        return ("your new parameters contain NaN or inf: for a long wait x_n, pi_k kappa_k exp(-kappa_k x_n) underflows "
                "to 0 for every k and the responsibilities become 0/0; work in log space (subtract the largest log joint "
                "of each point before exponentiating)")
    if _same(w, expected[1], got) and _same(lam, expected[0], got):
        return "your pair is swapped: return (new_weights, new_rates)"
    if not np.isclose(w.sum(), 1.0):
        return f"your new weights sum to {fmt(w.sum(), 1.0)}, not 1"
    if np.any(lam <= 0):
        return "a rate kappa_k must be positive"
    point = np.array([float(np.median(x))])
    probe = ask(point, weights, rates)
    if probe is not None:
        resp = _exp_resp(point, weights, rates)[0]
        mine = np.asarray(probe[0], dtype=float)
        if not _same(mine, resp, got):
            ratio = mine / resp
            if np.allclose(ratio * weights, (ratio * weights)[0], rtol=1e-6):
                return ("for a single point, your new weights (its responsibilities) do not include the factor pi_k: "
                        "gamma(z_k) is proportional to pi_k kappa_k exp(-kappa_k x)")
            return ("for a single point x, the new weights are its responsibilities, proportional to pi_k kappa_k "
                    "exp(-kappa_k x) and normalised over k; yours are not (check the E-step with the weights and rates passed in)")
    if _same(w, expected[0], got):
        return "your new weights are right; your rates are not: kappa_k = N_k / sum_n gamma(z_nk) x_n"
    return ("your E-step is right on a single point, but the new weights are not the average responsibilities at the "
            "weights and rates passed in: one E-step, then one M-step")


register(Exercise(
    id="8.6",
    title="EM for a mixture of exponential distributions",
    kind="function",
    reference=_exp_reference,
    cases=_exp_cases,
    mistakes=[
        (_exp_mean_not_rate, "your rates are the responsibility-weighted means of x, which estimate 1/kappa_k, not kappa_k"),
        (_exp_no_rate_factor, "your responsibilities leave out the factor kappa_k of the density kappa_k exp(-kappa_k x)"),
        (_exp_counts_not_weights, "your new weights are the soft counts N_k: divide by N so that they sum to 1"),
    ],
    diagnose=_exp_diagnose,
    returns="the pair (new_weights, new_rates)",
    hints=(
        "E-step as always: gamma(z_nk) is proportional to pi_k p(x_n | kappa_k), normalised over k; use ln p = ln kappa_k - kappa_k x_n.",
        "Q = sum_n sum_k gamma(z_nk) [ln pi_k + ln kappa_k - kappa_k x_n]. The pi_k part is the same as for Gaussians; differentiate the rest in kappa_k.",
        "dQ/dkappa_k = N_k / kappa_k - sum_n gamma(z_nk) x_n. Return the pair (new weights, new rates), each of shape (K,).",
    ),
    solution='''
    def exp_em_step(x, weights, rates):
        log_joint = np.log(weights) + np.log(rates) - np.outer(x, rates)      # (N, K)
        m = log_joint.max(axis=1, keepdims=True)
        resp = np.exp(log_joint - m)
        resp /= resp.sum(axis=1, keepdims=True)                              # E-step
        N_k = resp.sum(axis=0)
        return N_k / len(x), N_k / (resp.T @ x)                              # M-step: pi_k, kappa_k
    ''',
    seed=806,
))
