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

# section 1: the gap Delta_n and the closed form's weights
source_mutant("nb07_gap_sorted_over_points", "section 1's squared distances sorted over the points (axis=0) instead of "
              "over the means, so Delta_n is no gap to the nearest mean",
              notebook=NB, find="d_sorted = np.sort(sq_dist(X, mu0), axis=1)",
              replace="d_sorted = np.sort(sq_dist(X, mu0), axis=0)")
source_mutant("nb07_closed_form_no_weights", "the closed-form odds without the weight ratio pi_far / pi_near (right for "
              "equal weights only)",
              notebook=NB, find="log_u = np.log((1 - r0) @ weights) - np.log(r0 @ weights) - gap / (2 * eps)",
              replace="log_u = -gap / (2 * eps)")

# the assignment step: argmax for argmin (every point to its farthest mean)
source_mutant("nb07_assign_argmax", "the hard assignment r_nk with np.argmax of the distance (the farthest mean) "
              "instead of np.argmin",
              notebook=NB, find="np.argmin(sq_dist(X, means), axis=1)", replace="np.argmax(sq_dist(X, means), axis=1)")

# section 2 and 3: the update steps
source_mutant("nb07_kmeans_update_over_N", "section 2's plain k-means update divided by N instead of n_k",
              notebook=NB, find="means = (r.T @ X) / r.sum(axis=0)[:, None]           # update step",
              replace="means = (r.T @ X) / len(X)           # update step")
source_mutant("nb07_update_sum_not_average", "section 3's k-means update without the division by n_k (the sum of the "
              "cluster's points, not their average)",
              notebook=NB, find="    means = (r.T @ X) / r.sum(axis=0)[:, None]\n    J_half.append",
              replace="    means = r.T @ X\n    J_half.append")
source_mutant("nb07_fd_same_side", "section 3's finite-difference gradient of J with means + e in both terms (a "
              "copy-paste slip: the difference is 0, so 'the gradient vanishes' could not fail)",
              notebook=NB, find="(J(X, r, means + e) - J(X, r, means - e))",
              replace="(J(X, r, means + e) - J(X, r, means + e))")

# exercises
source_mutant("nb07_ex71_weights_forgotten", "Exercise 7.1's mixture built without its weights (gmm_eps falls back to "
              "equal weights)",
              notebook=NB, find="theta_b = gmm_eps(m_b, eps_b, w_b)", replace="theta_b = gmm_eps(m_b, eps_b)")
source_mutant("nb07_ex73_bound_quarter", "Exercise 7.3's bound with min ||a - b||^2 / 4, one point's squared distance "
              "to the midpoint (the other point of the pair forgotten), instead of / 2",
              notebook=NB, find="pair_sq.min() / 2", replace="pair_sq.min() / 4", count=2)
source_mutant("nb07_ex76_normalised_over_all", "Exercise 7.6's limit normalised by the sum of all weights instead of "
              "the weights of the tied means",
              notebook=NB, find="/ weights_ex[tied].sum()", replace="/ weights_ex.sum()")
source_mutant("nb07_ex_boundary_ratio_upside_down", "the 1-D boundary x = (eps/2) ln(pi_1 / pi_2) with the weight ratio "
              "upside down: the boundary on the lighter component's side of the midpoint",
              notebook=NB, find="x_b = eps_b / 2 * np.log(w_b[0] / w_b[1])", replace="x_b = eps_b / 2 * np.log(w_b[1] / w_b[0])")
