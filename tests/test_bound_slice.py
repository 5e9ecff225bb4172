"""emlib.bound_slice and emlib.interpolate_params (PRML Fig. 9.14), against scipy's densities.

Written after mutmut (mutation/MUTMUT.md): no unit test reached these two (only the figure code did), so
every mutant of them survived. The reference below builds theta(s) entry by entry, computes the two
posteriors by Bayes' rule with scipy's Gaussian density, and the bound as the sum over q of ln p(x, z) - ln q.
"""
import numpy as np
import pytest
from scipy import stats

import emlib
from emlib import GMMParams

THETA_OLD = GMMParams(np.array([0.3, 0.7]), np.array([[0.0, 0.0], [3.0, 1.0]]),
                      np.array([[[1.0, 0.2], [0.2, 0.5]], [[0.8, -0.3], [-0.3, 1.2]]]))
THETA_NEW = GMMParams(np.array([0.45, 0.55]), np.array([[-0.5, 0.4], [2.5, 1.5]]),
                      np.array([[[1.5, 0.0], [0.0, 0.7]], [[0.6, 0.1], [0.1, 0.9]]]))


def data():
    X, _ = emlib.sample(THETA_OLD, 40, np.random.default_rng(21))
    return X


def scipy_log_joint(X, weights, means, covs):
    return np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X) for w, m, c in zip(weights, means, covs)])


def test_interpolate_params_entry_by_entry():
    for s in [0.0, 0.25, 1.0, 1.5]:
        theta = emlib.interpolate_params(THETA_OLD, THETA_NEW, s)
        assert isinstance(theta, GMMParams)
        for got, a, b in zip(theta, THETA_OLD, THETA_NEW):
            np.testing.assert_allclose(got, (1 - s) * a + s * b, rtol=1e-14, atol=1e-15)
    # lists are numbers too
    theta = emlib.interpolate_params(([1.0, 0.0], [[0.0]], [[[1.0]]]), ([0.0, 1.0], [[4.0]], [[[3.0]]]), 0.25)
    np.testing.assert_allclose(theta.weights, [0.75, 0.25])
    np.testing.assert_allclose(theta.means, [[1.0]])
    np.testing.assert_allclose(theta.covs, [[[1.5]]])


def test_bound_slice_against_scipy():
    X = data()
    s = np.array([0.0, 0.25, 0.6, 1.0])
    log_p, L_old, L_new = emlib.bound_slice(X, THETA_OLD, THETA_NEW, s)
    assert log_p.shape == L_old.shape == L_new.shape == (4,)
    lj_old, lj_new = scipy_log_joint(X, *THETA_OLD), scipy_log_joint(X, *THETA_NEW)
    q_old = np.exp(lj_old - np.logaddexp.reduce(lj_old, axis=1)[:, None])  # Bayes' rule at theta_old
    q_new = np.exp(lj_new - np.logaddexp.reduce(lj_new, axis=1)[:, None])
    for i, si in enumerate(s):
        theta = [(1 - si) * a + si * b for a, b in zip(THETA_OLD, THETA_NEW)]
        lj = scipy_log_joint(X, *theta)
        assert log_p[i] == pytest.approx(np.sum(np.logaddexp.reduce(lj, axis=1)), rel=1e-10)
        assert L_old[i] == pytest.approx(np.sum(q_old * (lj - np.log(q_old))), rel=1e-10)
        assert L_new[i] == pytest.approx(np.sum(q_new * (lj - np.log(q_new))), rel=1e-10)
    # the bounds touch ln p where their q is the posterior, and lie below it elsewhere (by more than rounding)
    assert L_old[0] == pytest.approx(log_p[0], rel=1e-10) and L_new[-1] == pytest.approx(log_p[-1], rel=1e-10)
    assert np.all(log_p[1:] - L_old[1:] > 1e-3) and np.all(log_p[:-1] - L_new[:-1] > 1e-3)


def test_bound_slice_takes_a_list_of_s():
    X = data()
    a = emlib.bound_slice(X, THETA_OLD, THETA_NEW, [0.5])
    b = emlib.bound_slice(X, THETA_OLD, THETA_NEW, np.array([0.5]))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
