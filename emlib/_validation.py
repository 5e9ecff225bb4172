"""Input validation shared by every public function of emlib.

Each public function validates its arguments once, here, and then calls a
private core that trusts them.  Every check raises ``ValueError`` with a
message that names the argument and the offending shape or value; nothing
is ever allowed to turn silently into NaN.
"""
import numpy as np

#: Tolerance on ``sum(weights) == 1`` and on the rows of ``q`` and ``resp``.
PROB_ATOL = 1e-8


def as_float_array(a, name):
    """Return ``a`` as a new float64 array (never a view of the input)."""
    try:
        arr = np.array(a, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {type(a).__name__}: {exc}") from None
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(f"{name} contains NaN or inf (first at index {where}: {float(arr[where])})")
    return arr


def check_data(X, name="X"):
    """Validate data of shape (N, D) and return it as float64."""
    X = as_float_array(X, name)
    if X.ndim != 2:
        hint = f"; for 1-D data use {name}[:, None]" if X.ndim == 1 else ""
        raise ValueError(f"{name} must have shape (N, D), got shape {X.shape}{hint}")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must have at least one point and one dimension, got shape {X.shape}")
    return X


def check_cov_matrix(cov, name):
    """Check that a (D, D) matrix is symmetric; return its Cholesky factor.

    Raises ValueError if it is not symmetric or not positive definite.
    """
    scale = np.max(np.abs(cov))
    if not np.allclose(cov, cov.T, rtol=0.0, atol=1e-10 * scale):
        raise ValueError(f"{name} is not symmetric (max |C - C^T| = {np.max(np.abs(cov - cov.T)):.3g})")
    try:
        L = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        L = None
    if L is None or not np.all(np.diag(L) > 0):
        eig = np.linalg.eigvalsh(cov)
        raise ValueError(f"{name} is not positive definite (smallest eigenvalue {eig[0]:.3g})")
    return L


def check_params(params, D=None, name="params"):
    """Validate GMM parameters; return (weights, means, covs) as float64.

    weights (K,) non-negative summing to 1; means (K, D); covs (K, D, D)
    symmetric positive definite.  If D is given, the means must match it.
    """
    try:
        weights, means, covs = params
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a GMMParams (weights, means, covs)") from None
    weights = as_float_array(weights, f"{name}.weights")
    means = as_float_array(means, f"{name}.means")
    covs = as_float_array(covs, f"{name}.covs")
    if weights.ndim != 1 or weights.size < 1:
        raise ValueError(f"{name}.weights must have shape (K,) with K >= 1, got shape {weights.shape}")
    K = weights.size
    if means.ndim != 2 or means.shape[0] != K:
        raise ValueError(f"{name}.means must have shape (K, D) = ({K}, D), got shape {means.shape}")
    Dm = means.shape[1]
    if D is not None and Dm != D:
        raise ValueError(f"{name}.means must have shape (K, D) = ({K}, {D}) to match X, got shape {means.shape}")
    if covs.shape != (K, Dm, Dm):
        raise ValueError(f"{name}.covs must have shape (K, D, D) = ({K}, {Dm}, {Dm}), got shape {covs.shape}")
    if np.any(weights < 0):
        k = int(np.argmax(weights < 0))
        raise ValueError(f"{name}.weights must be non-negative, got weights[{k}] = {float(weights[k])}")
    if abs(weights.sum() - 1.0) > PROB_ATOL:
        raise ValueError(f"{name}.weights must sum to 1, got sum {float(weights.sum())!r}")
    for k in range(K):
        check_cov_matrix(covs[k], f"{name}.covs[{k}] (component {k})")
    return weights, means, covs


def check_prob_rows(q, N, K, name):
    """Validate an (N, K) matrix whose rows are probability vectors."""
    q = as_float_array(q, name)
    if q.shape != (N, K):
        raise ValueError(f"{name} must have shape (N, K) = ({N}, {K}), got shape {q.shape}")
    if np.any(q < 0):
        n, k = np.argwhere(q < 0)[0]
        raise ValueError(f"{name} must be non-negative, got {name}[{n}, {k}] = {float(q[n, k])}")
    sums = q.sum(axis=1)
    bad = np.abs(sums - 1.0) > PROB_ATOL
    if np.any(bad):
        n = int(np.argmax(bad))
        raise ValueError(f"rows of {name} must sum to 1, got row {n} summing to {float(sums[n])!r}")
    return q


def check_nonnegative(value, name, integer=False):
    """Validate a non-negative scalar (tol, reg_covar, max_iter)."""
    if integer:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    elif isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be non-negative and finite, got {value!r}")
    return value


def check_rng(rng, name="rng"):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{name} must be a numpy Generator, e.g. np.random.default_rng(0); got {type(rng).__name__}")
    return rng


# ---------------------------------------------------------------- arguments a student passes (the explorers)
def describe(value):
    """A few words for what came: 'None', "the text 'abc'", 'a list of length 3', 'an array of shape (5, 2)'."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, (str, bytes)):
        return f"the text {value!r}" if len(value) <= 40 else f"a text of {len(value)} characters"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}" if value.ndim else f"the number {value.item()!r}"
    if isinstance(value, (int, np.integer)):
        return f"the number {int(value)}"
    if isinstance(value, (float, np.floating)):
        return f"the number {float(value)!r}"
    kind = type(value).__name__
    article = "an" if kind[0] in "aeiouAEIOU" else "a"
    if isinstance(value, (list, tuple, dict)) and not hasattr(value, "_fields"):
        return f"{article} {kind} of length {len(value)}"
    return f"{article} {kind}"


def as_numeric_array(a, name, what="numbers"):
    """:func:`as_float_array` for data a student passes, with the wrong kinds of object named.

    None, text, a dict, True/False values and complex numbers raise TypeError;
    nested lists of different lengths, NaN and inf raise ValueError.
    """
    if a is None or isinstance(a, (str, bytes, dict)):
        raise TypeError(f"{name} must be {what}; got {describe(a)}")
    try:
        raw = np.asarray(a)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {what} in a rectangular array; got {describe(a)} whose entries differ in length") from None
    if raw.dtype == bool:
        raise TypeError(f"{name} must be {what}; got True/False values (an array of dtype bool)")
    if raw.dtype.kind in "USc":
        kind = "complex numbers" if raw.dtype.kind == "c" else "text"
        raise TypeError(f"{name} must be {what}; got {kind} (an array of dtype {raw.dtype})")
    return as_float_array(raw, name)


def check_number(value, name, lo=None, hi=None, lo_open=False, what=""):
    """A finite real number (not a bool) with lo <= value <= hi (lo < value if lo_open); returns a float.

    A wrong kind of object raises TypeError, a value out of range ValueError;
    ``what`` (e.g. " (milliseconds)") is added after the name.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}{what} must be a number; got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name}{what} must be a finite number; got {value!r}")
    if lo is not None and (value <= lo if lo_open else value < lo) or hi is not None and value > hi:
        if lo_open and lo == 0 and hi is None:
            need = "positive"
        elif hi is None:
            need = f"{'>' if lo_open else '>='} {lo:g}"
        elif lo is None:
            need = f"<= {hi:g}"
        else:
            need = f"between {lo:g} and {hi:g}"
        raise ValueError(f"{name}{what} must be {need}; got {value!r}")
    return value


def check_integer(value, name, lo, hi=None, what=""):
    """A whole number (a Python or numpy int, not a bool) with lo <= value <= hi; returns an int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}{what} must be a whole number (an int); got {describe(value)}")
    if value < lo or hi is not None and value > hi:
        need = f">= {lo}" if hi is None else f"between {lo} and {hi}"
        raise ValueError(f"{name}{what} must be {need}; got {int(value)}")
    return int(value)
