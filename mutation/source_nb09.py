"""Source mutants of notebook 09: one plausible slip in a line of the notebook's own numpy code each.

Each proves that the check after that line can fail: the harness replaces ``find`` by ``replace`` in the
one code cell that contains it, runs the notebook, and records which cell's assert fails.
"""
from mutation.catalogue import source_mutant

source_mutant(
    "nb09_keep_entry_without_row_index",
    "section 1: 'every row keeps the entry with the largest U' written without the row index, so whole rows "
    "0, 1, 2 are kept and other rows can lose every entry",
    notebook="09",
    find="miss[np.arange(len(U)), np.argmax(U, axis=1)] = False",
    replace="miss[np.argmax(U, axis=1)] = False",
)

source_mutant(
    "nb09_Q_without_C",
    "the notebook's own Q (section 4) without the conditional covariances C_n in the expected scatter, "
    "the classic bug written into the check instead of the library",
    notebook="09",
    find="scatter = d.T @ d + stats.cond_covs.sum(axis=0)",
    replace="scatter = d.T @ d",
)

source_mutant(
    "nb09_distance_from_median_signed",
    "section 9: the 'closest to the median' MAR rule written without the absolute value, so it loses x1 "
    "for the lowest x2 instead of the middle ones (no longer symmetric)",
    notebook="09",
    find="from_median = np.abs(x2 - np.median(x2))",
    replace="from_median = x2 - np.median(x2)",
)

source_mutant(
    "nb09_mean_imputation_grand_mean",
    "section 8: mean imputation that fills every gap with the mean of all recorded entries (np.nanmean without "
    "axis=0) instead of its own column's mean; the exact (1 - f) shrinkage of the variance and the correlation "
    "formula of section 9 no longer hold",
    notebook="09",
    find="    return GaussianParams(*emlib.gaussian_mle(np.where(np.isnan(X), np.nanmean(X, axis=0), X)))",
    replace="    return GaussianParams(*emlib.gaussian_mle(np.where(np.isnan(X), np.nanmean(X), X)))",
)

source_mutant(
    "nb09_mi_draws_from_prior_block",
    "Exercise 9.6's Monte Carlo E-step drawing each missing block with the covariance of the prior block "
    "Sigma_mm instead of the conditional Sigma_m|o (conditioning forgotten); the check compares the draws, made "
    "independently of missing_e_step, with the M-step's Sigma, so a wrong conditional on either side must fail it",
    notebook="09",
    find="root[i][np.ix_(m_i, m_i)] = np.linalg.cholesky(S_i)",
    replace="root[i][np.ix_(m_i, m_i)] = np.linalg.cholesky(theta0.cov[np.ix_(m_i, m_i)])",
)

source_mutant(
    "nb09_em_without_x2",
    "section 9: EM's mu_1 in the 200 samples fitted to (x1, x3) only, leaving out x2, the variable that drives the "
    "MAR rules; given x1 and x3 alone the loss is not at random, so EM's mu_1 is biased under 'MAR, top of x2' and "
    "the check that EM is unbiased under MAR must fail",
    notebook="09",
    find="em_Z = missing_em(Z, tol=1e-10).params",
    replace="em_Z = missing_em(Z[:, [0, 2]], tol=1e-10).params",
)

source_mutant(
    "nb09_bound_without_trace",
    "section 6: the notebook's own E_q[ln p(x_n | theta)] without tr(Sigma^-1 C~_n), the uncertainty of q forgotten in "
    "the expected log density; L + KL = ln p must then fail (the KL values alone, 0 at the posterior and >= 0, would not notice)",
    notebook="09",
    find="tr = np.trace(np.linalg.solve(cov, C_t)) if trace_term else 0.0",
    replace="tr = 0.0",
)

source_mutant(
    "nb09_mstep_formula_over_N_minus_1",
    "section 4: the notebook's own M-step formula with 1/(N - 1) in place of 1/N (the unbiased-covariance habit); "
    "Sigma moves by about 0.004, so the random perturbations of about 1e-3 must find a larger Q (at 0.05 they did not)",
    notebook="09",
    find="Sigma_new = (diff.T @ diff + stats.cond_covs.sum(axis=0)) / N",
    replace="Sigma_new = (diff.T @ diff + stats.cond_covs.sum(axis=0)) / (N - 1)",
)

source_mutant(
    "nb09_precision_route_sign",
    "section 3: the independent route by the precision matrix with + Lambda_mm^-1 Lambda_mo (x_o - mu_o), the minus "
    "sign of PRML 2.75 lost; the two routes to mu_m|o must then disagree",
    notebook="09",
    find="mu_cond_2 = mean[m] - Sigma_cond_2 @ Lam[np.ix_(m, o)] @ (x[o] - mean[o])",
    replace="mu_cond_2 = mean[m] + Sigma_cond_2 @ Lam[np.ix_(m, o)] @ (x[o] - mean[o])",
)

source_mutant(
    "nb09_grad_L_without_2",
    "section 7: the chain rule through Sigma = L L^T written d ln p / dL = G L, the factor 2 of (G + G^T) L lost; "
    "the finite-difference check of the gradient must fail",
    notebook="09",
    find="g_L = 2 * G @ L",
    replace="g_L = G @ L",
)

source_mutant(
    "nb09_mar_rule_bottom_of_x2",
    "section 9, one sample: the MAR rule written for the bottom 30% of x2 where the text says the top; the recorded "
    "x1 then come from rows with large x2, and the check that their mean is far below the full mean must fail",
    notebook="09",
    find='"MAR": Y[:, 1] > np.quantile(Y[:, 1], 0.7),',
    replace='"MAR": Y[:, 1] < np.quantile(Y[:, 1], 0.3),',
)

source_mutant(
    "nb09_mnar_rule_bottom_of_x1",
    "section 9, one sample: the MNAR rule written for the bottom 30% of x1 where the text says the top; EM's mu_1 is "
    "then too high, and the check that it is far below the full mean must fail",
    notebook="09",
    find='"MNAR": Y[:, 0] > np.quantile(Y[:, 0], 0.7),',
    replace='"MNAR": Y[:, 0] < np.quantile(Y[:, 0], 0.3),',
)

source_mutant(
    "nb09_newton_too_few_iterations",
    "section 7: Newton's loop capped at 4 iterations instead of 50 (it needs 7 here to bring the gradient below "
    "1e-8); the check that Newton ended at a stationary point must fail before its end point is compared with EM's",
    notebook="09",
    find="for step in range(50):",
    replace="for step in range(4):",
)

source_mutant(
    "nb09_hessian_difference_reversed",
    "section 7: the finite-difference Hessian at the end point written (grad(v - h e) - grad(v + h e)) / 2h, the "
    "central difference the wrong way round; the Hessian then has the wrong sign and the check that it is negative "
    "definite (a local maximum) must fail",
    notebook="09",
    find="H = np.array([(gradient(v + 1e-5 * e) - gradient(v - 1e-5 * e)) / 2e-5 for e in np.eye(v.size)])   # at the end point",
    replace="H = np.array([(gradient(v - 1e-5 * e) - gradient(v + 1e-5 * e)) / 2e-5 for e in np.eye(v.size)])   # at the end point",
)

source_mutant(
    "nb09_em_runs_default_max_iter",
    "section 8: EM on the nested data sets run with the default max_iter = 200; with 53% of the entries missing it "
    "needs more than 200 iterations, and the check that every run converged must fail (its estimates would be "
    "reported as if they were the MLE)",
    notebook="09",
    find="em_runs = [missing_em(Xf, tol=1e-10, max_iter=1000) for Xf in datasets]",
    replace="em_runs = [missing_em(Xf, tol=1e-10) for Xf in datasets]",
)

source_mutant(
    "nb09_schur_complement_sign",
    "section 3: the notebook's own PRML 2.82 written Sigma_mm + Sigma_mo Sigma_oo^-1 Sigma_om, the sign of the Schur "
    "complement lost (seeing x_o would then add uncertainty); the comparison with the precision route Lambda_mm^-1 "
    "must fail",
    notebook="09",
    find="Sigma_cond = Sigma_mm - Sigma_mo @ np.linalg.solve(Sigma_oo, Sigma_mo.T)",
    replace="Sigma_cond = Sigma_mm + Sigma_mo @ np.linalg.solve(Sigma_oo, Sigma_mo.T)",
)

source_mutant(
    "nb09_mstep_mean_of_recorded",
    "section 4: the notebook's own M-step mean taken as the mean of the recorded entries (np.nanmean of X, the value "
    "mean imputation fills in) instead of the mean of the x_hat_n; the comparison of missing_m_step's mean with the "
    "formula must fail",
    notebook="09",
    find="mu_new = stats.x_hat.mean(axis=0)",
    replace="mu_new = np.nanmean(X, axis=0)",
)

source_mutant(
    "nb09_fit_stopped_early",
    "section 5: EM on the 28% data capped at 20 iterations (it needs 32 to meet tol = 1e-10); its table row would "
    "not be the fixed point, and the check that the run converged must fail",
    notebook="09",
    find="fit = missing_em(X, tol=1e-10)",
    replace="fit = missing_em(X, tol=1e-10, max_iter=20)",
)
