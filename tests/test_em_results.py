"""emlib.em: the edges of what it accepts and returns (K = N, zero iterations, the default number of iterations)
and the messages that name ``init`` and N.

Written after mutmut (mutation/MUTMUT.md): a test of K > N that used N = D, a start that was never returned
unchanged, and a default max_iter that no test ran to, let the mutants that changed them survive.
"""
import re
import warnings

import numpy as np
import pytest

import emlib
from emlib import GMMParams


def test_zero_iterations_return_the_start():
    X = np.random.default_rng(0).normal(size=(20, 2))
    init = emlib.init_params(X, 2, np.random.default_rng(1))
    res = emlib.em(X, init, max_iter=0)
    assert res.n_iter == 0 and res.converged is False and len(res.history) == 1
    for got, want in zip(res.params, init):
        np.testing.assert_array_equal(got, want)
    assert res.log_likelihoods.tolist() == [emlib.mixture_log_likelihood(X, init)]


def test_k_equal_to_n_is_allowed():
    """Three points, three components: legal (K <= N); reg_covar keeps each one-point component's covariance positive."""
    X = np.array([[0.0], [1.0], [3.0]])
    init = GMMParams(np.full(3, 1 / 3), X.copy(), np.full((3, 1, 1), 0.5))
    res = emlib.em(X, init, max_iter=3, reg_covar=0.1)
    assert res.n_iter == 3 and np.all(np.isfinite(res.log_likelihoods))


def test_runs_100_iterations_by_default_when_tol_is_0():
    X = np.random.default_rng(2).normal(size=(30, 2))
    res = emlib.em(X, emlib.init_params(X, 2, np.random.default_rng(3)), tol=0.0)
    assert res.n_iter == 100 and len(res.history) == 101


@pytest.mark.parametrize("make, start, phrase", [
    # N = 2 points in D = 3 dimensions, so that a message quoting D instead of N is wrong
    (lambda X: GMMParams(np.full(3, 1 / 3), np.zeros((3, 3)), np.stack([np.eye(3)] * 3)), "K = 3 components",
     "need at least K points, X has N = 2"),
    (lambda X: GMMParams(np.full(2, 0.5), np.zeros((2, 3)), np.stack([np.eye(3), -np.eye(3)])), "init.covs[1] (component 1)",
     "is not positive definite"),
    (lambda X: GMMParams(np.full(2, 0.5), np.zeros((2, 2)), np.stack([np.eye(3)] * 2)), "init.means",
     "must have shape (K, D) = (2, 3) to match X, got shape (2, 2)"),
])
def test_messages_name_init_and_n(make, start, phrase):
    X = np.random.default_rng(0).normal(size=(2, 3))
    with pytest.raises(ValueError) as err:
        emlib.em(X, make(X))
    message = str(err.value)
    assert re.match(re.escape(start) + r"(\b|(?=[ (.]))", message), message
    assert phrase in message, message


def far_component_start():
    """Component 1 sits 1000 standard deviations from every point: its responsibilities underflow to exactly 0."""
    return GMMParams(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1000.0, 1000.0]]), np.stack([np.eye(2)] * 2))


def test_a_component_with_no_responsibility_is_named_with_its_iteration():
    X = np.random.default_rng(4).normal(size=(20, 2))
    with pytest.raises(emlib.ComponentCollapseError) as err:
        emlib.em(X, far_component_start())
    assert err.value.component == 1 and err.value.iteration == 1
    assert str(err.value).startswith("component 1 received no responsibility at iteration 1 (N_k = 0)")
    # the same responsibilities given to m_step directly: no iteration to name
    resp = emlib.e_step(X, far_component_start())
    assert np.all(resp[:, 1] == 0.0)
    with pytest.raises(emlib.ComponentCollapseError) as err:
        emlib.m_step(X, resp)
    assert err.value.component == 1 and err.value.iteration is None
    assert str(err.value).startswith("component 1 received no responsibility (N_k = 0); ")


def test_the_collapse_floor_is_ten_rounding_units_per_point():
    """N_k at or below 10 eps N (the rounding of a sum of N responsibilities) is a collapse; N_k just above it is a
    component (reg_covar keeps its one-point covariance positive definite). Only one point gives component 1 any
    responsibility, so N_k is that one number exactly."""
    X = np.random.default_rng(5).normal(size=(20, 2))
    eps, N = np.finfo(float).eps, X.shape[0]

    def resp_with(n_k):
        resp = np.zeros((N, 2))
        resp[:, 0] = 1.0
        resp[0] = [1.0 - n_k, n_k]
        return resp

    for n_k in (5 * eps * N, 10 * eps * N):
        with pytest.raises(emlib.ComponentCollapseError, match="component 1 received no responsibility"):
            emlib.m_step(X, resp_with(n_k), reg_covar=0.1)
    params = emlib.m_step(X, resp_with(10.5 * eps * N), reg_covar=0.1)
    np.testing.assert_allclose(params.means[1], X[0], rtol=1e-12)


def test_init_params_random_draws_k_distinct_points():
    X = np.random.default_rng(6).normal(size=(12, 3))
    init = emlib.init_params(X, 4, np.random.default_rng(7), method="random")
    assert init.means.shape == (4, 3)
    rows = [int(np.flatnonzero(np.all(X == m, axis=1))[0]) for m in init.means]  # each mean is a data point
    assert len(set(rows)) == 4
    np.testing.assert_allclose(init.weights, np.full(4, 0.25))
    np.testing.assert_allclose(init.covs, np.broadcast_to(np.cov(X, rowvar=False, bias=True), (4, 3, 3)), rtol=1e-12)
    # K = N is allowed: every point a mean
    init = emlib.init_params(X, 12, np.random.default_rng(8), method="random")
    assert sorted(int(np.flatnonzero(np.all(X == m, axis=1))[0]) for m in init.means) == list(range(12))


def test_kmeans_plus_plus_never_picks_a_point_it_already_covers():
    """k-means++ draws each next mean with probability proportional to the squared distance to the nearest mean so
    far, so a point at distance 0 is never drawn. 50 copies of 0 and the points -0.3 and 0.3: whatever the first
    draw, the three means are -0.3, 0 and 0.3 (the distances sum to less than 1 here, and to 0 in the next test)."""
    X = np.concatenate([np.zeros(50), [-0.3, 0.3]])[:, None]
    for seed in range(8):
        means = emlib.init_params(X, 3, np.random.default_rng(seed)).means
        assert sorted(means[:, 0].tolist()) == [-0.3, 0.0, 0.3], (seed, means[:, 0])


def test_kmeans_plus_plus_when_every_point_is_covered():
    """Two distinct values, three components: after two draws every distance is 0, and the third mean is drawn
    uniformly (a legal start: the data covariance is not singular)."""
    X = np.array([[0.0], [0.0], [1.0], [1.0]])
    for seed in range(4):
        means = emlib.init_params(X, 3, np.random.default_rng(seed)).means
        assert means.shape == (3, 1) and set(means[:, 0].tolist()) == {0.0, 1.0}


def test_messages_of_init_params_and_m_step():
    X = np.random.default_rng(9).normal(size=(10, 2))
    X[:, 1] = 5.0  # a constant dimension: the covariance has an exact zero row
    with pytest.raises(ValueError) as err:
        emlib.init_params(X, 2, np.random.default_rng(0))
    assert str(err.value) == ("X has a singular covariance (its points lie in a lower-dimensional subspace); "
                              "remove redundant dimensions before fitting a mixture")
    with pytest.raises(ValueError) as err:
        emlib.m_step(X, "ab")
    assert str(err.value).startswith("resp must be numeric")


def test_a_point_no_component_can_explain_is_named():
    """Point 1 lies 1e200 from both means: its squared distance overflows, every ln p(x_1, z_1 = k) is -inf, and the
    E-step must say which point, not return 0/0."""
    params = GMMParams(np.array([0.5, 0.5]), np.zeros((2, 2)), np.stack([np.eye(2)] * 2))
    with np.errstate(over="ignore"), pytest.raises(ValueError) as err:
        emlib.e_step(np.array([[0.0, 0.0], [1e200, 0.0]]), params)
    assert str(err.value) == "point 1 has log p(x_n, z_n = k) = -inf for every k; its responsibilities are undefined"


def test_a_singular_covariance_from_m_step_names_the_component_without_an_iteration():
    """A constant dimension: the M-step's covariances have an exact zero row, and m_step (outside em) says so
    without an iteration."""
    X = np.random.default_rng(10).normal(size=(6, 2))
    X[:, 1] = 2.0
    with pytest.raises(emlib.ComponentCollapseError) as err:
        emlib.m_step(X, np.tile([0.5, 0.5], (6, 1)))
    assert err.value.component == 0 and err.value.iteration is None
    assert str(err.value).startswith("the covariance of component 0 is singular (it has collapsed onto too few points")


def test_a_weight_of_zero_is_silent_and_gets_no_responsibility():
    """pi_1 = 0: ln pi_1 = -inf without a divide warning, gamma(z_n1) = 0 exactly, and ln p is that of component 0."""
    X = np.random.default_rng(11).normal(size=(8, 2))
    params = GMMParams(np.array([1.0, 0.0]), np.array([[0.0, 0.0], [1.0, 1.0]]), np.stack([np.eye(2)] * 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resp = emlib.e_step(X, params)
        lj = emlib.log_joint(X, params)
        ll = emlib.mixture_log_likelihood(X, params)
    assert np.all(resp[:, 1] == 0.0) and np.all(lj[:, 1] == -np.inf)
    assert abs(ll - float(np.sum(-np.log(2 * np.pi) - 0.5 * np.sum(X**2, axis=1)))) < 1e-10
