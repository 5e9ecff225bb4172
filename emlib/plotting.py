"""Drawing primitives shared by the notebooks, the widgets and the figures script.

Every picture of the collection is built from these functions, so a slide never
disagrees with a notebook.  Each ``draw_*`` function adds artists to an axes and
returns them; each ``update_*`` function changes those artists in place (the
widgets redraw by updating, never by building a new figure).

Colours: the component colours keep the hues of the Okabe-Ito palette, with lightness
and chroma moved so that every pair stays apart (CIEDE2000 >= 20) for normal vision and
under simulated deuteranopia and protanopia; points without responsibilities are dark
grey, far from any blend of components (tests/test_colour_vision.py measures both).
Figures have a white face colour so that they read on dark themes.
"""
import io

import matplotlib

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator
from PIL import Image

from .bound import kl_divergence, lower_bound
from .em import e_step, m_step
from .gaussian import gaussian_logpdf, gaussian_mle
from .mixture import GMMParams, log_joint, mixture_log_likelihood

#: The hues of Okabe & Ito (2008), "Color Universal Design" (#0072B2, #D55E00, #009E73, #CC79A7, #E69F00,
#: #56B4E9): blue, vermillion, bluish green, reddish purple, orange, sky blue. Okabe-Ito's own values
#: put some pairs only 12 ΔE00 apart for a dichromat (blue and reddish purple under protanopia, vermillion
#: and orange under deuteranopia), and their 50/50 blends, mixed as in PRML Fig. 9.5c, near the mid grey
#: of unlabelled points (4.4); these values, the nearest found to Okabe-Ito's with every pair >= 20 ΔE00
#: apart under all three visions, move lightness and chroma and keep each CIELAB hue angle within 9 degrees.
COLORS = ["#0082dd", "#cb5a00", "#50aa84", "#945378", "#ffb82c", "#7ecdf7"]
#: points without labels or responsibilities (PRML Fig. 9.5b): dark, so that no 50/50 blend of two
#: components, the most uncertain point of Fig. 9.5c, looks like it (>= 20 ΔE00 under all three visions)
UNLABELLED = "#262626"
GREY = "#7f7f7f"  # secondary marks: reference lines, the sum p(x) under its components, inset frames
BLACK = "#000000"
POINT_SIZE = 14


def component_rgb(K):
    """RGB rows (K, 3) of the component colours."""
    if K > len(COLORS):
        raise ValueError(f"at most {len(COLORS)} components can be coloured, got K = {K}")
    return np.array([matplotlib.colors.to_rgb(c) for c in COLORS[:K]])


def new_figure(width=6.0, height=4.0, ncols=1, nrows=1, **kwargs):
    """A white figure that is not managed by pyplot (no leaks, no global state).

    Returns (fig, axes); axes is a single Axes when nrows = ncols = 1.
    """
    fig = Figure(figsize=(width, height), facecolor="white", layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def png_bytes(fig, dpi=80):
    """Render ``fig`` once and return the PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return buf.getvalue()


def encode_png(rgba, compress_level=1):
    """PNG bytes of an RGBA buffer (height, width, 4) from a canvas, fast compression for live frames."""
    arr = np.asarray(rgba)
    height, width = arr.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), arr, "raw", "RGBA", 0, 1).convert("RGB")  # no numpy copy
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


# ---------------------------------------------------------------- ellipses
def ellipse_geometry(cov, n_std):
    """Width, height and angle (degrees) of the n_std contour of a 2-D Gaussian.

    The semi-axes are n_std * sqrt(eigenvalue) along the eigenvectors of cov
    (the square root: the eigenvalues are variances, the radii are lengths).

    Parameters
    ----------
    cov : array of shape (2, 2)
    n_std : float

    Returns
    -------
    (width, height, angle) : full axis lengths 2 n_std sqrt(lambda) and the angle of the first axis
    """
    eigvals, eigvecs = np.linalg.eigh(cov)
    width, height = 2.0 * n_std * np.sqrt(eigvals[::-1])
    angle = np.degrees(np.arctan2(eigvecs[1, -1], eigvecs[0, -1]))
    return width, height, angle


def draw_ellipses(ax, params, n_stds=(1.0, 2.0), colors=None, dims=(0, 1), **kwargs):
    """Covariance ellipses of every component at n_stds standard deviations.

    Returns a list (one entry per component) of lists of Ellipse patches.
    """
    K = len(params.weights)
    colors = colors or COLORS[:K]
    patches = []
    for k in range(K):
        row = []
        for n_std, alpha in zip(n_stds, np.linspace(1.0, 0.5, len(n_stds))):
            e = Ellipse((0, 0), 1, 1, fill=False, lw=2.0, color=colors[k], alpha=alpha, **kwargs)
            ax.add_patch(e)
            row.append(e)
        patches.append(row)
    update_ellipses(patches, params, n_stds, dims)
    return patches


def update_ellipses(patches, params, n_stds=(1.0, 2.0), dims=(0, 1)):
    """Move the patches of :func:`draw_ellipses` to new parameters, in place."""
    i, j = dims
    for k, row in enumerate(patches):
        cov = params.covs[k][np.ix_(dims, dims)]
        for e, n_std in zip(row, n_stds):
            w, h, a = ellipse_geometry(cov, n_std)
            e.set_center((params.means[k][i], params.means[k][j]))
            e.width, e.height, e.angle = w, h, a


# ---------------------------------------------------------------- points
def resp_colors(resp):
    """RGBA colours (N, 4) that mix the component colours by the responsibilities (PRML Fig. 9.5c)."""
    resp = np.asarray(resp, dtype=float)
    rgba = np.ones((resp.shape[0], 4))
    rgba[:, :3] = np.clip(resp @ component_rgb(resp.shape[1]), 0.0, 1.0)
    return rgba


def draw_points(ax, X, resp=None, dims=(0, 1), size=POINT_SIZE, **kwargs):
    """Scatter the points, coloured by their responsibilities (or dark grey, UNLABELLED, when resp is None)."""
    colors = UNLABELLED if resp is None else resp_colors(resp)
    return ax.scatter(X[:, dims[0]], X[:, dims[1]], s=size, c=colors, edgecolors="none", **kwargs)


def update_points(points, resp=None):
    """Recolour the scatter of :func:`draw_points` in place."""
    if resp is None:
        points.set_facecolor(UNLABELLED)
    else:
        points.set_facecolor(resp_colors(resp))


def draw_gmm_2d(ax, X, params=None, resp=None, n_stds=(1.0, 2.0), labels=("$x_1$", "$x_2$")):
    """Points coloured by responsibilities with the 1 and 2 sigma ellipses; returns (points, ellipses)."""
    points = draw_points(ax, X, resp)
    patches = draw_ellipses(ax, params, n_stds) if params is not None else []
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    return points, patches


def set_limits(ax, X, margin=0.08):
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * (hi - lo)
    ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
    ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])


# ---------------------------------------------------------------- curves
def draw_loglik_curve(ax, log_likelihoods, x=None, current=None, label="$\\ln p(\\mathbf{X}\\mid\\theta)$"):
    """The log-likelihood over EM iterations, with a marker at ``current``; returns (line, marker)."""
    lls = np.asarray(log_likelihoods)
    x = np.arange(lls.size) if x is None else np.asarray(x)
    (line,) = ax.plot(x, lls, "-o", color=COLORS[0], ms=3, lw=1.5, label=label)
    (marker,) = ax.plot([], [], "o", color=COLORS[1], ms=9, zorder=5)
    ax.set_xlabel("EM iteration")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
    if current is not None:
        update_marker(marker, x[current], lls[current])
    return line, marker


def update_marker(marker, x, y):
    marker.set_data([x], [y])


def draw_mixture_1d(ax, grid, params, show_sum=True, lw=2.0):
    """Weighted component densities pi_k N(x | mu_k, sigma_k^2) and their sum (PRML Fig. 2.22).

    p(x) is drawn first and the dashed components on top of it: where one
    component dominates, p(x) and that component coincide, and the dashes stay
    visible on the solid line.  Returns (component_lines, sum_line).
    """
    dens = mixture_1d_densities(grid, params)
    total = ax.plot(grid, dens.sum(axis=0), color=BLACK, lw=lw + 1.0, alpha=0.55, label="$p(x)$", zorder=2)[0] if show_sum else None
    lines = [
        ax.plot(grid, dens[k], color=COLORS[k], lw=lw, ls=(0, (4, 2)), label=f"$\\pi_{k + 1}\\,\\mathcal{{N}}(x\\mid\\mu_{k + 1},\\sigma_{k + 1}^2)$", zorder=3)[0]
        for k in range(len(dens))
    ]
    return lines, total


def mixture_1d_densities(grid, params):
    """pi_k N(x | mu_k, sigma_k^2) on a grid, shape (K, G), for 1-D parameters."""
    return np.array([w * np.exp(gaussian_logpdf(grid, m[0], c[0, 0])) for w, m, c in zip(*params)])


def update_mixture_1d(lines, total, grid, params):
    dens = mixture_1d_densities(grid, params)
    for line, d in zip(lines, dens):
        line.set_ydata(d)
    if total is not None:
        total.set_ydata(dens.sum(axis=0))


def draw_posterior_1d(ax, grid, params):
    """p(z = k | x) over a 1-D grid, one line per component; returns the lines."""
    post = e_step(grid[:, None], params)
    lines = [ax.plot(grid, post[:, k], color=COLORS[k], lw=2, label=f"$p(z={k + 1}\\mid x)$")[0] for k in range(post.shape[1])]
    ax.set_ylim(-0.03, 1.03)
    ax.set_ylabel("posterior")
    return lines


def update_posterior_1d(lines, grid, params):
    post = e_step(grid[:, None], params)
    for k, line in enumerate(lines):
        line.set_ydata(post[:, k])


def draw_density_contours(ax, params, xlim, ylim, levels=8, components=False, n=160):
    """Contours of the 2-D mixture density p(x), or of each weighted component (PRML Fig. 2.23)."""

    gx, gy = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    lj = log_joint(grid, params)
    if components:
        return [ax.contour(gx, gy, np.exp(lj[:, k]).reshape(gx.shape), levels=levels, colors=COLORS[k], linewidths=1.2) for k in range(lj.shape[1])]
    dens = np.exp(lj).sum(axis=1).reshape(gx.shape)
    return ax.contour(gx, gy, dens, levels=levels, cmap="viridis", linewidths=1.2)


# ---------------------------------------------------------------- the bound as bars
def draw_bound_bars(ax, log_p, L, KL, floor, x=0.0, width=0.6):
    """ln p(X | theta) as a bar split into L(q, theta) and KL(q || p) (PRML Figs. 9.11-9.13).

    The bars stand on ``floor``, a baseline below L (the axis set by
    :func:`set_bound_axis` starts there and reads nats above it), since ln p
    and L are large negative numbers.  Returns (L_bar, KL_bar).
    """
    L_bar = ax.bar([x], [L - floor], bottom=floor, width=width, color=COLORS[0], label="$\\mathcal{L}(q,\\theta)$")[0]
    KL_bar = ax.bar([x], [KL], bottom=L, width=width, color=COLORS[4], hatch="//", edgecolor="white", label="KL$(q\\Vert p)$")[0]
    return L_bar, KL_bar


def set_bound_axis(ax, lo, hi, annotate=True):
    """A y axis for the bound bars that starts at a stated baseline b <= lo, not at 0.

    b is a round number; the lowest tick reads "b = ..." and the others nats
    above b, so a bar's height is its value minus b.  Returns b.
    """
    ticks = MaxNLocator(5).tick_values(lo, hi)
    step = ticks[1] - ticks[0]
    b = float(np.floor(lo / step) * step)
    ax.set_ylim(b, hi + 0.12 * (hi - b))
    ax.yaxis.set_major_locator(MultipleLocator(step))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y - b:+.4g}" if abs(y - b) > 1e-9 * step else f"b = {b:g}"))
    if annotate:  # once per figure when axes share y
        ax.set_ylabel("nats above the baseline b (the axis starts at b, not at 0)", fontsize=9)
    return b


def update_bound_bars(bars, L, KL, floor):
    """Move the bars of :func:`draw_bound_bars` to new values of L and KL, in place."""
    L_bar, KL_bar = bars
    L_bar.set_y(floor)
    L_bar.set_height(L - floor)
    KL_bar.set_y(L)
    KL_bar.set_height(KL)


# ---------------------------------------------------------------- composite figures
def draw_fit_contours(ax, X, params, xlim, ylim, title=None, levels=8):
    """Data (dark grey) with the density contours of a fitted mixture (PRML Fig. 2.21); K = 1 is one Gaussian."""
    draw_points(ax, X, size=10)
    draw_density_contours(ax, params, xlim, ylim, levels=levels)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)


def draw_latent_colouring(axes, X, z, params):
    """PRML Fig. 9.5: samples coloured by the true z, uncoloured, and coloured by the responsibilities."""
    K = len(params.weights)
    draw_points(axes[0], X, np.eye(K)[z])
    draw_points(axes[1], X)
    draw_points(axes[2], X, e_step(X, params))
    for ax, title in zip(axes, ["(a) complete data: coloured by z", "(b) incomplete data: z unseen", "(c) coloured by γ(z_nk)"]):
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("$x_1$")
        set_limits(ax, X)
        ax.set_aspect("equal", adjustable="box")
    axes[0].set_ylabel("$x_2$")


def draw_collapse(axes, x, n, sigmas=(0.5, 0.1, 0.02)):
    """PRML Fig. 9.7: a component shrinking onto the point x[n] sends ln p(x) to +infinity.

    Component 1 is the Gaussian MLE of all the data; component 2 sits on x[n]
    with standard deviation sigma; pi = (1/2, 1/2).  Left: p(x) for a few sigma.
    Right: ln p(x | theta) against sigma, which grows without bound as sigma -> 0.

    Returns the (sigma, ln p) arrays of the right panel.
    """

    x = np.asarray(x, dtype=float)
    mu, var = gaussian_mle(x)

    def params(sigma):
        return GMMParams(np.array([0.5, 0.5]), np.array([[mu], [x[n]]]), np.array([[[var]], [[sigma**2]]]))

    grid = np.linspace(x.min() - 1.5 * np.sqrt(var), x.max() + 1.5 * np.sqrt(var), 2001)
    ax = axes[0]
    ax.plot(x, np.zeros_like(x), "o", color=GREY, ms=5, label="data")
    for sigma, color in zip(sigmas, (COLORS[0], COLORS[2], COLORS[1])):
        ax.plot(grid, mixture_1d_densities(grid, params(sigma)).sum(axis=0), color=color, lw=1.8, label=f"σ₂ = {sigma:g}")
    ax.set_ylim(0, 1.15 * mixture_1d_densities(grid, params(sigmas[1])).sum(axis=0).max())
    ax.set_xlabel("x")
    ax.set_ylabel("p(x)")
    ax.legend(fontsize=8)
    ax.set_title("component 2 collapses onto one point", fontsize=10)
    s = np.geomspace(1e-8, 2 * np.sqrt(var), 200)
    ll = np.array([mixture_log_likelihood(x[:, None], params(si)) for si in s])
    axes[1].semilogx(s, ll, color=BLACK, lw=2)
    axes[1].invert_xaxis()
    axes[1].set_xlabel("σ₂ (shrinking to the right)")
    axes[1].set_ylabel("$\\ln p(\\mathbf{x}\\mid\\theta)$")
    axes[1].set_title("the log-likelihood grows without bound", fontsize=10)
    axes[1].grid(alpha=0.3)
    return s, ll


def draw_em_bars(axes, X, theta_old, q):
    """PRML Figs. 9.11-9.13 computed: ln p = L + KL for an arbitrary q, after the E-step, after the M-step.

    Returns the three (ln p, L, KL) triples.
    """

    def terms(theta, q):
        return mixture_log_likelihood(X, theta), lower_bound(X, theta, q), kl_divergence(X, theta, q)

    q_post = e_step(X, theta_old)
    theta_new = m_step(X, q_post)
    states = [terms(theta_old, q), terms(theta_old, q_post), terms(theta_new, q_post)]
    lo = min(L for _, L, _ in states)
    top = max(p for p, _, _ in states)
    titles = ["Fig. 9.11: any q", "Fig. 9.12: E-step, q = posterior", "Fig. 9.13: M-step, θ = θ_new"]
    for i, (ax, (log_p, L, KL), title) in enumerate(zip(axes, states, titles)):
        floor = set_bound_axis(ax, lo - 0.25 * (top - lo), top, annotate=i == 0)
        bars = draw_bound_bars(ax, log_p, L, KL, floor)
        line = ax.plot([-0.4, 0.4], [log_p] * 2, color=BLACK, lw=2)[0]
        ax.axhline(states[0][0], color=GREY, ls=":", lw=1)
        ax.set_xlim(-0.8, 0.8)
        ax.set_xticks([])
        ax.set_title(title, fontsize=10)
        ax.text(0.42, log_p, f"ln p = {log_p:.1f}", va="bottom", ha="right", fontsize=8)
        ax.text(0.0, floor + 0.3 * (L - floor), f"L = {L:.1f}", ha="center", va="center", fontsize=8, color="white")
    axes[0].legend([*bars, line], ["$\\mathcal{L}(q,\\theta)$", "KL$(q\\Vert p)$", "$\\ln p(\\mathbf{X}\\mid\\theta)$"], loc="upper left", fontsize=8)
    return states


def draw_em_panels(axes, X, result, iterations=(1, 2, 5, 20), labels=("$x_1$", "$x_2$")):
    """PRML Fig. 9.8: the start, the first E-step, then the fit after the given iterations.

    ``axes`` holds 2 + len(iterations) axes.  The colours of the panel for
    iteration t are the responsibilities of the E-step before that M-step.
    """

    hist = result.history
    panels = [("start", hist[0], None), ("first E-step", hist[0], e_step(X, hist[0]))]
    panels += [(f"t = {t}", hist[t], e_step(X, hist[t - 1])) for t in iterations if t < len(hist)]
    for ax, (title, params, resp) in zip(np.ravel(axes), panels):
        draw_gmm_2d(ax, X, params, resp, labels=labels)
        set_limits(ax, X)
        ax.set_aspect("equal", adjustable="box")
        ax.set_title(title)
        if not ax.get_subplotspec().is_first_col():
            ax.set_ylabel("")
    return panels


def draw_bound_slice(ax, s, log_p, bounds, xlabel="position along the slice $s$", zoom=None):
    """PRML Fig. 9.14: ln p(X | theta(s)) and lower bounds L(q, theta(s)) along a parameter slice.

    ``bounds`` is a list of (values, s_touch, label).  The maximum of every
    curve along the slice is marked (a dot on each bound, a star on ln p), so
    the picture shows where a bound peaks while ln p still rises.  The y range
    is set from ln p between the first touching point and its maximum.
    ``zoom = (s_lo, s_hi)`` adds an inset that magnifies that part of the slice
    (where the bounds touch ln p).
    Returns the positions s of the maxima: (s of ln p's, [s of each bound's]).
    """
    s, log_p = np.asarray(s, dtype=float), np.asarray(log_p, dtype=float)
    bounds = [(np.asarray(v, dtype=float), s_touch, label) for v, s_touch, label in bounds]
    colors = (COLORS[0], COLORS[2])
    peak = int(np.argmax(log_p))
    tops = [int(np.argmax(values)) for values, _, _ in bounds]

    def curves(ax, labels):
        ax.plot(s, log_p, color=BLACK, lw=2.5, label="$\\ln p(\\mathbf{X}\\mid\\theta)$" if labels else None, zorder=2)
        for (values, s_touch, label), color, i in zip(bounds, colors, tops):
            ax.plot(s, values, color=color, lw=2, label=f"{label}, largest at $s$ = {s[i]:.1f}" if labels else None, zorder=3)
            ax.axvline(s_touch, color=color, ls=":", lw=1)
            ax.plot([s[i]], [values[i]], "o", color=color, mec=BLACK, ms=7, zorder=4)
        ax.plot([s[peak]], [log_p[peak]], "*", color="white", mec=BLACK, ms=15, zorder=4,
                label=f"largest $\\ln p$ on the slice, $s$ = {s[peak]:.1f}" if labels else None)
        ax.grid(alpha=0.3)

    curves(ax, labels=True)
    lo, hi = log_p[np.argmin(np.abs(s - bounds[0][1]))], log_p[peak]
    ax.set_ylim(lo - 1.2 * (hi - lo), hi + 0.6 * (hi - lo))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("nats")
    ax.legend(loc="upper left", fontsize=8)
    if zoom is not None:
        inset = ax.inset_axes([0.5, 0.06, 0.47, 0.42])
        curves(inset, labels=False)
        inside = (s >= zoom[0]) & (s <= zoom[1])
        values = np.concatenate([log_p[inside], *(v[inside] for v, _, _ in bounds)])
        pad = 0.08 * (values.max() - values.min())
        inset.set_xlim(*zoom)
        inset.set_ylim(values.min() - pad, values.max() + pad)
        inset.tick_params(labelsize=7)
        inset.set_title("magnified: the bounds touch ln p at s = 0 and s = 1", fontsize=7)
        ax.indicate_inset_zoom(inset, edgecolor=GREY)
    return s[peak], [s[i] for i in tops]


class EMFigure:
    """The two-panel picture of EM by half-steps: points and ellipses | the log-likelihood curve.

    Frame 0 is the start (dark grey points); then each iteration t contributes two
    frames: its E-step (colours become gamma(z_nk) at theta_{t-1}, ellipses
    unchanged) and its M-step (ellipses move to theta_t).  ``show(frame)``
    updates the artists in place; the widget, the GIF and the benchmark all
    draw EM with this one class.

    Parameters
    ----------
    X : array of shape (N, 2)
    history : list of GMMParams, theta_0 ... theta_T
    log_likelihoods : array of shape (T + 1,)
    resps : optional list of (N, K) responsibilities at each theta_t (computed if None)
    labels : names of the two axes, with units
    """

    def __init__(self, X, history, log_likelihoods, resps=None, labels=("$x_1$", "$x_2$"), size=(9.5, 4.2)):
        self.X = np.asarray(X, dtype=float)
        self.history = history
        self.lls = np.asarray(log_likelihoods)
        self.resps = resps if resps is not None else [e_step(self.X, p) for p in history]
        self.n_frames = 2 * (len(history) - 1) + 1
        self.fig, (ax, ax2) = new_figure(*size, ncols=2)
        self.points, self.patches = draw_gmm_2d(ax, self.X, history[0], None, labels=labels)
        set_limits(ax, self.X)
        ax.set_aspect("equal", adjustable="box")
        ax.set_title("colours: responsibilities γ(z_nk); ellipses: 1σ and 2σ", fontsize=10)
        box = dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none")
        self.phase = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=11, bbox=box)
        _, self.marker = draw_loglik_curve(ax2, self.lls, current=0)
        ax2.set_title("log-likelihood after each iteration", fontsize=10)
        self.value = ax2.text(0.97, 0.05, "", transform=ax2.transAxes, ha="right", fontsize=11, bbox=box)
        # the artists that change; the dynamic texts are short, since every glyph costs render time
        self.animated = [self.points, *(e for row in self.patches for e in row), self.marker, self.phase, self.value]

    def step_of(self, frame):
        """(iteration t whose parameters are shown, responsibilities or None, phase name) of a frame."""
        if frame == 0:
            return 0, None, "start"
        t, is_m = (frame + 1) // 2, frame % 2 == 0
        return (t, self.resps[t - 1], f"M-step {t}") if is_m else (t - 1, self.resps[t - 1], f"E-step {t}")

    def show(self, frame):
        """Update the artists in place to show half-step ``frame``."""
        t, resp, phase = self.step_of(frame)
        update_ellipses(self.patches, self.history[t])
        update_points(self.points, resp)
        update_marker(self.marker, t, self.lls[t])
        self.phase.set_text(phase)
        self.value.set_text(f"ln p = {self.lls[t]:.3f}")


def draw_component_images(axes, means, shape, cmap="gray_r"):
    """Bernoulli component means mu_k as images (white 0, black 1); returns the AxesImages."""
    images = []
    for k, ax in enumerate(np.ravel(axes)):
        images.append(ax.imshow(means[k].reshape(shape), cmap=cmap, vmin=0, vmax=1, interpolation="nearest"))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"μ{k + 1}", fontsize=9)
    return images


def update_component_images(images, means, shape):
    for image, mean in zip(images, means):
        image.set_data(mean.reshape(shape))


def draw_criteria(ax, Ks, criteria, current=None):
    """Model-selection curves against K (one line per criterion); returns a marker per curve."""
    markers = []
    for (name, values), color in zip(criteria.items(), COLORS):
        ax.plot(Ks, values, "-o", color=color, ms=4, label=name)
        (m,) = ax.plot([], [], "o", color=color, ms=10, mec=BLACK)
        markers.append(m)
    ax.set_xlabel("number of components K")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    if current is not None:
        update_criteria(markers, Ks, criteria, current)
    return markers


def update_criteria(markers, Ks, criteria, K):
    i = list(Ks).index(K)
    for m, values in zip(markers, criteria.values()):
        update_marker(m, K, values[i])
