"""Adversarial answers to exercises 3.4-3.6 (notebook 03)."""
import numpy as np
import scipy.special
import scipy.stats

import emlib

from . import right, wrong


# ---------------------------------------------------------------- 3.4 KL of a table
@wrong("3.4", "the mean over rows, not the sum")
def kl_mean(q, p):
    m = q > 0
    return float(np.sum(q[m] * np.log(q[m] / p[m]))) / len(q)


@wrong("3.4", "masks on p > 0 instead of q > 0 (every p is positive, so nothing is masked)", expect="0 ln 0")
def kl_mask_p(q, p):
    m = p > 0
    return float(np.sum(q[m] * np.log(q[m] / p[m])))


@wrong("3.4", "smooths q (adds 1e-3 and renormalises) to avoid 0 ln 0", expect="KL(p || p)")
def kl_smoothed(q, p):
    qs = (q + 1e-3) / (q + 1e-3).sum(axis=1, keepdims=True)
    return float(np.sum(qs * np.log(qs / p)))


@wrong("3.4", "the cross-entropy -sum q ln p, without the -H(q) part")
def kl_cross_entropy(q, p):
    return float(-np.sum(q * np.log(p)))


@wrong("3.4", "the entropy of q subtracted twice: -2 H(q) - sum q ln p")
def kl_entropy_twice(q, p):
    m = q > 0
    return float(2 * np.sum(q[m] * np.log(q[m])) - np.sum(q * np.log(p)))


@wrong("3.4", "the symmetrised KL: (KL(q||p) + KL(p||q)) / 2, which is inf where q has zeros", expect="swap")
def kl_symmetric(q, p):
    m = q > 0
    with np.errstate(divide="ignore"):
        return float(0.5 * np.sum(q[m] * np.log(q[m] / p[m])) + 0.5 * np.sum(p * (np.log(p) - np.log(q))))


@wrong("3.4", "zeroes q's entries in place where p is small, to avoid a big log", expect="changed its input")
def kl_in_place(q, p):
    q[p < 1e-3] = 0.0
    m = q > 0
    return float(np.sum(q[m] * np.log(q[m] / p[m])))


@wrong("3.4", "calls emlib.entropy, which the exercise rules out (numpy only)", expect="emlib")
def kl_emlib_entropy(q, p):
    return -emlib.entropy(q) - float(np.sum(q[q > 0] * np.log(p[q > 0])))


@right("3.4", "scipy.special.rel_entr, which defines 0 ln 0 = 0")
def kl_rel_entr(q, p):
    return float(np.sum(scipy.special.rel_entr(q, p)))


@right("3.4", "np.where with a safe log, row by row in a loop")
def kl_loop(q, p):
    total = 0.0
    for qn, pn in zip(q, p):
        total += np.sum(np.where(qn > 0, qn * np.log(np.where(qn > 0, qn, 1.0) / pn), 0.0))
    return total


@right("3.4", "scipy.stats.entropy(q_n, p_n) summed over the rows")
def kl_scipy_entropy(q, p):
    return sum(scipy.stats.entropy(qn, pn) for qn, pn in zip(q, p))


# ---------------------------------------------------------------- 3.5 lower bound
def _joint(X, params):
    pi, mu, S = params
    return np.stack([np.log(pi[k]) + emlib.gaussian_logpdf(X, mu[k], S[k]) for k in range(len(pi))], axis=1)


@wrong("3.5", "calls emlib.log_joint, which the exercise rules out", expect="log_joint")
def lb_log_joint(X, params, q):
    m = q > 0
    return float(np.sum(q[m] * (emlib.log_joint(X, params)[m] - np.log(q[m]))))


@wrong("3.5", "normalises the weights in place (params.weights /= ...), harmless numbers but a changed input", expect="changed its input")
def lb_mutates(X, params, q):
    params.weights[:] = params.weights / params.weights.sum() * (1 + 1e-3)
    m = q > 0
    return float(np.sum(q[m] * (_joint(X, params)[m] - np.log(q[m]))))


@wrong("3.5", "the entropy term with log base 2")
def lb_log2_entropy(X, params, q):
    m = q > 0
    return float(np.sum(q[m] * (_joint(X, params)[m] - np.log2(q[m]))))


@wrong("3.5", "the mean over points instead of the sum", expect="sum")
def lb_mean(X, params, q):
    m = q > 0
    return float(np.sum(q[m] * (_joint(X, params)[m] - np.log(q[m])))) / len(X)


@wrong("3.5", "the weights enter as pi_k, not ln pi_k")
def lb_weight_not_log(X, params, q):
    lj = _joint(X, params) - np.log(params.weights) + params.weights
    m = q > 0
    return float(np.sum(q[m] * (lj[m] - np.log(q[m]))))


@wrong("3.5", "the entropy of q is computed with the mask on the wrong array (p > 0): NaN from 0 ln 0", expect="0 ln 0")
def lb_nan(X, params, q):
    return float(np.sum(q * _joint(X, params)) - np.sum(q * np.log(q)))


@wrong("3.5", "hard-codes K = 3 components in the loop")
def lb_k3(X, params, q):
    pi, mu, S = params
    lj = np.stack([np.log(pi[k]) + emlib.gaussian_logpdf(X, mu[k], S[k]) for k in range(3) if k < len(pi)], axis=1)
    q3 = q[:, :lj.shape[1]]
    m = q3 > 0
    return float(np.sum(q3[m] * (lj[m] - np.log(q3[m]))))


@right("3.5", "scipy.special.xlogy for the entropy, a loop over k")
def lb_xlogy(X, params, q):
    lj = _joint(X, params)
    return float(np.sum(np.where(q > 0, q * lj, 0.0)) - np.sum(scipy.special.xlogy(q, q)))


@right("3.5", "ln p - KL(q || posterior), from its own log-sum-exp")
def lb_lnp_minus_kl(X, params, q):
    lj = _joint(X, params)
    lp = scipy.special.logsumexp(lj, axis=1, keepdims=True)
    m = q > 0
    return float(lp.sum() - np.sum(q[m] * (np.log(q[m]) - (lj - lp)[m])))


@right("3.5", "emlib.entropy for H(q) (allowed) plus Q from gaussian_logpdf")
def lb_entropy(X, params, q):
    lj = _joint(X, params)
    return float(np.sum(q[q > 0] * lj[q > 0])) + emlib.entropy(q)


# ---------------------------------------------------------------- 3.6 Gibbs gaps
def _gaps(q, p):
    s = q > 0
    mass = p[s].sum()
    return float(np.log(mass) - np.sum(q[s] * np.log(p[s] / q[s]))), float(-np.log(mass))


@wrong("3.6", "returns J + M and M: the total KL where J belongs")
def gibbs_total(q, p):
    J, M = _gaps(q, p)
    return J + M, M


@wrong("3.6", "M as the mass off the support, not minus the log of the mass on it")
def gibbs_mass_off(q, p):
    J, M = _gaps(q, p)
    return J, float(p[q == 0].sum())


@wrong("3.6", "J without the ln(mass) term")
def gibbs_no_log_mass(q, p):
    s = q > 0
    return float(-np.sum(q[s] * np.log(p[s] / q[s]))), float(-np.log(p[s].sum()))


@wrong("3.6", "returns a dict with keys J and M", expect="dict")
def gibbs_dict(q, p):
    J, M = _gaps(q, p)
    return {"J": J, "M": M}


@wrong("3.6", "renormalises p in place on the support of q", expect="changed its input")
def gibbs_in_place(q, p):
    J, M = _gaps(q, p)
    p[q > 0] /= p[q > 0].sum()
    return J, M


@wrong("3.6", "computes the Jensen gap with log base 2")
def gibbs_log2(q, p):
    s = q > 0
    mass = p[s].sum()
    return float(np.log2(mass) - np.sum(q[s] * np.log2(p[s] / q[s]))), float(-np.log(mass))


@wrong("3.6", "returns NaN where q has zeros (no mask)", expect="NaN")
def gibbs_no_mask(q, p):
    mass = p[q > 0].sum()
    return float(np.log(mass) - np.sum(q * np.log(p / q))), float(-np.log(mass))


@right("3.6", "returned as a numpy array of two numbers")
def gibbs_array(q, p):
    return np.array(_gaps(q, p))


@right("3.6", "J as KL - M, KL from scipy.special.rel_entr; returned as a list")
def gibbs_kl_minus_m(q, p):
    M = -np.log(p[q > 0].sum())
    return [float(np.sum(scipy.special.rel_entr(q, p)) - M), float(M)]


@right("3.6", "J as the KL between q and p renormalised on the support of q")
def gibbs_renormalised(q, p):
    s = q > 0
    p_s = p[s] / p[s].sum()
    return float(np.sum(q[s] * np.log(q[s] / p_s))), float(-np.log(p[s].sum()))
