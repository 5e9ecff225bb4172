"""Source mutants of notebook 07: one plausible slip in a formula the notebook writes out in numpy.

Each proves that the check after the formula can fail (``python -m mutation.run --notebooks 07``).
"""
from mutation.catalogue import source_mutant

NB = "07"

# section 1: the closed form of the K = 2 responsibilities, the two-sided reference for emlib's E-step
source_mutant("nb07_closed_form_half_lost", "the closed-form odds with exp(-Delta_n / eps) where exp(-Delta_n / 2 eps) "
              "belongs (the 1/2 of the Gaussian exponent lost in the reference, not in emlib)",
              notebook=NB, find="- gap / (2 * eps)", replace="- gap / eps")
source_mutant("nb07_closed_form_odds_inverted", "the closed-form odds with the weights the wrong way round, "
              "pi_near / pi_far instead of pi_far / pi_near",
              notebook=NB, find="log_u = np.log((1 - r0) @ weights) - np.log(r0 @ weights)",
              replace="log_u = np.log(r0 @ weights) - np.log((1 - r0) @ weights)")

# section 3: the k-means update whose gradient and monotone J the check tests
source_mutant("nb07_update_over_N", "the k-means update of section 3 divided by N instead of N_k (every mean pulled "
              "towards the origin)",
              notebook=NB, find="    means = (r.T @ X) / r.sum(axis=0)[:, None]\n    J_half.append",
              replace="    means = (r.T @ X) / len(X)\n    J_half.append")

# exercises: the solution code the checks verify
source_mutant("nb07_ex73_unique_flattened", "Exercise 7.3's distinct points with np.unique(X) (distinct coordinates, the "
              "axis forgotten) instead of np.unique(X, axis=0)",
              notebook=NB, find="distinct = np.unique(X, axis=0)", replace="distinct = np.unique(X)")
source_mutant("nb07_ex75_update_over_N", "Exercise 7.5's update step divided by N instead of N_k",
              notebook=NB, find="return (r.T @ X) / r.sum(axis=0)[:, None]", replace="return (r.T @ X) / len(X)")
