"""A catalogue of plausible wrong versions of emlib ("mutants"), to prove that the notebooks' checks bite.

Two kinds of mutant:

* A **library mutant** replaces one private core function of emlib with a wrong version (the slip a
  student or a tired maintainer makes). Because emlib's public functions (``e_step``, ``em``,
  ``lower_bound``, ...) all call the same core, the slip reaches every function that uses it,
  consistently, exactly as a real bug would: identities computed from one table keep holding, and
  only a check by an independent route can notice.
* A **source mutant** changes one line of a notebook's own code (a formula the notebook writes out in
  numpy), to prove that the check after it would catch that slip. Source mutants live in
  ``mutation/source_nbNN.py``, one file per notebook.

Load a library mutant into a running kernel (the emlib modules must be importable)::

    import mutation
    mutation.install("mstep_cov_unbiased")   # emlib is now wrong, until the kernel restarts

``python -m mutation.run`` runs every notebook under every mutant that concerns it (see README.md).
Nothing here is part of emlib's public API; emlib itself is never edited.
"""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field

import numpy as np

# ---------------------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Mutant:
    """A library mutant: ``patches`` maps "module:function" to a factory ``original -> replacement``."""

    name: str
    doc: str
    teaches: tuple  # notebooks ("03", ...) that teach the step this mutant breaks: each must kill it
    patches: dict = field(default_factory=dict)
    also: tuple = ()  # notebooks that use the step without teaching it (run for the cell accounting only)
    kind: str = "library"


@dataclass(frozen=True)
class SourceMutant:
    """A source mutant: in notebook ``notebook``, the one code cell containing ``find`` gets ``replace`` instead."""

    name: str
    doc: str
    notebook: str
    find: str
    replace: str
    count: int = 1  # how many occurrences of ``find`` in that cell to replace (-1: all)
    kind: str = "source"

    @property
    def teaches(self):
        return (self.notebook,)

    also = ()


MUTANTS: dict[str, Mutant | SourceMutant] = {}


def mutant(name, doc, teaches, also=()):
    """Decorator: register a library mutant whose body returns {"module:function": factory}."""

    def register(fn):
        MUTANTS[name] = Mutant(name, doc, tuple(teaches), fn(), tuple(also))
        return fn

    return register


def source_mutant(name, doc, notebook, find, replace, count=1):
    MUTANTS[name] = SourceMutant(name, doc, notebook, find, replace, count)


_INSTALLED: list = []


def install(name):
    """Install library mutant ``name`` into this Python process (every emlib module that holds the function)."""
    m = MUTANTS[name]
    if m.kind != "library":
        raise ValueError(f"{name} is a source mutant of notebook {m.notebook}: the harness applies it to the notebook")
    import emlib  # noqa: F401  (loads every core module)

    for target, factory in m.patches.items():
        modname, attr = target.split(":")
        module = importlib.import_module(modname)
        original = getattr(module, attr)
        replacement = factory(original)
        replacement.__mutant__ = name
        n = 0
        for modname2, mod in list(sys.modules.items()):
            if not (modname2 == "emlib" or modname2.startswith("emlib.")) or mod is None:
                continue
            for key, value in list(vars(mod).items()):
                if value is original:
                    setattr(mod, key, replacement)
                    _INSTALLED.append((mod, key, original))
                    n += 1
        if n == 0:
            raise RuntimeError(f"mutant {name}: {target} was not found in any emlib module")
    return m


def uninstall():
    """Undo every installed mutant (used by the tests of this catalogue)."""
    while _INSTALLED:
        mod, key, original = _INSTALLED.pop()
        setattr(mod, key, original)
    _STATE.clear()


_STATE: dict = {}

# ------------------------------------------------------------------------ Gaussian (notebook 01)


@mutant("gauss_mle_unbiased", "gaussian_mle divides the scatter by N - 1 instead of N (the unbiased "
        "estimator, not the maximum-likelihood one)", teaches=("01",), also=("04", "09"))
def _():
    def factory(orig):
        def _mle(X):
            mean, cov = orig(X)
            n = X.shape[0]
            return mean, cov * n / (n - 1)

        return _mle

    return {"emlib.gaussian:_mle": factory}


@mutant("gauss_mle_mean_biased", "gaussian_mle's mean is the sum over N + 1 points' worth (divides by N + 1)",
        teaches=("01",), also=("09",))
def _():
    def factory(orig):
        def _mle(X):
            n = X.shape[0]
            mean = X.sum(axis=0) / (n + 1)
            diff = X - mean
            return mean, diff.T @ diff / n

        return _mle

    return {"emlib.gaussian:_mle": factory}


@mutant("gauss_logpdf_full_logdet", "ln N(x|mu, Sigma) with -ln|Sigma| instead of -1/2 ln|Sigma| (ln sigma^2 where "
        "ln sigma belongs)", teaches=("01",), also=("02", "04", "09"))
def _():
    def factory(orig):
        def _logpdf_chol(X, mean, chol):
            return orig(X, mean, chol) - np.sum(np.log(np.diag(chol)))

        return _logpdf_chol

    return {"emlib.gaussian:_logpdf_chol": factory}


@mutant("gauss_logpdf_no_2pi", "ln N(x|mu, Sigma) without the -D/2 ln 2 pi constant", teaches=("01",), also=("09",))
def _():
    def factory(orig):
        def _logpdf_chol(X, mean, chol):
            return orig(X, mean, chol) + 0.5 * X.shape[1] * np.log(2 * np.pi)

        return _logpdf_chol

    return {"emlib.gaussian:_logpdf_chol": factory}


@mutant("gauss_logpdf_no_half_maha", "ln N(x|mu, Sigma) with -(x-mu)^T Sigma^-1 (x-mu), the factor 1/2 lost",
        teaches=("01",), also=("09",))
def _():
    def factory(orig):
        def _logpdf_chol(X, mean, chol):
            white = np.linalg.solve(chol, (X - mean).T)
            return orig(X, mean, chol) - 0.5 * np.einsum("dn,dn->n", white, white)

        return _logpdf_chol

    return {"emlib.gaussian:_logpdf_chol": factory}


# ------------------------------------------------------------- mixture log joint (02, 03, 04, 07)


@mutant("logjoint_no_log_pi", "ln p(x_n, z_n=k) without ln pi_k: the weights are forgotten in the E-step and "
        "in ln p(X)", teaches=("02", "03", "04"), also=("05", "06", "10"))
def _():
    def factory(orig):
        def _log_joint_T(XT, weights, means, prec_chol):
            return orig(XT, np.ones_like(weights), means, prec_chol)

        return _log_joint_T

    return {"emlib.mixture:_log_joint_T": factory}


@mutant("logjoint_half_lost", "the Mahalanobis term without its 1/2: exp(-|x-mu|^2/eps) where exp(-|x-mu|^2/(2 eps)) "
        "belongs (epsilon for 2 epsilon in the hard limit)", teaches=("02", "04", "07"), also=("03", "05", "10"))
def _():
    def factory(orig):
        def _log_joint_T(XT, weights, means, prec_chol):
            lj = orig(XT, weights, means, prec_chol)
            const = np.log(weights) + np.sum(np.log(np.diagonal(prec_chol, axis1=1, axis2=2)), axis=1) \
                - 0.5 * XT.shape[0] * np.log(2 * np.pi)
            return 2 * lj - const[:, None]  # the quadratic term doubled, the constants kept

        return _log_joint_T

    return {"emlib.mixture:_log_joint_T": factory}


@mutant("logjoint_no_logdet", "ln p(x_n, z_n=k) without -1/2 ln|Sigma_k| (a broad and a narrow component "
        "are weighed alike)", teaches=("02", "04"), also=("03", "05", "06", "10"))
def _():
    def factory(orig):
        def _log_joint_T(XT, weights, means, prec_chol):
            lj = orig(XT, weights, means, prec_chol)
            return lj - np.sum(np.log(np.diagonal(prec_chol, axis1=1, axis2=2)), axis=1)[:, None]

        return _log_joint_T

    return {"emlib.mixture:_log_joint_T": factory}


@mutant("logjoint_affine", "the log joint replaced by 0.5 ln p(x, z) + 3, which is not the log of a density "
        "(the examiners' mutant: identities from one table still hold)", teaches=("02", "03"), also=("04",))
def _():
    def factory(orig):
        def _log_joint_T(XT, weights, means, prec_chol):
            return 0.5 * orig(XT, weights, means, prec_chol) + 3.0

        return _log_joint_T

    return {"emlib.mixture:_log_joint_T": factory}


@mutant("logsumexp_no_max_shift", "ln sum_k exp(a_k) computed naively, without subtracting max_k a_k first "
        "(underflows to -inf for points far from every component)", teaches=("02",), also=("03", "05", "08"))
def _():
    def factory(orig):
        def _logsumexp(a, axis=-1):
            with np.errstate(divide="ignore", over="ignore", under="ignore"):
                return np.log(np.sum(np.exp(a), axis=axis))

        return _logsumexp

    return {"emlib.mixture:_logsumexp": factory}


@mutant("mixture_loglik_hard", "ln p(X) as sum_n max_k ln pi_k N(x_n|mu_k, Sigma_k), the log of the largest term "
        "instead of the log of the sum", teaches=("02", "03"), also=("04", "05", "06"))
def _():
    def factory(orig):
        def _logsumexp(a, axis=-1):
            return np.max(a, axis=axis)

        return _logsumexp

    return {"emlib.mixture:_logsumexp": factory}


# --------------------------------------------------------------------------------- E-step (02-07)


@mutant("estep_normalise_over_n", "responsibilities normalised over the points n instead of the components k "
        "(columns sum to 1, rows do not)", teaches=("02", "03", "04", "05"), also=("07",))
def _():
    def factory(orig):
        def _normalise_T(log_jt):
            lj = log_jt.copy()
            resp, log_px = orig(log_jt)
            m = np.max(lj, axis=1, keepdims=True)
            r = np.exp(lj - m)
            r /= r.sum(axis=1, keepdims=True)
            return r, log_px

        return _normalise_T

    return {"emlib.em:_normalise_T": factory}


@mutant("estep_no_max_shift", "responsibilities exp(a_nk) / sum_j exp(a_nj) without subtracting max_j a_nj: 0/0 "
        "for points far from every component", teaches=("02", "07"), also=("03", "04", "05"))
def _():
    def factory(orig):
        def _normalise_T(log_jt):
            with np.errstate(all="ignore"):
                p = np.exp(log_jt)
                s = p.sum(axis=0)
                resp = p / s
                return resp, np.log(s)

        return _normalise_T

    return {"emlib.em:_normalise_T": factory}


@mutant("estep_hard_argmax", "hard responsibilities: gamma_nk = 1 for the most probable k, 0 otherwise "
        "(a plain argmin of the distance when the covariances are equal)", teaches=("03", "07"), also=("02", "04"))
def _():
    def factory(orig):
        def _normalise_T(log_jt):
            lj = log_jt.copy()
            _, log_px = orig(log_jt)
            resp = np.zeros_like(lj)
            resp[np.argmax(lj, axis=0), np.arange(lj.shape[1])] = 1.0
            return resp, log_px

        return _normalise_T

    return {"emlib.em:_normalise_T": factory}


@mutant("estep_tempered", "responsibilities from (pi_k N_k)^2 instead of pi_k N_k: still normalised, still in "
        "[0, 1], sharper than the posterior", teaches=("03", "04"), also=("02", "05"))
def _():
    def factory(orig):
        def _normalise_T(log_jt):
            resp, _ = orig(2.0 * log_jt)
            _, log_px = orig(log_jt)
            return resp, log_px

        return _normalise_T

    return {"emlib.em:_normalise_T": factory}


# --------------------------------------------------------------------------------- M-step (03-06)


def _m_step_factory(change):
    def factory(orig):
        def _m_step_T(XT, respT, reg_covar, iteration=None):
            return change(orig, XT, respT, reg_covar, iteration)

        return _m_step_T

    return factory


@mutant("mstep_cov_unbiased", "Sigma_k = sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T / (N_k - 1)",
        teaches=("03", "04"), also=("05", "06"))
def _():
    def change(orig, XT, respT, reg, it):
        p = orig(XT, respT, reg, it)
        N_k = respT.sum(axis=1)
        return p._replace(covs=p.covs * (N_k / (N_k - 1))[:, None, None])

    return {"emlib.em:_m_step_T": _m_step_factory(change)}


@mutant("mstep_cov_old_means", "Sigma_k centred on the old means mu_k^old (those the E-step used) instead of the "
        "new mu_k^new", teaches=("04",), also=("03", "05"))
def _():
    def centre(orig):
        def _centre(X, means):
            XT, mc = orig(X, means)
            _STATE.pop("next_old_centred", None)
            _STATE["old_means_raw"] = np.array(means, dtype=float)
            _STATE["shift"] = np.asarray(means, dtype=float) - mc
            return XT, mc

        return _centre

    def change(orig, XT, respT, reg, it):
        p = orig(XT, respT, reg, it)
        old = _STATE.get("old_means_raw")
        if old is None or old.shape != p.means.shape:
            return p
        if np.allclose(XT.mean(axis=1), 0.0, atol=1e-9 * (1 + np.abs(XT).max())):  # em's centred coordinates
            old = _STATE.get("next_old_centred", old - _STATE["shift"])
        N_k = respT.sum(axis=1)
        covs = np.empty_like(p.covs)
        for k in range(len(N_k)):
            d = (XT - old[k][:, None]) * np.sqrt(respT[k])
            covs[k] = d @ d.T / N_k[k] + reg * np.eye(XT.shape[0])
        _STATE["next_old_centred"] = p.means.copy()
        return p._replace(covs=covs)

    return {"emlib.mixture:_centre": centre, "emlib.em:_m_step_T": _m_step_factory(change)}


@mutant("mstep_reg_1e-3", "every Sigma_k gets 1e-3 I added (a regulariser nobody asked for)",
        teaches=("03", "04"), also=("05",))
def _():
    def change(orig, XT, respT, reg, it):
        return orig(XT, respT, reg + 1e-3, it)

    return {"emlib.em:_m_step_T": _m_step_factory(change)}


@mutant("mstep_weights_perturbed", "pi_k = N_k / N +- 0.01 (alternating signs, still summing to 1)",
        teaches=("03", "04"), also=("05",))
def _():
    def change(orig, XT, respT, reg, it):
        p = orig(XT, respT, reg, it)
        K = p.weights.size
        delta = 0.01 * np.array([(-1) ** k for k in range(K)], dtype=float)
        if K % 2:
            delta[-1] = 0.0
        w = np.clip(p.weights + delta, 1e-6, None)
        return p._replace(weights=w / w.sum())

    return {"emlib.em:_m_step_T": _m_step_factory(change)}


@mutant("mstep_mean_shift", "mu_k = sum_n gamma_nk x_n / N_k + 0.01 in every coordinate", teaches=("03", "04"),
        also=("05",))
def _():
    def change(orig, XT, respT, reg, it):
        p = orig(XT, respT, reg, it)
        return p._replace(means=p.means + 0.01)

    return {"emlib.em:_m_step_T": _m_step_factory(change)}


@mutant("mstep_weights_unnormalised", "pi_k = N_k (the division by N forgotten)", teaches=("04",), also=("03", "05"))
def _():
    def change(orig, XT, respT, reg, it):
        p = orig(XT, respT, reg, it)
        return p._replace(weights=respT.sum(axis=1))

    return {"emlib.em:_m_step_T": _m_step_factory(change)}


@mutant("mstep_means_over_N", "mu_k = sum_n gamma_nk x_n / N (divided by N, not N_k)", teaches=("04",),
        also=("03", "05"))
def _():
    def change(orig, XT, respT, reg, it):
        p = orig(XT, respT, reg, it)
        N = XT.shape[1]
        return p._replace(means=p.means * (respT.sum(axis=1) / N)[:, None])

    return {"emlib.em:_m_step_T": _m_step_factory(change)}


# -------------------------------------------------------------------- bound, KL, Q, entropy (03)


@mutant("kl_swapped", "KL(p || q) instead of KL(q || p): the arguments swapped", teaches=("03",))
def _():
    def factory(orig):
        def kl_divergence(X, params, q):
            import emlib
            from emlib.mixture import _log_joint_params, _logsumexp

            q = np.asarray(q, dtype=float)
            lj = _log_joint_params(np.asarray(X, dtype=float), emlib.GMMParams(*params))
            post = np.exp(lj - _logsumexp(lj, axis=1)[:, None])
            with np.errstate(divide="ignore", invalid="ignore"):
                t = np.where(post > 0, post * (np.log(post) - np.log(q)), 0.0)
            return float(np.sum(t))

        return kl_divergence

    return {"emlib.bound:kl_divergence": factory}


@mutant("entropy_sign", "H(q) = + sum q ln q (the minus sign lost)", teaches=("03",))
def _():
    def factory(orig):
        def entropy(q):
            return -orig(q)

        return entropy

    return {"emlib.bound:entropy": factory}


@mutant("lower_bound_no_entropy", "L(q, theta) = sum q ln p(x, z | theta), the entropy of q forgotten (that is Q)",
        teaches=("03",))
def _():
    def factory(orig):
        def lower_bound(X, params, q):
            import emlib

            return emlib.expected_complete_log_likelihood(X, params, q)

        return lower_bound

    return {"emlib.bound:lower_bound": factory}


@mutant("q_unweighted", "Q(theta, theta_old) = sum_n sum_k ln p(x_n, z_n=k | theta) / K, the responsibilities "
        "replaced by 1/K", teaches=("03", "04"), also=("07",))
def _():
    def factory(orig):
        def expected_complete_log_likelihood(X, params, resp):
            resp = np.asarray(resp, dtype=float)
            return orig(X, params, np.full_like(resp, 1.0 / resp.shape[1]))

        return expected_complete_log_likelihood

    return {"emlib.bound:expected_complete_log_likelihood": factory}


# ------------------------------------------------------------------------- model selection (06)


@mutant("n_parameters_KD2", "K D^2 covariance parameters instead of K D (D + 1) / 2 (symmetry forgotten)",
        teaches=("06",))
def _():
    def factory(orig):
        def n_parameters(K, D):
            orig(K, D)  # same validation
            return int((K - 1) + K * D + K * D * D)

        return n_parameters

    return {"emlib.model_selection:n_parameters": factory}


@mutant("n_parameters_K_weights", "K free weights instead of K - 1 (the sum-to-one constraint forgotten)",
        teaches=("06",))
def _():
    def factory(orig):
        def n_parameters(K, D):
            return orig(K, D) + 1

        return n_parameters

    return {"emlib.model_selection:n_parameters": factory}


@mutant("bic_penalty_2", "BIC with the penalty 2 per parameter (that is AIC) instead of ln N", teaches=("06",))
def _():
    def factory(orig):
        def bic(X, params):
            import emlib

            return emlib.aic(X, params)

        return bic

    return {"emlib.model_selection:bic": factory}


@mutant("bic_half_penalty", "BIC = -2 ln p + (p/2) ln N (the Laplace factor applied twice)", teaches=("06",))
def _():
    def factory(orig):
        def bic(X, params):
            X = np.asarray(X, dtype=float)
            from emlib.model_selection import mixture_log_likelihood, n_parameters

            p = n_parameters(len(params[0]), X.shape[1])
            return float(-2.0 * mixture_log_likelihood(X, params) + 0.5 * p * np.log(X.shape[0]))

        return bic

    return {"emlib.model_selection:bic": factory}


# ------------------------------------------------------------------------------- Bernoulli (08)


@mutant("bernoulli_mstep_no_gamma", "mu_k = the mean of all x_n, the responsibilities forgotten in PRML 9.59",
        teaches=("08",))
def _():
    def factory(orig):
        def bernoulli_m_step(X, resp):
            p = orig(X, resp)
            X = np.asarray(X, dtype=float)
            means = np.clip(np.broadcast_to(X.mean(axis=0), p.means.shape).copy(), 1e-10, 1 - 1e-10)
            return p._replace(means=means)

        return bernoulli_m_step

    return {"emlib.bernoulli:bernoulli_m_step": factory}


@mutant("bernoulli_logjoint_no_zero_term", "ln p(x|mu) = sum_i x_i ln mu_i, the (1 - x_i) ln(1 - mu_i) term "
        "forgotten", teaches=("08",))
def _():
    def factory(orig):
        def _log_joint(X, params):
            weights, means = params
            with np.errstate(divide="ignore"):
                return np.log(weights) + X @ np.log(means).T

        return _log_joint

    return {"emlib.bernoulli:_log_joint": factory}


@mutant("bernoulli_weights_frozen", "pi_k stays 1/K in the Bernoulli M-step (PRML 9.60 forgotten)", teaches=("08",))
def _():
    def factory(orig):
        def bernoulli_m_step(X, resp):
            p = orig(X, resp)
            K = p.weights.size
            return p._replace(weights=np.full(K, 1.0 / K))

        return bernoulli_m_step

    return {"emlib.bernoulli:bernoulli_m_step": factory}


# ----------------------------------------------------------------------------- missing data (09)


@mutant("missing_no_C", "the missing-data M-step without the conditional covariances C_n: "
        "Sigma = 1/N sum (x_hat - mu)(x_hat - mu)^T", teaches=("09",))
def _():
    def factory(orig):
        def _m_step(x_hat, C_sum):
            return orig(x_hat, np.zeros_like(C_sum))

        return _m_step

    return {"emlib.missing:_m_step": factory}


@mutant("missing_mean_fill", "the missing-data E-step fills a missing x_m with mu_m instead of the conditional "
        "mean mu_m + Sigma_mo Sigma_oo^-1 (x_o - mu_o)", teaches=("09",))
def _():
    def factory(orig):
        def _e_step(X, groups, mean, cov, what="Sigma"):
            x_hat, C_sum, cond, ll = orig(X, groups, mean, cov, what)
            x_hat = np.where(np.isnan(X), mean[None, :], X)
            return x_hat, C_sum, cond, ll

        return _e_step

    return {"emlib.missing:_e_step": factory}


@mutant("missing_observed_not_copied", "the missing-data E-step fills in only the missing entries of x_hat and "
        "leaves 0 where x_n was observed (x_hat started as zeros, x_n,o never copied in)", teaches=("09",))
def _():
    def factory(orig):
        def _e_step(X, groups, mean, cov, what="Sigma"):
            x_hat, C_sum, cond, ll = orig(X, groups, mean, cov, what)
            return np.where(np.isnan(X), x_hat, 0.0), C_sum, cond, ll

        return _e_step

    return {"emlib.missing:_e_step": factory}


@mutant("missing_C_leading_block", "missing_e_step writes each row's cov[x_m | x_o] into the leading block "
        "C_n[:k, :k] (k entries missing) instead of the rows and columns of the missing entries", teaches=("09",))
def _():
    def factory(orig):
        def missing_e_step(X, params):
            stats = orig(X, params)
            cond_covs = np.zeros_like(stats.cond_covs)
            for n, row in enumerate(np.asarray(X, dtype=float)):
                mis = np.flatnonzero(np.isnan(row))
                cond_covs[n, :len(mis), :len(mis)] = stats.cond_covs[n][np.ix_(mis, mis)]
            return stats._replace(cond_covs=cond_covs)

        return missing_e_step

    return {"emlib.missing:missing_e_step": factory}


@mutant("missing_cond_cov_prior", "the conditional covariance taken as Sigma_mm (the Schur complement "
        "- Sigma_mo Sigma_oo^-1 Sigma_om forgotten)", teaches=("09",))
def _():
    def factory(orig):
        def _e_step(X, groups, mean, cov, what="Sigma"):
            x_hat, C_sum, cond, ll = orig(X, groups, mean, cov, what)
            C_sum = np.zeros_like(C_sum)
            new_cond = []
            for (obs, rows), S in zip(groups, cond):
                mis = ~obs
                S2 = cov[np.ix_(mis, mis)].copy() if mis.any() else S
                new_cond.append(S2)
                if mis.any():
                    C_sum[np.ix_(mis, mis)] += rows.size * S2
            return x_hat, C_sum, new_cond, ll

        return _e_step

    return {"emlib.missing:_e_step": factory}


# -------------------------------------------------------------------------- variational Bayes (10)


@mutant("vb_eln_pi_as_ln_epi", "E[ln pi_k] taken as ln E[pi_k] = ln(alpha_k / sum alpha) (Jensen's gap ignored)",
        teaches=("10",))
def _():
    def factory(orig):
        def _expected_log_pi(alpha):
            return np.log(alpha) - np.log(np.sum(alpha))

        return _expected_log_pi

    return {"emlib.variational:_expected_log_pi": factory}


@mutant("vb_digamma_off_by_one", "psi(x + 1) where psi(x) belongs (the recurrence step applied once too often)",
        teaches=("10",))
def _():
    def factory(orig):
        def _digamma(x):
            x = np.asarray(x, dtype=float)
            return orig(x + 1.0)

        return _digamma

    return {"emlib.variational:_digamma": factory}


@mutant("vb_no_D_over_beta", "E[(x - mu)^T Lambda (x - mu)] = nu (x - m)^T W (x - m), the D / beta_k term "
        "forgotten (PRML 10.64)", teaches=("10",))
def _():
    def factory(orig):
        def _log_rho(X, post, L=None):
            return orig(X, post, L) + 0.5 * X.shape[1] / post.beta

        return _log_rho

    return {"emlib.variational:_log_rho": factory}


@mutant("vb_eln_lambda_no_Dln2", "E[ln|Lambda_k|] without the D ln 2 term (PRML 10.65)", teaches=("10",))
def _():
    def factory(orig):
        def _expected_log_det_lambda(nu, log_det_W, D):
            return orig(nu, log_det_W, D) - D * np.log(2.0)

        return _expected_log_det_lambda

    return {"emlib.variational:_expected_log_det_lambda": factory}


@mutant("vb_nu_plus_one", "nu_k = nu_0 + N_k + 1 (PRML 10.63 off by one)", teaches=("10",))
def _():
    def factory(orig):
        def _m_step(X, resp, prior):
            post = orig(X, resp, prior)
            return post._replace(nu=post.nu + 1.0)

        return _m_step

    return {"emlib.variational:_m_step": factory}


@mutant("vb_m_no_prior_mean", "m_k = sum_n r_nk x_n / beta_k, the beta_0 m_0 term of PRML 10.61 forgotten",
        teaches=("10",))
def _():
    def factory(orig):
        def _m_step(X, resp, prior):
            post = orig(X, resp, prior)
            return post._replace(m=post.m - (prior.beta0 * prior.m0)[None, :] / post.beta[:, None]
                                 if np.ndim(prior.m0) == 1 else post.m)

        return _m_step

    return {"emlib.variational:_m_step": factory}


@mutant("vb_W_no_prior", "W_k^-1 = N_k S_k + beta0 N_k/(beta0 + N_k)(xbar_k - m0)(xbar_k - m0)^T, the W_0^-1 term of "
        "PRML 10.62 forgotten", teaches=("10",))
def _():
    def factory(orig):
        def _m_step(X, resp, prior):
            post = orig(X, resp, prior)
            return post._replace(W_inv=post.W_inv - prior.W0_inv[None] + 1e-12 * np.eye(X.shape[1])[None])

        return _m_step

    return {"emlib.variational:_m_step": factory}


@mutant("vb_beta_no_prior", "beta_k = N_k, the prior count beta_0 of PRML 10.60 forgotten (m_k as before)",
        teaches=("10",))
def _():
    def factory(orig):
        def _m_step(X, resp, prior):
            post = orig(X, resp, prior)
            return post._replace(beta=np.maximum(post.beta - prior.beta0, 1e-300))

        return _m_step

    return {"emlib.variational:_m_step": factory}


@mutant("vb_alpha_no_prior", "alpha_k = N_k, the prior count alpha_0 of PRML 10.58 forgotten", teaches=("10",))
def _():
    def factory(orig):
        def _m_step(X, resp, prior):
            post = orig(X, resp, prior)
            return post._replace(alpha=np.maximum(post.alpha - prior.alpha0, 1e-300))

        return _m_step

    return {"emlib.variational:_m_step": factory}


@mutant("vb_elbo_no_wishart_trace", "E[ln p(mu, Lambda)] (PRML 10.74) without -1/2 sum_k nu_k Tr(W_0^-1 W_k)",
        teaches=("10",))
def _():
    def factory(orig):
        def _elbo_terms(X, resp, post, prior):
            terms = orig(X, resp, post, prior)
            L = np.linalg.cholesky(post.W_inv)
            C0 = np.linalg.cholesky(prior.W0_inv)
            trace = np.sum(np.linalg.solve(L, np.broadcast_to(C0, L.shape)) ** 2, axis=(1, 2))
            return terms._replace(log_p_mu_lambda=terms.log_p_mu_lambda + 0.5 * float(np.sum(post.nu * trace)))

        return _elbo_terms

    return {"emlib.variational:_elbo_terms": factory}


# -------------------------------------------------------------------------------------- loading


def _load_sources():
    import pathlib

    here = pathlib.Path(__file__).parent
    for path in sorted(here.glob("source_nb*.py")):
        importlib.import_module(f"mutation.{path.stem}")


def library_mutants():
    return [m for m in MUTANTS.values() if m.kind == "library"]


def all_mutants():
    _load_sources()
    return list(MUTANTS.values())
