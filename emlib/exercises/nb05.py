"""Checked exercises of notebook 05 (when EM goes wrong).

- 5.4 the MAP covariance update under a proper inverse-Wishart prior IW(lambda I, nu);
- 5.5 the smallest variance of each component, which detects a collapse;
- 5.6 aligning two fits up to a relabelling of their components.

References are computed with emlib (5.4) or by brute force (5.5, 5.6); the
mistakes are the slips a student plausibly makes.
"""
import itertools

import numpy as np

from emlib.em import m_step

from . import Exercise, register


def _random_resp(rng, N, K):
    """Responsibilities with rows on the simplex, every column well populated."""
    return rng.dirichlet(np.full(K, 2.0), size=N)


# ---------------------------------------------------------------- 5.4 inverse-Wishart MAP update
def _iw_cases(rng):
    cases = []
    for N, K, D in [(40, 2, 2), (25, 3, 1), (60, 3, 3)]:
        X = rng.normal(size=(N, D)) * rng.uniform(0.5, 3.0, size=D) + rng.normal(scale=2.0, size=D)
        lam = float(rng.uniform(0.5, 3.0))
        nu = float(D - 1 + rng.uniform(0.5, 4.0))  # a proper prior needs nu > D - 1
        cases.append((X, _random_resp(rng, N, K), lam, nu))
    return cases


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


def _iw_mean_not_mode(X, resp, lam, nu):
    N_k, ml = _ml_parts(X, resp)
    D = X.shape[1]
    return (N_k[:, None, None] * ml + lam * np.eye(D)) / (N_k + nu - D - 1)[:, None, None]


def _iw_diagnose(got, expected, case):
    g = np.asarray(got, dtype=float)
    if g.ndim == 3 and g.shape == np.shape(expected) and not np.allclose(g, g.transpose(0, 2, 1)):
        return "your Sigma_k are not symmetric: S_k is a sum of outer products (x - mu)(x - mu)^T"
    X, resp, lam, nu = case
    if g.shape == np.shape(expected):
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
        mistakes=[
            (_iw_no_prior, "that is the maximum-likelihood S_k / N_k: the prior's terms are missing"),
            (_iw_old_denominator, "you added lambda I to S_k but kept the denominator N_k: the prior's ln|Sigma_k| term adds nu + D + 1 to it"),
            (_iw_lambda_after_division, "you added lambda I after dividing by N_k (that is reg_covar = lambda); the prior adds lambda I to S_k before the division"),
            (_iw_nu_only, "the denominator is N_k + nu + D + 1; you left out D + 1 (the prior's exponent is (nu + D + 1)/2)"),
            (_iw_mean_not_mode, "nu - D - 1 belongs to the mean of the inverse-Wishart; the MAP update maximises, so it has nu + D + 1"),
        ],
        diagnose=_iw_diagnose,
        hints=(
            "Collect every term of Q + ln p(Sigma_k) that contains Sigma_k, and write it with the precision Lambda_k = Sigma_k^{-1}.",
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
    cases = []
    for K, D, thin in [(3, 2, 1e-6), (2, 3, 0.05), (4, 2, 0.2)]:
        cases.append((np.array([_thin_cov(rng, D, thin if k == K - 1 else rng.uniform(0.3, 1.0)) for k in range(K)]),))
    return cases


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


def _smallest_diagnose(got, expected, case):
    (covs,) = case
    g = np.asarray(got, dtype=float)
    if g.shape == expected.shape and np.any(g < 0):
        return "a covariance has no negative variance: did you take eigenvalues of a non-symmetric matrix, or subtract something?"
    if g.shape == expected.shape and np.all(g >= expected * (1 + 1e-6)) and np.all(g <= np.linalg.eigvalsh(covs)[:, -1] * (1 + 1e-6)):
        return "your values lie between the smallest and the largest eigenvalue: the variance along some direction, but not the thinnest one"
    return None


register(
    Exercise(
        id="5.5",
        title="Detect a collapsing component: its smallest variance",
        kind="function",
        reference=_smallest_ref,
        cases=_smallest_cases,
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
def _align_cases(rng):
    cases = []
    for K, D, noise in [(4, 2, 0.05), (5, 3, 0.1), (3, 2, 0.3)]:
        ref = rng.normal(scale=3.0, size=(K, D))
        perm = rng.permutation(K)
        while np.array_equal(perm[perm], np.arange(K)):  # not an involution, so the inverse differs
            perm = rng.permutation(K)
        cases.append((ref, ref[perm] + rng.normal(scale=noise, size=(K, D))))
    # two fitted means closest to the same reference mean: greedy matching picks it twice
    ref = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
    cases.append((ref, np.array([[0.4, 0.0], [5.0, 5.1], [-0.8, 0.0]])))
    return cases


def _align_ref(ref_means, means):
    K = len(ref_means)
    cost = ((ref_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)  # (K, K): ref k against fitted j
    best = min(itertools.permutations(range(K)), key=lambda p: cost[np.arange(K), list(p)].sum())
    return np.array(best)


def _align_inverse(ref_means, means):
    return np.argsort(_align_ref(ref_means, means))


def _align_greedy(ref_means, means):
    cost = ((ref_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    return np.argmin(cost, axis=1)


def _align_diagnose(got, expected, case):
    g = np.asarray(got)
    if g.shape == expected.shape and not np.array_equal(np.sort(g), np.arange(len(g))):
        return f"your answer {g.tolist()} is not a permutation of 0..{len(g) - 1}: a relabelling uses every component once"
    return None


register(
    Exercise(
        id="5.6",
        title="Align two fits up to relabelling",
        kind="function",
        reference=_align_ref,
        cases=_align_cases,
        mistakes=[
            (_align_inverse, "you returned the inverse permutation: means[p] should line up with ref_means (p[k] is the index in `means` of reference component k)"),
            (_align_greedy, "each reference component took its nearest fitted mean, and two took the same one: a relabelling must be a permutation"),
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
