"""Property tests: the identities of the notes hold for random data, parameters and q."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emlib

from .conftest import random_params

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# inputs left unchanged: one write into an argument shows on the first problems that reach it
FEWER = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    K = draw(st.integers(1, 4))
    D = draw(st.integers(1, 3))
    N = draw(st.integers(3 * K * (D + 1), 80))
    rng = np.random.default_rng(seed)
    params = random_params(rng, K, D, spread=draw(st.floats(0.1, 10.0)))
    X, _ = emlib.sample(params, N, rng)
    return X, params, rng


def random_q(rng, N, K, kind):
    if kind == "random":
        return rng.dirichlet(np.ones(K), size=N)
    if kind == "zeros":
        q = rng.dirichlet(np.ones(K), size=N) * (rng.random((N, K)) < 0.5)
        q[q.sum(axis=1) == 0, 0] = 1.0
        return q / q.sum(axis=1, keepdims=True)
    return np.eye(K)[rng.integers(K, size=N)]  # one-hot


@SETTINGS
@given(problems(), st.sampled_from(["random", "zeros", "onehot"]))
def test_log_likelihood_is_lower_bound_plus_kl(problem, kind):
    X, params, rng = problem
    q = random_q(rng, X.shape[0], params.weights.size, kind)
    ll = emlib.mixture_log_likelihood(X, params)
    L = emlib.lower_bound(X, params, q)
    KL = emlib.kl_divergence(X, params, q)
    assert np.isclose(ll, L + KL, rtol=1e-10, atol=1e-9)
    assert KL >= -1e-10 * max(1.0, abs(ll))
    assert L <= ll + 1e-9 * max(1.0, abs(ll))


@SETTINGS
@given(problems())
def test_posterior_makes_kl_zero_and_bound_tight(problem):
    X, params, _ = problem
    resp = emlib.e_step(X, params)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-12)
    ll = emlib.mixture_log_likelihood(X, params)
    assert abs(emlib.kl_divergence(X, params, resp)) <= 1e-9 * max(1.0, abs(ll))
    assert np.isclose(emlib.lower_bound(X, params, resp), ll, rtol=1e-10, atol=1e-9)
    # L = Q + H(q) (PRML 9.74 with q = gamma)
    Q = emlib.expected_complete_log_likelihood(X, params, resp)
    assert np.isclose(emlib.lower_bound(X, params, resp), Q + emlib.entropy(resp), rtol=1e-10, atol=1e-9)


@SETTINGS
@given(problems(), st.integers(1, 15))
def test_em_never_decreases_the_log_likelihood(problem, n_iter):
    X, params, rng = problem
    K = params.weights.size
    init = emlib.init_params(X, K, rng)
    try:
        result = emlib.em(X, init, max_iter=n_iter, tol=0)
    except emlib.ComponentCollapseError:
        return  # a genuine singularity on tiny data; the error is the right outcome
    ll = result.log_likelihoods
    assert np.all(np.diff(ll) >= -1e-10 * np.abs(ll[1:]))


@SETTINGS
@given(problems(), st.floats(1e-4, 1e-1))
def test_m_step_maximises_q(problem, eps):
    X, params, rng = problem
    resp = emlib.e_step(X, params)
    try:
        new = emlib.m_step(X, resp)
    except emlib.ComponentCollapseError:
        return
    if np.linalg.cond(new.covs).max() > 1e12:
        # A component holding almost no responsibility has a scatter made of rounding noise in some
        # direction; Q's maximiser exists in exact arithmetic but not in floating point (Q ~ -1e41).
        return
    Q = emlib.expected_complete_log_likelihood(X, new, resp)
    K, D = new.means.shape
    for _ in range(5):
        w = new.weights * np.exp(eps * rng.normal(size=K))
        B = eps * rng.normal(size=(K, D, D))
        covs = new.covs + (B + B.transpose(0, 2, 1)) / 2 * np.sqrt(np.einsum("kii->k", new.covs)[:, None, None])
        if np.any(np.linalg.eigvalsh(covs) <= 0):
            continue
        moved = emlib.GMMParams(w / w.sum(), new.means + eps * rng.normal(size=(K, D)), covs)
        assert emlib.expected_complete_log_likelihood(X, moved, resp) <= Q + 1e-10 * abs(Q)


@FEWER
@given(problems())
def test_functions_do_not_modify_inputs(problem):
    X, params, rng = problem
    copies = [X.copy(), *[p.copy() for p in params]]
    resp = emlib.e_step(X, params)
    resp_copy = resp.copy()
    emlib.mixture_log_likelihood(X, params)
    emlib.lower_bound(X, params, resp)
    try:
        emlib.m_step(X, resp)
        emlib.em(X, params, max_iter=2)
    except emlib.ComponentCollapseError:
        pass
    for a, b in zip([X, *params], copies):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(resp, resp_copy)


def test_sample_follows_the_generative_process(rng):
    params = random_params(rng, 3, 2)
    X, z = emlib.sample(params, 20000, rng)
    assert X.shape == (20000, 2) and z.shape == (20000,)
    counts = np.bincount(z, minlength=3) / z.size
    np.testing.assert_allclose(counts, params.weights, atol=0.015)
    for k in range(3):
        mean, cov = emlib.gaussian_mle(X[z == k])
        n_k = np.sum(z == k)
        scale = np.max(np.diag(params.covs[k]))
        np.testing.assert_allclose(mean, params.means[k], atol=5 * np.sqrt(scale / n_k))  # 5 standard errors
        np.testing.assert_allclose(cov, params.covs[k], atol=5 * np.sqrt(2 / n_k) * scale)


def test_same_seed_same_result():
    X1 = emlib.sample(random_params(np.random.default_rng(3), 2, 2), 50, np.random.default_rng(4))[0]
    X2 = emlib.sample(random_params(np.random.default_rng(3), 2, 2), 50, np.random.default_rng(4))[0]
    np.testing.assert_array_equal(X1, X2)
