"""Source mutants of notebook 01: one line of the notebook's own numpy replaced by a plausible slip.

Each proves that the check after that line would catch the slip (see mutation/README.md).
"""
from mutation.catalogue import source_mutant

source_mutant(
    "nb01_grid_ln_sigma", "the brute-force grid of section 3 with -N/2 ln sigma where -N/2 ln sigma^2 = -N ln sigma "
    "belongs (its best node moves away from the MLE)",
    notebook="01", find="- x.size * np.log(S) - squares", replace="- x.size / 2 * np.log(S) - squares")

source_mutant(
    "nb01_simulation_ddof1", "section 5's simulation computes sigma^2_ML with numpy's ddof=1, the unbiased 1/(N-1) "
    "estimate (its mean is then sigma^2, not (N-1)/N sigma^2)",
    notebook="01", find="var_ml_each = samples.var(axis=1)", replace="var_ml_each = samples.var(axis=1, ddof=1)")

source_mutant(
    "nb01_hessian_half_lost", "the second differential at the MLE with -N tr(...) where -N/2 tr(Sigma^-1 dSigma "
    "Sigma^-1 dSigma) belongs",
    notebook="01", find="- N2 / 2 * np.trace(W @ W)", replace="- N2 * np.trace(W @ W)")

source_mutant(
    "nb01_scaling_precision", "the change of ln p when Sigma_ML is scaled by c written as (ND/2)(1 - c + ln c), "
    "the law for scaling the precision, not the covariance",
    notebook="01", find="(1 - 1 / c - np.log(c))", replace="(1 - c + np.log(c))")

source_mutant(
    "nb01_s2_ddof_forgotten", "Exercise 1.4's s^2 computed with numpy's default ddof=0 (that is sigma^2_ML again)",
    notebook="01", find="s2_each = samples.var(axis=1, ddof=1)", replace="s2_each = samples.var(axis=1)")

source_mutant(
    "nb01_known_mean_centred", "Exercise 1.6's known-mean estimate centred on each data set's own mean instead of "
    "the known mean mu (that is sigma^2_ML, which is biased)",
    notebook="01", find="np.mean((samples - mu_true) ** 2, axis=1)",
    replace="np.mean((samples - samples.mean(axis=1, keepdims=True)) ** 2, axis=1)")

source_mutant(
    "nb01_normaliser_exponent_no_2", "section 2's per-point log density with -(x - mu)^2 / sigma^2 where "
    "-(x - mu)^2 / (2 sigma^2) belongs (the 2 of 2 sigma^2 forgotten; the density then integrates to 1/sqrt(2))",
    notebook="01", find='"derived above": lambda t: -0.5 * np.log(2 * np.pi) - 0.5 * np.log(var0) - (t - mu0) ** 2 / (2 * var0)',
    replace='"derived above": lambda t: -0.5 * np.log(2 * np.pi) - 0.5 * np.log(var0) - (t - mu0) ** 2 / var0')

source_mutant(
    "nb01_grid_axes_swapped", "section 3's best coarse node read as (mu index, sigma index), but the rows of "
    "meshgrid(mus, sigmas) run over sigma: the fine window is centred on the wrong node",
    notebook="01", find="i, j = np.unravel_index(np.argmax(brute_force_surface(x, mus_coarse, sigmas_coarse)), (200, 201))",
    replace="j, i = np.unravel_index(np.argmax(brute_force_surface(x, mus_coarse, sigmas_coarse)), (200, 201))")

source_mutant(
    "nb01_matrix_derivative_sign", "section 6's d(a^T Sigma^-1 a)/d Sigma written +Sigma^-1 a a^T Sigma^-1, the minus "
    "sign of d(Sigma^-1) = -Sigma^-1 dSigma Sigma^-1 lost",
    notebook="01", find="derived = -np.outer(w, w)", replace="derived = np.outer(w, w)")

source_mutant(
    "nb01_cov_solution_n_minus_1", "Exercise 1.5's reference solution divides the scatter by N - 1 (the unbiased "
    "estimate, not Sigma_ML)",
    notebook="01", find="return centred.T @ centred / X.shape[0]", replace="return centred.T @ centred / (X.shape[0] - 1)")
