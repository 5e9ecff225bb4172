"""The explorer of notebook 09: mean imputation against EM as the missing fraction grows.

Built on :class:`emlib.widgets.Explorer` (cached frames, blitting, and a PNG of
the initial state beside the live view for static renderers) and on the
ellipses of :mod:`emlib.plotting`.
"""
import ipywidgets as widgets
import numpy as np

from .. import plotting as P
from .._validation import as_numeric_array, check_integer, describe
from ..missing import _check_gaussian_params
from ..mixture import GMMParams
from .base import Explorer, _data_2d, _labels, _set_limits, _subset_note

__all__ = ["MissingDataExplorer"]


def _as_gmm(params):
    """One Gaussian (mean (D,), cov (D, D)) as a one-component GMMParams, for the ellipse primitives."""
    mean, cov = params
    return GMMParams(np.ones(1), np.asarray(mean)[None, :], np.asarray(cov)[None, :, :])


def _pair(params, name):
    """(mean, cov): a wrong kind of object is a TypeError naming the argument."""
    if not isinstance(params, (tuple, list)) or len(params) != 2:
        raise TypeError(f"{name} must be a GaussianParams (mean, cov), e.g. GaussianParams(*emlib.gaussian_mle(X)); got {describe(params)}")
    return params


def _dims(dims, D):
    if isinstance(dims, str) or not isinstance(dims, (tuple, list)) or len(dims) != 2:
        raise TypeError(f"dims must be two dimensions to draw, e.g. (0, 1); got {describe(dims)}")
    i, j = (check_integer(d, f"dims[{n}]", 0, D - 1, what=f" (a dimension of X_full, which has D = {D})") for n, d in enumerate(dims))
    if i == j:
        raise ValueError(f"dims must be two different dimensions; got ({i}, {j})")
    return i, j


def _with_missing(X, name, X_full):
    """X_full with some entries replaced by NaN: the same shape, no inf, the observed entries unchanged."""
    if X is None or isinstance(X, (str, bytes, dict)):
        raise TypeError(f"{name} must be an array of shape {X_full.shape} with NaN where an entry is missing; got {describe(X)}")
    try:
        X = np.array(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers (NaN where missing); got {describe(X)}") from None
    if X.shape != X_full.shape:
        raise ValueError(f"{name} must have the shape of X_full, {X_full.shape}, with NaN where an entry is missing; got shape {X.shape}")
    if np.any(np.isinf(X)):
        n, d = np.argwhere(np.isinf(X))[0]
        raise ValueError(f"{name} contains inf at index ({n}, {d}); only NaN may mark a missing entry")
    seen = ~np.isnan(X)
    if np.any(X[seen] != X_full[seen]):
        n, d = np.argwhere(seen & (X != X_full))[0]
        raise ValueError(f"{name} must be X_full with some entries replaced by NaN; its entry ({n}, {d}) = {X[n, d]:g} "
                         f"differs from X_full[{n}, {d}] = {X_full[n, d]:g}")
    return X


def _corr(cov, i, j):
    return cov[i, j] / np.sqrt(cov[i, i] * cov[j, j])


class MissingDataExplorer(Explorer):
    """A slider over the missing fraction: ellipses of full data, mean imputation and EM; their estimates.

    Left: the complete data (grey), the points that mean imputation invents
    (a coordinate shown replaced by its column mean, vermillion), and the
    2-sigma ellipses of the three estimates in the dimensions ``dims``.
    Right: the estimated variance of dimension ``dims[0]`` and the correlation
    of ``dims`` against the missing fraction, with the current one marked.

    Parameters
    ----------
    X_full : array of shape (N, D), the data before any entry was removed
    fractions : sequence of length F, the share of entries missing in each data set
    datasets : list of F arrays of shape (N, D), the data with NaN where missing
    full : (mean, cov), the estimate from X_full
    imputed, em : lists of F (mean, cov), the mean-imputation and EM estimates
    dims : the two dimensions drawn
    labels : names of the two axes
    index : the fraction shown first (and in the static picture)

    Of more than ``max_points`` points a random subset is drawn (the title says so).
    """

    def __init__(self, X_full, fractions, datasets, full, imputed, em, dims=(0, 1), labels=("$x_1$", "$x_2$"), index=None):
        self.X_full = _data_2d(X_full, "X_full", D=None)
        N, D = self.X_full.shape
        self.fractions = as_numeric_array(fractions, "fractions", "the share of entries missing in each data set, from 0 to 1")
        if self.fractions.ndim != 1 or self.fractions.size == 0:
            raise ValueError(f"fractions must be a non-empty 1-D array, one share per data set; got shape {self.fractions.shape}")
        if np.any((self.fractions < 0) | (self.fractions > 1)):
            i = int(np.argmax((self.fractions < 0) | (self.fractions > 1)))
            raise ValueError(f"fractions must lie between 0 and 1 (a share of the entries); got fractions[{i}] = {float(self.fractions[i])!r}")
        F = self.fractions.size
        for name, value in (("datasets", datasets), ("imputed", imputed), ("em", em)):
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"{name} must be a list with one entry per fraction; got {describe(value)}")
        if not len(datasets) == len(imputed) == len(em) == F:
            raise ValueError(f"fractions, datasets, imputed and em must have one entry per fraction, "
                             f"got {F}, {len(datasets)}, {len(imputed)}, {len(em)}")
        if D < 2:
            raise ValueError(f"X_full must have at least two dimensions to draw in a plane; got shape {self.X_full.shape}")
        dims = _dims(dims, D)
        self.datasets = [_with_missing(Xk, f"datasets[{k}]", self.X_full) for k, Xk in enumerate(datasets)]
        self.full = _check_gaussian_params(_pair(full, "full"), D, "full")
        self.imputed = [_check_gaussian_params(_pair(p, f"imputed[{k}]"), D, f"imputed[{k}]") for k, p in enumerate(imputed)]
        self.em = [_check_gaussian_params(_pair(p, f"em[{k}]"), D, f"em[{k}]") for k, p in enumerate(em)]
        self.dims = dims
        labels = _labels(labels)
        if index is not None:
            index = check_integer(index, "index", 0, F - 1, what=f" (the fraction shown first, of {F})")
        full, imputed, em = self.full, self.imputed, self.em
        drawn = self._drawn(N)
        self._rows = slice(None) if drawn is None else drawn
        self._note = _subset_note(N, drawn)
        self.slider = widgets.IntSlider(value=F // 2 if index is None else index, min=0, max=F - 1, description="fraction",
                                        readout=False, continuous_update=True, layout=widgets.Layout(width="360px"))
        self.controls = [self.slider]
        i, j = dims
        self.fig, (ax, ax2) = P.new_figure(10, 4.2, ncols=2)
        P.draw_points(ax, self.X_full[self._rows], dims=dims, size=8, alpha=0.5)
        self.invented = ax.scatter([], [], s=12, color=P.COLORS[1], marker="x", linewidths=1.0, label="mean-imputed points")
        full_patches = P.draw_ellipses(ax, _as_gmm(full), n_stds=(2.0,), colors=[P.BLACK], dims=dims, ls="--")
        self.imp_patches = P.draw_ellipses(ax, _as_gmm(imputed[0]), n_stds=(2.0,), colors=[P.COLORS[1]], dims=dims)
        self.em_patches = P.draw_ellipses(ax, _as_gmm(em[0]), n_stds=(2.0,), colors=[P.COLORS[0]], dims=dims)
        handles = [self.imp_patches[0][0], self.em_patches[0][0]]
        ax.legend([full_patches[0][0], *handles, self.invented], ["full data (2σ)", "mean imputation", "EM", "imputed points"],
                  loc="upper left", fontsize=8)
        _set_limits(ax, self.X_full[:, list(dims)], margin=0.25)
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        self.title = ax.set_title("", fontsize=10)

        pct = 100 * self.fractions
        var = lambda ests: [c[i, i] for _, c in ests]  # noqa: E731
        corr = lambda ests: [_corr(c, i, j) for _, c in ests]  # noqa: E731
        ax2.axhline(full[1][i, i], color=P.BLACK, ls="--", lw=1)
        ax2.axhline(_corr(full[1], i, j), color=P.BLACK, ls="--", lw=1)
        ax2.plot(pct, var(imputed), "-o", color=P.COLORS[1], ms=4, label="variance, mean imputation")
        ax2.plot(pct, var(em), "-o", color=P.COLORS[0], ms=4, label="variance, EM")
        ax2.plot(pct, corr(imputed), "-s", color=P.COLORS[1], ms=4, mfc="white", label="correlation, mean imputation")
        ax2.plot(pct, corr(em), "-s", color=P.COLORS[0], ms=4, mfc="white", label="correlation, EM")
        ax2.set_xlabel("entries missing (%)")
        ax2.set_ylabel("estimate (dashed: full data)")
        ax2.set_title(f"variance of {labels[0]} and correlation of {labels[0]}, {labels[1]}", fontsize=10)
        ax2.legend(fontsize=7, loc="lower left")
        ax2.grid(alpha=0.3)
        self.vline = ax2.axvline(pct[0], color=P.GREY, lw=6, alpha=0.35)
        self.animated = [self.invented, *self.imp_patches[0], *self.em_patches[0], self.vline, self.title]
        self._finish()

    def _tour_label(self, k):
        return f"{100 * self.fractions[k]:.0f}% of the entries missing"

    def _draw(self):
        k = self.slider.value
        i, j = self.dims
        X = self.datasets[k][self._rows]
        hit = np.isnan(X[:, i]) | np.isnan(X[:, j])
        filled = np.where(np.isnan(X), self.imputed[k][0], X)
        self.invented.set_offsets(filled[hit][:, [i, j]])
        P.update_ellipses(self.imp_patches, _as_gmm(self.imputed[k]), n_stds=(2.0,), dims=self.dims)
        P.update_ellipses(self.em_patches, _as_gmm(self.em[k]), n_stds=(2.0,), dims=self.dims)
        pct = 100 * self.fractions[k]
        self.vline.set_xdata([pct, pct])
        self.title.set_text(f"{pct:.0f}% of the entries missing" + (f"\n({self._note})" if self._note else ""))
