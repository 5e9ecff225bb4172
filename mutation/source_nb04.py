"""Source mutants of notebook 04: one plausible slip in a formula the notebook writes out in numpy.

Each proves that the check after the formula can fail (``python -m mutation.run --notebooks 04``).
"""
from mutation.catalogue import source_mutant

NB = "04"

# section 2: Bayes' rule in numpy, the reference for emlib's E-step
source_mutant("nb04_bayes_no_log_pi", "the numpy Bayes' rule of section 2 without ln pi_k (the weights forgotten in the joint)",
              notebook=NB, find="log_joint = np.log(theta.weights) + np.column_stack(",
              replace="log_joint = np.column_stack(")
source_mutant("nb04_slope_one_sided_scale", "the central difference of ln p(x_n) divided by h instead of 2h",
              notebook=NB, find="- lnp_points(theta._replace(means=theta.means - step))) / (2 * h)",
              replace="- lnp_points(theta._replace(means=theta.means - step))) / h")

# section 3: the M-step in numpy beside emlib.m_step
source_mutant("nb04_sigma_old_means", "PRML 9.25 in numpy centred on the old means mu_k^old instead of mu_k^new",
              notebook=NB, find="diff = X[:, None, :] - mu_new[None, :, :]                               # (N, K, D)",
              replace="diff = X[:, None, :] - theta_old.means[None, :, :]                       # (N, K, D)")
source_mutant("nb04_weights_over_K", "PRML 9.26 in numpy as N_k / K instead of N_k / N",
              notebook=NB, find="pi_new = N_k / N ", replace="pi_new = N_k / K ")

# section 7.2: the fourth-order expansion along the split path
source_mutant("nb04_saddle_expansion_24", "Delta ln p along the split written eps^4 N (3 - m4) / 24 (the 1/4! of a Taylor series "
              "instead of the 1/12 of this expansion)",
              notebook=NB, find="predicted = eps**4 * N * (3 - m4) / 12", replace="predicted = eps**4 * N * (3 - m4) / 24")

# section 7.3: the rates
source_mutant("nb04_rate_squared_error", "the parameter error ||theta_t - theta*|| without its square root (so r is fitted to a "
              "squared error)",
              notebook=NB, find="err = np.array([np.sqrt(sum(", replace="err = np.array([(sum(")
source_mutant("nb04_hessian_sign", "the central second difference with the cross terms added instead of subtracted",
              notebook=NB, find="(f(a + b) - f(a - b) - f(b - a) + f(-a - b)) / (4 * h * h)",
              replace="(f(a + b) + f(a - b) + f(b - a) + f(-a - b)) / (4 * h * h)")

# exercises: the solution code the checks verify
source_mutant("nb04_ex44_dirichlet_mode", "Exercise 4.4's candidate pi_k = (N_k - 1) / (N - K), the mode of a Dirichlet(N_k) "
              "density, for the maximiser N_k / N",
              notebook=NB, find="candidate = counts / counts.sum()",
              replace="candidate = (counts - 1) / (counts.sum() - len(counts))")
source_mutant("nb04_ex47_variance_unbiased", "Exercise 4.7's diagonal variances divided by N_k - 1",
              notebook=NB, find='variances = np.einsum("nk,nkd->kd", resp, sq) / N_k[:, None] ',
              replace='variances = np.einsum("nk,nkd->kd", resp, sq) / (N_k[:, None] - 1) ')
source_mutant("nb04_ex48_alpha_not_minus_one", "Exercise 4.8's MAP weights with pseudo-counts N_k + alpha_k (the -1 of the "
              "Dirichlet exponent lost)",
              notebook=NB, find="return (N_k + alpha - 1) / (len(resp) + alpha.sum() - len(alpha))",
              replace="return (N_k + alpha) / (len(resp) + alpha.sum())")
source_mutant("nb04_ex44_weights_over_K", "Exercise 4.4's candidate pi_k = N_k / K instead of N_k / N (off the simplex, where "
              "it beats every point of it)",
              notebook=NB, find="candidate = counts / counts.sum()", replace="candidate = counts / len(counts)")
