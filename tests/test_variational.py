"""emlib.variational: special functions against scipy, the updates against scikit-learn's
BayesianGaussianMixture, the ELBO against exact evidences, and the properties of VB."""
import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emlib
from emlib import GMMParams
from emlib.datasets import old_faithful, standardise
from emlib import variational as V

scipy_special = pytest.importorskip("scipy.special")
sklearn_mixture = pytest.importorskip("sklearn.mixture")
threadpoolctl = pytest.importorskip("threadpoolctl")


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """The matrices here are tiny (D <= 3): a second BLAS thread only adds waiting, a lot of it on a busy machine."""
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        yield


# ---------------------------------------------------------------- helpers
def _faithful():
    return standardise(old_faithful())


def _start(X, K, seed):
    return emlib.e_step(X, emlib.init_params(X, K, np.random.default_rng(seed)))


class _InjectedBGM(sklearn_mixture.BayesianGaussianMixture):
    """scikit-learn's VB mixture, started from given responsibilities instead of its own initialisation."""

    def _initialize_parameters(self, X, random_state, xp=None):
        self._initialize(X, self.resp0)


def _sklearn_fit(X, prior, resp0, k):
    bgm = _InjectedBGM(
        n_components=resp0.shape[1], covariance_type="full", weight_concentration_prior_type="dirichlet_distribution",
        weight_concentration_prior=prior.alpha0, mean_precision_prior=prior.beta0, mean_prior=prior.m0,
        degrees_of_freedom_prior=prior.nu0, covariance_prior=prior.W0_inv, reg_covar=0.0, max_iter=k, tol=0.0,
        init_params="random",
    )
    bgm.resp0 = resp0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: tol = 0 runs exactly k iterations on purpose
        bgm.fit(X)
    return bgm


def _rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def _log_evidence_one_gaussian(X, prior):
    """ln p(X) for one Gaussian with the Gaussian-Wishart prior, in closed form (Murphy 2007, eq. 266), via scipy."""
    N, D = X.shape
    beta_n, nu_n = prior.beta0 + N, prior.nu0 + N
    xbar = X.mean(axis=0)
    S = (X - xbar).T @ (X - xbar)
    Wn_inv = prior.W0_inv + S + prior.beta0 * N / beta_n * np.outer(xbar - prior.m0, xbar - prior.m0)
    return (-N * D / 2 * math.log(math.pi) + scipy_special.multigammaln(nu_n / 2, D) - scipy_special.multigammaln(prior.nu0 / 2, D)
            + prior.nu0 / 2 * np.linalg.slogdet(prior.W0_inv)[1] - nu_n / 2 * np.linalg.slogdet(Wn_inv)[1]
            + D / 2 * math.log(prior.beta0 / beta_n))


# ---------------------------------------------------------------- special functions
def test_digamma_and_gammaln_match_scipy():
    x = np.concatenate([np.geomspace(1e-300, 1e6, 3000), np.linspace(0.01, 40.0, 4001), [1.4616321449683622]])
    psi = scipy_special.digamma(x)
    assert np.max(np.abs(V.digamma(x) - psi) / np.maximum(1.0, np.abs(psi))) < 1e-14
    lg = scipy_special.gammaln(x)
    assert np.max(np.abs(V.gammaln(x) - lg) / np.maximum(1.0, np.abs(lg))) < 1e-14


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1e-8, max_value=1e8))
def test_digamma_recurrence_and_reference(x):
    a, b = float(V.digamma(x + 1.0)), float(V.digamma(x))
    assert abs(a - b - 1.0 / x) <= 1e-13 * (abs(a) + abs(b) + 1.0 / x)  # psi(x + 1) = psi(x) + 1/x, to rounding
    assert math.isclose(float(V.digamma(x)), float(scipy_special.digamma(x)), rel_tol=1e-13, abs_tol=1e-14)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf, [1.0, -2.0]])
def test_special_functions_reject_bad_arguments(bad):
    for f in (V.digamma, V.gammaln):
        with pytest.raises(ValueError, match="x"):
            f(bad)


# ---------------------------------------------------------------- the oracle: scikit-learn
@pytest.mark.parametrize("alpha0, k, seed", [(1e-3, 1, 0), (1e-3, 25, 0), (0.5, 25, 1), (10.0, 40, 2)])
def test_same_parameters_as_sklearn_after_k_iterations(alpha0, k, seed):
    X = _faithful()
    prior = V.vb_prior(X, alpha0=alpha0, beta0=0.7, nu0=3.5)
    resp0 = _start(X, 6, seed)
    ours = V.vb_gmm(X, prior, resp0, max_iter=k, tol=0.0)
    bgm = _sklearn_fit(X, prior, resp0, k)
    post = ours.posterior
    assert ours.n_iter == bgm.n_iter_ == k
    assert _rel(post.alpha, bgm.weight_concentration_) < 1e-9
    assert _rel(post.beta, bgm.mean_precision_) < 1e-9
    assert _rel(post.nu, bgm.degrees_of_freedom_) < 1e-9
    assert np.max(np.abs(post.m - bgm.means_)) < 1e-9 * np.max(np.abs(bgm.means_))
    assert _rel(post.W_inv / post.nu[:, None, None], bgm.covariances_) < 1e-9  # sklearn's covariances_ = W_k^-1 / nu_k


def test_sklearn_lower_bound_differs_by_a_constant_we_can_name():
    """sklearn's lower_bound_ is our ELBO (at q(Z) and the q(pi, mu, Lambda) computed from it) minus
    ln C(alpha0) + K ln B(W0, nu0) + K D/2 ln beta0 - N D/2 ln 2 pi + K D(D-1)/4 ln pi,
    terms that depend on the prior and on N, D, K only (sklearn also drops ln pi from its Wishart normaliser)."""
    X = _faithful()
    N, D = X.shape
    K = 6
    prior = V.vb_prior(X, alpha0=0.01)
    resp0 = _start(X, K, 3)
    ours = V.vb_gmm(X, prior, resp0, max_iter=30, tol=0.0)
    ks = (1, 5, 30)  # sklearn's lower_bound_ after k iterations (its lower_bounds_ list needs sklearn >= 1.6)
    diff = ours.elbos[list(ks)] - np.array([_sklearn_fit(X, prior, resp0, k).lower_bound_ for k in ks])
    const = (math.lgamma(K * prior.alpha0) - K * math.lgamma(prior.alpha0)
             + K * float(V._log_B(-np.linalg.slogdet(prior.W0_inv)[1], prior.nu0, D))
             + K * D / 2 * math.log(prior.beta0) - N * D / 2 * math.log(2 * math.pi) + K * D * (D - 1) / 4 * math.log(math.pi))
    assert np.allclose(diff, const, rtol=1e-10, atol=0)
    assert abs(const) > 100  # not a vacuous comparison: the two bounds really differ


# ---------------------------------------------------------------- the ELBO against exact evidences
def test_one_component_elbo_is_the_exact_evidence():
    """K = 1: q*(mu, Lambda) is the exact (conjugate) posterior, so KL = 0 and the ELBO equals ln p(X)."""
    X = np.random.default_rng(4).normal(size=(15, 3)) @ np.array([[1.0, 0.3, 0.0], [0.0, 0.8, 0.2], [0.0, 0.0, 1.5]])
    prior = V.VBPrior(1.0, 0.4, np.array([0.5, -0.2, 0.1]), np.diag([2.0, 1.0, 0.5]), 4.5)
    resp = np.ones((15, 1))
    post = V.vb_m_step(X, resp, prior)
    assert math.isclose(V.elbo(X, resp, post, prior), _log_evidence_one_gaussian(X, prior), rel_tol=1e-12)
    worse = post._replace(beta=post.beta * 1.3)
    assert V.elbo(X, resp, worse, prior) < _log_evidence_one_gaussian(X, prior)


def test_elbo_is_below_the_brute_force_evidence():
    """K = 2, N = 8: ln p(X) = ln sum over all 2^8 assignments of p(Z) p(X | Z), each factor exact.

    Two clusters far apart: p(Z | X) sits on the right split and its relabelling, each with
    probability 1/2. VB's q(Z) picks one of them and q(pi, mu, Lambda) is then the exact
    posterior given that Z, so the gap ln p(X) - ELBO = KL(q || p) is ln 2 (to e^-(large))."""
    rng = np.random.default_rng(5)
    X = np.vstack([rng.normal(size=(4, 2)), rng.normal(size=(4, 2)) + 20.0])
    prior = V.VBPrior(0.8, 0.01, X.mean(axis=0), np.eye(2), 3.0)
    N, K = 8, 2
    terms = []
    for z in itertools.product(range(K), repeat=N):
        z = np.array(z)
        counts = np.bincount(z, minlength=K)
        log_pz = (math.lgamma(K * prior.alpha0) - math.lgamma(K * prior.alpha0 + N)
                  + sum(math.lgamma(prior.alpha0 + c) - math.lgamma(prior.alpha0) for c in counts))  # Dirichlet-multinomial
        log_px = sum(_log_evidence_one_gaussian(X[z == k], prior) for k in range(K) if counts[k] > 0)
        terms.append(log_pz + log_px)
    log_evidence = float(np.logaddexp.reduce(terms))
    fit = V.vb_gmm(X, prior, _start(X, 2, 0), max_iter=200, tol=0.0)
    gap = log_evidence - fit.elbos[-1]
    assert abs(gap - math.log(2)) < 1e-4
    assert np.all(fit.elbos <= log_evidence)


# ---------------------------------------------------------------- properties of the updates
def test_elbo_never_decreases_half_step_by_half_step():
    X = _faithful()
    prior = V.vb_prior(X, alpha0=1e-3)
    resp = _start(X, 6, 7)
    post = V.vb_m_step(X, resp, prior)
    values = [V.elbo(X, resp, post, prior)]
    for _ in range(60):
        resp = V.vb_e_step(X, post)
        values.append(V.elbo(X, resp, post, prior))
        post = V.vb_m_step(X, resp, prior)
        values.append(V.elbo(X, resp, post, prior))
    values = np.array(values)
    assert np.all(np.diff(values) >= -1e-11 * np.abs(values[1:]))
    assert values[-1] - values[0] > 10  # it did climb


def _perturbations(post, rng, eps):
    """Each factor parameter moved along a random direction, both ways (a maximum must lose in both)."""
    K, D = post.m.shape
    B = rng.normal(size=(K, D, D))
    sym = (B + B.transpose(0, 2, 1)) / 2 * np.mean(np.diagonal(post.W_inv, axis1=1, axis2=2), axis=1)[:, None, None]
    d_alpha, d_beta, d_m, d_nu = rng.normal(size=K), rng.normal(size=K), rng.normal(size=(K, D)), rng.normal(size=K)
    for s in (eps, -eps):
        yield "alpha", post._replace(alpha=post.alpha * np.exp(s * d_alpha))
        yield "beta", post._replace(beta=post.beta * np.exp(s * d_beta))
        yield "m", post._replace(m=post.m + s * d_m)
        yield "W_inv", post._replace(W_inv=post.W_inv + s * sym)
        yield "nu", post._replace(nu=post.nu * np.exp(s * d_nu))


@pytest.mark.parametrize("eps", [1e-2, 1e-3])
def test_each_update_maximises_the_elbo_in_its_factor(eps):
    X = _faithful()
    prior = V.vb_prior(X, alpha0=0.1)
    rng = np.random.default_rng(11)
    fit = V.vb_gmm(X, prior, _start(X, 3, 4), max_iter=5, tol=0.0)
    resp = V.vb_e_step(X, fit.posterior)            # q(Z) optimal for the posterior of iteration 5
    post = V.vb_m_step(X, resp, prior)              # q(pi, mu, Lambda) optimal for that q(Z)
    best = V.elbo(X, resp, post, prior)
    for _ in range(5):
        for name, worse in _perturbations(post, rng, eps):
            assert V.elbo(X, resp, worse, prior) < best, name
        # q(Z): perturb the optimal r_nk = vb_e_step(post) in log space, both ways
        opt = V.vb_e_step(X, post)
        top = V.elbo(X, opt, post, prior)
        d = rng.normal(size=opt.shape)
        for s in (eps, -eps):
            logits = np.log(opt) + s * d
            other = np.exp(logits - np.logaddexp.reduce(logits, axis=1)[:, None])
            assert V.elbo(X, other, post, prior) < top


def test_m_step_matches_the_book_form_of_W():
    """PRML 10.62 written with xbar_k and S_k (dividing by N_k) equals our division-free form."""
    X = _faithful()
    prior = V.vb_prior(X, alpha0=1.0, beta0=2.5)
    resp = _start(X, 3, 2)
    post = V.vb_m_step(X, resp, prior)
    N_k = resp.sum(axis=0)
    for k in range(3):
        xbar = resp[:, k] @ X / N_k[k]
        S = (resp[:, k, None] * (X - xbar)).T @ (X - xbar) / N_k[k]
        W_inv = prior.W0_inv + N_k[k] * S + prior.beta0 * N_k[k] / (prior.beta0 + N_k[k]) * np.outer(xbar - prior.m0, xbar - prior.m0)
        assert np.allclose(post.W_inv[k], W_inv, rtol=1e-12, atol=1e-12)
        assert np.allclose(post.m[k], (prior.beta0 * prior.m0 + N_k[k] * xbar) / (prior.beta0 + N_k[k]), rtol=1e-12)


def test_empty_component_falls_back_to_the_prior():
    X = _faithful()
    prior = V.vb_prior(X, alpha0=0.5)
    resp = np.zeros((len(X), 2))
    resp[:, 0] = 1.0
    post = V.vb_m_step(X, resp, prior)
    assert np.allclose(post.m[1], prior.m0) and np.allclose(post.W_inv[1], prior.W0_inv)
    assert np.isfinite(V.elbo(X, resp, post, prior))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_permuting_points_and_components_changes_nothing(seed):
    rng = np.random.default_rng(seed)
    X = _faithful()[rng.choice(272, size=60, replace=False)]
    prior = V.vb_prior(X, alpha0=float(rng.uniform(0.01, 2.0)))
    resp0 = _start(X, 3, seed)
    a = V.vb_gmm(X, prior, resp0, max_iter=10, tol=0.0)
    rows, cols = rng.permutation(60), rng.permutation(3)
    b = V.vb_gmm(X[rows], prior, resp0[rows][:, cols], max_iter=10, tol=0.0)
    assert np.allclose(b.elbos, a.elbos, rtol=1e-10)
    assert np.allclose(b.posterior.m, a.posterior.m[cols], rtol=1e-9, atol=1e-12)
    assert np.allclose(b.resp, a.resp[rows][:, cols], atol=1e-10)
    assert np.all(np.diff(a.elbos) >= -1e-11 * np.abs(a.elbos[1:]))


# ---------------------------------------------------------------- what VB does that EM does not
def test_broad_prior_and_many_points_approach_em():
    truth = GMMParams(np.array([0.6, 0.4]), np.array([[0.0, 0.0], [3.0, 1.0]]),
                      np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.6, -0.2], [-0.2, 0.5]]]))
    prior = V.VBPrior(1.0, 1e-6, np.zeros(2), 1e-6 * np.eye(2), 2.0)
    gaps = []
    for N in (200, 2000, 20000):
        X, _ = emlib.sample(truth, N, np.random.default_rng(3))
        fit = emlib.em(X, truth, max_iter=500, tol=1e-12)
        vb = V.expected_params(V.vb_gmm(X, prior, fit.resp, max_iter=500, tol=1e-12).posterior)
        gaps.append(max(np.max(np.abs(a - b)) for a, b in zip(vb, fit.params)))
    assert gaps[0] > 5 * gaps[1] > 25 * gaps[2]  # shrinks roughly like 1/N
    assert gaps[2] < 1e-3


def test_old_faithful_keeps_two_components_for_small_alpha0():
    X = _faithful()
    for seed in (0, 1, 2):
        resp0 = _start(X, 6, seed)
        for alpha0 in (1e-3, 1e-2, 1e-1, 1.0):
            fit = V.vb_gmm(X, V.vb_prior(X, alpha0=alpha0), resp0, max_iter=2000, tol=1e-9)
            N_k = fit.posterior.alpha - alpha0
            assert np.sum(N_k > 1.0) == 2, (seed, alpha0, np.round(N_k, 2))
            assert np.sum(V.expected_params(fit.posterior).weights > 0.01) == 2


def test_no_collapse_from_notebook_05_start():
    X = np.vstack([np.random.default_rng(1).normal(size=(20, 2)), [[8.0, 8.0]]])
    start = GMMParams(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [8.0, 8.0]]), np.array([np.eye(2), 1e-3 * np.eye(2)]))
    resp0 = emlib.e_step(X, start)
    with pytest.raises(emlib.ComponentCollapseError):
        emlib.em(X, start, max_iter=10)
    prior = V.vb_prior(X, alpha0=1e-3)
    fit = V.vb_gmm(X, prior, resp0, max_iter=300, tol=0.0)
    covs = V.expected_params(fit.posterior).covs
    floor = np.linalg.eigvalsh(prior.W0_inv).min() / (prior.nu0 + len(X))
    assert np.all(np.linalg.eigvalsh(covs) >= floor)  # W_k^-1 >= W0^-1 and nu_k <= nu0 + N
    assert np.all(np.diff(fit.elbos) >= -1e-11 * np.abs(fit.elbos[1:]))


# ---------------------------------------------------------------- validation
def test_clear_errors():
    X = _faithful()
    prior = V.vb_prior(X, alpha0=1.0)
    resp = _start(X, 3, 0)
    post = V.vb_m_step(X, resp, prior)
    with pytest.raises(ValueError, match="alpha0 must be > 0"):
        V.vb_prior(X, alpha0=0.0)
    with pytest.raises(ValueError, match="nu0 must be > 1"):
        V.vb_prior(X, alpha0=1.0, nu0=0.5)
    with pytest.raises(ValueError, match=r"m0 must have shape \(2,\)"):
        V.vb_m_step(X, resp, prior._replace(m0=np.zeros(3)))
    with pytest.raises(ValueError, match="W0_inv is not positive definite"):
        V.vb_m_step(X, resp, prior._replace(W0_inv=-np.eye(2)))
    with pytest.raises(ValueError, match="rows of resp must sum to 1"):
        V.vb_m_step(X, resp * 2, prior)
    with pytest.raises(ValueError, match=r"posterior.m must have shape \(K, D\) = \(3, 3\)"):
        V.vb_e_step(np.zeros((5, 3)), post)
    with pytest.raises(ValueError, match="posterior.beta must be > 0"):
        V.vb_e_step(X, post._replace(beta=-post.beta))
    with pytest.raises(ValueError, match=r"resp must have shape \(N, K\) = \(272, 3\)"):
        V.elbo(X, np.ones((272, 1)), post, prior)
    with pytest.raises(ValueError, match="max_iter"):
        V.vb_gmm(X, prior, resp, max_iter=-1)


def test_widget_shows_a_png_and_closes():
    pytest.importorskip("ipywidgets")
    from emlib.widgets import VBAnimator

    X = _faithful()
    fit = V.vb_gmm(X, V.vb_prior(X, alpha0=1e-3), _start(X, 6, 0), max_iter=20, tol=0.0)
    w = VBAnimator(X, fit)
    bundle = w._repr_mimebundle_()
    assert "image/png" in bundle
    first = w.frame()
    w.slider.value = 20
    assert w.frame() != first and w.renders == 2
    w.slider.value = 0
    assert w.frame() == first and w.renders == 2  # from the cache
    w.close()
    assert w.closed


def test_sklearn_from_its_own_start_also_keeps_two_on_old_faithful():
    """The claim of notebook 10, section 5, for scikit-learn's own (k-means) initialisation."""
    X = _faithful()
    for alpha0, expected in ((1e-3, 2), (1.0, 2), (10.0, 6)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bgm = sklearn_mixture.BayesianGaussianMixture(
                n_components=6, covariance_type="full", weight_concentration_prior_type="dirichlet_distribution",
                weight_concentration_prior=alpha0, max_iter=1000, tol=1e-4, random_state=0,
            ).fit(X)
        assert np.sum(bgm.weight_concentration_ - alpha0 > 1.0) == expected, alpha0
