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
from . import Exercise, register


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
    X, params = _problem(rng)
    post = e_step(X, params)
    return [(q, post) for q in _tables(rng, post)]


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


def _kl_diagnose(got, expected, case):
    got = float(np.asarray(got))
    if got < -1e-9:
        return f"your KL is {got:.3g} < 0, but KL(q || p) >= 0 always (Gibbs' inequality): check the sign and the order of the ratio"
    return None


register(
    Exercise(
        id="3.4",
        title="KL(q || p) for a table of distributions",
        kind="function",
        reference=_kl,
        cases=_kl_cases,
        mistakes=[
            (_kl_swapped, "you computed KL(p || q): the expectation is under q, the first argument, so weight by q_nk, not p_nk"),
            (_kl_naive, "contains NaN"),
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
    X, params = _problem(rng, N=40)
    tables = _tables(rng, e_step(X, params))
    return [(X, params, q) for q in tables]


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


def _bound_diagnose(got, expected, case):
    X, params, q = case
    got = float(np.asarray(got))
    if got > mixture_log_likelihood(X, params) + 1e-6:
        return "your value exceeds ln p(X | theta), but L(q, theta) = ln p - KL <= ln p for every q: a term is missing or has the wrong sign"
    return None


register(
    Exercise(
        id="3.5",
        title="The lower bound L(q, theta) of a Gaussian mixture",
        kind="function",
        reference=lambda X, params, q: lower_bound(X, params, q),
        cases=_bound_cases,
        mistakes=[
            (_bound_no_entropy, "you returned Q = sum q ln p(x_n, z_n = k): the entropy term -sum q ln q is missing"),
            (_bound_no_prior, "your ln p(x_n, z_n = k) lacks ln pi_k: the joint is ln pi_k + ln N(x_n | mu_k, Sigma_k)"),
            (_bound_entropy_sign, "you added sum q ln q; L subtracts it: L = sum q ln p(x_n, z_n = k) - sum q ln q = Q + H(q)"),
            (_bound_naive, "contains NaN"),
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
    params = _mixture(rng, 4, 2)
    cases = []
    for kind in ("with zeros", "one-hot", "posterior", "full support", "with zeros"):
        x, _ = sample(params, 1, rng)
        p = e_step(x, params)[0]
        if kind == "with zeros":
            q = rng.dirichlet(np.ones(4))
            q[rng.choice(4, size=2, replace=False)] = 0.0
            q /= q.sum()
        elif kind == "one-hot":
            q = np.eye(4)[rng.integers(4)]
        elif kind == "posterior":
            q = p.copy()
        else:
            q = rng.dirichlet(np.ones(4))
        cases.append((q, p))
    return cases


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


def _gibbs_diagnose(got, expected, case):
    try:
        jensen, mass = (float(v) for v in got)
    except (TypeError, ValueError):
        return None
    if jensen < -1e-9 or mass < -1e-9:
        return "one of your gaps is negative; both inequalities point the same way, so both gaps are >= 0"
    return None


register(
    Exercise(
        id="3.6",
        title="The two gaps of Gibbs' inequality",
        kind="function",
        reference=_gibbs_reference,
        cases=_gibbs_cases,
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
