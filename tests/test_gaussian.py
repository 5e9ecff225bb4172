"""One Gaussian: log density, log-likelihood and MLE against closed forms."""
import numpy as np
import pytest

import emlib


def test_1d_log_likelihood_closed_form(rng):
    x = rng.normal(2.0, 1.5, size=50)
    mu, var = 1.7, 2.2
    N = x.size
    closed = -N / 2 * np.log(2 * np.pi) - N / 2 * np.log(var) - np.sum((x - mu) ** 2) / (2 * var)
    assert np.isclose(emlib.gaussian_log_likelihood(x, mu, var), closed, rtol=1e-14)


def test_multivariate_logpdf_against_direct_formula(rng):
    D = 3
    x = rng.normal(size=(20, D))
    mean = rng.normal(size=D)
    A = rng.normal(size=(D, D))
    cov = A @ A.T + np.eye(D)
    diff = x - mean
    maha = np.einsum("nd,nd->n", diff, np.linalg.solve(cov, diff.T).T)
    _, logdet = np.linalg.slogdet(cov)
    direct = -0.5 * (D * np.log(2 * np.pi) + logdet + maha)
    np.testing.assert_allclose(emlib.gaussian_logpdf(x, mean, cov), direct, rtol=1e-12)


def test_1d_agrees_with_multivariate_1x1(rng):
    x = rng.normal(size=30)
    np.testing.assert_allclose(emlib.gaussian_logpdf(x, 0.3, 2.0), emlib.gaussian_logpdf(x[:, None], [0.3], [[2.0]]), rtol=1e-14)


def test_mle_is_sample_mean_and_biased_variance(rng):
    x = rng.normal(size=(100, 3)) @ rng.normal(size=(3, 3))
    mean, cov = emlib.gaussian_mle(x)
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(cov, np.cov(x.T, bias=True), rtol=1e-12)
    mu, var = emlib.gaussian_mle(x[:, 0])
    assert isinstance(mu, float) and isinstance(var, float)
    assert np.isclose(var, np.var(x[:, 0]), rtol=1e-14)


def test_mle_maximises_the_likelihood(rng):
    x = rng.normal(1.0, 2.0, size=40)
    mu, var = emlib.gaussian_mle(x)
    best = emlib.gaussian_log_likelihood(x, mu, var)
    for dmu, dvar in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert emlib.gaussian_log_likelihood(x, mu + dmu, var + dvar) < best


def test_mle_on_offset_data_is_exact():
    x = 1e8 + np.array([1.0, 2.0, 3.0, 4.0])
    mu, var = emlib.gaussian_mle(x)
    assert mu == 1e8 + 2.5 and var == 1.25  # E[x^2] - mu^2 would give garbage here


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.ones(3), 0.0, 0.0), "variance"),
        ((np.ones(3), 0.0, -1.0), "variance"),
        ((np.ones(3), [0.0, 1.0], 1.0), "mean must be a scalar"),
        ((np.ones((3, 2)), np.zeros(3), np.eye(2)), r"mean must have shape \(D,\) = \(2,\)"),
        ((np.ones((3, 2)), np.zeros(2), np.eye(3)), r"cov must have shape"),
        ((np.ones((3, 2)), np.zeros(2), np.array([[1.0, 2.0], [0.0, 1.0]])), "not symmetric"),
        ((np.ones((3, 2)), np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]])), "not positive definite"),
        ((np.array([1.0, np.nan]), 0.0, 1.0), "NaN or inf"),
        ((np.ones((2, 2, 2)), np.zeros(2), np.eye(2)), r"shape \(N, D\)"),
    ],
)
def test_bad_gaussian_input(args, match):
    with pytest.raises(ValueError, match=match):
        emlib.gaussian_logpdf(*args)
