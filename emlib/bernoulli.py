"""EM for a mixture of Bernoulli distributions (PRML 9.3.3): the same two steps, another family.

Binary vectors x in {0, 1}^D; component k has mean vector mu_k in (0, 1)^D and

    p(x | mu_k) = prod_i mu_ki^x_i (1 - mu_ki)^(1 - x_i)                        (PRML 9.48)
    ln p(x_n, z_n = k) = ln pi_k + sum_i [x_ni ln mu_ki + (1 - x_ni) ln(1 - mu_ki)]

E-step: gamma(z_nk) by Bayes' rule, in log space (PRML 9.56).
M-step, from Q:  mu_k = 1/N_k sum_n gamma(z_nk) x_n,  pi_k = N_k / N          (PRML 9.59, 9.60)
"""
from typing import NamedTuple

import numpy as np

from ._validation import PROB_ATOL, as_float_array, check_nonnegative, check_prob_rows, check_rng
from .mixture import _logsumexp


class BernoulliParams(NamedTuple):
    """Parameters of a K-component Bernoulli mixture over D binary variables.

    Attributes
    ----------
    weights : array of shape (K,), mixing coefficients summing to 1
    means : array of shape (K, D), mu_ki = p(x_i = 1 | z = k), in the open interval (0, 1)
    """

    weights: np.ndarray
    means: np.ndarray


class BernoulliEMResult(NamedTuple):
    """params, resp (N, K), log_likelihoods (n_iter + 1,), history (list of BernoulliParams), n_iter."""

    params: BernoulliParams
    resp: np.ndarray
    log_likelihoods: np.ndarray
    history: list
    n_iter: int


def _check_binary(X):
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D), got shape {X.shape}")
    if not np.all((X == 0) | (X == 1)):
        raise ValueError("X must contain only 0 and 1")
    return X


def _check_params(params, D):
    weights, means = (as_float_array(a, f"params.{n}") for a, n in zip(params, ("weights", "means")))
    if weights.ndim != 1 or means.shape != (weights.size, D):
        raise ValueError(f"params must have weights (K,) and means (K, D) = (K, {D}), got {weights.shape} and {means.shape}")
    if np.any(weights < 0) or abs(weights.sum() - 1.0) > PROB_ATOL:
        raise ValueError(f"params.weights must be non-negative and sum to 1, got {weights}")
    if np.any(means <= 0) or np.any(means >= 1):
        raise ValueError("params.means must lie strictly between 0 and 1 (a mean of 0 or 1 gives ln 0)")
    return BernoulliParams(weights, means)


def _log_joint(X, params):
    weights, means = params
    with np.errstate(divide="ignore"):
        return np.log(weights) + X @ np.log(means).T + (1.0 - X) @ np.log1p(-means).T


def bernoulli_log_joint(X, params):
    """ln p(x_n, z_n = k | theta), shape (N, K), for binary X (N, D)."""
    X = _check_binary(X)
    return _log_joint(X, _check_params(params, X.shape[1]))


def bernoulli_log_likelihood(X, params):
    """ln p(X | theta) = sum_n ln sum_k pi_k p(x_n | mu_k), a float."""
    return float(np.sum(_logsumexp(bernoulli_log_joint(X, params), axis=1)))


def bernoulli_e_step(X, params):
    """The responsibilities gamma(z_nk), shape (N, K), rows summing to 1 (PRML 9.56)."""
    lj = bernoulli_log_joint(X, params)
    return np.exp(lj - _logsumexp(lj, axis=1)[:, None])


def bernoulli_m_step(X, resp):
    """mu_k = sum_n gamma_nk x_n / N_k and pi_k = N_k / N (PRML 9.59, 9.60).

    Means are clipped to [1e-10, 1 - 1e-10] so that ln mu and ln(1 - mu) stay finite.
    """
    X = _check_binary(X)
    resp = as_float_array(resp, "resp")
    if resp.ndim != 2:
        raise ValueError(f"resp must have shape (N, K), got shape {resp.shape}")
    resp = check_prob_rows(resp, X.shape[0], resp.shape[1], "resp")
    N_k = resp.sum(axis=0)
    if np.any(N_k <= 0):
        raise ValueError(f"component {int(np.argmin(N_k))} received no responsibility")
    means = np.clip(resp.T @ X / N_k[:, None], 1e-10, 1 - 1e-10)
    return BernoulliParams(N_k / X.shape[0], means)


def bernoulli_init(X, K, rng):
    """Equal weights and means drawn uniformly from [0.25, 0.75], the range of PRML's random start (PRML 9.3.3 then also normalises each mu_k to sum to 1; we do not)."""
    X = _check_binary(X)
    check_rng(rng)
    return BernoulliParams(np.full(K, 1.0 / K), rng.uniform(0.25, 0.75, size=(K, X.shape[1])))


def bernoulli_em(X, init, max_iter=50):
    """max_iter iterations of EM (E-step then M-step) from ``init``; the whole history is kept."""
    X = _check_binary(X)
    check_nonnegative(max_iter, "max_iter", integer=True)
    params = _check_params(init, X.shape[1])
    history, lls = [params], [bernoulli_log_likelihood(X, params)]
    for _ in range(max_iter):
        params = bernoulli_m_step(X, bernoulli_e_step(X, params))
        history.append(params)
        lls.append(bernoulli_log_likelihood(X, params))
    return BernoulliEMResult(params, bernoulli_e_step(X, params), np.array(lls), history, max_iter)
