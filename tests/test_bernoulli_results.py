"""emlib.bernoulli: what bernoulli_em returns besides the final parameters, the start bernoulli_init draws, and
the clipping of the M-step's means, each against a computation written out here.

Written after mutmut (mutation/MUTMUT.md): the older tests compared the log-likelihoods and the final
parameters, so a history of None, a wrong resp in the result or a start drawn from the wrong range survived.
"""
import numpy as np

from emlib.bernoulli import bernoulli_e_step, bernoulli_em, bernoulli_init, bernoulli_log_likelihood, bernoulli_m_step


def binary(seed=1, N=30, D=4):
    rng = np.random.default_rng(seed)
    return (rng.random((N, D)) < np.linspace(0.2, 0.8, D)).astype(float)


def by_hand_log_likelihood(X, weights, means):
    """ln p(X) = sum_n ln sum_k pi_k prod_i mu_ki^x_ni (1 - mu_ki)^(1 - x_ni), in plain products."""
    dens = np.array([[w * np.prod(mu**x * (1 - mu) ** (1 - x)) for w, mu in zip(weights, means)] for x in X])
    return float(np.sum(np.log(dens.sum(axis=1))))


def test_result_fields():
    X = binary()
    init = bernoulli_init(X, 2, np.random.default_rng(3))
    res = bernoulli_em(X, init, max_iter=4)
    assert res.n_iter == 4 and len(res.history) == 5 and len(res.log_likelihoods) == 5
    np.testing.assert_array_equal(res.history[0].means, init.means)
    for i, p in enumerate(res.history):
        assert abs(res.log_likelihoods[i] - by_hand_log_likelihood(X, *p)) < 1e-9 * abs(res.log_likelihoods[i])
    for before, after in zip(res.history, res.history[1:]):  # each entry is one E-step and M-step on the one before
        nxt = bernoulli_m_step(X, bernoulli_e_step(X, before))
        np.testing.assert_allclose(after.means, nxt.means, rtol=1e-12)
        np.testing.assert_allclose(after.weights, nxt.weights, rtol=1e-12)
    np.testing.assert_array_equal(res.params.means, res.history[-1].means)
    np.testing.assert_array_equal(res.params.weights, res.history[-1].weights)
    np.testing.assert_allclose(res.resp, bernoulli_e_step(X, res.params), rtol=1e-12)
    assert np.all(np.diff(res.log_likelihoods) > 0)


def test_runs_50_iterations_by_default():
    X = binary()
    res = bernoulli_em(X, bernoulli_init(X, 2, np.random.default_rng(4)))
    assert res.n_iter == 50 and len(res.history) == 51 and len(res.log_likelihoods) == 51
    assert bernoulli_log_likelihood(X, res.params) == res.log_likelihoods[-1]


def test_init_draws_means_from_a_quarter_to_three_quarters():
    """400 means drawn: all in [0.25, 0.75], and they fill the range (the extremes within 0.02 of its ends)."""
    means = bernoulli_init(binary(D=20), 20, np.random.default_rng(5)).means
    assert means.shape == (20, 20)
    assert means.min() >= 0.25 and means.max() <= 0.75
    assert means.min() < 0.27 and means.max() > 0.73


def test_m_step_clips_means_to_the_open_interval():
    """A component whose points all have x_i = 0 (or all 1) gets mu_ki = 1e-10 (or 1 - 1e-10), not 0 (or 1)."""
    X = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    resp = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    p = bernoulli_m_step(X, resp)
    np.testing.assert_array_equal(p.means, [[1e-10, 1 - 1e-10], [1 - 1e-10, 0.5]])
    np.testing.assert_array_equal(p.weights, [0.5, 0.5])
    assert np.isfinite(bernoulli_log_likelihood(X, p))
