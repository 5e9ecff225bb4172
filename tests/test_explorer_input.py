"""Explorers answer bad input with a sentence, never a traceback from numpy or traitlets (issue 23).

For every explorer class a table of hostile inputs a student could pass (wrong
shapes, empty data, mismatched N, K or D, lists, text, numbers, True/False,
NaN and inf, N = 0 and 1, None where a result belongs, controls off their
slider).  Each must raise exactly ValueError or TypeError, from emlib's own
checks (the innermost frame is in emlib, with no numpy error chained to it),
before any widget is made, with a message that names the argument as it was
passed and what came.  Legal but degenerate input (one point, equal points,
K above the number of points, a result with 0 iterations) renders a frame.
Of more points than ``Explorer.max_points`` a stated random subset is drawn.
"""
import re
import traceback

import matplotlib
import numpy as np
import pytest

pytest.importorskip("ipywidgets")
matplotlib.use("Agg")

import emlib  # noqa: E402
from emlib import GMMParams  # noqa: E402
from emlib import plotting as P  # noqa: E402
from emlib import variational as V  # noqa: E402
from emlib import widgets as W  # noqa: E402
from emlib.missing import GaussianParams  # noqa: E402
from emlib.widgets import MissingDataExplorer  # noqa: E402
from emlib.widgets import VBAnimator  # noqa: E402
from ipywidgets.widgets.widget import _instances  # noqa: E402

NAN, INF = float("nan"), float("inf")


@pytest.fixture(autouse=True)
def no_open_explorers(monkeypatch):
    monkeypatch.setattr(W.Explorer, "dpi", 24)  # small frames: these tests look at what is drawn, not at the pixels
    W.close_all()
    yield
    W.close_all()


# ---------------------------------------------------------------- data every case shares (small: the file runs in seconds)
RNG = np.random.default_rng(23)
X = emlib.sample(GMMParams(np.array([0.5, 0.5]), np.array([[-2.0, 0.0], [2.0, 0.5]]), np.array([np.eye(2), 0.5 * np.eye(2)])),
                 40, RNG)[0]
X3 = np.column_stack([X, X[:, 0] + RNG.normal(size=40)])
START2 = GMMParams(np.full(2, 0.5), np.array([[-1.0, 0.0], [1.0, 0.0]]), np.array([np.eye(2)] * 2))
START3 = GMMParams(np.full(3, 1 / 3), np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), np.array([np.eye(2)] * 3))
FIT = emlib.em(X, START2, max_iter=5, tol=0)  # 5 iterations: 6 entries in history
FIT3 = emlib.em(X, START3, max_iter=3, tol=0, reg_covar=1e-6)
SEVEN = GMMParams(np.full(7, 1 / 7), RNG.normal(size=(7, 2)), np.array([np.eye(2)] * 7))
FIT7 = emlib.EMResult(SEVEN, emlib.e_step(X, SEVEN), np.array([-100.0]), [SEVEN], 0, False)
Q0 = RNG.dirichlet(np.ones(2), size=40)
MIX = GMMParams(np.array([0.3, 0.7]), np.array([[-1.0], [1.5]]), np.array([[[0.25]], [[0.64]]]))
HEIGHTS = RNG.normal(170.0, 8.0, size=30)

B = (RNG.random((30, 16)) < 0.5).astype(float)
BFIT = emlib.bernoulli_em(B, emlib.bernoulli_init(B, 2, RNG), max_iter=3)

VB = V.vb_gmm(X, V.vb_prior(X, alpha0=1e-3), RNG.dirichlet(np.ones(3), size=40), max_iter=3, tol=0)

FRACTIONS = [0.0, 0.2]
DATASETS = [X3.copy(), np.where(RNG.random(X3.shape) < 0.2, NAN, X3)]
DATASETS[1][:, 0] = X3[:, 0]  # the first column always observed: no empty row
FULL = GaussianParams(*emlib.gaussian_mle(X3))
IMPUTED = [GaussianParams(*emlib.gaussian_mle(np.where(np.isnan(D), np.nanmean(D, axis=0), D))) for D in DATASETS]
EM_FITS = [emlib.missing_em(D, max_iter=3, tol=0).params for D in DATASETS]


def missing(**changes):
    args = dict(X_full=X3, fractions=FRACTIONS, datasets=DATASETS, full=FULL, imputed=IMPUTED, em=EM_FITS)
    args.update(changes)
    return MissingDataExplorer(**args)


# ---------------------------------------------------------------- the tables: (explorer call, exception, message)
# Every message pattern starts with the argument as the student passed it.
CASES = {
    "LikelihoodExplorer": [
        ("2-D data", lambda: W.LikelihoodExplorer(np.ones((5, 2))), ValueError,
         r"^x must be 1-D data, one value per point; got shape \(5, 2\)\. LikelihoodExplorer shows one dimension: pass one column, e\.g\. x\[:, 0\]"),
        ("N = 0", lambda: W.LikelihoodExplorer([]), ValueError, r"^x has no points \(shape \(0,\)\)"),
        ("N = 1", lambda: W.LikelihoodExplorer([1.0]), ValueError, r"^x needs at least two different values; got one point\."),
        ("all equal", lambda: W.LikelihoodExplorer([2.0] * 5), ValueError, r"^x needs at least two different values; got 5 equal values \(2\)"),
        ("text", lambda: W.LikelihoodExplorer("170 172 168"), TypeError, r"^x must be 1-D data, one value per point; got the text '170 172 168'"),
        ("bools", lambda: W.LikelihoodExplorer(HEIGHTS > 170), TypeError, r"^x must be 1-D data.*; got True/False values"),
        ("NaN", lambda: W.LikelihoodExplorer([1.0, NAN, 2.0]), ValueError, r"^x contains NaN or inf \(first at index \(1,\): nan\)"),
        ("inf", lambda: W.LikelihoodExplorer([1.0, 2.0, -INF]), ValueError, r"^x contains NaN or inf \(first at index \(2,\): -inf\)"),
        ("None", lambda: W.LikelihoodExplorer(None), TypeError, r"^x must be 1-D data, one value per point; got None"),
        ("an int", lambda: W.LikelihoodExplorer(5), ValueError, r"^x must be 1-D data, one value per point; got the single number 5\.0"),
        ("mu off the slider", lambda: W.LikelihoodExplorer(HEIGHTS, mu=500), ValueError, r"^mu must lie on its slider, from \d.* got 500\.0"),
        ("sigma < 0", lambda: W.LikelihoodExplorer(HEIGHTS, sigma=-1.0), ValueError, r"^sigma must lie on its slider, .* got -1\.0"),
        ("sigma text", lambda: W.LikelihoodExplorer(HEIGHTS, sigma="wide"), TypeError, r"^sigma must be a number; got the text 'wide'"),
        ("unit a number", lambda: W.LikelihoodExplorer(HEIGHTS, unit=5), TypeError, r"^unit must be text, e\.g\. 'cm'; got the number 5"),
    ],
    "MixtureExplorer": [
        ("params None", lambda: W.MixtureExplorer(None), TypeError, r"^params must be a GMMParams \(weights, means, covs\); got None"),
        ("K = 3", lambda: W.MixtureExplorer(GMMParams(np.full(3, 1 / 3), np.zeros((3, 1)), np.ones((3, 1, 1)))), ValueError,
         r"^params must have K = 2 components in D = 1 dimension .*; got K = 3, D = 1"),
        ("D = 2", lambda: W.MixtureExplorer(START2), ValueError, r"^params must have K = 2 components in D = 1 dimension .*; got K = 2, D = 2"),
        ("weights", lambda: W.MixtureExplorer(MIX._replace(weights=np.array([0.3, 0.3]))), ValueError, r"^params\.weights must sum to 1, got sum 0\.6"),
        ("variance < 0", lambda: W.MixtureExplorer(MIX._replace(covs=np.array([[[0.25]], [[-1.0]]]))), ValueError,
         r"^params\.covs\[1\] \(component 1\) is not positive definite"),
        ("means NaN", lambda: W.MixtureExplorer(MIX._replace(means=np.array([[NAN], [1.5]]))), ValueError, r"^params\.means contains NaN or inf"),
        ("x 2-D", lambda: W.MixtureExplorer(MIX, x=X), ValueError, r"^x must be 1-D data, one value per point; got shape \(40, 2\)\. MixtureExplorer shows one dimension"),
        ("x N = 0", lambda: W.MixtureExplorer(MIX, x=np.zeros(0)), ValueError, r"^x has no points"),
        ("x inf", lambda: W.MixtureExplorer(MIX, x=[0.0, INF]), ValueError, r"^x contains NaN or inf \(first at index \(1,\): inf\)"),
        ("x text", lambda: W.MixtureExplorer(MIX, x=["1.0", "2.5"]), TypeError, r"^x must be 1-D data, one value per point; got text"),
        ("xlim reversed", lambda: W.MixtureExplorer(MIX, xlim=(5, -4)), ValueError, r"^xlim must be \(lo, hi\) with lo < hi; got \(5\.0, -4\.0\)"),
        ("mean off the slider", lambda: W.MixtureExplorer(MIX, xlim=(-4, 0)), ValueError, r"^params\.means\[1\] = 1\.5 lies outside xlim = \(-4, 0\)"),
        ("xlim text", lambda: W.MixtureExplorer(MIX, xlim="wide"), TypeError, r"^xlim must be a pair \(lo, hi\) or None; got the text 'wide'"),
        ("unit None", lambda: W.MixtureExplorer(MIX, unit=None), TypeError, r"^unit must be text"),
    ],
    "BoundExplorer": [
        ("q0 of another N", lambda: W.BoundExplorer(X[:10], START2, Q0), ValueError,
         r"^q0 must have one row per point of X and one column per component of params, shape \(N, K\) = \(10, 2\); got shape \(40, 2\)"),
        ("q0 of another K", lambda: W.BoundExplorer(X, START2, np.full((40, 3), 1 / 3)), ValueError, r"^q0 must have one row .* = \(40, 2\); got shape \(40, 3\)"),
        ("q0 rows", lambda: W.BoundExplorer(X, START2, np.full((40, 2), 0.6)), ValueError, r"^rows of q0 must sum to 1, got row 0 summing to 1\.2"),
        ("q0 < 0", lambda: W.BoundExplorer(X, START2, np.tile([1.5, -0.5], (40, 1))), ValueError, r"^q0 must be non-negative, got q0\[0, 1\] = -0\.5"),
        ("q0 None", lambda: W.BoundExplorer(X, START2, None), TypeError, r"^q0 must be an array of shape \(N, K\).*; got None"),
        ("q0 bools", lambda: W.BoundExplorer(X, START2, Q0 > 0.5), TypeError, r"^q0 must be .*; got True/False values"),
        ("X 1-D", lambda: W.BoundExplorer(X[:, 0], START2, Q0), ValueError,
         r"^X must be data of shape \(N, D\), one row per point; got shape \(40,\); for one dimension pass X\[:, None\]"),
        ("X N = 0", lambda: W.BoundExplorer(np.zeros((0, 2)), START2, np.zeros((0, 2))), ValueError, r"^X has no points \(shape \(0, 2\)\)"),
        ("params of another D", lambda: W.BoundExplorer(X3, START2, Q0), ValueError, r"^params\.means must have shape \(K, D\) = \(2, 3\) to match X"),
        ("params an EMResult", lambda: W.BoundExplorer(X, FIT, Q0), TypeError, r"^params must be a GMMParams \(weights, means, covs\); got an EMResult"),
        ("X NaN", lambda: W.BoundExplorer(np.where(np.eye(40, 2) > 0, NAN, X), START2, Q0), ValueError, r"^X contains NaN or inf \(first at index \(0, 0\)"),
        ("X a list of text", lambda: W.BoundExplorer([["a", "b"]], START2, Q0), TypeError, r"^X must be data of shape \(N, D\).*; got text"),
    ],
    "EMAnimator": [
        ("result None", lambda: W.EMAnimator(X, None), TypeError, r"^result must be the result of emlib\.em \(an EMResult.*; got None"),
        ("result.params", lambda: W.EMAnimator(X, FIT.params), TypeError, r"^result must be .*; got a GMMParams; pass the whole result of emlib\.em, not its \.params"),
        ("a VB result", lambda: W.EMAnimator(X, VB), TypeError, r"^result must be .*; got a VBResult; for variational Bayes use emlib\.widgets\.VBAnimator"),
        ("X of another N", lambda: W.EMAnimator(X[:39], FIT), ValueError,
         r"^result was fitted to N = 40 points \(result\.resp has 40 rows\), but X has N = 39"),
        ("X of 3 columns", lambda: W.EMAnimator(X3, FIT), ValueError,
         r"^X must be data of shape \(N, 2\), one row per point; got shape \(40, 3\); the explorer draws points in a plane"),
        ("X N = 0", lambda: W.EMAnimator(np.zeros((0, 2)), FIT), ValueError, r"^X has no points"),
        ("K = 7", lambda: W.EMAnimator(X, FIT7), ValueError, r"^result has K = 7 components; the explorer colours at most 6"),
        ("no history", lambda: W.EMAnimator(X, FIT._replace(history=[])), ValueError, r"^result\.history must be a non-empty list of GMMParams"),
        ("history of another D", lambda: W.EMAnimator(X, FIT._replace(history=[GMMParams(np.ones(1), np.zeros((1, 3)), np.eye(3)[None])] * 6)),
         ValueError, r"^result\.history\[0\]\.means must have shape \(K, D\) = \(1, 2\) to match X, got shape \(1, 3\)"),
        ("too few log-likelihoods", lambda: W.EMAnimator(X, FIT._replace(log_likelihoods=FIT.log_likelihoods[:-1])), ValueError,
         r"^result\.log_likelihoods must hold one number per entry of result\.history \(6\); got shape \(5,\)"),
        ("log-likelihood NaN", lambda: W.EMAnimator(X, FIT._replace(log_likelihoods=np.r_[FIT.log_likelihoods[:-1], NAN])), ValueError,
         r"^result\.log_likelihoods contains NaN or inf \(first at index \(5,\)"),
        ("interval 0", lambda: W.EMAnimator(X, FIT, interval=0), ValueError, r"^interval \(milliseconds between frames of Play\) must be >= 1; got 0"),
        ("interval True", lambda: W.EMAnimator(X, FIT, interval=True), TypeError, r"^interval .* must be a whole number \(an int\); got True"),
        ("labels text", lambda: W.EMAnimator(X, FIT, labels="time"), TypeError, r"^labels must be two axis names, e\.g\. .*; got the text 'time'"),
    ],
    "StartExplorer": [
        ("no runs", lambda: W.StartExplorer(X, []), ValueError, r"^runs is an empty list; pass at least one EMResult"),
        ("one run, not a list", lambda: W.StartExplorer(X, FIT), TypeError, r"^runs must be a list of EMResult, one per start; got one EMResult: wrap it in a list, \[result\]"),
        ("runs None", lambda: W.StartExplorer(X, None), TypeError, r"^runs must be a list of EMResult, one per start; got None"),
        ("a run None", lambda: W.StartExplorer(X, [FIT, None]), TypeError, r"^runs\[1\] must be an EMResult from emlib\.em; got None"),
        ("runs of two K", lambda: W.StartExplorer(X, [FIT, FIT3]), ValueError, r"^every run must have the same K; runs\[0\] has K = 2, runs\[1\] has K = 3"),
        ("X of another N", lambda: W.StartExplorer(X[:30], [FIT]), ValueError, r"^runs\[0\] was fitted to N = 40 points .*but X has N = 30"),
        ("index too large", lambda: W.StartExplorer(X, [FIT, FIT], index=2), ValueError, r"^index \(the run shown first, of 2\) must be between 0 and 1; got 2"),
        ("index -1", lambda: W.StartExplorer(X, [FIT, FIT], index=-1), ValueError, r"^index .* must be between 0 and 1; got -1"),
        ("index a float", lambda: W.StartExplorer(X, [FIT], index=0.0), TypeError, r"^index .* must be a whole number \(an int\); got the number 0\.0"),
        ("description None", lambda: W.StartExplorer(X, [FIT], description=None), TypeError, r"^description must be text, e\.g\. 'start'; got None"),
        ("X inf", lambda: W.StartExplorer(np.where(np.eye(40, 2) > 0, INF, X), [FIT]), ValueError, r"^X contains NaN or inf"),
        ("no log-likelihoods", lambda: W.StartExplorer(X, [FIT._replace(log_likelihoods=np.array([]))]), ValueError,
         r"^runs\[0\]\.log_likelihoods must be a non-empty 1-D array; got shape \(0,\)"),
        ("resp rows", lambda: W.StartExplorer(X, [FIT._replace(resp=np.full((40, 2), 0.7))]), ValueError, r"^rows of runs\[0\]\.resp must sum to 1"),
    ],
    "KExplorer": [
        ("no fits", lambda: W.KExplorer(X, {}, {}), ValueError, r"^fits is an empty dict; pass one fit per K"),
        ("fits a list", lambda: W.KExplorer(X, [FIT.params, FIT3.params], {"BIC": [1.0, 2.0]}), TypeError,
         r"^fits must be a dict K -> GMMParams, .*; got a list of length 2"),
        ("key and K disagree", lambda: W.KExplorer(X, {3: FIT.params}, {"BIC": [1.0]}), ValueError, r"^fits\[3\] must have K = 3 components, as its key says; got 2"),
        ("a K missing", lambda: W.KExplorer(X, {1: GMMParams(np.ones(1), np.zeros((1, 2)), np.eye(2)[None]), 3: FIT3.params}, {"BIC": [1.0, 2.0]}),
         ValueError,
         r"^fits must hold a fit for every K from 1 to 3 \(the slider steps by 1\); missing K = 2"),
        ("key text", lambda: W.KExplorer(X, {"2": FIT.params}, {"BIC": [1.0]}), TypeError, r"^the key '2' of fits \(a number of components K\) must be a whole number"),
        ("K = 7", lambda: W.KExplorer(X, {7: SEVEN}, {"BIC": [1.0]}), ValueError, r"^the key 7 of fits \(a number of components K\) must be between 1 and 6; got 7"),
        ("fit None", lambda: W.KExplorer(X, {2: None}, {"BIC": [1.0]}), TypeError, r"^fits\[2\] must be a GMMParams \(weights, means, covs\); got None"),
        ("no criteria", lambda: W.KExplorer(X, {2: FIT.params}, {}), ValueError, r"^criteria must name 1 to 6 curves to draw against K.*; got 0"),
        ("criteria None", lambda: W.KExplorer(X, {2: FIT.params}, None), TypeError, r"^criteria must be a dict name -> values over K.*; got None"),
        ("criterion too long", lambda: W.KExplorer(X, {2: FIT.params}, {"BIC": [1.0, 2.0, 3.0]}), ValueError,
         r"^criteria\['BIC'\] must hold one number per entry of fits \(1\); got shape \(3,\)"),
        ("criterion NaN", lambda: W.KExplorer(X, {2: FIT.params}, {"BIC": [NAN]}), ValueError, r"^criteria\['BIC'\] contains NaN or inf"),
        ("K off the slider", lambda: W.KExplorer(X, {2: FIT.params, 3: FIT3.params}, {"BIC": [1.0, 2.0]}, K=5), ValueError,
         r"^K \(the K shown first, a key of fits\) must be between 2 and 3; got 5"),
        ("X 3-D array", lambda: W.KExplorer(X[None], {2: FIT.params}, {"BIC": [1.0]}), ValueError, r"^X must be data of shape \(N, 2\), one row per point; got shape \(1, 40, 2\)"),
    ],
    "HardeningExplorer": [
        ("no eps", lambda: W.HardeningExplorer(X, START2.means, []), ValueError, r"^eps_values must be a non-empty 1-D array of ε values.*; got shape \(0,\)"),
        ("eps < 0", lambda: W.HardeningExplorer(X, START2.means, [-1.0, 0.5]), ValueError, r"^eps_values must be positive \(ε is a variance\); got -1\.0 \(eps_values\[0\]\)"),
        ("eps decreasing", lambda: W.HardeningExplorer(X, START2.means, [1.0, 0.5]), ValueError,
         r"^eps_values must increase from left to right, as on the slider; got eps_values\[1\] = 0\.5 after eps_values\[0\] = 1\.0"),
        ("eps NaN", lambda: W.HardeningExplorer(X, START2.means, [0.1, NAN]), ValueError, r"^eps_values contains NaN or inf"),
        ("eps off the slider", lambda: W.HardeningExplorer(X, START2.means, [0.1, 1.0], eps=0.3), ValueError,
         r"^eps must be one of eps_values, the slider's positions; got 0\.3 \(the nearest is 0\.1\)"),
        ("eps text", lambda: W.HardeningExplorer(X, START2.means, [0.1, 1.0], eps="small"), TypeError, r"^eps must be a number; got the text 'small'"),
        ("means of 3-D", lambda: W.HardeningExplorer(X, np.zeros((2, 3)), [0.1]), ValueError, r"^means must have shape \(K, 2\), one row per component mean; got shape \(2, 3\)"),
        ("K = 1", lambda: W.HardeningExplorer(X, np.zeros((1, 2)), [0.1]), ValueError, r"^means must hold at least two components .*; got shape \(1, 2\)\. With one component"),
        ("K = 7", lambda: W.HardeningExplorer(X, SEVEN.means, [0.1]), ValueError, r"^means has K = 7 components; the explorer colours at most 6"),
        ("means None", lambda: W.HardeningExplorer(X, None, [0.1]), TypeError, r"^means must be component means, an array of shape \(K, 2\); got None"),
        ("eps underflows", lambda: W.HardeningExplorer(X * 1e3, START2.means, [1e-320, 1.0]), ValueError,
         r"^eps_values\[0\] = 1e-320 is too small for these data: at point \d+ of X every component's density underflows to 0"),
        ("X bools", lambda: W.HardeningExplorer(X > 0, START2.means, [0.1]), TypeError, r"^X must be data of shape \(N, 2\).*; got True/False values"),
        ("eps 2-D", lambda: W.HardeningExplorer(X, START2.means, [[0.1, 1.0]]), ValueError, r"^eps_values must be a non-empty 1-D array .*; got shape \(1, 2\)"),
    ],
    "BernoulliAnimator": [
        ("result None", lambda: W.BernoulliAnimator(None, (4, 4)), TypeError, r"^result must be the result of emlib\.bernoulli_em .*; got None"),
        ("result.params", lambda: W.BernoulliAnimator(BFIT.params, (4, 4)), TypeError, r"^result must be .*; got a BernoulliParams; pass the whole result, not its \.params"),
        ("a Gaussian fit", lambda: W.BernoulliAnimator(FIT, (4, 4)), TypeError,
         r"^result\.history\[0\] must be BernoulliParams \(weights, means\); got a GMMParams; for a Gaussian mixture use EMAnimator"),
        ("shape of another D", lambda: W.BernoulliAnimator(BFIT, (3, 3)), ValueError, r"^shape = \(3, 3\) holds 9 pixels, but each component mean has D = 16 values"),
        ("shape text", lambda: W.BernoulliAnimator(BFIT, "4x4"), TypeError, r"^shape must be \(height, width\) of one image, e\.g\. \(8, 8\); got the text '4x4'"),
        ("shape floats", lambda: W.BernoulliAnimator(BFIT, (4.0, 4)), TypeError, r"^shape\[0\] \(the image height\) must be a whole number \(an int\); got the number 4\.0"),
        ("shape 0", lambda: W.BernoulliAnimator(BFIT, (0, 16)), ValueError, r"^shape\[0\] \(the image height\) must be >= 1; got 0"),
        ("means > 1", lambda: W.BernoulliAnimator(BFIT._replace(history=[BFIT.history[0]._replace(means=2 * BFIT.history[0].means)] * 4), (4, 4)),
         ValueError, r"^result\.history\[0\]\.means must lie between 0 and 1"),
        ("weights", lambda: W.BernoulliAnimator(BFIT._replace(history=[BFIT.history[0]._replace(weights=np.array([0.5, 0.6]))] * 4), (4, 4)),
         ValueError, r"^result\.history\[0\]\.weights must be non-negative and sum to 1; got \[0\.5, 0\.6\]"),
        ("no history", lambda: W.BernoulliAnimator(BFIT._replace(history=[]), (4, 4)), ValueError, r"^result\.history must be a non-empty list"),
        ("log-likelihoods", lambda: W.BernoulliAnimator(BFIT._replace(log_likelihoods=[1.0]), (4, 4)), ValueError,
         r"^result\.log_likelihoods must hold one number per entry of result\.history \(4\); got shape \(1,\)"),
        ("interval < 0", lambda: W.BernoulliAnimator(BFIT, (4, 4), interval=-5), ValueError, r"^interval .* must be >= 1; got -5"),
    ],
    "MissingDataExplorer": [
        ("a data set missing", lambda: missing(datasets=DATASETS[:1]), ValueError,
         r"^fractions, datasets, imputed and em must have one entry per fraction, got 2, 1, 2, 2"),
        ("a data set of another shape", lambda: missing(datasets=[DATASETS[0], DATASETS[1][:, :2]]), ValueError,
         r"^datasets\[1\] must have the shape of X_full, \(40, 3\), with NaN where an entry is missing; got shape \(40, 2\)"),
        ("inf for missing", lambda: missing(datasets=[DATASETS[0], np.where(np.isnan(DATASETS[1]), INF, DATASETS[1])]), ValueError,
         r"^datasets\[1\] contains inf at index \(\d+, \d\); only NaN may mark a missing entry"),
        ("another data set", lambda: missing(datasets=[DATASETS[0], DATASETS[1] + 1.0]), ValueError,
         r"^datasets\[1\] must be X_full with some entries replaced by NaN; its entry \(0, 0\)"),
        ("percent, not share", lambda: missing(fractions=[0, 20]), ValueError, r"^fractions must lie between 0 and 1 \(a share of the entries\); got fractions\[1\] = 20\.0"),
        ("full None", lambda: missing(full=None), TypeError, r"^full must be a GaussianParams \(mean, cov\).*; got None"),
        ("cov not positive definite", lambda: missing(imputed=[IMPUTED[0]._replace(cov=-IMPUTED[0].cov), IMPUTED[1]]), ValueError,
         r"^imputed\[0\]\.cov is not positive definite"),
        ("mean of another D", lambda: missing(em=[EM_FITS[0], EM_FITS[1]._replace(mean=np.zeros(2))]), ValueError,
         r"^em\[1\]\.mean must have shape \(D,\) = \(3,\)"),
        ("dims equal", lambda: missing(dims=(0, 0)), ValueError, r"^dims must be two different dimensions; got \(0, 0\)"),
        ("dims too large", lambda: missing(dims=(0, 3)), ValueError, r"^dims\[1\] \(a dimension of X_full, which has D = 3\) must be between 0 and 2; got 3"),
        ("index too large", lambda: missing(index=5), ValueError, r"^index \(the fraction shown first, of 2\) must be between 0 and 1; got 5"),
        ("X_full 1-D", lambda: missing(X_full=X3[:, 0]), ValueError, r"^X_full must be data of shape \(N, D\), one row per point; got shape \(40,\)"),
        ("X_full NaN", lambda: missing(X_full=DATASETS[1]), ValueError, r"^X_full contains NaN or inf"),
        ("datasets None", lambda: missing(datasets=None), TypeError, r"^datasets must be a list with one entry per fraction; got None"),
    ],
    "VBAnimator": [
        ("result None", lambda: VBAnimator(X, None), TypeError, r"^result must be the result of emlib\.variational\.vb_gmm .*; got None"),
        ("an EM result", lambda: VBAnimator(X, FIT), TypeError, r"^result must be .*; got an EMResult; for EM use emlib\.widgets\.EMAnimator"),
        ("X of another N", lambda: VBAnimator(X[:20], VB), ValueError, r"^result was fitted to N = 40 points \(result\.resp has 40 rows\), but X has N = 20"),
        ("X of 3 columns", lambda: VBAnimator(X3, VB), ValueError, r"^X must be data of shape \(N, 2\).*got shape \(40, 3\)"),
        ("min_weight > 1", lambda: VBAnimator(X, VB, min_weight=2), ValueError,
         r"^min_weight \(the smallest E\[π_k\] drawn with an ellipse\) must be between 0 and 1; got 2\.0"),
        ("min_weight text", lambda: VBAnimator(X, VB, min_weight="0.1"), TypeError, r"^min_weight .* must be a number; got the text '0\.1'"),
        ("no history", lambda: VBAnimator(X, VB._replace(history=[])), ValueError, r"^result\.history must be a non-empty list of VBPosterior"),
        ("too many ELBOs", lambda: VBAnimator(X, VB._replace(elbos=np.r_[VB.elbos, 0.0])), ValueError,
         r"^result\.elbos must hold one number per entry of result\.history \(4\); got shape \(5,\)"),
        ("beta < 0", lambda: VBAnimator(X, VB._replace(history=[VB.history[0]._replace(beta=-VB.history[0].beta)] * 4)), ValueError,
         r"^result\.history\[0\]\.beta must be > 0"),
        ("a posterior None", lambda: VBAnimator(X, VB._replace(history=[None] * 4)), TypeError, r"^result\.history\[0\] must be a VBPosterior .*; got None"),
        ("interval 0", lambda: VBAnimator(X, VB, interval=0), ValueError, r"^interval .* must be >= 1; got 0"),
        ("X N = 0", lambda: VBAnimator(np.zeros((0, 2)), VB), ValueError, r"^X has no points"),
        ("X NaN", lambda: VBAnimator(np.full((40, 2), NAN), VB), ValueError, r"^X contains NaN or inf \(first at index \(0, 0\): nan\)"),
    ],
}

TABLE = [pytest.param(make, kind, pattern, id=f"{cls}: {name}") for cls, rows in CASES.items() for name, make, kind, pattern in rows]


def test_every_explorer_class_has_at_least_eight_hostile_cases():
    classes = {"LikelihoodExplorer", "MixtureExplorer", "BoundExplorer", "EMAnimator", "StartExplorer", "KExplorer",
               "HardeningExplorer", "BernoulliAnimator", "MissingDataExplorer", "VBAnimator"}
    assert set(W.__all__) - {"close_all"} <= classes and set(CASES) == classes
    assert all(len(rows) >= 8 for rows in CASES.values()), {cls: len(rows) for cls, rows in CASES.items()}


@pytest.mark.parametrize("make, kind, pattern", TABLE)
def test_bad_input_gets_a_sentence(make, kind, pattern):
    before = len(_instances)
    with pytest.raises(Exception) as info:
        make()
    err = info.value
    assert type(err) is kind, f"{type(err).__name__}: {err}"  # exactly ValueError or TypeError: not LinAlgError, TraitError, ...
    message = str(err)
    assert re.search(pattern, message), message
    where = traceback.extract_tb(err.__traceback__)[-1].filename.replace("\\", "/")
    assert "/emlib/" in where, f"raised in {where}, not by emlib's checks"
    assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__), "a numpy error is chained to it"
    assert not re.search(r"TraitError|IndexError|AttributeError|broadcast|inhomogeneous|the variance cov", message), message
    assert len(_instances) == before  # refused before any widget was made


# ---------------------------------------------------------------- legal but degenerate input renders a frame
def renders(ex):
    png = bytes(ex.image.value)
    assert png.startswith(b"\x89PNG") and ex.renders >= 1
    return png


def test_likelihood_explorer_two_integer_points():
    ex = W.LikelihoodExplorer([1, 3], unit="cm")  # ints, N = 2: the smallest data with a maximum
    renders(ex)
    assert (ex.mu_ml, ex.sigma_ml) == (2.0, 1.0)


def test_mixture_explorer_extreme_weights_and_widths_are_not_clamped():
    """A weight of 0.99 and widths 100 times apart are legal: the sliders reach them instead of silently clamping."""
    params = GMMParams(np.array([0.99, 0.01]), np.array([[0.0], [1.0]]), np.array([[[1e-4]], [[1.0]]]))
    ex = W.MixtureExplorer(params, x=[0.5])  # one point
    renders(ex)
    assert ex.pi1.value == 0.99 and [s.value for s in ex.sd] == [0.01, 1.0]
    assert ex.title.get_text().startswith("ln p(x | θ) = ")
    renders(W.MixtureExplorer(MIX))  # no data


def test_bound_explorer_one_point_refuses_a_collapsing_m_step_in_its_caption():
    ex = W.BoundExplorer(X[:1], START2, [[0.5, 0.5]])
    first = renders(ex)
    ex.m_step()  # both components would sit on the one point with covariance 0
    assert "M-step not taken" in ex.caption.value and "singular" in ex.caption.value and "reg_covar" not in ex.caption.value
    assert ex.steps == 0 and bytes(ex.image.value) == first
    ex.e_step()
    assert ex.caption.value == "" and ex.steps == 1


def test_bound_explorer_terms_follow_its_steps():
    """ln p and the posterior are kept per θ: after every step they equal what the core computes afresh."""
    ex = W.BoundExplorer(X, START2, Q0)
    for step in (ex.e_step, ex.m_step, ex.m_step, ex._reset, ex.m_step):
        step()
        ex.t.value = 0.5
        q = 0.5 * ex.q0 + 0.5 * emlib.e_step(X, ex.theta)
        expected = (emlib.mixture_log_likelihood(X, ex.theta), emlib.lower_bound(X, ex.theta, q), emlib.kl_divergence(X, ex.theta, q))
        assert np.allclose(ex.terms(), expected, rtol=1e-12, atol=1e-9)


def test_animators_show_a_result_with_zero_iterations():
    ex = W.EMAnimator(X, emlib.em(X, START2, max_iter=0))
    renders(ex)
    assert ex.n_frames == 1 and ex.slider.max == 0
    renders(W.BernoulliAnimator(emlib.bernoulli_em(B, BFIT.history[0], max_iter=0), (4, 4)))
    renders(VBAnimator(X, V.vb_gmm(X, V.vb_prior(X, alpha0=1e-3), VB.resp, max_iter=0)))


def test_equal_points_and_one_point_get_a_window_around_them():
    """All points equal: EM (with reg_covar) still runs; the axes get a window of width > 0 around the points."""
    same = np.tile([3.0, -1.0], (5, 1))
    init = GMMParams(np.ones(1), np.array([[3.0, -1.0]]), np.eye(2)[None])
    fit = emlib.em(same, init, max_iter=2, tol=0, reg_covar=1e-3)
    ex = W.EMAnimator(same, fit)
    renders(ex)
    (x0, x1), (y0, y1) = ex.fig.axes[0].get_xlim(), ex.fig.axes[0].get_ylim()
    assert x0 < 3.0 < x1 and y0 < -1.0 < y1
    one = W.StartExplorer(same[:1], [emlib.em(same[:1], init, max_iter=1, tol=0, reg_covar=1e-3)])
    renders(one)
    assert one.label.get_text() == f"ln p = {one.final[0]:.2f}, 1 iteration"


def test_more_components_than_points_and_single_choices_render():
    renders(W.HardeningExplorer(X[:2], np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), [0.5]))  # K = 3 > N = 2, one ε
    renders(W.KExplorer(X, {2: FIT.params}, {"BIC": [emlib.bic(X, FIT.params)]}))  # one K
    renders(missing(fractions=[0.0], datasets=DATASETS[:1], imputed=IMPUTED[:1], em=EM_FITS[:1]))  # one fraction, nothing missing


# ---------------------------------------------------------------- many points: a stated random subset is drawn
@pytest.fixture
def few_drawn(monkeypatch):
    monkeypatch.setattr(W.Explorer, "max_points", 25)  # X has 40 points
    return 25


def drawn_rows(ex, points, data):
    """The rows of ``data`` that the scatter ``points`` shows."""
    offsets = points.get_offsets()
    rows = [int(np.flatnonzero(np.all(data == p, axis=1))[0]) for p in offsets]
    assert len(set(rows)) == len(rows) == offsets.shape[0]
    return rows


def titles(ex):
    return " ".join(t.get_text() for ax in ex.fig.axes for t in [ax.title, *ax.texts])


def test_many_points_are_subsampled_and_the_picture_says_so(few_drawn):
    note = "a random 25 of the 40 points drawn"
    anim = W.EMAnimator(X, FIT)
    rows = drawn_rows(anim, anim.picture.points, X)
    assert len(rows) == 25 and rows == sorted(rows) and rows != list(range(25)) and note in titles(anim)  # random, in order
    lo, hi = X.min(axis=0), X.max(axis=0)  # the axes show all 40 points, not only the drawn ones
    assert np.allclose(anim.fig.axes[0].get_xlim(), (lo[0] - 0.08 * (hi[0] - lo[0]), hi[0] + 0.08 * (hi[0] - lo[0])))
    anim.slider.value = 1  # the first E-step: the drawn points coloured by their own responsibilities
    assert np.allclose(anim.picture.points.get_facecolor(), P.resp_colors(emlib.e_step(X[rows], FIT.history[0])))

    kex = W.KExplorer(X, {2: FIT.params, 3: FIT3.params}, {"BIC": [1.0, 2.0]}, K=3)
    rows = drawn_rows(kex, kex.points, X)
    assert note in titles(kex) and np.allclose(kex.points.get_facecolor(), P.resp_colors(emlib.e_step(X[rows], FIT3.params)))

    start = W.StartExplorer(X, [FIT, FIT])
    rows = drawn_rows(start, start.points, X)
    assert note in titles(start) and np.allclose(start.points.get_facecolor(), P.resp_colors(FIT.resp[rows]))

    hard = W.HardeningExplorer(X, START2.means, [0.1, 1.0])
    drawn_rows(hard, hard.points, X)
    assert note in titles(hard) and sum(bar.get_height() for bar in hard.bars) == 40  # the histogram counts every point

    vb = VBAnimator(X, VB)
    drawn_rows(vb, vb.points, X)
    assert note in titles(vb)

    mde = missing(index=1)
    assert note in titles(mde)
    rows = drawn_rows(mde, mde.fig.axes[0].collections[0], X3[:, :2])  # the grey points of the complete data
    D1 = DATASETS[1][rows]
    filled = np.where(np.isnan(D1), IMPUTED[1].mean, D1)
    hit = np.isnan(D1[:, 0]) | np.isnan(D1[:, 1])
    assert 0 < hit.sum() < 25 and np.array_equal(mde.invented.get_offsets(), filled[hit][:, :2])


def test_up_to_max_points_every_point_is_drawn():
    ex = W.EMAnimator(X, FIT)
    assert len(ex.picture.points.get_offsets()) == 40 and "points drawn" not in titles(ex)


def test_the_subset_is_the_same_on_every_run(few_drawn):
    first = W.Explorer()._drawn(10**6)
    assert first.size == 25 and np.array_equal(first, W.Explorer()._drawn(10**6)) and np.all(np.diff(first) > 0)
    assert W.Explorer()._drawn(25) is None
