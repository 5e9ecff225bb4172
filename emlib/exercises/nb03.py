"""Checked exercises of notebook 03 (EM and the lower bound).

3.4  KL(q || p) for a table of distributions, with 0 ln 0 = 0
3.5  the lower bound L(q, theta) of a Gaussian mixture, built from ln pi_k + ln N(x_n | mu_k, Sigma_k)
3.6  the two gaps in Gibbs' inequality, whose sum is KL(q || p)

References are computed with emlib (``entropy``, ``lower_bound``); the
test cases are fresh mixtures, points and tables q drawn from a seeded rng,
with exact zeros, one-hot rows and q equal to the posterior among them.
"""
import numpy as np

from .. import GMMParams, e_step, entropy, gaussian_logpdf, log_joint, lower_bound, mixture_log_likelihood, sample
from . import Exercise, fmt, register, tolerance


# ---------------------------------------------------------------- test cases
def _mixture(rng, K, D):
    """A random mixture whose components overlap, so that no posterior entry underflows to 0."""
    weights = rng.dirichlet(2.0 * np.ones(K))
    means = rng.normal(scale=1.0, size=(K, D))
    A = rng.normal(size=(K, D, D))
    covs = A @ A.transpose(0, 2, 1) / D + 0.5 * np.eye(D)
    return GMMParams(weights, means, covs)


def _tables(rng, post):
    """Four tables q of the shape of ``post``: random, random with exact zeros, the posterior, one-hot."""
    N, K = post.shape
    random = rng.dirichlet(np.ones(K), size=N)
    zeros = rng.dirichlet(np.ones(K), size=N)
    zeros[::2, 0] = 0.0          # every other row loses component 0 ...
    zeros[::3] = np.eye(K)[1]    # ... and every third row is one-hot on component 1
    zeros /= zeros.sum(axis=1, keepdims=True)
    one_hot = np.eye(K)[rng.integers(K, size=N)]
    return [random, zeros, post.copy(), one_hot]


def _problem(rng, N=30, K=3, D=2):
    params = _mixture(rng, K, D)
    X, _ = sample(params, N, rng)
    return X, params


# ---------------------------------------------------------------- 3.4 KL for a table
def _kl_cases(rng):
    """Tables for K = 3, 2, 4 and 5: random, with exact zeros (some rows one-hot), one-hot; and one with tiny p."""
    cases = []
    for N, K, D in ((30, 3, 2), (12, 2, 1), (20, 4, 3)):
        X, params = _problem(rng, N, K, D)
        post = e_step(X, params)
        random, zeros, _, one_hot = _tables(rng, post)
        cases += [(random, post), (zeros, post)] + ([(one_hot, post)] if K == 3 else [])
    p = rng.dirichlet(np.ones(5), size=6)
    p[:, 0] = 1e-200  # q puts mass where p is nearly 0: a huge but finite KL
    p /= p.sum(axis=1, keepdims=True)
    cases.append((rng.dirichlet(np.ones(5), size=6), p))
    return cases


def _table_describe(case):
    q = case[2] if len(case) == 3 else case[0]
    N, K = q.shape
    text = f"N = {N} rows, K = {K}"
    if np.all(np.isin(q, (0.0, 1.0))):
        text += ", q one-hot in every row"
    elif np.any(q == 0):
        text += f", q with {int(np.sum(q == 0))} exact zeros"
    if len(case) == 2 and np.any(case[1] < 1e-100):
        text += ", p nearly 0 where q is not"
    return text


def _kl_rows(q, p):
    """KL(q_n || p_n) for every row n."""
    return np.array([_kl(q[n:n + 1], p[n:n + 1]) for n in range(len(q))])


def _kl(q, p):
    """KL(q || p) summed over rows = -H(q) - sum_{q > 0} q ln p (emlib's entropy handles 0 ln 0)."""
    mask = q > 0
    return -entropy(q) - float(np.sum(q[mask] * np.log(p[mask])))


def _kl_swapped(q, p):
    with np.errstate(divide="ignore"):
        return float(np.sum(p * (np.log(p) - np.log(q))))


def _kl_naive(q, p):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(q * np.log(q / p)))


def _kl_log2(q, p):
    mask = q > 0
    return float(np.sum(q[mask] * np.log2(q[mask] / p[mask])))


def _kl_flipped_ratio(q, p):
    mask = q > 0
    return float(np.sum(q[mask] * np.log(p[mask] / q[mask])))


def _kl_diagnose(got, expected, case, ask):
    q, p = case
    g = float(got)
    tol = 100 * tolerance(got)
    if np.isnan(g):
        return ("your KL is NaN: where q_nk = 0, numpy computes 0 * log(0) = 0 * (-inf) = nan; by convention 0 ln 0 = 0, "
                "so leave those terms out (a mask q > 0)")
    if g < -1e-9:
        return f"your KL is {fmt(g)} < 0, but KL(q || p) >= 0 always (Gibbs' inequality): check the sign and the order of the ratio"
    same = ask(p, p)
    if same is not None and abs(float(same)) > 1e-9:
        return f"your KL(p || p) is {fmt(float(same))}, not 0: KL vanishes when the two distributions are equal"
    rows = [ask(q[n:n + 1], p[n:n + 1]) for n in range(len(q))]
    if all(r is not None for r in rows):
        r = np.array([float(v) for v in rows])
        if not np.isclose(r.sum(), g, rtol=tol, atol=1e-9):
            return "your value for the whole table is not the sum of your values for its rows: the total KL sums over n"
        wrong = set(np.flatnonzero(~np.isclose(r, _kl_rows(q, p), rtol=tol, atol=1e-9)))
        with_zeros = set(np.flatnonzero(np.any(q == 0, axis=1)))
        if wrong and wrong <= with_zeros and len(with_zeros) < len(q):
            return "your value is right for the rows without zeros but not for rows where some q_nk = 0: 0 ln 0 = 0, and 0 ln(0/p) = 0"
    if np.all(q > 0):
        swapped = ask(p, q)
        if swapped is not None and np.isclose(float(swapped), g, rtol=tol, atol=1e-9):
            return "your value does not change when q and p swap places, but KL is not symmetric: KL(q || p) weights by q"
        return "your value is wrong already for tables without zeros: KL(q_n || p_n) = sum_k q_nk ln(q_nk / p_nk), in nats"
    return None


register(
    Exercise(
        id="3.4",
        title="KL(q || p) for a table of distributions",
        kind="function",
        reference=_kl,
        cases=_kl_cases,
        describe=_table_describe,
        returns="a float",
        forbidden=("emlib",),
        mistakes=[
            (_kl_swapped, "you computed KL(p || q): the expectation is under q, the first argument, so weight by q_nk, not p_nk"),
            (_kl_naive, "your KL is NaN: where q_nk = 0, numpy computes 0 * log(0) = 0 * (-inf) = nan; by convention 0 ln 0 = 0, so leave those terms out (a mask q > 0)"),
            (_kl_log2, "you used log base 2 (bits); KL here is in nats, with the natural log"),
            (_kl_flipped_ratio, "you computed sum q ln(p/q) = -KL: the ratio inside the log is q/p"),
        ],
        diagnose=_kl_diagnose,
        hints=(
            "KL(q || p) = sum_n sum_k q_nk ln(q_nk / p_nk): the expectation is taken under q.",
            "Some q_nk are exactly 0. By convention 0 ln 0 = 0, but numpy computes 0 * log(0) = 0 * (-inf) = nan.",
            "Keep only the entries with q_nk > 0 (a boolean mask), compute q ln(q/p) on those, and sum.",
        ),
        solution='''
        def kl_table(q, p):
            mask = q > 0                      # 0 ln 0 = 0: those terms contribute nothing
            return float(np.sum(q[mask] * np.log(q[mask] / p[mask])))
        ''',
        seed=304,
    )
)


# ---------------------------------------------------------------- 3.5 the lower bound of a GMM
def _bound_cases(rng):
    """K = 3, 2, 4 and D = 2, 1, 3; q random, and with exact zeros (some rows one-hot).

    Not q = the posterior: there L = ln p, so two of the known mistakes coincide (the diagnosis probes it instead)."""
    cases = []
    for N, K, D in ((40, 3, 2), (15, 2, 1), (12, 4, 3)):
        X, params = _problem(rng, N, K, D)
        random, zeros, _, _ = _tables(rng, e_step(X, params))
        cases += [(X, params, random), (X, params, zeros)]
    return cases


def _log_joint_no_prior(X, params):
    return np.stack([gaussian_logpdf(X, m, c) for m, c in zip(params.means, params.covs)], axis=1)


def _xlogy(q, y):
    mask = q > 0
    return float(np.sum(q[mask] * y[mask]))


def _bound_no_entropy(X, params, q):
    return _xlogy(q, log_joint(X, params))


def _bound_no_prior(X, params, q):
    return _xlogy(q, _log_joint_no_prior(X, params)) - _xlogy(q, np.log(np.where(q > 0, q, 1.0)))


def _bound_entropy_sign(X, params, q):
    return _xlogy(q, log_joint(X, params)) + _xlogy(q, np.log(np.where(q > 0, q, 1.0)))


def _bound_naive(X, params, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(q * (log_joint(X, params) - np.log(q))))


def _bound_is_log_p(X, params, q):
    return mixture_log_likelihood(X, params)


def _bound_diagnose(got, expected, case, ask):
    X, params, q = case
    g = float(got)
    tol = 100 * tolerance(got)
    if np.isnan(g):
        return "your value is NaN: where q_nk = 0, 0 * log(0) gives nan; by convention 0 ln 0 = 0, so leave those terms out (a mask q > 0)"
    halves = [ask(X[:1], params, q[:1]), ask(X[1:], params, q[1:])]
    if all(h is not None for h in halves) and not np.isclose(float(halves[0]) + float(halves[1]), g, rtol=tol, atol=1e-9):
        return "your value for all the points is not the sum of your values for the first point and for the rest: L sums over n"
    hard = np.eye(q.shape[1])[np.argmax(q, axis=1)]
    one_hot = ask(X, params, hard)
    if one_hot is not None:
        if np.isclose(float(one_hot), lower_bound(X, params, hard), rtol=tol, atol=1e-9):
            return ("your value is right for a one-hot q (where the entropy is 0) but not for this q: check the entropy term "
                    "-sum q ln q")
        return ("your value is wrong even for a one-hot q, where L is just sum_n ln p(x_n, z_n = k_n): check ln pi_k + "
                "ln N(x_n | mu_k, Sigma_k)")
    log_p = mixture_log_likelihood(X, params)
    if g > log_p + 1e-6 * abs(log_p):
        return "your value exceeds ln p(X | theta), but L(q, theta) = ln p - KL <= ln p for every q"
    post = ask(X, params, e_step(X, params))
    if post is not None and not np.isclose(float(post), log_p, rtol=tol, atol=1e-9):
        return "at q equal to the posterior, L(q, theta) equals ln p(X | theta) (KL = 0); yours does not"
    return None


register(
    Exercise(
        id="3.5",
        title="The lower bound L(q, theta) of a Gaussian mixture",
        kind="function",
        reference=lambda X, params, q: lower_bound(X, params, q),
        cases=_bound_cases,
        describe=_table_describe,
        returns="a float",
        forbidden=("emlib.log_joint", "emlib.lower_bound", "emlib.kl_divergence", "emlib.expected_complete_log_likelihood"),
        mistakes=[
            (_bound_no_entropy, "you returned Q = sum q ln p(x_n, z_n = k): the entropy term -sum q ln q is missing"),
            (_bound_no_prior, "your ln p(x_n, z_n = k) lacks ln pi_k: the joint is ln pi_k + ln N(x_n | mu_k, Sigma_k)"),
            (_bound_entropy_sign, "you added sum q ln q; L subtracts it: L = sum q ln p(x_n, z_n = k) - sum q ln q = Q + H(q)"),
            (_bound_naive, "your value is NaN: where q_nk = 0, 0 * log(0) gives nan; by convention 0 ln 0 = 0, so leave those terms out (a mask q > 0)"),
            (_bound_is_log_p, "you returned ln p(X | theta); L(q, theta) equals it only when q is the posterior"),
        ],
        diagnose=_bound_diagnose,
        hints=(
            "L(q, theta) = sum_n sum_k q_nk [ln p(x_n, z_n = k | theta) - ln q_nk]  (PRML 9.71).",
            "Build the (N, K) table ln p(x_n, z_n = k) column by column: ln pi_k + gaussian_logpdf(X, mu_k, Sigma_k).",
            "Terms with q_nk = 0 contribute 0: sum only over a mask q > 0, or numpy gives 0 * (-inf) = nan.",
        ),
        solution='''
        def lower_bound_gmm(X, params, q):
            pi, mu, Sigma = params
            log_joint = np.stack([np.log(pi[k]) + emlib.gaussian_logpdf(X, mu[k], Sigma[k])
                                  for k in range(len(pi))], axis=1)          # (N, K)
            mask = q > 0                                                     # 0 ln 0 = 0
            return float(np.sum(q[mask] * (log_joint[mask] - np.log(q[mask]))))
        ''',
        seed=305,
    )
)


# ---------------------------------------------------------------- 3.6 the two gaps of Gibbs' inequality
def _gibbs_cases(rng):
    """K = 4, 2, 3, 5; q with zeros (1 to 3 of them), and q with full support.

    Neither q = p nor a one-hot q is among them: there two of the known mistakes give the same pair
    (the diagnosis probes both instead)."""
    cases = []
    for K, zeros in ((4, 2), (4, 0), (3, 1), (5, 3), (2, 0), (5, 1)):
        params = _mixture(rng, K, 2)
        x, _ = sample(params, 1, rng)
        p = e_step(x, params)[0]
        q = rng.dirichlet(np.ones(K))
        if zeros:
            q[rng.choice(K, size=zeros, replace=False)] = 0.0
            q /= q.sum()
        cases.append((q, p))
    return cases


def _gibbs_describe(case):
    q, p = case
    zeros = int(np.sum(q == 0))
    return f"K = {q.size}, " + (f"q with {zeros} zero{'s' if zeros > 1 else ''}" if zeros else "q with full support")


def _gibbs_reference(q, p):
    mass_gap = -np.log(np.sum(p[q > 0]))
    return (float(_kl(q[None, :], p[None, :]) - mass_gap), float(mass_gap))


def _gibbs_all_k(q, p):
    mask = q > 0
    return (float(np.sum(q[mask] * np.log(q[mask] / p[mask]))), 0.0)


def _gibbs_swapped(q, p):
    jensen, mass = _gibbs_reference(q, p)
    return (mass, jensen)


def _gibbs_jensen_sign(q, p):
    mask = q > 0
    return (float(np.sum(q[mask] * np.log(p[mask] / q[mask])) - np.log(np.sum(p[mask]))), float(-np.log(np.sum(p[mask]))))


def _gibbs_diagnose(got, expected, case, ask):
    q, p = case
    jensen, mass = (float(v) for v in got)
    tol = 100 * tolerance(got)
    if not (np.isfinite(jensen) and np.isfinite(mass)):
        return "one of your gaps is NaN or inf: 0 ln 0 = 0, so sum q_k ln(p_k / q_k) only over the support q_k > 0"
    if jensen < -1e-9 or mass < -1e-9:
        return "one of your gaps is negative; both inequalities point the same way, so both gaps are >= 0"
    kl = _kl(q[None, :], p[None, :])
    same = ask(p, p)
    if same is not None and not np.allclose(np.asarray(same, dtype=float), 0.0, atol=1e-9):
        return "for q = p both gaps are 0 (KL(p || p) = 0); yours are not"
    j_ref, m_ref = _gibbs_reference(q, p)
    j_ok, m_ok = np.isclose(jensen, j_ref, rtol=tol, atol=1e-9), np.isclose(mass, m_ref, rtol=tol, atol=1e-9)
    if m_ok and not j_ok:
        return "your M is right, your G is not: G = ln(sum_{q_k > 0} p_k) - sum_{q_k > 0} q_k ln(p_k / q_k), so that G + M = KL(q || p)"
    if j_ok and not m_ok:
        return "your G is right, your M is not: M = -ln of the mass sum_{q_k > 0} p_k that p puts on the support of q"
    if not np.isclose(jensen + mass, kl, rtol=tol, atol=1e-9):
        return "your two gaps do not add up to KL(q || p): G + M = KL, because the chain runs from -KL to 0"
    hot = np.eye(q.size)[int(np.argmax(q))]
    one_hot = ask(hot, p)
    if one_hot is not None and not np.isclose(float(np.asarray(one_hot[0], dtype=float)), 0.0, atol=1e-9):
        return "for a one-hot q Jensen's inequality is an equality (one term), so G = 0; yours is not"
    return None


register(
    Exercise(
        id="3.6",
        title="The two gaps of Gibbs' inequality",
        kind="function",
        reference=_gibbs_reference,
        cases=_gibbs_cases,
        describe=_gibbs_describe,
        returns="the pair (G, M)",
        mistakes=[
            (_gibbs_all_k, "your second gap is 0 although q has zeros: the sum of p_k runs only over the k with q_k > 0, and p puts mass off that support"),
            (_gibbs_swapped, "your two gaps are in the wrong order: first the Jensen gap, then -ln sum_{q_k > 0} p_k"),
            (_gibbs_jensen_sign, "your Jensen gap has the wrong sign: it is ln(sum_{q_k>0} p_k) minus sum q_k ln(p_k/q_k), which is >= 0"),
        ],
        diagnose=_gibbs_diagnose,
        hints=(
            "Write the chain -KL = sum q ln(p/q) <= ln sum_{q_k>0} p_k <= ln 1 = 0. Each gap is 'right side minus left side' of one inequality.",
            "The two gaps add up to KL(q || p); the second one is 0 exactly when p puts no mass where q_k = 0.",
            "Compute the mass of p on the support of q once, with a boolean mask q > 0; M is minus its log, and the terms "
            "q_k ln(p_k / q_k) of the Jensen gap are summed over the same mask (0 ln 0 = 0).",
        ),
        solution='''
        def gibbs_gaps(q, p):
            s = q > 0
            mass = np.sum(p[s])                                   # sum of p_k over the support of q
            jensen_gap = np.log(mass) - np.sum(q[s] * np.log(p[s] / q[s]))
            mass_gap = -np.log(mass)
            return float(jensen_gap), float(mass_gap)
        ''',
        seed=306,
    )
)
