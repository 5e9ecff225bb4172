"""Source mutants of notebook 02: one line of the notebook's own numpy replaced by a plausible slip.

Each proves that the check after that line would catch the slip (see mutation/README.md).
"""
from mutation.catalogue import source_mutant

source_mutant(
    "nb02_sigmoid_prior_sign", "the closed-form posterior of section 4 with ln(pi_2 / pi_1) where ln(pi_1 / pi_2) "
    "belongs (the prior log-odds upside down)",
    notebook="02", find="np.log(pair.weights[0] / pair.weights[1])", replace="np.log(pair.weights[1] / pair.weights[0])")

source_mutant(
    "nb02_relabel_weights_kept", "Exercise 2.2's relabelling swaps the means and covariances but keeps the weights "
    "in their old order",
    notebook="02", find="swapped = GMMParams(*(p[::-1] for p in two))",
    replace="swapped = GMMParams(two.weights, two.means[::-1], two.covs[::-1])")

source_mutant(
    "nb02_assignments_N_to_the_K", "Exercise 2.7 counts N^K assignments instead of K^N",
    notebook="02", find="count = 2**N", replace="count = N**2")

source_mutant(
    "nb02_lse_over_n", "section 4's log-sum-exp summed over the points n instead of the components k (the wrong axis: "
    "the posterior normalised over n)",
    notebook="02", find="np.exp(lj - lj.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)",
    replace="np.exp(lj - lj.max(axis=1, keepdims=True)).sum(axis=0, keepdims=True)")

source_mutant(
    "nb02_far_point_not_far", "section 4's far point at 6 instead of 60 standard deviations (a zero lost): the plain "
    "densities no longer underflow, so the cell would not show what it says",
    notebook="02", find="x_far = np.array([[0.25, 60.0]])", replace="x_far = np.array([[0.25, 6.0]])")

source_mutant(
    "nb02_posterior_Z_unnormalised", "section 4's brute-force posterior p(Z | X) taken as p(X, Z), the division by "
    "p(X) forgotten",
    notebook="02", find="posterior_Z = np.exp(log_joint_all - brute_force)", replace="posterior_Z = np.exp(log_joint_all)")

source_mutant(
    "nb02_complete_means_over_N", "Exercise 2.6's complete-data means divided by N instead of the hard counts n_k",
    notebook="02", find="(Z500.T @ X500) / counts[:, None]", replace="(Z500.T @ X500) / 500")

source_mutant(
    "nb02_ex25_far_point_not_far", "Exercise 2.5's far point at x = 6 instead of x = 60 (a zero lost): the plain "
    "ln sum exp no longer underflows, so the cell would not show the failure its text describes",
    notebook="02", find="far = np.array([[60.0]])", replace="far = np.array([[6.0]])")
