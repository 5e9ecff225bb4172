"""Small data sets shipped with emlib (no download)."""
from importlib import resources

import numpy as np

__all__ = ["old_faithful", "standardise"]


def old_faithful():
    """The Old Faithful geyser data: 272 eruptions in Yellowstone National Park.

    Columns: eruption time (minutes) and waiting time to the next eruption
    (minutes).  From R's ``datasets::faithful`` (Azzalini & Bowman 1990,
    Härdle 1991); see ``faithful.md`` beside the CSV for provenance.

    Returns
    -------
    X : array of shape (272, 2), float64
    """
    with resources.files(__package__).joinpath("faithful.csv").open("r") as f:
        return np.loadtxt(f, delimiter=",", skiprows=1)


def standardise(X):
    """(X - mean) / std per column, as PRML Fig. 9.8 does for Old Faithful.

    Parameters
    ----------
    X : array of shape (N, D)

    Returns
    -------
    array of shape (N, D), each column with mean 0 and variance 1 (1/N)
    """
    X = np.asarray(X, dtype=np.float64)
    return (X - X.mean(axis=0)) / X.std(axis=0)
