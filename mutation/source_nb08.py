"""Source mutants of notebook 08: one plausible slip in a line of the notebook's own numpy code each.

Each proves that the check after that line can fail: the harness replaces ``find`` by ``replace`` in the
one code cell that contains it, runs the notebook, and records which cell's assert fails.
"""
from mutation.catalogue import source_mutant

source_mutant(
    "nb08_flip_by_addition",
    "the noisy copies made by adding the flip mask to the prototype instead of flipping (a lit pixel that "
    "is 'flipped' becomes 2, not 0)",
    notebook="08",
    find="X = np.abs(prototypes[z] - (rng.random((N, H * W)) < flip))",
    replace="X = prototypes[z] + (rng.random((N, H * W)) < flip)",
)

source_mutant(
    "nb08_map_is_posterior_mean",
    "Exercise 8.1: the Beta-prior estimate taken as the posterior mean (s + a)/(N_k + a + b), not the "
    "MAP (s + a - 1)/(N_k + a + b - 2)",
    notebook="08",
    find="mu_map = (s_0 + a_pr - 1) / (N_0 + a_pr + b_pr - 2)",
    replace="mu_map = (s_0 + a_pr) / (N_0 + a_pr + b_pr)",
)

source_mutant(
    "nb08_logsumexp_shift_not_added_back",
    "Exercise 8.4: log-sum-exp that subtracts the row maximum m but forgets to add it back",
    notebook="08",
    find="return (m + np.log(np.exp(a - m).sum(axis=1, keepdims=True)))[:, 0]",
    replace="return np.log(np.exp(a - m).sum(axis=1, keepdims=True))[:, 0]",
)

source_mutant(
    "nb08_exp_rate_as_mean",
    "Exercise 8.6: the exponential M-step returns the responsibility-weighted mean of x as the rate "
    "(lambda_k = sum_n gamma x_n / N_k, the reciprocal of the right answer)",
    notebook="08",
    find="return N_k / len(x), N_k / (resp.T @ x)",
    replace="return N_k / len(x), (resp.T @ x) / N_k",
)

source_mutant(
    "nb08_inline_estep_wrong_axis",
    "Section 3: the inline E-step normalises the joint over n (axis 0, each component's column) instead of "
    "over k (each image's row)",
    notebook="08",
    find="gamma = np.exp(lj - _logsumexp(lj, axis=1)[:, None])",
    replace="gamma = np.exp(lj - _logsumexp(lj, axis=0)[None, :])",
)

source_mutant(
    "nb08_fd_both_sides_plus",
    "Section 3: a copy-paste slip in fd_grad, the central difference of Q in mu evaluated at mu + h on both "
    "sides (so every 'gradient' is 0 and the stationarity check passes whatever the M-step)",
    notebook="08",
    find="Q(theta._replace(means=means - e))",
    replace="Q(theta._replace(means=means + e))",
)

source_mutant(
    "nb08_log_post_is_joint",
    "Section 4: bound_terms takes the log joint as the log posterior (the normalisation ln p(x_n) forgotten)",
    notebook="08",
    find="log_post = lj - _logsumexp(lj, axis=1)[:, None]\n    mask",
    replace="log_post = lj\n    mask",
)

source_mutant(
    "nb08_bound_without_entropy",
    "Section 4: L(q) computed as sum q ln p(x, z), the entropy term -sum q ln q forgotten (L confused with Q)",
    notebook="08",
    find="L = np.sum(q[mask] * (lj[mask] - np.log(q[mask])))",
    replace="L = np.sum(q[mask] * lj[mask])",
)

source_mutant(
    "nb08_brute_without_off_factor",
    "Section 4: the brute-force likelihood forgets the factor (1 - mu_ki) of the pixels that are off, the "
    "mistake of the wrong joint it is meant to catch",
    notebook="08",
    find="theta0.means[None], 1 - theta0.means[None]), axis=2)",
    replace="theta0.means[None], 1.0), axis=2)",
)

source_mutant(
    "nb08_brute_without_weights",
    "Section 4: the brute-force likelihood sums the component likelihoods over k without the weights pi_k, "
    "the mistake of Exercise 8.7's colleague",
    notebook="08",
    find="axis=2) @ theta0.weights",
    replace="axis=2).sum(axis=1)",
)

source_mutant(
    "nb08_binomial_exponents_swapped",
    "Section 5: the binomial pmf written with its exponents swapped, p^(n-j) (1-p)^j",
    notebook="08",
    find="p**j * (1 - p) ** (n - j)",
    replace="p ** (n - j) * (1 - p) ** j",
)

source_mutant(
    "nb08_gauss_eps_as_std",
    "Section 7: the collapsing Gaussian component gets covariance eps^2 I (eps taken as a standard "
    "deviation) where the text says eps I",
    notebook="08",
    find="np.stack([eps * np.eye(H * W), cov_all])",
    replace="np.stack([eps**2 * np.eye(H * W), cov_all])",
)

source_mutant(
    "nb08_theta_B_weights_swapped",
    "Section 7: theta_B written with its weights in the other order, (0.6, 0.4)",
    notebook="08",
    find="theta_B = BernoulliParams(np.array([0.4, 0.6])",
    replace="theta_B = BernoulliParams(np.array([0.6, 0.4])",
)

source_mutant(
    "nb08_dark_pixel_wrong_axis",
    "Exercise 8.1: the dark pixel made with the wrong index, X_dark[0, :] = 0 (image 0 made blank) instead "
    "of X_dark[:, 0] = 0 (pixel 0 off in every image)",
    notebook="08",
    find="X_dark = X.copy(); X_dark[:, 0] = 0.0",
    replace="X_dark = X.copy(); X_dark[0, :] = 0.0",
)

source_mutant(
    "nb08_stuck_every_component",
    "Exercise 8.1: the stuck mean set to 0 in every component (mu_stuck[:, 0], copied from mu_b's line) "
    "instead of in component 0 only",
    notebook="08",
    find="mu_stuck[0, 0] = 0.0",
    replace="mu_stuck[:, 0] = 0.0",
)

source_mutant(
    "nb08_exp_Q_mean_parametrisation",
    "Exercise 8.6: Q written for the exponential in its mean parametrisation, (1/kappa) exp(-x/kappa) (as "
    "numpy's exponential(scale) uses it), while the M-step returns rates",
    notebook="08",
    find="np.log(lam) - np.outer(x_exp, lam)",
    replace="-np.log(lam) - np.outer(x_exp, 1 / lam)",
)

source_mutant(
    "nb08_exp_resp_normalised_over_n",
    "Exercise 8.6: the E-step normalises the responsibilities over n (axis 0) instead of over k",
    notebook="08",
    find="resp /= resp.sum(axis=1, keepdims=True)",
    replace="resp /= resp.sum(axis=0, keepdims=True)",
)

source_mutant(
    "nb08_kl_sign_swapped",
    "Section 4: KL(q || posterior) written sum q ln(posterior / q), the ratio upside down (the sign of KL lost)",
    notebook="08",
    find="KL = np.sum(q[mask] * (np.log(q[mask]) - log_post[mask]))",
    replace="KL = np.sum(q[mask] * (log_post[mask] - np.log(q[mask])))",
)
