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
