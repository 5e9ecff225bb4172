"""The Bernoulli mixture: closed forms, EM climbs, ln p = L + KL, and clear errors."""
import numpy as np
import pytest

import emlib
from emlib.mixture import _logsumexp


@pytest.fixture
def binary(rng):
    protos = rng.random((3, 16)) < 0.5
    z = rng.integers(3, size=300)
    X = (protos[z] ^ (rng.random((300, 16)) < 0.1)).astype(float)
    return X


def test_log_joint_closed_form(binary, rng):
    params = emlib.bernoulli_init(binary, 3, rng)
    direct = np.array([[np.log(w) + np.sum(np.log(np.where(x == 1, m, 1 - m))) for w, m in zip(*params)] for x in binary])
    np.testing.assert_allclose(emlib.bernoulli_log_joint(binary, params), direct, rtol=1e-12)


def test_m_step_formulas_and_em_monotone(binary, rng):
    init = emlib.bernoulli_init(binary, 3, rng)
    resp = emlib.bernoulli_e_step(binary, init)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)
    new = emlib.bernoulli_m_step(binary, resp)
    N_k = resp.sum(axis=0)
    np.testing.assert_allclose(new.means, (resp.T @ binary) / N_k[:, None], rtol=1e-12)
    np.testing.assert_allclose(new.weights, N_k / binary.shape[0], rtol=1e-14)
    fit = emlib.bernoulli_em(binary, init, max_iter=30)
    assert np.all(np.diff(fit.log_likelihoods) >= -1e-9 * np.abs(fit.log_likelihoods[1:]))


def test_bound_decomposition(binary, rng):
    params = emlib.bernoulli_init(binary, 3, rng)
    lj = emlib.bernoulli_log_joint(binary, params)
    log_post = lj - _logsumexp(lj, axis=1)[:, None]
    q = rng.dirichlet(np.ones(3), size=binary.shape[0])
    L = np.sum(q * (lj - np.log(q)))
    KL = np.sum(q * (np.log(q) - log_post))
    assert np.isclose(L + KL, emlib.bernoulli_log_likelihood(binary, params), rtol=1e-12) and KL > 0


def test_errors(binary):
    with pytest.raises(ValueError, match="only 0 and 1"):
        emlib.bernoulli_log_joint(binary * 0.5, emlib.BernoulliParams(np.array([1.0]), np.full((1, 16), 0.5)))
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        emlib.bernoulli_log_joint(binary, emlib.BernoulliParams(np.array([1.0]), np.zeros((1, 16))))
    with pytest.raises(ValueError, match=r"means \(K, D\) = \(K, 16\)"):
        emlib.bernoulli_log_joint(binary, emlib.BernoulliParams(np.array([1.0]), np.full((1, 15), 0.5)))
