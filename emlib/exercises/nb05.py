"""Checked exercises of notebook 05 (when EM goes wrong).

- 5.4 the MAP covariance update under a proper inverse-Wishart prior IW(lambda I, nu), a density on Sigma_k;
- 5.5 the smallest variance of each component, which detects a collapse;
- 5.6 aligning two fits up to a relabelling of their components.

References are computed with emlib (5.4) or by brute force (5.5, 5.6); the
mistakes are the slips a student plausibly makes.
"""
import itertools

import numpy as np

from emlib.em import m_step

from . import Exercise, fmt, register, tolerance
from .nb01 import centred_elsewhere


def _random_resp(rng, N, K):
    """Responsibilities with rows on the simplex, every column well populated."""
    return rng.dirichlet(np.full(K, 2.0), size=N)


# ---------------------------------------------------------------- 5.4 inverse-Wishart MAP update
def _iw_cases(rng):
    """K = 2, 3, 3, 1, 4 and D = 2, 1, 3, 4, 2; data far from the origin; a strong prior (large lambda and nu);
    a nearly empty component (N_k about 0.01), where the prior alone sets Sigma_k."""
    cases = []
    for N, K, D, offset in [(40, 2, 2, 0.0), (25, 3, 1, 0.0), (60, 3, 3, 40.0), (30, 1, 4, -20.0), (50, 4, 2, 5.0)]:
        X = rng.normal(size=(N, D)) * rng.uniform(0.5, 3.0, size=D) + rng.normal(scale=2.0, size=D) + offset
        lam = float(rng.uniform(0.5, 3.0))
        nu = float(D - 1 + rng.uniform(0.5, 4.0))  # a proper prior needs nu > D - 1
        resp = _random_resp(rng, N, K)
        if K == 4:
            resp[:, 3] *= 1e-3
            resp /= resp.sum(axis=1, keepdims=True)
            lam, nu = 50.0, 30.0
        cases.append((X, resp, lam, nu))
    return cases


def _iw_describe(case):
    X, resp, lam, nu = case
    text = f"N = {X.shape[0]} points, K = {resp.shape[1]}, D = {X.shape[1]}, lam = {fmt(lam)}, nu = {fmt(nu)}"
    if resp.sum(axis=0).min() < 0.1:
        text += ", a nearly empty component"
    return text


def _ml_parts(X, resp):
    """N_k and the ML covariances S_k / N_k (with the new means), from emlib."""
    return resp.sum(axis=0), m_step(X, resp).covs


def _iw_ref(X, resp, lam, nu):
    N_k, ml = _ml_parts(X, resp)
    D = X.shape[1]
    return (N_k[:, None, None] * ml + lam * np.eye(D)) / (N_k + nu + D + 1)[:, None, None]


def _iw_no_prior(X, resp, lam, nu):
    return _ml_parts(X, resp)[1]


def _iw_old_denominator(X, resp, lam, nu):
    N_k, ml = _ml_parts(X, resp)
    return (N_k[:, None, None] * ml + lam * np.eye(X.shape[1])) / N_k[:, None, None]


def _iw_lambda_after_division(X, resp, lam, nu):
    return _ml_parts(X, resp)[1] + lam * np.eye(X.shape[1])


def _iw_nu_only(X, resp, lam, nu):
    N_k, ml = _ml_parts(X, resp)
    return (N_k[:, None, None] * ml + lam * np.eye(X.shape[1])) / (N_k + nu)[:, None, None]


def _iw_precision_density(X, resp, lam, nu):
    """The MAP when the prior is written as a Wishart density on Lambda_k = Sigma_k^{-1} (it carries the Jacobian
    |Lambda_k|^{-(D+1)}): the same formula as the posterior mean of Sigma_k."""
    N_k, ml = _ml_parts(X, resp)
    D = X.shape[1]
    return (N_k[:, None, None] * ml + lam * np.eye(D)) / (N_k + nu - D - 1)[:, None, None]


def _iw_diagnose(got, expected, case, ask):
    X, resp, lam, nu = case
    g = np.asarray(got, dtype=float)
    tol = 100 * tolerance(got)
    D = X.shape[1]
    scale = float(np.max(np.abs(g), initial=0.0)) or 1.0
    if not np.allclose(g, g.transpose(0, 2, 1), rtol=tol, atol=tol * scale):
        return "your Sigma_k are not symmetric: S_k is a sum of outer products (x - mu)(x - mu)^T"
    if np.any(np.linalg.eigvalsh((g + g.transpose(0, 2, 1)) / 2)[:, 0] <= 0):
        return "one of your Sigma_k is not positive definite, but (S_k + lambda I) / (a positive number) always is"
    if len(g) > 1 and np.allclose(g, g[:1], rtol=1e-12, atol=0):
        return "all your Sigma_k are the same matrix: each component's S_k uses its own responsibilities gamma(z_nk) and its own N_k"
    N_k, ml = _ml_parts(X, resp)
    S = N_k[:, None, None] * ml
    no_lambda = ask(X, resp, 0.0, nu)
    if no_lambda is not None:
        h = np.asarray(no_lambda, dtype=float)
        with np.errstate(all="ignore"):
            denominators = np.trace(S, axis1=1, axis2=2) / np.trace(h, axis1=1, axis2=2)
        if np.allclose(h, S / (N_k + nu + D + 1)[:, None, None], rtol=tol, atol=1e-12):
            return ("your update is right for lam = 0, so the lambda term is off: the prior's -lambda/2 tr(Lambda_k) adds "
                    "lambda I to S_k, before the division")
        for k in range(len(N_k)):
            if centred_elsewhere(h[k] * (N_k[k] + nu + D + 1), S[k], tol):
                return (f"your S_{k} exceeds the scatter around the new mean by a rank-one term: centre the points at the new "
                        "means mu_k = sum_n gamma(z_nk) x_n / N_k")
        if D > 1 and np.all(np.isfinite(denominators)) and np.allclose(h, S / denominators[:, None, None], rtol=tol, atol=1e-12):
            c = denominators - N_k - nu
            if np.allclose(c, c[0], rtol=0, atol=1e-6):
                return (f"your denominator is N_k + nu + ({fmt(c[0], D + 1.0)}); it is N_k + nu + D + 1 for the density on Sigma_k of "
                        "Exercise 5.3: nu + D + 1 from the prior's exponent")
            return "your denominator is not N_k plus a constant: the prior adds nu + D + 1 to N_k for every component"
    shifted = ask(X + 10.0, resp, lam, nu)
    if shifted is not None and not np.allclose(np.asarray(shifted, dtype=float), g, rtol=tol, atol=tol * scale):
        return "your Sigma_k change when all the points move by the same vector: S_k is centred at the new means mu_k"
    with np.errstate(all="ignore"):
        ratio = g / expected
    if np.all(np.isfinite(ratio)) and np.allclose(ratio, ratio.flat[0], rtol=1e-6):
        return "your Sigma_k are a constant multiple of the right ones: check the denominator N_k + nu + D + 1"
    return None


register(
    Exercise(
        id="5.4",
        title="The MAP covariance update under an inverse-Wishart prior",
        kind="function",
        reference=_iw_ref,
        cases=_iw_cases,
        describe=_iw_describe,
        returns="a (K, D, D) array",
        alternatives=[
            (_iw_precision_density, "your denominator is N_k + nu - D - 1. That is the MAP estimate when the prior is written as a "
             "Wishart density on the precision Lambda_k (its density carries the Jacobian |Lambda_k|^-(D+1)), and also the "
             "posterior mean of Sigma_k; MAP is not invariant under a change of variables, so it is right in that "
             "parametrisation. Exercise 5.3 puts the density on Sigma_k itself, proportional to |Sigma_k|^-(nu+D+1)/2, whose "
             "maximum has N_k + nu + D + 1: the notebook uses that one."),
        ],
        mistakes=[
            (_iw_no_prior, "that is the maximum-likelihood S_k / N_k: the prior's terms are missing"),
            (_iw_old_denominator, "you added lambda I to S_k but kept the denominator N_k: the prior's ln|Sigma_k| term adds nu + D + 1 to it"),
            (_iw_lambda_after_division, "you added lambda I after dividing by N_k (that is reg_covar = lambda); the prior adds lambda I to S_k before the division"),
            (_iw_nu_only, "the denominator is N_k + nu + D + 1; you left out D + 1 (the prior's exponent is (nu + D + 1)/2)"),
        ],
        diagnose=_iw_diagnose,
        hints=(
            "The prior of Exercise 5.3 is a density on Sigma_k. Collect every term of Q + ln p(Sigma_k) that contains Sigma_k; "
            "writing them with Lambda_k = Sigma_k^{-1} is a change of notation (no Jacobian), which makes the derivatives easy.",
            "ln p(Sigma_k) = (nu + D + 1)/2 ln|Lambda_k| - lambda/2 tr(Lambda_k) + const; Q contributes N_k/2 ln|Lambda_k| - 1/2 tr(Lambda_k S_k).",
            "d/dLambda ln|Lambda| = Lambda^{-1} and d/dLambda tr(Lambda A) = A. Set the sum of the derivatives to zero; S_k uses the new means (they do not depend on Sigma_k).",
        ),
        solution='''
        def iw_covariance_update(X, resp, lam, nu):
            N, D = X.shape
            N_k = resp.sum(axis=0)
            means = resp.T @ X / N_k[:, None]
            covs = np.empty((len(N_k), D, D))
            for k in range(len(N_k)):
                diff = X - means[k]
                S_k = (resp[:, k, None] * diff).T @ diff
                covs[k] = (S_k + lam * np.eye(D)) / (N_k[k] + nu + D + 1)
            return covs
        ''',
        rtol=1e-8,
        seed=504,
    )
)


# ---------------------------------------------------------------- 5.5 smallest variance
def _thin_cov(rng, D, thin):
    """A covariance with eigenvalues in [0.5, 3] except one ``thin`` one, along a tilted direction."""
    Q, _ = np.linalg.qr(rng.normal(size=(D, D)))
    ev = rng.uniform(0.5, 3.0, size=D)
    ev[0] = thin
    return (Q * ev) @ Q.T


def _smallest_cases(rng):
    """K = 3, 2, 4, 5 and D = 2, 3, 2, 4; a component thin along a tilted direction; one case in units of 1e4."""
    cases = []
    for K, D, thin, unit in [(3, 2, 1e-6, 1.0), (2, 3, 0.05, 1.0), (4, 2, 0.2, 1.0), (5, 4, 1e-3, 1.0), (3, 2, 0.1, 1e4)]:
        cases.append((unit * np.array([_thin_cov(rng, D, thin if k == K - 1 else rng.uniform(0.3, 1.0)) for k in range(K)]),))
    return cases


def _smallest_describe(case):
    (covs,) = case
    return f"K = {covs.shape[0]} covariances of size D = {covs.shape[1]}" + (", in large units" if np.abs(covs).max() > 100 else "")


def _smallest_ref(covs):
    return np.linalg.eigvalsh(covs)[:, 0]


def _smallest_diagonal(covs):
    return np.diagonal(covs, axis1=1, axis2=2).min(axis=1)


def _largest(covs):
    return np.linalg.eigvalsh(covs)[:, -1]


def _determinant(covs):
    return np.prod(np.linalg.eigvalsh(covs), axis=1)


def _std(covs):
    return np.sqrt(np.linalg.eigvalsh(covs)[:, 0])


def _smallest_overall(covs):
    return np.full(len(covs), np.linalg.eigvalsh(covs)[:, 0].min())


def _rotation(rng, D):
    Q, _ = np.linalg.qr(rng.normal(size=(D, D)))
    return Q


def _smallest_diagnose(got, expected, case, ask):
    (covs,) = case
    g = np.asarray(got, dtype=float)
    tol = 100 * tolerance(got)
    largest = np.linalg.eigvalsh(covs)[:, -1]
    if np.any(g < -tol * largest):
        return "a covariance has no negative variance: did you take eigenvalues of a non-symmetric matrix, or subtract something?"
    if np.any(g > np.diagonal(covs, axis1=1, axis2=2).min(axis=1) * (1 + tol)):
        return ("some of your values exceed the smallest diagonal entry, the variance along a coordinate axis; the variance along "
                "the thinnest direction can only be smaller")
    scaled = ask(3.0 * covs)
    if scaled is not None and not np.allclose(np.asarray(scaled, dtype=float), 3.0 * g, rtol=tol, atol=1e-12 * largest.max()):
        return "tripling the covariances should triple each variance; yours do not scale that way: a square root, a product, or a log?"
    R = _rotation(np.random.default_rng(0), covs.shape[1])
    rotated = ask(R @ covs @ R.T)
    if rotated is not None and not np.allclose(np.asarray(rotated, dtype=float), g, rtol=tol, atol=tol * largest.max()):
        return ("your values change when the covariances are rotated, but the smallest variance along any direction does not: "
                "coordinate axes are not special")
    if np.all(g >= expected * (1 - tol)) and np.all(g <= largest * (1 + tol)):
        return "your values lie between the smallest and the largest eigenvalue: the variance along some direction, but not the thinnest one"
    return None


register(
    Exercise(
        id="5.5",
        title="Detect a collapsing component: its smallest variance",
        kind="function",
        reference=_smallest_ref,
        cases=_smallest_cases,
        describe=_smallest_describe,
        returns="a (K,) array",
        mistakes=[
            (_smallest_diagonal, "you returned the smallest diagonal entry, the variance along a coordinate axis; a component can be thin along a tilted direction"),
            (_largest, "you returned the largest eigenvalue; a collapse makes the smallest one vanish"),
            (_determinant, "you returned the determinant, the product of all the variances; it also depends on the other directions and on the units"),
            (_std, "that is a standard deviation (the square root); the exercise asks for the variance"),
            (_smallest_overall, "you returned one number for all components; return one value per component, shape (K,)"),
        ],
        diagnose=_smallest_diagnose,
        hints=(
            "The variance of component k along a unit direction u is u^T Sigma_k u. Which direction makes it smallest?",
            "The minimum of u^T Sigma u over unit vectors u is the smallest eigenvalue of the symmetric matrix Sigma (Rayleigh quotient).",
            "np.linalg.eigvalsh works on a stack (K, D, D) and returns the eigenvalues of each matrix in ascending order.",
        ),
        solution='''
        def smallest_variance(covs):
            return np.linalg.eigvalsh(covs)[:, 0]
        ''',
        rtol=1e-8,
        atol=1e-12,
        seed=505,
    )
)


# ---------------------------------------------------------------- 5.6 aligning two fits
def _best_permutation(cost):
    """The permutation minimising sum_k cost[k, p[k]], and the gap to the second best."""
    K = len(cost)
    perms = np.array(list(itertools.permutations(range(K))))
    totals = cost[np.arange(K), perms].sum(axis=1)
    order = np.argsort(totals, kind="stable")
    return perms[order[0]], float(totals[order[1]] - totals[order[0]])


def _costs(ref_means, means):
    d = ref_means[:, None, :] - means[None, :, :]  # (K, K, D): reference k against fitted j
    sq = (d**2).sum(axis=2)
    return sq, np.sqrt(sq), np.abs(d).sum(axis=2)


def _align_all(ref_means, means):
    """The reference and the five known mistakes on one case."""
    sq, dist, l1 = _costs(ref_means, means)
    best = _best_permutation(sq)[0]
    rank = np.empty(len(ref_means), dtype=int)
    rank[np.argsort(ref_means[:, 0], kind="stable")] = np.argsort(means[:, 0], kind="stable")
    return [best, np.argsort(best), np.argmin(sq, axis=1), _best_permutation(dist)[0], _best_permutation(l1)[0], rank]


def discriminates(ref_means, means, margin=0.05):
    """True if the squared distance, the plain distance, the L1 distance, the order of the first coordinate, a greedy
    nearest match and the inverse permutation all give different answers, and each metric's best permutation wins by
    ``margin``: only such a case can tell the known mistakes apart. (No case with K = 2 or D = 1 can: there all the
    metrics give the sorted matching.)"""
    outs = _align_all(ref_means, means)
    distinct = all(not np.array_equal(a, b) for i, a in enumerate(outs) for b in outs[i + 1:])
    return distinct and min(_best_permutation(c)[1] for c in _costs(ref_means, means)) > margin


# Found by drawing ref ~ N(0, 3^2 I) and means = ref[permutation] + noise (rounded to 2 decimals) from
# np.random.default_rng(506) until discriminates() held: K = 3, 4, 5, 6, 4 and D = 2, 2, 3, 2, 3.
_ALIGN_CASES = [
    ([[2.49, 0.95], [3.60, -1.42], [2.05, 2.09]],
     [[-1.06, 0.91], [4.08, 6.26], [1.50, 2.65]]),
    ([[1.42, -4.08], [-0.37, 0.43], [-1.06, 4.71], [4.19, 0.28]],
     [[2.00, 0.37], [-3.22, -7.20], [7.52, 4.07], [1.31, -3.01]]),
    ([[-1.99, 6.19, -1.28], [1.90, 1.20, -0.65], [2.99, 0.83, 4.26], [1.39, -2.69, 1.55], [5.14, 0.50, -2.37]],
     [[8.84, 5.91, 0.08], [-3.07, 3.75, -3.50], [6.33, 1.23, -0.77], [5.88, 1.06, 0.04], [6.16, -4.26, -0.48]]),
    ([[1.36, 3.54], [0.40, 4.38], [-5.03, 3.50], [-3.09, 5.61], [-4.84, -1.25], [2.01, -2.63]],
     [[-1.00, -0.70], [-6.29, 0.46], [-1.26, 3.91], [-6.23, -0.20], [-3.95, -0.92], [-0.52, 4.22]]),
    ([[-3.72, -0.86, 0.13], [-1.95, -0.40, 1.70], [3.13, 4.74, 4.22], [0.19, -1.68, 0.52]],
     [[-0.43, 0.35, 1.94], [2.38, -0.14, 7.47], [-1.61, -1.38, 0.14], [-7.02, 5.58, 7.05]]),
]


def _align_cases(rng):
    """The five discriminating cases above (fixed: drawing them afresh takes seconds)."""
    return [(np.array(ref), np.array(means)) for ref, means in _ALIGN_CASES]


def _align_describe(case):
    ref, means = case
    return f"K = {ref.shape[0]} components in D = {ref.shape[1]} dimensions"


def _align_ref(ref_means, means):
    return _align_all(ref_means, means)[0]


def _align_inverse(ref_means, means):
    return _align_all(ref_means, means)[1]


def _align_greedy(ref_means, means):
    return _align_all(ref_means, means)[2]


def _align_unsquared(ref_means, means):
    return _align_all(ref_means, means)[3]


def _align_l1(ref_means, means):
    return _align_all(ref_means, means)[4]


def _align_rank(ref_means, means):
    return _align_all(ref_means, means)[5]


def _align_diagnose(got, expected, case, ask):
    ref, means = case
    g = np.asarray(got)
    K = len(g)
    if not np.allclose(g, np.round(g)) or not np.array_equal(np.sort(np.round(g)), np.arange(K)):
        return f"your answer {np.round(g, 3).tolist()} is not a permutation of 0..{K - 1}: a relabelling uses every component once"
    same = ask(ref, ref)
    if same is not None and not np.array_equal(np.asarray(same), np.arange(K)):
        return "aligning a fit with itself should give 0, 1, ..., K-1; yours does not"
    s = np.roll(np.arange(K), 1)
    relabelled = ask(ref, means[s])
    if relabelled is not None and not np.array_equal(s[np.asarray(relabelled).astype(int)], g.astype(int)):
        return "relabelling `means` should relabel your answer the same way; yours changes otherwise: a fixed order or a hard-coded K?"
    sq = _costs(ref, means)[0]
    return ("your permutation is a relabelling, but not the one with the smallest total squared distance "
            f"sum_k ||ref_means[k] - means[p[k]]||^2 (yours exceeds the best by {fmt(sq[np.arange(K), g.astype(int)].sum() - sq[np.arange(K), expected].sum())}): "
            "try all K! permutations")


register(
    Exercise(
        id="5.6",
        title="Align two fits up to relabelling",
        kind="function",
        reference=_align_ref,
        cases=_align_cases,
        describe=_align_describe,
        returns="a (K,) integer array",
        mistakes=[
            (_align_inverse, "you returned the inverse permutation: means[p] should line up with ref_means (p[k] is the index in `means` of reference component k)"),
            (_align_greedy, "each reference component took its nearest fitted mean, and two took the same one: a relabelling must be a permutation"),
            (_align_unsquared, "your permutation minimises the sum of the distances ||ref_means[k] - means[p[k]]||, not of their squares: the exercise asks for the total squared distance, and the two can disagree"),
            (_align_l1, "your permutation minimises the sum of the L1 (city-block) distances; the exercise asks for the total squared Euclidean distance"),
            (_align_rank, "you matched the components by the order of their first coordinate; that ignores the other coordinates, so it fails when the components are not ordered along one axis"),
        ],
        diagnose=_align_diagnose,
        hints=(
            "A relabelling is a permutation p of 0..K-1; you want the one that makes means[p] closest to ref_means.",
            "For small K you can try all K! permutations (itertools.permutations) and keep the one with the smallest total squared distance.",
            "Build the (K, K) table of squared distances between ref_means[k] and means[j] once; the cost of p is the sum of cost[k, p[k]].",
        ),
        solution='''
        def align(ref_means, means):
            K = len(ref_means)
            cost = ((ref_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
            best = min(itertools.permutations(range(K)), key=lambda p: cost[np.arange(K), list(p)].sum())
            return np.array(best)
        ''',
        rtol=0.0,
        atol=0.0,
        seed=506,
    )
)
