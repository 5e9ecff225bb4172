"""Every bad input to emlib.gaussian is refused with a message that names the argument as the caller wrote it.

Written after mutmut (mutation/MUTMUT.md): mutants that passed another name, or none, to the
validators survived the older tests, which checked the exception type but not the name.
"""
import numpy as np
import pytest

import emlib

from .test_library_messages import assert_message_names

EYE = np.eye(2)
CASES = [
    # (call, the argument the message must start with, a phrase it must contain)
    (lambda: emlib.gaussian_logpdf("ab", 0.0, 1.0), "x", "numeric"),
    (lambda: emlib.gaussian_logpdf([1.0, 2.0], "a", 1.0), "mean", "numeric"),
    (lambda: emlib.gaussian_logpdf([1.0, 2.0], 0.0, "a"), "cov", "numeric"),
    (lambda: emlib.gaussian_logpdf([1.0, 2.0], 0.0, [1.0, 2.0]), "for 1-D x, cov", "scalar variance, got shape (2,)"),
    (lambda: emlib.gaussian_logpdf([1.0, 2.0], [0.0, 1.0], 1.0), "for 1-D x, mean", "scalar, got shape (2,)"),
    (lambda: emlib.gaussian_logpdf([1.0, 2.0], 0.0, 0.0), "the variance cov", "> 0, got 0.0"),
    (lambda: emlib.gaussian_logpdf([[np.nan, 1.0]], [0.0, 0.0], EYE), "x", "NaN"),
    (lambda: emlib.gaussian_logpdf([[0.0, 1.0]], "ab", EYE), "mean", "numeric"),
    (lambda: emlib.gaussian_logpdf([[0.0, 1.0]], [np.nan, 0.0], EYE), "mean", "NaN"),
    (lambda: emlib.gaussian_logpdf([[0.0, 1.0]], [0.0, 0.0], "ab"), "cov", "numeric"),
    (lambda: emlib.gaussian_logpdf([[0.0, 1.0]], [0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]]), "cov", "symmetric"),
    (lambda: emlib.gaussian_logpdf([[0.0, 1.0]], [0.0, 0.0], [[1.0, np.nan], [np.nan, 1.0]]), "cov", "NaN"),
    (lambda: emlib.gaussian_mle("ab"), "x", "numeric"),
    (lambda: emlib.gaussian_mle(np.array([])), "x", "at least one point, got shape (0,)"),
    (lambda: emlib.gaussian_mle([[np.nan, 1.0]]), "x", "NaN"),
    (lambda: emlib.gaussian_mle(np.zeros((2, 2, 2))), "x", "shape (N, D)"),
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_message_names_the_argument(i):
    assert_message_names(*CASES[i])


def test_one_dimensional_edge_cases_are_legal():
    """A variance below 1 is a variance; one point has the MLE (x, 0)."""
    assert np.allclose(emlib.gaussian_logpdf([0.0], 0.0, 0.5), -0.5 * np.log(2 * np.pi * 0.5))
    assert emlib.gaussian_mle([3.0]) == (3.0, 0.0)
    assert emlib.gaussian_mle(np.array([[3.0, 4.0]]))[1].shape == (2, 2)
