"""How many components? Parameter counts and information criteria for a full-covariance GMM.

A K-component mixture in D dimensions with full covariances has

    p = (K - 1) + K D + K D (D + 1) / 2

free parameters: K weights less one for sum_k pi_k = 1, K mean vectors, and
K symmetric covariance matrices.  With the maximised log-likelihood ln L,

    BIC = -2 ln L + p ln N        (Schwarz 1978; PRML 4.139 up to a factor -1/2)
    AIC = -2 ln L + 2 p           (Akaike 1974; PRML 1.73 up to a factor -1/2)

and smaller is better.
"""
import numpy as np

from ._validation import check_data
from .mixture import mixture_log_likelihood


def n_parameters(K, D):
    """(K - 1) + K D + K D (D + 1) / 2, the free parameters of a full-covariance GMM."""
    for name, value in (("K", K), ("D", D)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int((K - 1) + K * D + K * D * (D + 1) // 2)


def _deviance_plus_penalty(X, params, cost_per_parameter):
    """-2 ln p(X | theta) + cost_per_parameter * p, the shape shared by BIC and AIC."""
    X = check_data(X)
    p = n_parameters(len(params[0]), X.shape[1])
    return float(-2.0 * mixture_log_likelihood(X, params) + cost_per_parameter(X.shape[0]) * p)


def bic(X, params):
    """Bayesian information criterion -2 ln p(X | theta) + p ln N, a float (smaller is better).

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams with weights (K,), means (K, D), covs (K, D, D)
    """
    return _deviance_plus_penalty(X, params, np.log)


def aic(X, params):
    """Akaike information criterion -2 ln p(X | theta) + 2 p, a float (smaller is better).

    Parameters
    ----------
    X : array of shape (N, D)
    params : GMMParams with weights (K,), means (K, D), covs (K, D, D)
    """
    return _deviance_plus_penalty(X, params, lambda N: 2.0)
