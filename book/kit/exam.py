"""Exam-style questions on EM, with model answers whose every number is computed here.

Each question has a statement and a model answer in Markdown with MathJax; a number in either is written
as a placeholder «name» or «name:format» (a Python format spec), filled from ``given`` (the data the
question states) and from ``compute(given)``, which computes the answer's numbers with emlib.
``verify(given, values)`` recomputes each of them by an independent route (a closed form, exact fractions,
a different algorithm) and raises AssertionError when the two disagree: tests/test_kit.py runs it for every
question, and checks that no template contains a number that is not a placeholder.

    QUESTIONS          the list of Question
    render(q, answer)  the statement (and the model answer) as Markdown with the numbers filled in

book/kit.py builds build/kit/exam.pdf (the statements) and build/kit/answer-key/exam-answers.pdf.
"""
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import numpy as np

import emlib
from emlib.datasets import old_faithful, standardise
from emlib.mixture import GMMParams

PLACEHOLDER = re.compile(r"«(\w+)(?::([^»]+))?»")


@dataclass
class Question:
    key: str
    topic: str             # what it examines: E-step, M-step, bound, k-means limit, missing data, VB, ...
    kind: str              # "derivation", "conceptual" or "numerical"
    minutes: int           # a realistic time for it in a written exam
    statement: str
    answer: str
    given: dict = field(default_factory=dict)
    compute: Callable[[dict], dict] = lambda given: {}
    verify: Callable[[dict, dict], None] = lambda given, values: None


def _format(value, spec):
    """format(value, spec); a spec ending in "t" (".3t") writes scientific notation for TeX: 1.100\\times10^{-4}."""
    if not spec.endswith("t"):
        return format(value, spec)
    mantissa, exponent = format(value, spec[:-1] + "e").split("e")
    return f"{mantissa}\\times10^{{{int(exponent)}}}"


def fill(template, values):
    """The template with every «name» or «name:spec» replaced by _format(values[name], spec)."""
    def one(m):
        value = values[m.group(1)]
        return _format(value, m.group(2)) if m.group(2) else str(value)
    return PLACEHOLDER.sub(one, template)


_VALUES = {}


def values_of(q):
    """The given data and the computed numbers of question q (computed once per question and process)."""
    if q.key not in _VALUES:
        _VALUES[q.key] = {**q.given, **q.compute(q.given)}
    return dict(_VALUES[q.key])


def render(q, answer=False):
    """Markdown of the statement, and with answer=True the model answer after it."""
    values = values_of(q)
    text = fill(q.statement, values)
    if answer:
        text += "\n\n**Model answer.** " + fill(q.answer, values)
    return text


def _gmm_1d(weights, means, variances):
    return GMMParams(np.array(weights, float), np.array(means, float)[:, None],
                     np.array(variances, float)[:, None, None])


def _close(a, b, tol=1e-9):
    assert abs(a - b) <= tol * max(1.0, abs(a), abs(b)), (a, b)


# --------------------------------------------------------------------------------- questions --

def _estep_compute(g):
    params = _gmm_1d(g["pi"], g["mu"], [1.0, 1.0])
    resp = emlib.e_step(np.array([[g["x"]]]), params)[0]
    lo, hi = g["mu"][0], g["mu"][1]                       # equal responsibilities: bisection on the E-step
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if emlib.e_step(np.array([[mid]]), params)[0, 0] > 0.5:
            lo = mid
        else:
            hi = mid
    return {"g1": resp[0], "g2": resp[1], "xeq": 0.5 * (lo + hi)}


def _estep_verify(g, v):
    (p1, p2), (m1, m2), x = g["pi"], g["mu"], g["x"]
    ratio = p1 / p2 * math.exp(((x - m2) ** 2 - (x - m1) ** 2) / 2)  # pi_1 N_1 / (pi_2 N_2), unit variances
    _close(v["g1"], ratio / (1 + ratio))
    _close(v["g2"], 1 / (1 + ratio))
    # ln(p1/p2) + ((x - m2)^2 - (x - m1)^2) / 2 = 0 is linear in x
    _close(v["xeq"], (m2 ** 2 - m1 ** 2 + 2 * math.log(p1 / p2)) / (2 * (m2 - m1)), 1e-9)
    assert v["g1"] > 0.5 and g["pi"][0] < 0.5 and v["xeq"] > g["x"]  # what the answer says in words


E_STEP = Question(
    key="e-step", topic="E-step", kind="numerical", minutes=10,
    given={"pi": (0.3, 0.7), "mu": (0.0, 3.0), "x": 1.0, "pi1": 0.3, "pi2": 0.7, "mu1": 0.0, "mu2": 3.0},
    compute=_estep_compute, verify=_estep_verify,
    statement=r"""A one-dimensional mixture of two Gaussians has weights $\pi_1 = «pi1»$, $\pi_2 = «pi2»$,
means $\mu_1 = «mu1:g»$, $\mu_2 = «mu2:g»$ and both variances equal to $1$.
(a) Compute the responsibilities $\gamma(z_{n1})$ and $\gamma(z_{n2})$ of a point $x_n = «x:g»$.

(b) For which $x$ are the two responsibilities equal? (c) Component 2 has the larger weight; why does
component 1 take the larger share of $x_n$?""",
    answer=r"""(a) By Bayes' rule, $\gamma(z_{nk}) = \pi_k\mathcal N(x_n\mid\mu_k,1)/\sum_j\pi_j\mathcal N(x_n\mid\mu_j,1)$.
The normalising constants cancel, so with $r = \dfrac{\pi_1}{\pi_2}\exp\!\Big(\dfrac{(x_n-\mu_2)^2-(x_n-\mu_1)^2}{2}\Big)$,
$\gamma(z_{n1}) = r/(1+r) = «g1:.4f»$ and $\gamma(z_{n2}) = 1/(1+r) = «g2:.4f»$.

(b) Equal responsibilities mean $\ln\pi_1 - \tfrac12(x-\mu_1)^2 = \ln\pi_2 - \tfrac12(x-\mu_2)^2$, which is linear in $x$:
$x = \dfrac{\mu_2^2-\mu_1^2 + 2\ln(\pi_1/\pi_2)}{2(\mu_2-\mu_1)} = «xeq:.4f»$.

(c) The weights enter only through $\ln(\pi_1/\pi_2)$, which moves the boundary of (b) from the midpoint
towards $\mu_1$; $x_n$ still lies on component 1's side of the moved boundary, where the likelihood ratio outweighs the prior odds.""",
)


def _mstep_compute(g):
    x = np.array(g["x"], float)[:, None]
    resp = np.column_stack([g["r1"], 1 - np.array(g["r1"])])
    new = emlib.m_step(x, resp)
    n_k = resp.sum(axis=0)
    return {"N1": n_k[0], "N2": n_k[1], "pi1": new.weights[0], "pi2": new.weights[1],
            "mu1": new.means[0, 0], "mu2": new.means[1, 0], "var1": new.covs[0, 0, 0], "var2": new.covs[1, 0, 0]}


def _mstep_verify(g, v):
    x = [Fraction(str(a)) for a in g["x"]]
    for k, r in (("1", [Fraction(str(a)) for a in g["r1"]]), ("2", [1 - Fraction(str(a)) for a in g["r1"]])):
        n_k = sum(r)
        mu = sum(ri * xi for ri, xi in zip(r, x)) / n_k
        var = sum(ri * (xi - mu) ** 2 for ri, xi in zip(r, x)) / n_k
        _close(v["N" + k], float(n_k))
        _close(v["pi" + k], float(n_k / len(x)))
        _close(v["mu" + k], float(mu))
        _close(v["var" + k], float(var))


M_STEP = Question(
    key="m-step", topic="M-step", kind="numerical", minutes=12,
    given={"x": (0.0, 1.0, 3.0, 4.0), "r1": (1.0, 0.8, 0.2, 0.0),
           "xs": "0, 1, 3, 4", "r1s": "1, 0.8, 0.2, 0"},
    compute=_mstep_compute, verify=_mstep_verify,
    statement=r"""Four points $x_n = «xs»$ are fitted by a one-dimensional mixture of two Gaussians. After an
E-step the responsibilities of component 1 are $\gamma(z_{n1}) = «r1s»$ (and $\gamma(z_{n2}) = 1-\gamma(z_{n1})$).
(a) Carry out the M-step: $N_k$, $\pi_k$, $\mu_k$ and $\sigma_k^2$ for both components.

(b) Why is $\sigma_k^2$ computed around the *new* mean, and divided by $N_k$ rather than $N_k - 1$?""",
    answer=r"""(a) $N_k = \sum_n\gamma(z_{nk})$, $\pi_k = N_k/N$, $\mu_k = \frac1{N_k}\sum_n\gamma(z_{nk})x_n$,
$\sigma_k^2 = \frac1{N_k}\sum_n\gamma(z_{nk})(x_n-\mu_k)^2$:
component 1: $N_1 = «N1:.4g»$, $\pi_1 = «pi1:.4g»$, $\mu_1 = «mu1:.4g»$, $\sigma_1^2 = «var1:.4g»$;
component 2: $N_2 = «N2:.4g»$, $\pi_2 = «pi2:.4g»$, $\mu_2 = «mu2:.4g»$, $\sigma_2^2 = «var2:.4g»$.

(b) The M-step maximises $Q(\boldsymbol\theta,\boldsymbol\theta^{\text{old}})$ jointly; the stationarity condition for
$\sigma_k^2$ holds at the maximising $\mu_k$, which is the new one (it does not depend on $\sigma_k^2$). The maximum of
$Q$ divides by $N_k$, the weighted version of the maximum-likelihood variance (biased, like $\sigma^2_{\mathrm{ML}}$);
$N_k - 1$ would not maximise $Q$, and the guarantee that $\ln p$ does not decrease rests on maximising (or at least increasing) it.""",
)


M_STEP_DERIVATION = Question(
    key="m-step-derivation", topic="M-step", kind="derivation", minutes=20,
    statement=r"""Write down $Q(\boldsymbol\theta,\boldsymbol\theta^{\text{old}})$ for a Gaussian mixture and derive from it
the M-step updates for $\boldsymbol\mu_k$ and $\pi_k$ (use a Lagrange multiplier for $\sum_k\pi_k = 1$). Why may the
responsibilities be treated as constants in this maximisation?""",
    answer=r"""$$Q(\boldsymbol\theta,\boldsymbol\theta^{\text{old}}) = \sum_n\sum_k\gamma(z_{nk})\{\ln\pi_k + \ln\mathcal N(\mathbf x_n\mid\boldsymbol\mu_k,\boldsymbol\Sigma_k)\},$$
with $\gamma(z_{nk}) = p(z_{nk} = 1\mid\mathbf x_n,\boldsymbol\theta^{\text{old}})$. The responsibilities are computed at
$\boldsymbol\theta^{\text{old}}$, which is fixed during the M-step: they are the weights $q$ of the bound
$\mathcal L(q,\boldsymbol\theta)$, held fixed while $\boldsymbol\theta$ varies.

*Means:* $$\frac{\partial Q}{\partial\boldsymbol\mu_k} = \sum_n\gamma(z_{nk})\boldsymbol\Sigma_k^{-1}(\mathbf x_n-\boldsymbol\mu_k) = \mathbf 0;$$
multiplying by $\boldsymbol\Sigma_k$ gives $\boldsymbol\mu_k^{\text{new}} = \frac1{N_k}\sum_n\gamma(z_{nk})\mathbf x_n$ with
$N_k = \sum_n\gamma(z_{nk})$. $Q$ is concave in $\boldsymbol\mu_k$, so this is the maximum.

*Weights:* maximise $\sum_k N_k\ln\pi_k + \eta(\sum_k\pi_k - 1)$; $N_k/\pi_k + \eta = 0$ gives $\pi_k = -N_k/\eta$;
summing over $k$, $\eta = -N$, so $\pi_k^{\text{new}} = N_k/N$ (the maximum on the simplex: $\sum_k N_k\ln\pi_k$ is concave).""",
)


BOUND_DERIVATION = Question(
    key="bound", topic="the bound", kind="derivation", minutes=15,
    statement=r"""Show that for every distribution $q(\mathbf Z)$ over the latent variables
$$\ln p(\mathbf X\mid\boldsymbol\theta) = \mathcal L(q,\boldsymbol\theta) + \mathrm{KL}(q\Vert p),\qquad
\mathcal L(q,\boldsymbol\theta) = \sum_{\mathbf Z}q(\mathbf Z)\ln\frac{p(\mathbf X,\mathbf Z\mid\boldsymbol\theta)}{q(\mathbf Z)},$$
where $p$ in the KL is the posterior $p(\mathbf Z\mid\mathbf X,\boldsymbol\theta)$. Deduce that $\mathcal L$ is a lower bound on
$\ln p(\mathbf X\mid\boldsymbol\theta)$ and say exactly when it is tight.""",
    answer=r"""By the product rule $p(\mathbf X,\mathbf Z\mid\boldsymbol\theta) = p(\mathbf Z\mid\mathbf X,\boldsymbol\theta)\,p(\mathbf X\mid\boldsymbol\theta)$, so
$$\ln\frac{p(\mathbf X,\mathbf Z\mid\boldsymbol\theta)}{q(\mathbf Z)} = \ln p(\mathbf X\mid\boldsymbol\theta) + \ln\frac{p(\mathbf Z\mid\mathbf X,\boldsymbol\theta)}{q(\mathbf Z)}.$$
Multiply by $q(\mathbf Z)$ and sum over $\mathbf Z$; since $\sum_{\mathbf Z}q(\mathbf Z) = 1$,
$\mathcal L(q,\boldsymbol\theta) = \ln p(\mathbf X\mid\boldsymbol\theta) - \mathrm{KL}(q\Vert p)$, which is the identity.

$\mathrm{KL}(q\Vert p)\ge 0$ (Gibbs' inequality, from Jensen's inequality for the concave logarithm), so
$\mathcal L(q,\boldsymbol\theta)\le\ln p(\mathbf X\mid\boldsymbol\theta)$, with equality exactly when $\mathrm{KL} = 0$, that is when
$q(\mathbf Z) = p(\mathbf Z\mid\mathbf X,\boldsymbol\theta)$ for every $\mathbf Z$: the E-step's choice.""",
)


MONOTONE = Question(
    key="monotone", topic="the bound", kind="conceptual", minutes=10,
    statement=r"""Using $\ln p(\mathbf X\mid\boldsymbol\theta) = \mathcal L(q,\boldsymbol\theta) + \mathrm{KL}(q\Vert p)$, explain why one
EM iteration cannot decrease $\ln p(\mathbf X\mid\boldsymbol\theta)$. Does the argument need the M-step to maximise
$Q$ exactly? Does it show that EM converges to the maximum-likelihood estimate?""",
    answer=r"""Let $q$ be the posterior at $\boldsymbol\theta^{\text{old}}$ (E-step), so $\mathrm{KL} = 0$ and
$\mathcal L(q,\boldsymbol\theta^{\text{old}}) = \ln p(\mathbf X\mid\boldsymbol\theta^{\text{old}})$. The M-step chooses
$\boldsymbol\theta^{\text{new}}$ with $\mathcal L(q,\boldsymbol\theta^{\text{new}})\ge\mathcal L(q,\boldsymbol\theta^{\text{old}})$
($\mathcal L$ differs from $Q$ by the entropy of $q$, which does not depend on $\boldsymbol\theta$). Then
$$\begin{aligned}\ln p(\mathbf X\mid\boldsymbol\theta^{\text{new}}) &= \mathcal L(q,\boldsymbol\theta^{\text{new}}) + \mathrm{KL}(q\Vert p^{\text{new}})
\ge\mathcal L(q,\boldsymbol\theta^{\text{new}})\\ &\ge\mathcal L(q,\boldsymbol\theta^{\text{old}}) = \ln p(\mathbf X\mid\boldsymbol\theta^{\text{old}}).\end{aligned}$$
Only an increase of $Q$ is needed, not its maximum (generalised EM). The argument shows monotonicity only, not
convergence to a maximum. A further argument (the bound touches $\ln p$ with the same slope) shows that if the iterates converge to
parameters inside the parameter space (every $\pi_k > 0$, every $\boldsymbol\Sigma_k$ positive definite), the limit is a
stationary point of $\ln p$: often a local maximum, possibly a saddle. The iterates can also run into a collapsing component,
and for a Gaussian mixture with $K\ge 2$ components the likelihood has no global maximum at all (it is unbounded when a
component collapses onto a data point).""",
)


def _bound_compute(g):
    params = _gmm_1d(g["pi"], g["mu"], [1.0, 1.0])
    X, q = np.array([[g["x"]]]), np.array([g["q"]], float)
    return {"lnp": emlib.mixture_log_likelihood(X, params), "L": emlib.lower_bound(X, params, q),
            "KL": emlib.kl_divergence(X, params, q), "post1": emlib.e_step(X, params)[0, 0]}


def _bound_verify(g, v):
    joint = [math.log(p) - 0.5 * math.log(2 * math.pi) - 0.5 * (g["x"] - m) ** 2 for p, m in zip(g["pi"], g["mu"])]
    lnp = math.log(sum(math.exp(j) for j in joint))
    post = [math.exp(j - lnp) for j in joint]
    _close(v["lnp"], lnp)
    _close(v["L"], sum(qk * (j - math.log(qk)) for qk, j in zip(g["q"], joint)))
    _close(v["KL"], sum(qk * math.log(qk / pk) for qk, pk in zip(g["q"], post)))
    _close(v["post1"], post[0])
    assert v["KL"] > 0 and v["L"] < v["lnp"]


BOUND_NUMBERS = Question(
    key="bound-numbers", topic="the bound", kind="numerical", minutes=12,
    given={"pi": (0.5, 0.5), "mu": (0.0, 3.0), "x": 2.0, "q": (0.5, 0.5), "mu2": 3.0},
    compute=_bound_compute, verify=_bound_verify,
    statement=r"""One point $x = «x:g»$; a mixture with $\pi_1 = \pi_2 = \tfrac12$, $\mu_1 = 0$, $\mu_2 = «mu2:g»$, unit variances;
and $q(z) = (\tfrac12,\tfrac12)$. Compute $\ln p(x\mid\boldsymbol\theta)$, $\mathcal L(q,\boldsymbol\theta)$ and $\mathrm{KL}(q\Vert p(z\mid x,\boldsymbol\theta))$.
What are $\mathcal L$ and KL after an E-step?""",
    answer=r"""$\ln p(x\mid\boldsymbol\theta) = \ln\sum_k\pi_k\mathcal N(x\mid\mu_k,1) = «lnp:.4f»$.
$\mathcal L = \sum_k q_k\{\ln\pi_k + \ln\mathcal N(x\mid\mu_k,1) - \ln q_k\} = «L:.4f»$.
The posterior is $p(z_1 = 1\mid x) = «post1:.4f»$, and $\mathrm{KL}(q\Vert p) = \sum_k q_k\ln(q_k/p_k) = «KL:.4f»$;
$\mathcal L + \mathrm{KL} = \ln p$, as it must for every $q$. After an E-step $q$ is the posterior: KL $= 0$ and
$\mathcal L = \ln p(x\mid\boldsymbol\theta) = «lnp:.4f»$ (the parameters, and so $\ln p$, do not change in an E-step).""",
)


def _kmeans_compute(g):
    X = np.array([[g["x"]]])
    out = {}
    for name, eps in (("g_big", g["eps_big"]), ("g_small", g["eps_small"])):
        out[name] = emlib.e_step(X, _gmm_1d(g["pi"], g["mu"], [eps, eps]))[0, 0]
    lo, hi = 1e-6, 10.0                                    # bisection in ln(eps) on the E-step
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if emlib.e_step(X, _gmm_1d(g["pi"], g["mu"], [mid, mid]))[0, 0] > 0.5:
            lo = mid
        else:
            hi = mid
    out["eps_star"] = math.sqrt(lo * hi)
    return out


def _kmeans_verify(g, v):
    (p1, p2), (m1, m2), x = g["pi"], g["mu"], g["x"]
    gap = (x - m2) ** 2 - (x - m1) ** 2                    # > 0: mu_1 is the nearer mean
    for name, eps in (("g_big", g["eps_big"]), ("g_small", g["eps_small"])):
        _close(v[name], 1 / (1 + p2 / p1 * math.exp(-gap / (2 * eps))))
    _close(v["eps_star"], gap / (2 * math.log(p2 / p1)), 1e-9)
    assert gap > 0 and p1 < p2 and v["g_big"] < 0.5 < v["g_small"]


KMEANS = Question(
    key="kmeans-limit", topic="k-means limit", kind="numerical", minutes=15,
    given={"pi": (0.1, 0.9), "mu": (0.0, 2.0), "x": 0.9, "eps_big": 1.0, "eps_small": 0.05,
           "pi1": 0.1, "pi2": 0.9, "mu2": 2.0},
    compute=_kmeans_compute, verify=_kmeans_verify,
    statement=r"""A one-dimensional mixture has $\pi_1 = «pi1»$, $\pi_2 = «pi2»$, $\mu_1 = 0$, $\mu_2 = «mu2:g»$ and both variances
equal to $\varepsilon$. Take the point $x_n = «x»$. (a) Compute $\gamma(z_{n1})$ for $\varepsilon = «eps_big:g»$ and $\varepsilon = «eps_small:g»$.

(b) What is its limit as $\varepsilon\to 0$, and for which $\varepsilon$ is $\gamma(z_{n1}) > \tfrac12$? (c) What becomes of the
M-step in this limit, and what role do the weights play?""",
    answer=r"""(a) $\gamma(z_{n1}) = \Big[1 + \dfrac{\pi_2}{\pi_1}\exp\Big(-\dfrac{(x_n-\mu_2)^2-(x_n-\mu_1)^2}{2\varepsilon}\Big)\Big]^{-1}$:
$«g_big:.4f»$ at $\varepsilon = «eps_big:g»$ and $«g_small:.4f»$ at $\varepsilon = «eps_small:g»$.

(b) $\mu_1$ is the nearer mean, so the exponent tends to $-\infty$ and $\gamma(z_{n1})\to 1$: the hard assignment to the
nearest mean. $\gamma(z_{n1}) > \tfrac12$ exactly when $\varepsilon < \dfrac{(x_n-\mu_2)^2-(x_n-\mu_1)^2}{2\ln(\pi_2/\pi_1)} = «eps_star:.4f»$.

(c) With one-hot responsibilities $r_{nk}$ the M-step for the means is the k-means update
$\boldsymbol\mu_k = \sum_n r_{nk}\mathbf x_n/\sum_n r_{nk}$. The weights only shift the boundary by a term of order $\varepsilon$;
in the limit they do not affect the assignment of a point whose nearest mean is unique (they matter only at a tie).""",
)


def _missing_compute(g):
    params = emlib.missing.GaussianParams(np.array(g["mean"], float), np.array(g["cov"], float))
    m, c = emlib.missing.conditional_gaussian(np.array([g["x1"], np.nan]), params)
    return {"cmean": m[0], "cvar": c[0, 0], "ex2sq": c[0, 0] + m[0] ** 2}


def _missing_verify(g, v):
    (s11, s12), (_, s22) = [[Fraction(str(a)) for a in row] for row in g["cov"]]
    mu1, mu2 = (Fraction(str(a)) for a in g["mean"])
    cmean = mu2 + s12 / s11 * (Fraction(str(g["x1"])) - mu1)
    cvar = s22 - s12 ** 2 / s11
    _close(v["cmean"], float(cmean))
    _close(v["cvar"], float(cvar))
    _close(v["ex2sq"], float(cvar + cmean ** 2))
    assert v["cvar"] > 0


MISSING = Question(
    key="missing", topic="missing data", kind="numerical", minutes=15,
    given={"mean": (0.0, 0.0), "cov": ((2.0, 1.2), (1.2, 1.0)), "x1": 1.0,
           "s11": 2.0, "s12": 1.2, "s22": 1.0},
    compute=_missing_compute, verify=_missing_verify,
    statement=r"""Data from a bivariate Gaussian have values missing at random. At the current parameters
$\boldsymbol\mu = (0, 0)$, $\Sigma_{11} = «s11:g»$, $\Sigma_{12} = «s12:g»$, $\Sigma_{22} = «s22:g»$, a row has $x_1 = «x1:g»$ and $x_2$ missing.
(a) Compute the E-step's expectations $\mathbb E[x_2\mid x_1]$ and $\mathbb E[x_2^2\mid x_1]$.

(b) Why does the M-step for $\boldsymbol\Sigma$ need $\mathbb E[x_2^2\mid x_1]$, and what goes wrong if one fills in
$x_2$ by its conditional mean (or by $\mu_2$) and then uses the complete-data formulas?""",
    answer=r"""(a) The missing coordinate is Gaussian given the observed one (PRML 2.81–2.82):
$\mathbb E[x_2\mid x_1] = \mu_2 + \frac{\Sigma_{21}}{\Sigma_{11}}(x_1-\mu_1) = «cmean:.4g»$,
$\operatorname{var}[x_2\mid x_1] = \Sigma_{22} - \frac{\Sigma_{21}^2}{\Sigma_{11}} = «cvar:.4g»$, so
$\mathbb E[x_2^2\mid x_1] = «cvar:.4g» + «cmean:.4g»^2 = «ex2sq:.4g»$.

(b) $Q$ is linear in the sufficient statistics $\mathbf x_n$ and $\mathbf x_n\mathbf x_n^{\mathsf T}$, so the E-step must supply
their expectations, and $\mathbb E[x_2^2\mid x_1] = (\mathbb E[x_2\mid x_1])^2 + \operatorname{var}[x_2\mid x_1]$. Filling in a single value
drops the conditional variance (here «cvar:.4g» for this row): the estimated variance of $x_2$ shrinks (and with $\mu_2$
as the filler the correlation too), and the result is in general not a stationary point of the observed-data likelihood.""",
)


def _vb_compute(g):
    alpha = np.array([g["alpha0"] + n for n in g["N"]])
    e_ln = emlib.variational.expected_log_weights(alpha)
    n = sum(g["N"])
    return {"a1": alpha[0], "a2": alpha[1], "Epi2": alpha[1] / alpha.sum(), "lnEpi2": math.log(alpha[1] / alpha.sum()),
            "Elnpi2": e_ln[1], "Elnpi1": e_ln[0], "lnEpi1": math.log(alpha[0] / alpha.sum()),
            "d1": math.log(alpha[0] / alpha.sum()) - e_ln[0], "pi2ml": g["N"][1] / n, "lnpi2ml": math.log(g["N"][1] / n)}


def _digamma(a):
    """psi(a) by the recurrence psi(a) = psi(a + 1) - 1/a up to a >= 20, then the asymptotic series."""
    shift = 0.0
    while a < 20:
        shift -= 1 / a
        a += 1
    return shift + math.log(a) - 1 / (2 * a) - 1 / (12 * a ** 2) + 1 / (120 * a ** 4) - 1 / (252 * a ** 6)


def _vb_verify(g, v):
    a = [g["alpha0"] + n for n in g["N"]]
    _close(v["Epi2"], a[1] / sum(a))
    _close(v["Elnpi2"], _digamma(a[1]) - _digamma(sum(a)), 1e-9)
    _close(v["Elnpi1"], _digamma(a[0]) - _digamma(sum(a)), 1e-9)
    _close(v["lnpi2ml"], math.log(g["N"][1] / sum(g["N"])))
    _close(v["pi2ml"], g["N"][1] / sum(g["N"]))
    _close(v["a1"], g["alpha0"] + g["N"][0])
    _close(v["a2"], g["alpha0"] + g["N"][1])
    _close(v["lnEpi2"], math.log(a[1] / sum(a)))
    assert v["Elnpi2"] < v["lnpi2ml"] - 50 and 0 < v["d1"] < 1e-3
    _close(v["d1"], v["lnEpi1"] - v["Elnpi1"])


VB = Question(
    key="vb", topic="variational Bayes", kind="conceptual", minutes=15,
    given={"alpha0": 0.001, "N": (99.99, 0.01), "N1": 99.99, "N2": 0.01},
    compute=_vb_compute, verify=_vb_verify,
    statement=r"""In variational Bayes for a Gaussian mixture with $K = 2$ and a Dirichlet prior $\mathrm{Dir}(\boldsymbol\pi\mid\alpha_0,\alpha_0)$,
$\alpha_0 = «alpha0»$, the soft counts are $N_1 = «N1»$ and $N_2 = «N2»$. (a) Give $q^\star(\boldsymbol\pi)$.

(b) Compute $\mathbb E[\pi_2]$, $\ln\mathbb E[\pi_2]$ and $\mathbb E[\ln\pi_2]$, which enters $\ln\rho_{n2}$. (c) Explain how this
switches component 2 off, and compare with maximum-likelihood EM, whose E-step uses $\ln\pi_2 = \ln(N_2/N)$.""",
    answer=r"""(a) $q^\star(\boldsymbol\pi) = \mathrm{Dir}(\boldsymbol\pi\mid\alpha_0 + N_1,\alpha_0 + N_2) = \mathrm{Dir}(«a1:.6g», «a2:.6g»)$.

(b) $\mathbb E[\pi_2] = \alpha_2/(\alpha_1+\alpha_2) = «Epi2:.3t»$, so $\ln\mathbb E[\pi_2] = «lnEpi2:.2f»$; but
$\mathbb E[\ln\pi_2] = \psi(\alpha_2) - \psi(\alpha_1+\alpha_2) = «Elnpi2:.2f»$. (For component 1 they differ by only $«d1:.1t»$.)

(c) VB's responsibility is $r_{n2} = \rho_{n2}/\sum_j\rho_{nj}$, and the weight term multiplies $\rho_{n2}$ by $e^{\mathbb E[\ln\pi_2]}$, about $e^{«Elnpi2:.0f»}$, where
in maximum-likelihood EM the factor is $\pi_2 = N_2/N = «pi2ml:g»$, about $e^{«lnpi2ml:.1f»}$. Unless the Gaussian terms favour
component 2 by a comparable factor, its responsibilities, and so $N_2$, become negligible: the component is switched off. The cause
is the digamma function: $\psi(a)\approx -1/a$ for small $a$, so a small $\alpha_0 + N_k$ is punished far harder than the logarithm of
its share. Maximum-likelihood EM has no such penalty.""",
)


def _singular_compute(g):
    X = np.array(g["x"], float)[:, None]
    lnp = [emlib.mixture_log_likelihood(X, _gmm_1d(g["pi"], [0.0, g["x"][-1]], [g["var1"], s ** 2]))
           for s in (g["s1"], g["s2"])]
    return {"lnp1": lnp[0], "lnp2": lnp[1], "rise": lnp[1] - lnp[0], "ln2": math.log(2)}


def _singular_verify(g, v):
    def lnp(s):  # the sum written out point by point
        total = 0.0
        for x in g["x"]:
            c1 = g["pi"][0] * math.exp(-x ** 2 / (2 * g["var1"])) / math.sqrt(2 * math.pi * g["var1"])
            c2 = g["pi"][1] * math.exp(-(x - g["x"][-1]) ** 2 / (2 * s * s)) / math.sqrt(2 * math.pi) / s
            total += math.log(c1 + c2)
        return total
    _close(v["lnp1"], lnp(g["s1"]))
    _close(v["lnp2"], lnp(g["s2"]))
    assert 0 < v["ln2"] - v["rise"] < 1e-4                 # ln 2 minus what component 1's share at x = 5 takes


SINGULAR = Question(
    key="singularity", topic="MAP / singularity", kind="numerical", minutes=15,
    given={"x": (-1.0, 0.0, 1.0, 5.0), "pi": (0.5, 0.5), "var1": 4.0, "s1": 1e-3, "s2": 5e-4,
           "xs": "-1, 0, 1, 5", "x4": 5},
    compute=_singular_compute, verify=_singular_verify,
    statement=r"""Data $x_n = «xs»$; a mixture with $\pi_1 = \pi_2 = \tfrac12$, component 1 $\mathcal N(0, «var1:g»)$ and
component 2 $\mathcal N(«x4», \sigma^2)$ centred on the last point. (a) Show that $\ln p(\mathbf x\mid\boldsymbol\theta)\to+\infty$ as $\sigma\to0$.

(b) Compute $\ln p$ at $\sigma = «s1:g»$ and $\sigma = «s2:g»$: by how much does it rise when $\sigma$ is halved?

(c) How does MAP-EM with a prior on the covariances prevent this?""",
    answer=r"""(a) The term of $x_4 = «x4»$ is $\ln\big(\tfrac12\mathcal N(x_4\mid 0, «var1:g») + \tfrac12(2\pi\sigma^2)^{-1/2}\big)\ge
-\ln\sigma - \tfrac12\ln(2\pi) - \ln 2\to+\infty$, while every other term stays above $\ln\tfrac12\mathcal N(x_n\mid0,«var1:g»)$, a finite number.

(b) $\ln p = «lnp1:.4f»$ at $\sigma = «s1:g»$ and $«lnp2:.4f»$ at $\sigma = «s2:g»$: a rise of $«rise:.6f»$, just under
$\ln 2 = «ln2:.6f»$ (the collapsing term grows by $\ln 2$ per halving; component 1's share at $x_4$ takes the small remainder).

(c) The M-step maximises $Q + \ln p(\boldsymbol\theta)$; a prior such as an inverse-Wishart on $\boldsymbol\Sigma_k$ adds a term
of the form $-\tfrac12\operatorname{tr}(\lambda\boldsymbol\Sigma_k^{-1})$ that tends to $-\infty$ faster than $\ln|\boldsymbol\Sigma_k|^{-1/2}$ grows, so the
objective has a maximum: the update adds $\lambda\mathbf I$ to the scatter, $\boldsymbol\Sigma_k = (\mathbf S_k + \lambda\mathbf I)/(N_k + \text{const})$,
with $\mathbf S_k = \sum_n\gamma(z_{nk})(\mathbf x_n-\boldsymbol\mu_k^{\text{new}})(\mathbf x_n-\boldsymbol\mu_k^{\text{new}})^{\mathsf T}$ and the
constant $\nu + D + 1$ of the prior, so no covariance can become singular.""",
)


def _map_compute(g):
    counts, alpha = np.array(g["N"], float), np.array(g["alpha"], float)
    rng = np.random.default_rng(0)
    objective = lambda p: np.sum((counts + alpha - 1) * np.log(p), axis=-1)
    pseudo = counts + alpha - 1
    best = pseudo / pseudo.sum()
    others = rng.dirichlet(np.ones(len(counts)), size=20_000)
    ml = counts / counts.sum()
    return {"p1": best[0], "p2": best[1], "p3": best[2], "c1": int(pseudo[0]), "c2": int(pseudo[1]), "c3": int(pseudo[2]),
            "ctot": int(pseudo.sum()), "ml1": ml[0], "ml2": ml[1], "ml3": ml[2], "n_random": len(others),
            "beaten": int(np.sum(objective(others) >= objective(best)))}


def _map_verify(g, v):
    pseudo = [Fraction(int(n)) + Fraction(int(a)) - 1 for n, a in zip(g["N"], g["alpha"])]
    total = sum(pseudo)
    for k in range(3):
        _close(v[f"p{k + 1}"], float(pseudo[k] / total))
        assert v[f"c{k + 1}"] == pseudo[k]
        _close(v[f"ml{k + 1}"], g["N"][k] / sum(g["N"]))
    assert v["ctot"] == total and v["beaten"] == 0 and v["n_random"] >= 10_000


MAP_WEIGHTS = Question(
    key="map-weights", topic="MAP / regularised M-step", kind="derivation", minutes=15,
    given={"N": (30, 0, 70), "alpha": (2, 2, 2), "Ns": "30, 0, 70", "a": 2, "K": 3},
    compute=_map_compute, verify=_map_verify,
    statement=r"""With a Dirichlet prior $p(\boldsymbol\pi)\propto\prod_k\pi_k^{\alpha_k-1}$, MAP-EM maximises
$Q(\boldsymbol\theta,\boldsymbol\theta^{\text{old}}) + \ln p(\boldsymbol\pi)$ in the M-step. (a) Derive the update for $\pi_k$.

(b) Evaluate it for soft counts $N_k = «Ns»$ and $\alpha_k = «a»$ for all $k$, and compare with maximum likelihood.""",
    answer=r"""(a) The $\boldsymbol\pi$ part is $\sum_k(N_k+\alpha_k-1)\ln\pi_k$: maximum likelihood with pseudo-counts. With a
Lagrange multiplier as for $\pi_k = N_k/N$: $\pi_k^{\text{MAP}} = \dfrac{N_k+\alpha_k-1}{N+\sum_j\alpha_j-K}$ (the maximum when every
$N_k+\alpha_k-1 > 0$; the objective is then concave).

(b) $\boldsymbol\pi^{\text{MAP}} = («c1», «c2», «c3»)/«ctot» = («p1:.4f», «p2:.4f», «p3:.4f»)$, against maximum likelihood's
$(«ml1:g», «ml2:g», «ml3:g»)$: the empty component keeps a small weight, so its $\ln\pi_k$ stays finite. (None of «n_random»
random points of the simplex scores as high on the MAP objective.)""",
)


def _fixed_moves(params, h):
    """Two moves of size h from the stuck fit (both components at the one-Gaussian fit): 'split' moves the means apart
    along v (the first column of the Cholesky factor of the covariance) and shrinks the covariances so that the mixture
    keeps its mean and covariance; 'shift' moves both means together along v."""
    w, mu, cov = params.weights, params.means[0], params.covs[0]
    v = np.linalg.cholesky(cov)[:, 0]
    split = GMMParams(w, np.array([mu + h * w[1] * v, mu - h * w[0] * v]),
                      np.array([cov - h ** 2 * w[0] * w[1] * np.outer(v, v)] * 2))
    shift = GMMParams(w, np.array([mu + h * v] * 2), params.covs)
    return split, shift


def _fixed_compute(g):
    X = standardise(old_faithful())
    same = GMMParams(np.array(g["w"]), np.zeros((2, 2)), np.array([np.eye(2)] * 2))
    stuck = emlib.em(X, same, max_iter=50, tol=1e-10)
    fits = [emlib.em(X, emlib.init_params(X, 2, np.random.default_rng(s)), max_iter=500, tol=1e-10) for s in range(5)]
    best = max(fits, key=lambda f: f.log_likelihoods[-1])
    moves = {h: _fixed_moves(stuck.params, h) for h in g["h"]}  # the split raises ln p for one sign of h (a third-order term)
    return {"stuck": stuck.log_likelihoods[-1], "best": best.log_likelihoods[-1], "best_params": best.params, "n_iter": stuck.n_iter,
            "w_after": float(stuck.params.weights[0]), "N": len(X), "n_starts": len(fits),
            "split_change": {h: emlib.mixture_log_likelihood(X, m[0]) - stuck.log_likelihoods[-1] for h, m in moves.items()},
            "shift_change": {h: emlib.mixture_log_likelihood(X, m[1]) - stuck.log_likelihoods[-1] for h, m in moves.items()}}


def _fixed_verify(g, v):
    X = standardise(old_faithful())
    mean, cov = emlib.gaussian_mle(X)
    one = float(np.sum(emlib.gaussian_logpdf(X, mean, cov)))  # one Gaussian at its MLE
    _close(v["stuck"], one, 1e-9)
    _close(v["w_after"], g["w"][0], 1e-9)
    assert v["n_iter"] <= 3 and v["n_starts"] == 5
    # the best fit's ln p written out in numpy: log-sum-exp over k of ln pi_k + ln N(x_n | mu_k, Sigma_k)
    def lnp(params):
        w, mu, cov = params
        terms = []
        for k in range(len(w)):
            d = X - mu[k]
            sign, logdet = np.linalg.slogdet(cov[k])
            assert sign > 0
            maha = np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov[k]), d)
            terms.append(np.log(w[k]) - 0.5 * (X.shape[1] * math.log(2 * math.pi) + logdet + maha))
        terms = np.array(terms)
        top = terms.max(axis=0)
        return float(np.sum(top + np.log(np.exp(terms - top).sum(axis=0))))

    _close(v["best"], lnp(v["best_params"]), 1e-9)
    assert v["best"] > v["stuck"] + 100 and v["N"] == len(X) and v["n_starts"] == 5
    # (b) a saddle: arbitrarily close to the stuck fit ln p is higher (a split, for one sign of h) and lower (a shift)
    stuck = GMMParams(np.array(g["w"]), np.array([mean, mean]), np.array([cov, cov]))  # the fit of (a), from numpy
    for h in g["h"]:
        split, shift = _fixed_moves(stuck, h)
        _close(v["split_change"][h], lnp(split) - one, 1e-6)
        _close(v["shift_change"][h], lnp(shift) - one, 1e-6)
        assert v["shift_change"][h] < 0
    assert all(max(v["split_change"][h], v["split_change"][-h]) > 0 for h in g["h"] if h > 0)


FIXED_POINT = Question(
    key="fixed-point", topic="what EM converges to", kind="conceptual", minutes=12,
    given={"w": (0.2, 0.8), "w1": 0.2, "w2": 0.8, "h": (0.1, -0.1, 0.03, -0.03, 0.01, -0.01)},
    compute=_fixed_compute, verify=_fixed_verify,
    statement=r"""On the standardised Old Faithful data a colleague starts EM with two *identical* components
($\boldsymbol\mu_1 = \boldsymbol\mu_2$, $\boldsymbol\Sigma_1 = \boldsymbol\Sigma_2$) and weights $(«w1», «w2»)$. EM stops almost at once.
(a) Predict the responsibilities and the parameters after one iteration. (b) Is the result the maximum-likelihood
estimate? What kind of point has EM found? (c) How would you detect and avoid this in practice?""",
    answer=r"""(a) Equal component densities give $\gamma(z_{nk}) = \pi_k$ for every point, so $N_k = N\pi_k$: the weights stay
$(«w1», «w2»)$ and both components get the sample mean and the $1/N$ sample covariance; the next E-step is the same, a fixed point.

(b) No. A fixed point of EM is a stationary point of $\ln p$, here one with $\ln p = «stuck:.2f»$, exactly the
log-likelihood of a single Gaussian fitted to the $«N»$ points; EM from «n_starts» k-means++ starts reaches $«best:.2f»$ at best.
It is a **saddle point**, not a maximum: moving both means together lowers $\ln p$, while moving the two means apart
(in the right direction along an axis, with the covariances shrunk so that the mixture keeps its mean and covariance)
raises it, arbitrarily close to the stuck fit.

(c) Compare several starts (k-means++ or random), check that the components differ, and keep the fit with the highest
$\ln p$; a symmetric start such as this one never breaks its symmetry by itself.""",
)


def _count_compute(g):
    return {"p": emlib.model_selection.n_parameters(g["K"], g["D"])}


def _count_verify(g, v):
    K, D = g["K"], g["D"]
    weights, means, covs = K - 1, K * D, K * D * (D + 1) // 2
    assert v["p"] == weights + means + covs


COUNT = Question(
    key="count", topic="choosing K", kind="numerical", minutes=8,
    given={"K": 3, "D": 2},
    compute=_count_compute, verify=_count_verify,
    statement=r"""How many free parameters does a Gaussian mixture with $K = «K»$ components and full covariances in
$D = «D»$ dimensions have? Why can the training log-likelihood alone not choose $K$, and what does BIC add?""",
    answer=r"""$K-1$ weights (they sum to 1), $KD$ mean entries and $KD(D+1)/2$ covariance entries (symmetric): $«p»$ in all.
Every $K$-component mixture is a $(K+1)$-component one (with a zero weight, or a component split into two identical
halves), so whatever training log-likelihood $K$ components reach, $K+1$ can reach too; and for $K\ge2$ without a
constraint the supremum is even $+\infty$ (a collapsing component). The training log-likelihood alone therefore always
prefers the largest $K$. BIC $= -2\ln p(\mathbf X\mid\hat{\boldsymbol\theta}) + p\ln N$
charges $\ln N$ for each of the $p$ parameters; it is $-2$ times an approximation to the log evidence $\ln p(\mathbf X\mid K)$
for large $N$, and the $K$ with the smallest BIC is chosen.""",
)


QUESTIONS = [E_STEP, M_STEP, M_STEP_DERIVATION, BOUND_DERIVATION, MONOTONE, BOUND_NUMBERS, KMEANS, SINGULAR,
             MAP_WEIGHTS, FIXED_POINT, MISSING, VB, COUNT]
