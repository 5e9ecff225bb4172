"""figures/ is what `python -m emlib.figures` draws, on any machine.

The committed files are compared with a fresh run *as a reader sees them*
(tests/figcompare.py): the same text, colours and structure, coordinates to 1/1000
of a point, pixels up to antialiasing noise. So a figure regenerated with other
BLAS kernels passes, and a moved curve, a changed label, a different colour or a
missing panel fails (the last test shows that). Byte-for-byte determinism is a
property of the generator on one machine: a second run here gives identical bytes.
"""
import pathlib
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from . import figcompare

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures"
SUFFIXES = {".png", ".svg", ".gif"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    subprocess.run([sys.executable, "-m", "emlib.figures", "--out", str(out)], check=True, capture_output=True, cwd=ROOT)
    return out


def _minor(version):
    return tuple(version.split(".")[:2])


def test_committed_figures_match_a_fresh_run(fresh):
    drawn_with = (FIGURES / "DRAWN_WITH").read_text().split()[1]
    if _minor(drawn_with) != _minor(matplotlib.__version__):
        pytest.skip(f"figures/ was drawn with matplotlib {drawn_with}, this is {matplotlib.__version__}: another minor release "
                    "writes other SVG; regenerate with `python -m emlib.figures` (the determinism test still runs)")
    committed = {p.name for p in FIGURES.iterdir() if p.suffix in SUFFIXES}
    regenerated = {p.name for p in fresh.iterdir() if p.suffix in SUFFIXES}
    assert regenerated == committed, f"only regenerated: {regenerated - committed}; only committed: {committed - regenerated}"
    assert {p.removesuffix(".png") for p in committed if p.endswith(".png")} == {p.removesuffix(".svg") for p in committed if p.endswith(".svg")}
    differ = {n: figcompare.differences(FIGURES / n, fresh / n) for n in sorted(committed)}
    differ = {n: d for n, d in differ.items() if d}
    assert not differ, f"figures differ visibly from a fresh run of `python -m emlib.figures`: {differ}"


def test_two_runs_here_give_identical_bytes(fresh, tmp_path):
    """On one machine the generator is deterministic (across machines only the last bits may move)."""
    subprocess.run([sys.executable, "-m", "emlib.figures", "--out", str(tmp_path)], check=True, capture_output=True, cwd=ROOT)
    first = {p.name: p.read_bytes() for p in fresh.iterdir()}
    second = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert first.keys() == second.keys() and len(first) >= 10
    differ = sorted(n for n in first if first[n] != second[n])
    assert not differ, f"two runs on this machine differ in {differ}: the generator is not deterministic"


def test_gallery_lists_every_figure():
    gallery = (FIGURES / "README.md").read_text()
    names = {p.stem for p in FIGURES.iterdir() if p.suffix in {".png", ".gif"}}
    missing = [n for n in names if n not in gallery]
    assert not missing, f"figures/README.md does not describe {missing}"


# ------------------------------------------------- the comparison itself can fail
def _draw(out, name, *, shift=0.0, scale=1.0, colour=None, xlabel="x"):
    """A small figure in the house style (a mixture density and its components)."""
    from emlib import plotting as P
    from emlib.mixture import GMMParams

    mix = GMMParams(np.array([0.3, 0.7]), np.array([[-1.0], [1.5 + shift]]) * scale, np.array([[[0.25]], [[0.64]]]))
    grid = np.linspace(-3.5, 5, 400) * scale
    with matplotlib.rc_context({"svg.hashsalt": "emlib-figures"}):
        fig, ax = P.new_figure(6, 3.4)
        P.draw_mixture_1d(ax, grid, mix)
        ax.set_xlabel(xlabel)
        if colour is not None:
            ax.get_lines()[0].set_color(colour)
        for suffix in ("png", "svg"):
            fig.savefig(out / f"{name}.{suffix}", dpi=100, facecolor="white", metadata={"Software": None} if suffix == "png" else {"Date": None, "Creator": None})
        plt.close(fig)
    return out / f"{name}.png", out / f"{name}.svg"


def test_comparison_ignores_last_bit_noise_and_catches_visible_changes(tmp_path):
    ref = _draw(tmp_path, "ref")
    # What another CPU or BLAS kernel does: coordinates move in their 8th significant digit or below.
    for k, rel in enumerate((1e-9, 1e-7)):  # k = 0 changes the SVG text, k = 1 also the PNG pixels
        noisy = _draw(tmp_path, f"noisy{k}", scale=1 + rel)
        assert noisy[1 - k].read_bytes() != ref[1 - k].read_bytes(), "the perturbation should change the file's bytes"
        assert all(not figcompare.differences(a, b) for a, b in zip(ref, noisy)), f"relative noise {rel} was flagged"

    changes = {
        "one line's colour": _draw(tmp_path, "colour", colour="#009e73"),
        "one letter of a label": _draw(tmp_path, "label", xlabel="y"),
        "a curve moved by 0.02": _draw(tmp_path, "moved", shift=0.02),
    }
    for what, changed in changes.items():
        for a, b in zip(ref, changed):
            assert figcompare.differences(a, b), f"the check missed {what} in {a.suffix}"

    svg = ref[1].read_text()
    assert figcompare.svg_differences(svg, svg.replace("<g id=\"line2d_1\">", "<g id=\"line2d_1\" style=\"display:none\">", 1)), "a hidden line"
    first_axes = svg.index('<g id="axes_1">')
    assert figcompare.svg_differences(svg, svg[:first_axes] + svg[svg.index("</g>", first_axes) + 4:]), "a missing panel"
