"""Source mutants of notebook 10: one plausible slip in a line of the notebook's own numpy code each.

Each proves that the check after that line can fail: the harness replaces ``find`` by ``replace`` in the
one code cell that contains it, runs the notebook, and records which cell's assert fails.
"""
from mutation.catalogue import source_mutant

source_mutant(
    "nb10_book_m_without_prior_mean",
    "section 3: the book's form of PRML 10.61 written without the beta0 m0 term; the prior of that check has "
    "m0 away from 0, so the comparison with vb_m_step must fail",
    notebook="10",
    find="m_book = (prior_b.beta0 * prior_b.m0 + N_k[k] * xbar) / (prior_b.beta0 + N_k[k])",
    replace="m_book = (N_k[k] * xbar) / (prior_b.beta0 + N_k[k])",
)

source_mutant(
    "nb10_monte_carlo_log_of_mean",
    "section 3: the Monte Carlo estimate of E[ln pi_k] computed as ln of the mean draw (ln E[pi_k]), "
    "the very confusion the check is there to expose",
    notebook="10",
    find="mc = np.log(draws).mean(axis=0)",
    replace="mc = np.log(draws.mean(axis=0))",
)

source_mutant(
    "nb10_evidence_beta_ratio_inverted",
    "section 4: the closed-form evidence of one Gaussian with (D/2) ln(beta_N / beta_0) instead of "
    "(D/2) ln(beta_0 / beta_N)",
    notebook="10",
    find="d / 2 * math.log(prior.beta0 / beta_n)",
    replace="d / 2 * math.log(beta_n / prior.beta0)",
)

source_mutant(
    "nb10_leading_wishart_term_twice",
    "section 7: the leading Wishart correction written -D(D+1)/(2 nu_k), the factor 1/2 of 1/2 E[ln|Lambda_k|] lost",
    notebook="10",
    find="- 2 * 3 / (4 * nu_k)",
    replace="- 2 * 3 / (2 * nu_k)",
)

source_mutant(
    "nb10_collapse_without_nu",
    "section 6: the forced collapse sets W_2^-1 = s I, forgetting nu_2, so the covariance is s / nu_2 I; the "
    "rise of ln 10 per decade still holds, but the 1/s coefficient of E[ln p(mu, Lambda)] is off by nu_2",
    notebook="10",
    find="s * fit5c.posterior.nu[1] * np.eye(2)",
    replace="s * np.eye(2)",
)

source_mutant(
    "nb10_shift_never_written",
    "section 4: the shifted row of q(Z) is computed but never written back, so every finite difference along it is 0 "
    "and the stationarity check of q(Z) passes at any q(Z); only the check that the slip's q(Z) shows a slope can fail",
    notebook="10",
    find="out = r.copy(); out[n] = np.exp(lr - np.logaddexp.reduce(lr))",
    replace="out = r.copy()",
)

source_mutant(
    "nb10_count_alpha_not_N_k",
    "section 5: the components kept counted by alpha_k > 1 instead of N_k = alpha_k - alpha0 > 1 (the prior count taken "
    "for data, which Exercise 10.6 warns about); at alpha0 = 1 every emptied component has alpha_k ~ 1.1, so the count "
    "of two must fail",
    notebook="10",
    find="kept[a0] = int(np.sum(f.posterior.alpha - a0 > 1.0))",
    replace="kept[a0] = int(np.sum(f.posterior.alpha > 1.0))",
)

source_mutant(
    "nb10_k4_dirichlet_of_section4",
    "Exercise 10.1: the brute-force p(Z) of the K = 4 check written with section 4's alpha0 = 0.8 (the K = 3 loop's) "
    "instead of the 0.01 that the VB run uses, so ln p(X) and the ELBO belong to different models and the gap is "
    "no longer ln 12",
    notebook="10",
    find="term = math.lgamma(4 * 0.01) - math.lgamma(4 * 0.01 + 8) + sum(math.lgamma(0.01 + c) - math.lgamma(0.01) for c in counts)",
    replace="term = math.lgamma(4 * 0.8) - math.lgamma(4 * 0.8 + 8) + sum(math.lgamma(0.8 + c) - math.lgamma(0.8) for c in counts)",
)

source_mutant(
    "nb10_plug_in_expected_sigma",
    "section 7: the plug-in Gaussian drawn with E[Sigma_k] = W_k^-1 / (nu_k - D - 1) in place of (E[Lambda_k])^-1 = "
    "W_k^-1 / nu_k, the confusion sections 6 and 7 warn about; the quadratic terms of ln rho_nk and of the plug-in then "
    "differ by a factor nu_k / (nu_k - 3), so ln rho_nk - plug-in is no longer the same for every n (the ptp check) "
    "and no longer the leading terms",
    notebook="10",
    find="emlib.gaussian_logpdf(Xn, mean_n.means[k], mean_n.covs[k])",
    replace="emlib.gaussian_logpdf(Xn, mean_n.means[k], post_n.W_inv[k] / (post_n.nu[k] - 2 - 1))",
)
