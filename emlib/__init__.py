"""emlib: Expectation-Maximization for Gaussian mixtures, written to be read beside PRML chapter 9.

The numerical core needs only numpy; ``emlib.plotting`` (matplotlib) and
``emlib.widgets`` (ipywidgets) are imported on use.

Shapes: N points, D dimensions, K components.
"""
from .bound import bound_slice, entropy, expected_complete_log_likelihood, kl_divergence, lower_bound
from .em import EMResult, e_step, em, init_params, m_step
from .bernoulli import (
    BernoulliParams,
    bernoulli_e_step,
    bernoulli_em,
    bernoulli_init,
    bernoulli_log_joint,
    bernoulli_log_likelihood,
    bernoulli_m_step,
)
from .gaussian import gaussian_log_likelihood, gaussian_logpdf, gaussian_mle
from .model_selection import aic, bic, n_parameters
from .missing import (
    ExpectedStats,
    GaussianParams,
    MissingEMResult,
    conditional_gaussian,
    missing_e_step,
    missing_em,
    missing_m_step,
    observed_log_likelihood,
)
from .variational import (
    ELBOTerms,
    VBPosterior,
    VBPrior,
    VBResult,
    elbo,
    elbo_terms,
    expected_log_det_precision,
    expected_log_weights,
    expected_params,
    vb_e_step,
    vb_gmm,
    vb_m_step,
    vb_prior,
)
from .mixture import ComponentCollapseError, GMMParams, interpolate_params, log_joint, mixture_log_likelihood, sample

__version__ = "0.1.0"

__all__ = [
    "BernoulliParams",
    "bernoulli_log_joint",
    "bernoulli_log_likelihood",
    "bernoulli_e_step",
    "bernoulli_m_step",
    "bernoulli_init",
    "bernoulli_em",
    "n_parameters",
    "bic",
    "aic",
    "GMMParams",
    "EMResult",
    "ComponentCollapseError",
    "gaussian_logpdf",
    "gaussian_mle",
    "gaussian_log_likelihood",
    "log_joint",
    "mixture_log_likelihood",
    "sample",
    "interpolate_params",
    "e_step",
    "m_step",
    "em",
    "init_params",
    "entropy",
    "bound_slice",
    "expected_complete_log_likelihood",
    "lower_bound",
    "kl_divergence",
    "GaussianParams",
    "ExpectedStats",
    "MissingEMResult",
    "conditional_gaussian",
    "observed_log_likelihood",
    "missing_e_step",
    "missing_m_step",
    "missing_em",
    "VBPrior",
    "VBPosterior",
    "VBResult",
    "ELBOTerms",
    "vb_prior",
    "vb_e_step",
    "vb_m_step",
    "vb_gmm",
    "elbo",
    "elbo_terms",
    "expected_params",
    "expected_log_weights",
    "expected_log_det_precision",
]
