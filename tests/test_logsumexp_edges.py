"""The log-sum-exp at the heart of every E-step, at its edges: a slice that is all -inf, and one point (N = 1).

Written after mutmut (mutation/MUTMUT.md): no test had a single point, where a squeeze over every axis turns
the (1,) result into a scalar, and no test checked that an all -inf slice stays silent.
"""
import math
import warnings

import numpy as np

import emlib
from emlib.bernoulli import BernoulliParams, bernoulli_e_step
from emlib.mixture import _logsumexp


def test_an_all_minus_inf_slice_gives_minus_inf_silently():
    a = np.array([[-np.inf, -np.inf], [0.0, math.log(3.0)]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = _logsumexp(a, axis=1)
    assert out.shape == (2,)
    assert out[0] == -np.inf
    assert abs(out[1] - math.log(4.0)) < 1e-14


def test_one_point():
    """Every E-step and likelihood on a single point keeps the point's axis: resp of shape (1, K), rows summing to 1."""
    x = np.array([[0.5, -0.2]])
    params = emlib.GMMParams(np.array([0.3, 0.7]), np.array([[0.0, 0.0], [1.0, 1.0]]), np.stack([np.eye(2)] * 2))
    assert _logsumexp(np.array([[0.0, 0.0]]), axis=1).shape == (1,)
    resp = emlib.e_step(x, params)
    assert resp.shape == (1, 2) and abs(resp.sum() - 1.0) < 1e-12
    # Bayes' rule by hand for the one point
    dens = [w * math.exp(-0.5 * float(np.sum((x[0] - m) ** 2))) / (2 * math.pi) for w, m in zip(params.weights, params.means)]
    np.testing.assert_allclose(resp[0], np.array(dens) / sum(dens), rtol=1e-12)
    assert abs(emlib.mixture_log_likelihood(x, params) - math.log(sum(dens))) < 1e-12
    assert abs(emlib.kl_divergence(x, params, resp)) < 1e-12  # q = the posterior
    b = bernoulli_e_step(np.array([[1.0, 0.0]]), BernoulliParams(np.array([0.5, 0.5]), np.array([[0.8, 0.3], [0.2, 0.6]])))
    # p(x | k) = 0.8 * 0.7 = 0.56 and 0.2 * 0.4 = 0.08
    np.testing.assert_allclose(b, [[0.56 / 0.64, 0.08 / 0.64]], rtol=1e-12)
    prior = emlib.VBPrior(1.0, 1.0, np.zeros(2), np.eye(2), 2.0)
    post = emlib.vb_m_step(np.array([[0.0, 0.0], [1.0, 1.0]]), np.eye(2), prior)
    r = emlib.vb_e_step(x, post)
    assert r.shape == (1, 2) and abs(r.sum() - 1.0) < 1e-12
