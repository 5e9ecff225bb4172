"""Source mutants of notebook 03: one line of the notebook's own numpy replaced by a plausible slip.

Each proves that the check after that line would catch the slip (see mutation/README.md).
"""
from mutation.catalogue import source_mutant

source_mutant(
    "nb03_pdf_normaliser_one_d", "the written-out Gaussian of section 1 normalised by sqrt(2 pi det Sigma), the "
    "one-dimensional constant, where sqrt(det(2 pi Sigma)) = (2 pi)^(D/2) sqrt(det Sigma) belongs (its integral is "
    "no longer 1)",
    notebook="03", find="np.sqrt(np.linalg.det(2 * np.pi * Sigma))", replace="np.sqrt(2 * np.pi * np.linalg.det(Sigma))")

source_mutant(
    "nb03_pdf_half_lost", "the written-out Gaussian of section 1 with exp(-(x - mu)^T Sigma^-1 (x - mu)), the factor "
    "1/2 lost",
    notebook="03", find="np.exp(-0.5 * maha)", replace="np.exp(-maha)")

source_mutant(
    "nb03_bayes_no_evidence", "section 2's brute-force posterior p(X, Z) without the division by p(X) = sum_Z p(X, Z)",
    notebook="03", find="post_Z = np.exp(lj_old - log_sum_exp(lj_old))", replace="post_Z = np.exp(lj_old)")

source_mutant(
    "nb03_written_L_no_entropy", "section 2's written-out L on the data without -ln q_nk (the entropy of q forgotten)",
    notebook="03", find="q_sum(q, np.log(p_joint) - log_q)", replace="q_sum(q, np.log(p_joint))")

source_mutant(
    "nb03_kl_curvature_half_lost", "section 3's second-order law KL(q_t || gamma) = t^2 sum_n gamma_n1 gamma_n2, the "
    "1/2 of the Taylor expansion lost",
    notebook="03", find="0.5 * eps**2 * w_n.sum()", replace="eps**2 * w_n.sum()")

source_mutant(
    "nb03_written_L_marginal", "section 4's written-out L(q_old, theta) with ln p(x_n | theta), the marginal, where the "
    "joint ln p(x_n, z_n = k | theta) belongs",
    notebook="03", find="np.sum(q_old * (np.log(joint_pdf(X, theta)) - np.log(q_old)))",
    replace="np.sum(q_old * (np.log(joint_pdf(X, theta).sum(axis=1, keepdims=True)) - np.log(q_old)))")

source_mutant(
    "nb03_written_log_p_max", "section 5's written-out ln p as sum_n ln max_k p(x_n, z_n = k), the largest term "
    "instead of the sum over k",
    notebook="03", find="np.sum(np.log(joint_pdf(X, theta).sum(axis=1)))", replace="np.sum(np.log(joint_pdf(X, theta).max(axis=1)))")

source_mutant(
    "nb03_directions_cov_full", "section 4's directions with one per entry of Sigma_k, (a, b) and (b, a) both, "
    "instead of one per entry on and above the diagonal (the symmetry forgotten: K D^2 covariance directions, two of "
    "them equal)",
    notebook="03", find="for b in range(a, D):", replace="for b in range(D):")
