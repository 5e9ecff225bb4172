"""Source mutants of notebook 05: one plausible slip in a formula the notebook writes out in numpy.

Each proves that the check after the formula can fail (``python -m mutation.run --notebooks 05``).
"""
from mutation.catalogue import source_mutant

NB = "05"

# section 1: the collapsing component
source_mutant("nb05_collapse_sigma_for_variance", "the collapsing component's variance set to sigma instead of sigma^2",
              notebook=NB, find="np.array([[[var]], [[sigma**2]]])", replace="np.array([[[var]], [[sigma]]])")

# section 2: the prior and the MAP M-step
source_mutant("nb05_log_prior_half_lost", "ln p(Sigma_k) = -lam tr(Sigma_k^-1): the factor 1/2 of the prior lost",
              notebook=NB, find="return -lam / 2 * sum(", replace="return -lam * sum(")
source_mutant("nb05_map_lambda_after_division", "the MAP M-step with lam I added after the division by N_k (reg_covar = lam)",
              notebook=NB, find="+ lam * np.eye(X.shape[1])) / N_k[k] for k",
              replace=") / N_k[k] + lam * np.eye(X.shape[1]) for k")
source_mutant("nb05_reg_covar_lambda_without_N_k", "the prior strength that reproduces reg_covar = eps taken as eps, not eps N_k",
              notebook=NB, find="lam_k = eps * resp_y.sum(axis=0)", replace="lam_k = eps * np.ones(4)")

# section 4: aligning fits up to relabelling
source_mutant("nb05_align_inverse_permutation", "the alignment permutes the reference instead of the fit (the inverse "
              "permutation)",
              notebook=NB, find="np.sum((params.means[list(p)] - ref.means) ** 2)",
              replace="np.sum((params.means - ref.means[list(p)]) ** 2)")

# section 5: the saddle
source_mutant("nb05_split_without_shrinking", "the split path of section 5 without shrinking the covariances by h^2 e1 e1^T "
              "(the mixture's covariance then grows)",
              notebook=NB, find="np.tile(S_Y - h**2 * np.outer(e1, e1), (4, 1, 1))", replace="np.tile(S_Y, (4, 1, 1))")

# exercises
source_mutant("nb05_ex53_iw_exponent", "Exercise 5.3's inverse-Wishart log density with exponent (nu + D)/2 instead of "
              "(nu + D + 1)/2",
              notebook=NB, find="return sum(-(nu + D + 1) / 2 * ld for ld in logdets)",
              replace="return sum(-(nu + D) / 2 * ld for ld in logdets)")
source_mutant("nb05_ex55_largest_eigenvalue", "Exercise 5.5's smallest variance taken as the largest eigenvalue",
              notebook=NB, find="return np.linalg.eigvalsh(covs)[:, 0]", replace="return np.linalg.eigvalsh(covs)[:, -1]")

# section 2: MAP-EM's objective and its covariance update
source_mutant("nb05_map_objective_prior_sign", "the MAP objective written ln p(X | theta) - ln p(theta) (the log prior, already "
              "negative, subtracted as a penalty)",
              notebook=NB, find="return emlib.mixture_log_likelihood(X, theta) + log_prior(theta)",
              replace="return emlib.mixture_log_likelihood(X, theta) - log_prior(theta)")
source_mutant("nb05_map_two_lambda", "the MAP M-step (S_k + 2 lam I) / N_k: the 1/2 of d(-lam/2 tr Lambda_k)/d Lambda_k lost",
              notebook=NB, find="+ lam * np.eye(X.shape[1])) / N_k[k] for k",
              replace="+ 2 * lam * np.eye(X.shape[1])) / N_k[k] for k")

# exercise 5.1: three points on a line
source_mutant("nb05_ex51_variance_as_sd", "Exercise 5.1's variance across the line added as delta^2 (delta read as a standard "
              "deviation) instead of delta",
              notebook=NB, find="S_pts + d * np.outer(n_perp, n_perp)", replace="S_pts + d**2 * np.outer(n_perp, n_perp)")

# exercise 5.3: the two parametrisations and the Jacobian
source_mutant("nb05_ex53_w_jacobian_forgotten", "Exercise 5.3's density on Lambda_k written in Sigma_k without the Jacobian "
              "|Lambda_k|^-(D+1) (exponent (nu + D + 1)/2, as for the density on Sigma_k)",
              notebook=NB, find="return sum(-(nu - D - 1) / 2 * ld for ld in logdets)",
              replace="return sum(-(nu + D + 1) / 2 * ld for ld in logdets)")
source_mutant("nb05_ex53_jacobian_one_sided_scale", "Exercise 5.3's central difference of Lambda^-1 divided by h instead of 2h",
              notebook=NB, find="/ 2e-6 for e in 1e-6 * np.eye(len(iu[0]))",
              replace="/ 1e-6 for e in 1e-6 * np.eye(len(iu[0]))")

# section 2 and Exercise 5.6: the finite-difference gradient, the judge of every update
source_mutant("nb05_fd_cov_step_sign", "fd_gradient's covariance difference with + E on both sides (a copy-paste slip): every "
              "covariance derivative is 0, so only the means are checked, and the wrong covariance updates pass",
              notebook=NB, find="- f(theta._replace(covs=theta.covs - E))) / (2 * h))",
              replace="- f(theta._replace(covs=theta.covs + E))) / (2 * h))")

# section 3: the restarts
source_mutant("nb05_runs_reseeded", "runs() seeds a new generator for every start (default_rng(seed) inside the loop), so all "
              "n starts are the same start",
              notebook=NB, find="emlib.init_params(Y, 4, g, method=method)",
              replace="emlib.init_params(Y, 4, np.random.default_rng(seed), method=method)")
