"""Source mutants of notebook 06: one plausible slip in a formula the notebook writes out in numpy.

Each proves that the check after the formula can fail (``python -m mutation.run --notebooks 06``).
"""
from mutation.catalogue import source_mutant

NB = "06"

# section 3: the paired standard error that decides "does not separate"
source_mutant("nb06_paired_se_per_point", "the paired standard error of a held-out sum divided by sqrt(N_test) instead of "
              "multiplied (the standard error of the mean per point, for a difference of sums)",
              notebook=NB, find="se = {K: delta[K].std(ddof=1) * np.sqrt(len(test)) for K in Ks}",
              replace="se = {K: delta[K].std(ddof=1) / np.sqrt(len(test)) for K in Ks}")

# section 3, Old Faithful: em_many, the batched EM checked against emlib.em
source_mutant("nb06_em_many_no_mean_correction", "em_many's covariance as the second moment sum gamma x x^T / N_k, "
              "without - mu_k mu_k^T",
              notebook=NB, find="Sigma[run] = second - mu[run][..., :, None] * mu[run][..., None, :] + reg_covar * np.eye(D)",
              replace="Sigma[run] = second + reg_covar * np.eye(D)")
source_mutant("nb06_em_many_weights_over_K", "em_many's weights N_k / K instead of N_k / N",
              notebook=NB, find="w[run] = N_k / N", replace="w[run] = N_k / N_k.shape[1]")
source_mutant("nb06_heldout_on_train", "the held-out log-likelihood of the Old Faithful splits evaluated on the training "
              "points of each split (the test points never used)",
              notebook=NB, find="lp_test[K] = np.array([log_density(F_test[s], runs[b])",
              replace="lp_test[K] = np.array([log_density(F_train[s], runs[b])")

# exercises: the solution code the checks verify
source_mutant("nb06_ex65_sum_not_mean", "Exercise 6.5's held-out log-likelihood summed over the test points, not "
              "averaged", notebook=NB, find="return emlib.mixture_log_likelihood(X_test, params) / len(X_test)",
              replace="return emlib.mixture_log_likelihood(X_test, params)")

# section 3: the log-likelihood written out in numpy, the independent route to emlib's BIC
source_mutant("nb06_direct_density_no_D", "the written-out Gaussian log density with -1/2 ln 2 pi instead of -D/2 ln 2 pi "
              "(the dimension forgotten in the normaliser)",
              notebook=NB, find="0.5 * (D * np.log(2 * np.pi) + np.linalg.slogdet(params.covs)[1] + maha)",
              replace="0.5 * (np.log(2 * np.pi) + np.linalg.slogdet(params.covs)[1] + maha)")

# section 3: "separates K = 3 from K = 2 and K = 1" needs the paired standard error; the unpaired one is a plausible slip
source_mutant("nb06_unpaired_se", "the standard error of a held-out difference computed as if the two fits' per-point "
              "log densities were independent, sqrt(N_test (var_a + var_b)), instead of from the paired differences",
              notebook=NB, find="se = {K: delta[K].std(ddof=1) * np.sqrt(len(test)) for K in Ks}",
              replace="se = {K: np.sqrt((log_density(test, fits[3]).var(ddof=1) + log_density(test, fits[K]).var(ddof=1)) "
                      "* len(test)) for K in Ks}")

# section 2: the Jacobian's differences; the gap check (kept / dropped singular values > 1e6) needs the fourth-order scheme
source_mutant("nb06_jacobian_second_order", "the Jacobian of section 2 by central differences of second order "
              "(f(x + h) - f(x - h)) / 2h instead of the fourth-order scheme the text states (the rank stays right; "
              "the singular values of the null directions rise from rounding level to h^2)",
              notebook=NB, find="cols.append((8 * (f(raw + e) - f(raw - e)) - (f(raw + 2 * e) - f(raw - 2 * e))) / (12 * h))",
              replace="cols.append((f(raw + e) - f(raw - e)) / (2 * h))")

# section 3, Old Faithful: em_many's M-step and stopping rule, checked against emlib.em (same iterations; then with the rule)
source_mutant("nb06_em_many_no_reg_covar", "em_many's covariance update without the reg_covar that the text says it shares with "
              "emlib.em (plain maximum likelihood; the converged ln p moves by about 1e-5 only)",
              notebook=NB, find="- mu[run][..., :, None] * mu[run][..., None, :] + reg_covar * np.eye(D)",
              replace="- mu[run][..., :, None] * mu[run][..., None, :]")
source_mutant("nb06_em_many_stop_total", "em_many's stopping rule on the change of ln p itself, not per point "
              "(|change| >= tol instead of |change| / N >= tol: runs stop later than emlib.em's)",
              notebook=NB, find="going = (np.abs(new - ll[run]) / N >= tol) & (t < max_iter)",
              replace="going = (np.abs(new - ll[run]) >= tol) & (t < max_iter)")

# Exercise 6.1: the two counts the solution checks against the Jacobian rank
source_mutant("nb06_ex61_shared_per_component", "Exercise 6.1's shared covariance counted once per component, "
              "K D (D + 1) / 2 instead of D (D + 1) / 2", notebook=NB,
              find="K - 1 + K * D + D * (D + 1) // 2", replace="K - 1 + K * D + K * D * (D + 1) // 2", count=-1)
source_mutant("nb06_ex61_diagonal_as_full", "Exercise 6.1's diagonal covariances counted as full ones, "
              "K D (D + 1) / 2 variances instead of K D", notebook=NB,
              find="K - 1 + 2 * K * D", replace="K - 1 + K * D + K * D * (D + 1) // 2", count=-1)

# Exercise 6.7: "its smallest variance is below 1e-4" read off the wrong end of eigvalsh (ascending order)
source_mutant("nb06_ex67_largest_eigenvalue", "Exercise 6.7's smallest variance of the thin component taken as the last "
              "eigenvalue of eigvalsh (the largest: eigvalsh sorts in ascending order)", notebook=NB,
              find="thin = np.linalg.eigvalsh(p4.covs[k_small])[0]", replace="thin = np.linalg.eigvalsh(p4.covs[k_small])[-1]")

# asserts that before session 26 (third examiner) only the blunt logjoint_no_log_pi failed: each is shown to catch a
# plausible slip of the notebook's own code
source_mutant("nb06_train_ll_on_test", "section 1's training log-likelihoods evaluated on the test points (the wrong "
              "split)", notebook=NB,
              find="train_ll = np.array([emlib.mixture_log_likelihood(train, fits[K]) for K in Ks])",
              replace="train_ll = np.array([emlib.mixture_log_likelihood(test, fits[K]) for K in Ks])")
source_mutant("nb06_best_fit_worst_run", "best_fit keeping the run with the lowest final ln p (min for max)", notebook=NB,
              find="return max(runs, key=lambda r: r.log_likelihoods[-1]).params",
              replace="return min(runs, key=lambda r: r.log_likelihoods[-1]).params")
source_mutant("nb06_test_ll_on_train", "section 3's held-out log-likelihoods evaluated on the training points", notebook=NB,
              find="test_ll = np.array([emlib.mixture_log_likelihood(test, fits[K]) for K in Ks])",
              replace="test_ll = np.array([emlib.mixture_log_likelihood(train, fits[K]) for K in Ks])")
source_mutant("nb06_ex67_count_over_train", "Exercise 6.7's points of the thin component counted as its weight times the "
              "420 training points of section 3, not the 60 it was fitted to", notebook=NB,
              find="n_small = p4.weights[k_small] * len(small)", replace="n_small = p4.weights[k_small] * len(train)")
source_mutant("nb06_ex67_heldout_on_small", "Exercise 6.7's comparison of the K = 4 and K = 2 fits on the 60 training "
              "points instead of the held-out ones", notebook=NB,
              find="assert emlib.mixture_log_likelihood(test, p4) < emlib.mixture_log_likelihood(test, small_fits[2]) - 50",
              replace="assert emlib.mixture_log_likelihood(small, p4) < emlib.mixture_log_likelihood(small, small_fits[2]) - 50")
source_mutant("nb06_ex67_smallest_var_largest", "Exercise 6.7's smallest variance of a fit read off the wrong end of "
              "eigvalsh (the largest eigenvalue of each component)", notebook=NB,
              find="smallest_var = lambda params: np.linalg.eigvalsh(params.covs)[:, 0].min()",
              replace="smallest_var = lambda params: np.linalg.eigvalsh(params.covs)[:, -1].min()")
source_mutant("nb06_split_wrong_component", "section 1's split K = 4 mixture: the weight of component 3 halved but the mean "
              "of component 2 copied (an index slip; the mixture then differs from the K = 3 fit)", notebook=NB,
              find="means=np.vstack([fits[3].means, fits[3].means[2]])",
              replace="means=np.vstack([fits[3].means, fits[3].means[1]])")

# section 3, Old Faithful: "beyond two paired standard errors on 1 split" rests on the per-split paired SE
source_mutant("nb06_faithful_se_per_point", "the paired standard error of each Old Faithful split's held-out difference "
              "divided by sqrt(N_test) instead of multiplied (the standard error of the mean per point, for a sum)",
              notebook=NB, find="se_f = delta_f.std(axis=1, ddof=1) * np.sqrt(delta_f.shape[1])",
              replace="se_f = delta_f.std(axis=1, ddof=1) / np.sqrt(delta_f.shape[1])")
