"""The decomposition ln p(X | theta) = L(q, theta) + KL(q || p)   (PRML 9.70, the notes' 1).

For any distribution q(Z) = prod_n q_n(z_n) over the latent variables,

    L(q, theta)  = sum_n sum_k q_nk ln[ p(x_n, z_n = k | theta) / q_nk ]       (PRML 9.71)
    KL(q || p)   = sum_n sum_k q_nk ln[ q_nk / p(z_n = k | x_n, theta) ]       (PRML 9.72)
    Q(theta, theta_old) = sum_n sum_k gamma(z_nk) ln p(x_n, z_n = k | theta)  (PRML 9.40, the notes' 2)
    H(q)         = - sum_n sum_k q_nk ln q_nk

so that L(q, theta) = Q + H(q) when q = gamma.  Terms with q_nk = 0 contribute
0 (the convention 0 ln 0 = 0), even where ln p(x_n, z_n = k) = -inf.
"""
import numpy as np

from ._validation import check_data, check_params, check_prob_rows
from .em import e_step
from .mixture import _log_joint_params, _logsumexp, interpolate_params, mixture_log_likelihood


def _xlogy_sum(q, log_y):
    """sum q * log_y over entries with q > 0 (0 ln 0 = 0)."""
    mask = q > 0
    return float(np.sum(q[mask] * log_y[mask]))


def _checked(X, params, q, name):
    X = check_data(X)
    params = check_params(params, D=X.shape[1])
    q = check_prob_rows(q, X.shape[0], params[0].size, name)
    return X, params, q


def entropy(q):
    """H(q) = -sum_n sum_k q_nk ln q_nk, with 0 ln 0 = 0.

    Parameters
    ----------
    q : array of shape (N, K), rows that are probability vectors
    """
    q = np.asarray(q, dtype=np.float64)
    if q.ndim != 2:
        raise ValueError(f"q must have shape (N, K), got shape {q.shape}")
    q = check_prob_rows(q, *q.shape, "q")
    mask = q > 0
    return float(-np.sum(q[mask] * np.log(q[mask])))


def lower_bound(X, params, q):
    """L(q, theta) = sum_nk q_nk (ln p(x_n, z_n = k | theta) - ln q_nk) (PRML 9.71), a float.

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams with weights (K,), means (K, D), covs (K, D, D)
    q : array of shape (N, K), rows that are probability vectors
    """
    X, params, q = _checked(X, params, q, "q")
    lj = _log_joint_params(X, params)
    mask = q > 0
    return float(np.sum(q[mask] * (lj[mask] - np.log(q[mask]))))


def kl_divergence(X, params, q):
    """sum_n KL(q_n || p(z_n | x_n, theta)) (PRML 9.72), a float >= 0.

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams with weights (K,), means (K, D), covs (K, D, D)
    q : array of shape (N, K), rows that are probability vectors
    """
    X, params, q = _checked(X, params, q, "q")
    lj = _log_joint_params(X, params)
    log_post = lj - _logsumexp(lj, axis=1)[:, None]
    mask = q > 0
    return float(np.sum(q[mask] * (np.log(q[mask]) - log_post[mask])))


def expected_complete_log_likelihood(X, params, resp):
    """Q(theta, theta_old) = sum_n sum_k gamma(z_nk) ln p(x_n, z_n = k | theta) (PRML 9.40).

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams, the theta at which ln p(x, z | theta) is evaluated
    resp : array of shape (N, K), gamma(z_nk) computed at theta_old
    """
    X, params, resp = _checked(X, params, resp, "resp")
    return _xlogy_sum(resp, _log_joint_params(X, params))


def bound_slice(X, theta_old, theta_new, s):
    """ln p(X | theta(s)) and two lower bounds along theta(s) = (1 - s) theta_old + s theta_new (PRML Fig. 9.14).

    The bounds are L(q_old, theta(s)) with q_old = p(Z | X, theta_old), which
    touches ln p at s = 0, and L(q_new, theta(s)) with q_new = p(Z | X, theta_new),
    which touches it at s = 1.

    Parameters
    ----------
    X : array of shape (N, D)
    theta_old, theta_new : GMMParams
    s : array of shape (S,); every theta(s) must be valid parameters

    Returns
    -------
    (log_p, L_old, L_new) : three arrays of shape (S,)
    """
    q_old, q_new = e_step(X, theta_old), e_step(X, theta_new)
    rows = []
    for si in np.asarray(s, dtype=float):
        theta = interpolate_params(theta_old, theta_new, si)
        rows.append((mixture_log_likelihood(X, theta), lower_bound(X, theta, q_old), lower_bound(X, theta, q_new)))
    return tuple(np.array(col) for col in zip(*rows))
