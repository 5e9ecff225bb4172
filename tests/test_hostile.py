"""Bad input gets a clear ValueError naming the argument; hard but valid input works."""
import numpy as np
import pytest

import emlib
import emlib.datasets
from emlib import GMMParams

from .conftest import random_params

X0 = np.random.default_rng(0).normal(size=(30, 2))
P0 = GMMParams(np.array([0.4, 0.6]), np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([np.eye(2), 2 * np.eye(2)]))
Q0 = np.full((30, 2), 0.5)


def with_(params=P0, **changes):
    return params._replace(**{k: np.asarray(v, dtype=float) for k, v in changes.items()})


BAD_PARAMS = [
    (with_(weights=[0.4, np.nan]), r"params.weights contains NaN"),
    (with_(means=[[0.0, np.inf], [1.0, 1.0]]), r"params.means contains NaN or inf"),
    (with_(weights=[-0.1, 1.1]), r"weights must be non-negative, got weights\[0\] = -0.1"),
    (with_(weights=[0.5, 0.6]), r"weights must sum to 1, got sum 1.1"),
    (with_(weights=[[0.4, 0.6]]), r"weights must have shape \(K,\)"),
    (with_(means=np.zeros((3, 2))), r"means must have shape \(K, D\) = \(2, D\), got shape \(3, 2\)"),
    (with_(means=np.zeros((2, 3))), r"means must have shape \(K, D\) = \(2, 2\) to match X, got shape \(2, 3\)"),
    (with_(covs=np.array([np.eye(2)])), r"covs must have shape \(K, D, D\) = \(2, 2, 2\), got shape \(1, 2, 2\)"),
    (with_(covs=[np.eye(2), [[1.0, 0.5], [0.0, 1.0]]]), r"covs\[1\] \(component 1\) is not symmetric"),
    (with_(covs=[[[1.0, 2.0], [2.0, 1.0]], np.eye(2)]), r"covs\[0\] \(component 0\) is not positive definite"),
    (with_(covs=[np.eye(2), np.zeros((2, 2))]), r"component 1\) is not positive definite"),
]


@pytest.mark.parametrize("params, match", BAD_PARAMS)
@pytest.mark.parametrize(
    "call",
    [
        lambda p: emlib.log_joint(X0, p),
        lambda p: emlib.mixture_log_likelihood(X0, p),
        lambda p: emlib.e_step(X0, p),
        lambda p: emlib.lower_bound(X0, p, Q0),
        lambda p: emlib.kl_divergence(X0, p, Q0),
        lambda p: emlib.expected_complete_log_likelihood(X0, p, Q0),
        lambda p: emlib.em(X0, p),
    ],
    ids=["log_joint", "mixture_log_likelihood", "e_step", "lower_bound", "kl_divergence", "Q", "em"],
)
def test_bad_params(call, params, match):
    with pytest.raises(ValueError, match=match.replace("params.", r"(params|init)\.")):
        call(params)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([[0.0, np.nan]] * 3), r"X contains NaN or inf \(first at index \(0, 1\)"),
        (np.zeros(30), r"X must have shape \(N, D\), got shape \(30,\); for 1-D data use X\[:, None\]"),
        (np.zeros((30, 3)), r"means must have shape \(K, D\) = \(2, 3\) to match X"),
        (np.zeros((0, 2)), r"at least one point"),
    ],
)
def test_bad_data(X, match):
    with pytest.raises(ValueError, match=match):
        emlib.e_step(X, P0)


@pytest.mark.parametrize(
    "q, match",
    [
        (np.full((30, 3), 1 / 3), r"q must have shape \(N, K\) = \(30, 2\), got shape \(30, 3\)"),
        (np.full((29, 2), 0.5), r"q must have shape \(N, K\) = \(30, 2\), got shape \(29, 2\)"),
        (np.tile([1.5, -0.5], (30, 1)), r"q must be non-negative, got q\[0, 1\] = -0.5"),
        (np.tile([0.5, 0.6], (30, 1)), r"rows of q must sum to 1, got row 0 summing to 1.1"),
    ],
)
def test_bad_q(q, match):
    with pytest.raises(ValueError, match=match):
        emlib.lower_bound(X0, P0, q)
    with pytest.raises(ValueError, match=match):
        emlib.kl_divergence(X0, P0, q)


def test_bad_resp():
    with pytest.raises(ValueError, match=r"rows of resp must sum to 1"):
        emlib.m_step(X0, np.tile([0.5, 0.6], (30, 1)))
    with pytest.raises(ValueError, match=r"resp must have shape \(N, K\) = \(30, 2\), got shape \(20, 2\)"):
        emlib.m_step(X0, np.full((20, 2), 0.5))
    with pytest.raises(ValueError, match=r"resp must have shape \(N, K\), got shape \(30,\)"):
        emlib.m_step(X0, np.ones(30))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(tol=-1.0), r"tol must be non-negative"),
        (dict(reg_covar=-1e-6), r"reg_covar must be non-negative"),
        (dict(max_iter=-1), r"max_iter must be non-negative"),
        (dict(max_iter=2.5), r"max_iter must be a non-negative integer"),
        (dict(tol=float("nan")), r"tol must be non-negative and finite"),
    ],
)
def test_bad_em_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        emlib.em(X0, P0, **kwargs)


def test_bad_reg_covar_in_m_step():
    with pytest.raises(ValueError, match="reg_covar must be non-negative"):
        emlib.m_step(X0, Q0, reg_covar=-1.0)


@pytest.mark.parametrize("K", [0, 31, -1, 2.0])
def test_bad_K(K):
    with pytest.raises(ValueError, match=r"K must be an integer with 1 <= K <= N = 30"):
        emlib.init_params(X0, K, np.random.default_rng(0))


def test_bad_method_and_rng():
    with pytest.raises(ValueError, match="method must be"):
        emlib.init_params(X0, 2, np.random.default_rng(0), method="kmeans")
    with pytest.raises(ValueError, match="rng must be a numpy Generator"):
        emlib.init_params(X0, 2, 0)
    with pytest.raises(ValueError, match="rng must be a numpy Generator"):
        emlib.sample(P0, 10, np.random.RandomState(0))


def test_em_needs_K_at_most_N():
    with pytest.raises(ValueError, match="K = 2 components need at least K points"):
        emlib.em(X0[:1], P0)


def test_collapse_names_component_and_iteration():
    """PRML 9.2.1: a component that sits on one point collapses; em stops and says so."""
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(size=(20, 2)), [[8.0, 8.0]]])
    init = GMMParams(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [8.0, 8.0]]), np.array([np.eye(2), 1e-3 * np.eye(2)]))
    with pytest.raises(emlib.ComponentCollapseError, match=r"component 1 .* at iteration 1 .*reg_covar") as info:
        emlib.em(X, init, max_iter=10)
    assert info.value.component == 1 and info.value.iteration == 1
    fit = emlib.em(X, init, max_iter=10, reg_covar=1e-3)  # the suggested fix works
    assert np.all(np.isfinite(fit.log_likelihoods))


def test_empty_component_is_an_error():
    resp = np.zeros((30, 2))
    resp[:, 0] = 1.0
    with pytest.raises(emlib.ComponentCollapseError, match="component 1 received no responsibility"):
        emlib.m_step(X0, resp)


def test_input_types_are_converted():
    Xi = np.arange(20, dtype=np.int64).reshape(10, 2) % 7
    P = with_(weights=[0.25, 0.75])  # exactly representable in float32
    params32 = GMMParams(*(np.asarray(p, dtype=np.float32) for p in P))
    a = emlib.mixture_log_likelihood(Xi, params32)
    b = emlib.mixture_log_likelihood(Xi.astype(float), P)
    assert a == b and isinstance(a, float)
    assert emlib.e_step(Xi, params32).dtype == np.float64


# ---------------------------------------------------------------- hard input that must work
def test_far_away_points_have_finite_responsibilities(rng):
    params = random_params(rng, 3, 2)
    X = np.array([[1e3, 1e3], [-1e3, 5e2], [0.0, 2e3]]) * np.sqrt(np.max(np.linalg.eigvalsh(params.covs)))
    resp = emlib.e_step(X, params)
    assert np.all(np.isfinite(resp)) and np.allclose(resp.sum(axis=1), 1.0)
    assert np.isfinite(emlib.mixture_log_likelihood(X, params))


@pytest.mark.parametrize("offset", [1e4, -1e6])
def test_offset_data_gives_shifted_fit(rng, offset):
    params = random_params(rng, 2, 2)
    X, _ = emlib.sample(params, 300, rng)
    init = emlib.init_params(X, 2, np.random.default_rng(7))
    a = emlib.em(X, init, max_iter=20, tol=0)
    shifted = init._replace(means=init.means + offset)
    b = emlib.em(X + offset, shifted, max_iter=20, tol=0)
    np.testing.assert_allclose(b.params.means - offset, a.params.means, atol=1e-8 * abs(offset))
    np.testing.assert_allclose(b.params.covs, a.params.covs, rtol=1e-7)
    np.testing.assert_allclose(b.log_likelihoods, a.log_likelihoods, rtol=1e-10)


@pytest.mark.parametrize("scale", [1e-8, 1e-3, 1.0, 1e3, 1e8])
def test_scale_equivariance(rng, scale):
    """Scaling the data by s scales means by s, covariances by s^2, and shifts ln p by -N D ln s."""
    params = random_params(rng, 2, 2)
    X, _ = emlib.sample(params, 200, rng)
    init = emlib.init_params(X, 2, np.random.default_rng(3))
    a = emlib.em(X, init, max_iter=10, tol=0)
    scaled = GMMParams(init.weights, init.means * scale, init.covs * scale**2)
    b = emlib.em(X * scale, scaled, max_iter=10, tol=0)
    np.testing.assert_allclose(b.params.means / scale, a.params.means, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.params.covs / scale**2, a.params.covs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.log_likelihoods + X.size * np.log(scale), a.log_likelihoods, rtol=1e-10)


def test_duplicate_points(rng):
    X = np.repeat(rng.normal(size=(20, 2)), 5, axis=0)
    fit = emlib.em(X, emlib.init_params(X, 2, rng), max_iter=30)
    assert np.all(np.isfinite(fit.log_likelihoods)) and np.all(np.diff(fit.log_likelihoods) > -1e-9)


def test_K_equals_1_is_the_gaussian_mle(rng):
    X = rng.normal(size=(50, 3))
    fit = emlib.em(X, emlib.init_params(X, 1, rng), max_iter=3, tol=0)
    mean, cov = emlib.gaussian_mle(X)
    np.testing.assert_allclose(fit.params.means[0], mean, rtol=1e-12)
    np.testing.assert_allclose(fit.params.covs[0], cov, rtol=1e-12)
    assert np.isclose(fit.log_likelihoods[-1], emlib.gaussian_log_likelihood(X, mean, cov), rtol=1e-12)


def test_D_equals_1(rng):
    params = GMMParams(np.array([0.3, 0.7]), np.array([[-2.0], [2.0]]), np.array([[[0.5]], [[1.0]]]))
    X, _ = emlib.sample(params, 400, rng)
    fit = emlib.em(X, emlib.init_params(X, 2, rng))
    assert fit.converged
    np.testing.assert_allclose(np.sort(fit.params.means[:, 0]), [-2.0, 2.0], atol=0.3)


def test_zero_weight_component_is_allowed():
    params = with_(weights=[0.0, 1.0])
    resp = emlib.e_step(X0, params)
    assert np.all(resp[:, 0] == 0.0) and np.allclose(resp[:, 1], 1.0)
    assert np.isfinite(emlib.mixture_log_likelihood(X0, params))
    assert np.isclose(emlib.kl_divergence(X0, params, resp), 0.0, atol=1e-12)


def test_tol_semantics(rng):
    X = emlib.datasets.old_faithful()
    init = emlib.init_params(X, 2, rng)
    fit = emlib.em(X, init, max_iter=500, tol=1e-6)
    assert fit.converged and fit.n_iter < 500
    assert abs(fit.log_likelihoods[-1] - fit.log_likelihoods[-2]) / X.shape[0] < 1e-6
    assert abs(fit.log_likelihoods[-2] - fit.log_likelihoods[-3]) / X.shape[0] >= 1e-6
    exact = emlib.em(X, init, max_iter=7, tol=0)
    assert exact.n_iter == 7 and not exact.converged and len(exact.history) == 8
    none = emlib.em(X, init, max_iter=0)
    assert none.n_iter == 0 and len(none.log_likelihoods) == 1
    np.testing.assert_allclose(none.resp, emlib.e_step(X, init))
