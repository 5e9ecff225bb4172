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
