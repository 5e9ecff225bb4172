"""Regenerate every lecture figure in figures/: ``python -m emlib.figures [--out figures]``.

Each figure is computed by emlib and drawn by emlib.plotting (the same code the
notebooks and widgets use) and written as PNG (150 dpi) and SVG; EM on Old
Faithful is also written as an animated GIF (frames blitted as in the widgets, saved by Pillow).
Output is deterministic: a fixed SVG hash salt, no dates or software versions
in the metadata, and seeded random numbers, so running twice gives identical bytes.
"""
import argparse
import pathlib
import time

import matplotlib
import numpy as np
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from . import plotting as P
from .bound import bound_slice
from .datasets import old_faithful, standardise
from .em import e_step, em, init_params
from .gaussian import gaussian_mle
from .mixture import GMMParams, log_joint, mixture_log_likelihood, sample

DPI = 150
FAITHFUL_LABELS = ("eruption time (min)", "waiting time to next eruption (min)")
STD_LABELS = ("eruption time (standardised)", "waiting time (standardised)")

# The starts of notebooks 04 (a poor one, PRML Fig. 9.8 style) and 03 (a slow one near the symmetric saddle).
POOR_START = GMMParams(np.array([0.5, 0.5]), np.array([[-1.5, 1.0], [1.5, -1.0]]), np.array([0.5 * np.eye(2)] * 2))
SLOW_START = GMMParams(np.array([0.5, 0.5]), np.array([[-0.2, 0.3], [0.2, -0.3]]), np.array([np.eye(2)] * 2))
# A start whose first EM step leaves a visible KL gap (for the bar pictures).
BARS_START = GMMParams(np.array([0.5, 0.5]), np.array([[-1.0, -1.0], [1.0, 0.2]]), np.array([np.eye(2)] * 2))
MIX_1D = GMMParams(np.array([0.3, 0.7]), np.array([[-1.0], [1.5]]), np.array([[[0.25]], [[0.64]]]))
MIX_2D = GMMParams(np.array([0.5, 0.3, 0.2]), np.array([[0.2, 0.4], [0.7, 0.7], [0.55, 0.25]]),
                   np.array([[[0.010, 0.006], [0.006, 0.010]], [[0.008, -0.005], [-0.005, 0.008]], [[0.004, 0.0], [0.0, 0.004]]]))


def save(fig, out, name):
    fig.savefig(out / f"{name}.png", dpi=DPI, facecolor="white", metadata={"Software": None})
    fig.savefig(out / f"{name}.svg", facecolor="white", metadata={"Date": None, "Creator": None})


def fig_2_21(out):
    X = old_faithful()
    mean, cov = gaussian_mle(X)
    one = GMMParams(np.array([1.0]), mean[None], cov[None])
    two = em(X, init_params(X, 2, np.random.default_rng(7))).params
    fig, axes = P.new_figure(10, 4, ncols=2, sharey=True)
    for ax, params, what in [(axes[0], one, "one Gaussian"), (axes[1], two, "mixture of two Gaussians")]:
        P.draw_fit_contours(ax, X, params, (1.2, 5.5), (40, 100), f"{what}: ln p = {mixture_log_likelihood(X, params):.1f}")
        ax.set_xlabel(FAITHFUL_LABELS[0])
    axes[0].set_ylabel(FAITHFUL_LABELS[1])
    save(fig, out, "fig2_21_one_gaussian_vs_mixture")


def fig_2_22(out):
    grid = np.linspace(-3.5, 5, 800)
    fig, (ax, ax2) = P.new_figure(7, 4.5, nrows=2, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    P.draw_mixture_1d(ax, grid, MIX_1D)
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    ax.set_title("a mixture of two Gaussians: components π_k N(x | μ_k, σ_k²) (dashed) and p(x) (grey)", fontsize=10)
    P.draw_posterior_1d(ax2, grid, MIX_1D)
    ax2.set_xlabel("x")
    ax2.legend(fontsize=8, loc="center right")
    save(fig, out, "fig2_22_mixture_1d")


def fig_2_23(out):
    fig, axes = P.new_figure(11, 3.8, ncols=3)
    lims = (0, 1), (0, 1)
    P.draw_density_contours(axes[0], MIX_2D, *lims, levels=6, components=True)
    axes[0].set_title("(a) components π_k N(x | μ_k, Σ_k)", fontsize=10)
    P.draw_density_contours(axes[1], MIX_2D, *lims, levels=10)
    axes[1].set_title("(b) contours of p(x)", fontsize=10)
    gx, gy = np.meshgrid(np.linspace(0, 1, 200), np.linspace(0, 1, 200))
    dens = np.exp(log_joint(np.column_stack([gx.ravel(), gy.ravel()]), MIX_2D)).sum(axis=1).reshape(gx.shape)
    im = axes[2].imshow(dens, origin="lower", extent=(0, 1, 0, 1), cmap="viridis")
    fig.colorbar(im, ax=axes[2], label="p(x)")
    axes[2].set_title("(c) p(x) as an image", fontsize=10)
    for ax in axes:
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")
    save(fig, out, "fig2_23_mixture_2d")


def fig_9_5(out):
    X, z = sample(MIX_2D, 500, np.random.default_rng(5))
    fig, axes = P.new_figure(11, 3.4, ncols=3)
    P.draw_latent_colouring(axes, X, z, MIX_2D)
    save(fig, out, "fig9_5_latent_colouring")


def fig_9_7(out):
    x = np.random.default_rng(9).normal(size=12)
    fig, axes = P.new_figure(10, 3.8, ncols=2)
    P.draw_collapse(axes, x, n=3)
    save(fig, out, "fig9_7_singularity")


def faithful_fit():
    X = standardise(old_faithful())
    return X, em(X, POOR_START, max_iter=20, tol=0)  # exactly 20 iterations: the panels need L = 20


def fig_9_8(out, X, fit):
    fig, axes = P.new_figure(9.5, 6.6, nrows=2, ncols=3)
    P.draw_em_panels(axes, X, fit, iterations=(1, 2, 5, 20), labels=STD_LABELS)
    save(fig, out, "fig9_8_em_old_faithful")


def fig_9_11_13(out, X):
    noise = np.random.default_rng(3).dirichlet(np.ones(2), size=X.shape[0])
    q = 0.5 * e_step(X, BARS_START) + 0.5 * noise  # "any q": halfway between noise and the posterior
    fig, axes = P.new_figure(10, 4.2, ncols=3, sharey=True)
    P.draw_em_bars(axes, X, BARS_START, q)
    save(fig, out, "fig9_11_13_bound_bars")


def slice_9_14(X):
    """The slice of PRML Fig. 9.14: s and ln p, L(q_old, .), L(q_new, .) along theta(s), from EM step 2 -> 3.

    Near the saddle EM's steps are short: ln p keeps rising along the step's
    direction well beyond theta_new (s = 1), so the slice runs on to s = 18,
    past the largest ln p on it (at s = 15), while L(q_old, .) peaks at s = 1.
    """
    run = em(X, SLOW_START, max_iter=3, tol=0)
    s = np.linspace(-1.5, 18.0, 196)
    return (s, *bound_slice(X, run.history[2], run.history[3], s))


def fig_9_14(out, X):
    s, log_p, L_old, L_new = slice_9_14(X)
    fig, ax = P.new_figure(7, 4.2)
    P.draw_bound_slice(ax, s, log_p, [(L_old, 0.0, "$\\mathcal{L}(q^{old},\\theta)$"), (L_new, 1.0, "$\\mathcal{L}(q^{new},\\theta)$")],
                       xlabel="$s$:  $\\theta = (1-s)\\,\\theta^{old} + s\\,\\theta^{new}$", zoom=(-0.5, 2.8))
    save(fig, out, "fig9_14_bound_slice")


def fig_loglik(out, fit):
    fig, ax = P.new_figure(6, 3.4)
    P.draw_loglik_curve(ax, fit.log_likelihoods)
    ax.set_title("EM on standardised Old Faithful from a poor start", fontsize=10)
    save(fig, out, "loglik_over_iterations")


def gif_em(out, X, run, dpi=80, fps=3):
    """EM by half-steps as an animated GIF: the static part is drawn once, each frame blits the moving artists."""
    pic = P.EMFigure(X, run.history, run.log_likelihoods, labels=STD_LABELS, size=(8, 3.6))
    pic.fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(pic.fig)
    for artist in pic.animated:
        artist.set_animated(True)  # left out of the full draw below, drawn per frame
    canvas.draw()
    background = canvas.copy_from_bbox(pic.fig.bbox)
    frames = []
    for frame in range(pic.n_frames):
        pic.show(frame)
        canvas.restore_region(background)
        for artist in pic.animated:
            pic.fig.draw_artist(artist)
        rgba = Image.frombuffer("RGBA", canvas.get_width_height(), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1)
        frames.append(rgba.convert("RGB"))
    frames[0].save(out / "em_old_faithful.gif", save_all=True, append_images=frames[1:], duration=int(1000 / fps), loop=0)
    plt.close(pic.fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Regenerate the lecture figures.")
    ap.add_argument("--out", default="figures", help="output folder (default: figures)")
    args = ap.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with matplotlib.rc_context({"svg.hashsalt": "emlib-figures", "figure.facecolor": "white"}):
        X, fit = faithful_fit()
        for make in (fig_2_21, fig_2_22, fig_2_23, fig_9_5, fig_9_7):
            make(out)
        fig_9_8(out, X, fit)
        fig_9_11_13(out, X)
        fig_9_14(out, X)
        fig_loglik(out, fit)
        gif_em(out, X, fit)
    # Which matplotlib drew them: another minor release may draw the same figure with other SVG text.
    (out / "DRAWN_WITH").write_text(f"matplotlib {matplotlib.__version__}\n")
    print(f"wrote {len(list(out.glob('*.*')))} files to {out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
