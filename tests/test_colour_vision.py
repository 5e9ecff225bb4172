"""The component colours stay apart for colour-blind readers, and "uncertain" never looks like "unlabelled".

Every picture of a mixture colours component k with emlib.plotting.component_rgb(K)[k], a point by
its responsibilities mixed with emlib.plotting.resp_colors (PRML Fig. 9.5c), and a point without
responsibilities with the grey of draw_points(resp=None) (PRML Fig. 9.5b). Measured here, for normal
vision and for simulated deuteranopia and protanopia (Machado, Oliveira & Fernandes 2009, severity
1.0), in CIEDE2000 (Sharma, Wu & Dalal 2005), all written below in numpy (no colour library: the
formulas are short and each one is checked against its published reference values first):

- every pair of component colours, for K up to len(COLORS) = 6, the most the library colours and the
  most the notebooks draw (06's KExplorer shows fits with K = 1..6, 10 starts VB from K = 6);
  component_rgb(K) is the first K of one list, so the pairs at K = 6 cover every smaller K;
- every 50/50 blend of two components (the most uncertain point between them) against the
  unlabelled grey; every component against that grey.

Threshold, one for all three: ΔE00 >= 20. It is the separation a trichromat gets between the two
closest colours of the Okabe–Ito palette the collection started from (vermillion and orange, 22.2),
which its designers accepted as distinct colours; we ask the same for dichromats and for the
uncertain-versus-unlabelled pair. For scale: ΔE00 ≈ 1 is a just-noticeable difference between large
patches, and small scatter marks need several times that (Stone, Szafir & Setlur 2014). The original
palette failed: 12.2 (protanopia, blue and reddish purple) between components and 4.4 (protanopia,
the blend of bluish green and reddish purple) against the grey #7f7f7f.

Run with -s to see the measured minima.
"""
import itertools

import matplotlib
import numpy as np
import pytest

import emlib.plotting as P

# ---------------------------------------------------------------- colour science, in numpy
# Machado, G. M., Oliveira, M. M. & Fernandes, L. A. F. (2009). A physiologically-based model for
# simulation of color vision deficiency. IEEE Trans. Visualization and Computer Graphics 15(6),
# 1291-1298. Their precomputed matrices for severity 1.0 (dichromacy), applied to *linear* RGB.
MACHADO_PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868],
                               [0.114503, 0.786281, 0.099216],
                               [-0.003882, -0.048116, 1.051998]])
MACHADO_DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                                 [0.280085, 0.672501, 0.047413],
                                 [-0.011820, 0.042940, 0.968881]])
VISIONS = {"normal": None, "deuteranopia": MACHADO_DEUTERANOPIA, "protanopia": MACHADO_PROTANOPIA}

# sRGB (IEC 61966-2-1): linear RGB to CIE XYZ, D65 white
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
WHITE_XYZ = SRGB_TO_XYZ.sum(axis=1)

THRESHOLD = 20.0  # ΔE00, see the module docstring


def srgb_to_linear(c):
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(v):
    v = np.clip(v, 0.0, 1.0)  # a simulated colour outside the gamut is shown clipped on a screen
    return np.where(v <= 0.0031308, 12.92 * v, 1.055 * v ** (1 / 2.4) - 0.055)


def simulate(rgb, matrix):
    """The sRGB colour a dichromat sees, by Machado et al.'s matrix on linear RGB (None: normal vision)."""
    rgb = np.asarray(rgb, dtype=float)
    return rgb if matrix is None else linear_to_srgb(srgb_to_linear(rgb) @ matrix.T)


def srgb_to_lab(rgb):
    xyz = srgb_to_linear(rgb) @ SRGB_TO_XYZ.T / WHITE_XYZ
    d = 6 / 29
    f = np.where(xyz > d ** 3, np.cbrt(xyz), xyz / (3 * d * d) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def ciede2000(lab1, lab2):
    """ΔE00 (CIE 142-2001), as written out by Sharma, Wu & Dalal, Color Res. Appl. 30(1), 21-30 (2005)."""
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    C_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    G = 0.5 * (1 - np.sqrt(C_bar ** 7 / (C_bar ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chroma0 = C1p * C2p == 0
    dLp = L2 - L1
    dCp = C2p - C1p
    dhp = h2p - h1p
    dhp = np.where(dhp > 180, dhp - 360, np.where(dhp < -180, dhp + 360, dhp))
    dhp = np.where(chroma0, 0.0, dhp)
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dhp / 2))
    Lp_bar = (L1 + L2) / 2
    Cp_bar = (C1p + C2p) / 2
    h_sum = h1p + h2p
    hp_bar = np.where(chroma0, h_sum,
                      np.where(np.abs(h1p - h2p) <= 180, h_sum / 2,
                               np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)))
    T = (1 - 0.17 * np.cos(np.radians(hp_bar - 30)) + 0.24 * np.cos(np.radians(2 * hp_bar))
         + 0.32 * np.cos(np.radians(3 * hp_bar + 6)) - 0.20 * np.cos(np.radians(4 * hp_bar - 63)))
    d_theta = 30 * np.exp(-(((hp_bar - 275) / 25) ** 2))
    R_C = 2 * np.sqrt(Cp_bar ** 7 / (Cp_bar ** 7 + 25.0 ** 7))
    S_L = 1 + 0.015 * (Lp_bar - 50) ** 2 / np.sqrt(20 + (Lp_bar - 50) ** 2)
    S_C = 1 + 0.045 * Cp_bar
    S_H = 1 + 0.015 * Cp_bar * T
    R_T = -np.sin(np.radians(2 * d_theta)) * R_C
    return np.sqrt((dLp / S_L) ** 2 + (dCp / S_C) ** 2 + (dHp / S_H) ** 2 + R_T * (dCp / S_C) * (dHp / S_H))


def delta_e(rgb1, rgb2, matrix=None):
    """ΔE00 between two sRGB colours as seen with the given deficiency (None: normal vision)."""
    return ciede2000(srgb_to_lab(simulate(rgb1, matrix)), srgb_to_lab(simulate(rgb2, matrix)))


# ---------------------------------------------------------------- the tools are right
# Sharma, Wu & Dalal (2005), Table 1: pairs (L*, a*, b*) and their ΔE00; pairs 7-16 probe the hue
# wrap-around and the zero-chroma cases, 17-20 large differences, 25-34 ordinary ones.
SHARMA = [
    (1, (50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    (4, (50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    (7, (50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    (9, (50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    (11, (50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    (13, (50.0, -0.001, 2.49), (50.0, 0.0009, -2.49), 4.8045),
    (15, (50.0, -0.001, 2.49), (50.0, 0.0011, -2.49), 4.7461),
    (16, (50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
    (17, (50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    (19, (50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    (20, (50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    (25, (60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    (29, (22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    (32, (90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    (34, (2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize("pair, lab1, lab2, expected", SHARMA, ids=[f"pair{s[0]}" for s in SHARMA])
def test_ciede2000_matches_sharma_wu_dalal(pair, lab1, lab2, expected):
    assert abs(ciede2000(lab1, lab2) - expected) < 5e-5
    assert abs(ciede2000(lab2, lab1) - expected) < 5e-5  # symmetric


def test_srgb_to_lab_reference_values():
    # white is (100, 0, 0); sRGB red is (53.24, 80.09, 67.20) in CIELAB D65 (e.g. Lindbloom's calculator)
    assert np.allclose(srgb_to_lab([1.0, 1.0, 1.0]), [100.0, 0.0, 0.0], atol=1e-9)
    assert np.allclose(srgb_to_lab([1.0, 0.0, 0.0]), [53.2408, 80.0925, 67.2032], atol=2e-3)
    assert np.allclose(srgb_to_lab([0.5, 0.5, 0.5])[1:], 0.0, atol=1e-9)  # a grey has no chroma


def test_the_simulation_confuses_what_dichromats_confuse():
    # The matrices keep greys grey (rows sum to 1), and they bring an orange and a green that a
    # trichromat tells apart by far (matplotlib's tab:orange and tab:green) close together: the
    # simulation can fail a palette. A blue-yellow pair stays apart, as it does for these dichromats.
    for name, matrix in VISIONS.items():
        if matrix is not None:
            assert np.allclose(matrix.sum(axis=1), 1.0, atol=1e-3), name
    orange, green = matplotlib.colors.to_rgb("#ff7f0e"), matplotlib.colors.to_rgb("#2ca02c")
    blue, yellow = matplotlib.colors.to_rgb("#1f77b4"), matplotlib.colors.to_rgb("#ffd700")
    print(f"\ntab:orange vs tab:green: ΔE00 {delta_e(orange, green):.1f} normal, "
          f"{delta_e(orange, green, MACHADO_DEUTERANOPIA):.1f} deuteranopia, {delta_e(orange, green, MACHADO_PROTANOPIA):.1f} protanopia")
    assert delta_e(orange, green) > 40
    for matrix in (MACHADO_DEUTERANOPIA, MACHADO_PROTANOPIA):
        assert delta_e(orange, green, matrix) < 0.3 * delta_e(orange, green)
        assert delta_e(blue, yellow, matrix) > 40


# ---------------------------------------------------------------- the collection's colours
K_MAX = len(P.COLORS)


def unlabelled_rgb():
    """The colour draw_points gives a point without responsibilities, read from the artist it draws."""
    fig, ax = P.new_figure()
    points = P.draw_points(ax, np.zeros((3, 2)))
    return np.asarray(points.get_facecolor())[0, :3]


def blend_rgb(i, j, K=K_MAX):
    """The colour draw_points gives a point with responsibilities 1/2, 1/2 for components i and j."""
    resp = np.zeros((1, K))
    resp[0, [i, j]] = 0.5
    fig, ax = P.new_figure()
    points = P.draw_points(ax, np.zeros((1, 2)), resp)
    return np.asarray(points.get_facecolor())[0, :3]


def test_the_notebooks_draw_at_most_k_max_components():
    assert K_MAX == 6
    with pytest.raises(ValueError):
        P.component_rgb(K_MAX + 1)
    # a smaller K takes the first K colours, so the pairs at K_MAX are the pairs of every K
    assert np.array_equal(P.component_rgb(3), P.component_rgb(K_MAX)[:3])


def test_what_is_measured_is_what_the_pictures_show():
    # a confident point is drawn in its component's colour, for every K; the explorers recolour
    # through update_points, which must give the colours draw_points gives (blends and the grey)
    for K in range(1, K_MAX + 1):
        fig, ax = P.new_figure()
        points = P.draw_points(ax, np.zeros((K, 2)), np.eye(K))
        assert np.allclose(np.asarray(points.get_facecolor())[:, :3], P.component_rgb(K))
    fig, ax = P.new_figure()
    points = P.draw_points(ax, np.zeros((1, 2)))
    for i, j in itertools.combinations(range(K_MAX), 2):
        resp = np.zeros((1, K_MAX))
        resp[0, [i, j]] = 0.5
        P.update_points(points, resp)
        assert np.allclose(np.asarray(points.get_facecolor())[0, :3], blend_rgb(i, j))
    P.update_points(points, None)
    assert np.allclose(np.asarray(points.get_facecolor())[0, :3], unlabelled_rgb())


def _minima():
    rgb = P.component_rgb(K_MAX)
    grey = unlabelled_rgb()
    names = P.COLORS
    rows = {}
    for vision, matrix in VISIONS.items():
        pairs = [(float(delta_e(rgb[i], rgb[j], matrix)), f"{names[i]}/{names[j]}")
                 for i, j in itertools.combinations(range(K_MAX), 2)]
        blends = [(float(delta_e(blend_rgb(i, j), grey, matrix)), f"{names[i]}+{names[j]}")
                  for i, j in itertools.combinations(range(K_MAX), 2)]
        singles = [(float(delta_e(rgb[i], grey, matrix)), names[i]) for i in range(K_MAX)]
        rows[vision] = (min(pairs), min(blends), min(singles))
    return rows, matplotlib.colors.to_hex(grey)


def test_component_colours_are_distinguishable_under_dichromacy():
    rows, grey = _minima()
    print(f"\nΔE00 minima, K = {K_MAX}, unlabelled grey {grey} (threshold {THRESHOLD:.0f}):")
    for vision, (pair, blend, single) in rows.items():
        print(f"  {vision:13s} component pairs {pair[0]:5.1f} ({pair[1]}); 50/50 blend vs grey {blend[0]:5.1f}"
              f" ({blend[1]}); component vs grey {single[0]:5.1f} ({single[1]})")
    for vision, (pair, _, _) in rows.items():
        assert pair[0] >= THRESHOLD, f"{vision}: components {pair[1]} are only ΔE00 {pair[0]:.1f} apart"


def test_uncertain_never_looks_unlabelled():
    rows, grey = _minima()
    for vision, (_, blend, single) in rows.items():
        assert blend[0] >= THRESHOLD, f"{vision}: the 50/50 blend {blend[1]} is only ΔE00 {blend[0]:.1f} from the unlabelled {grey}"
        assert single[0] >= THRESHOLD, f"{vision}: component {single[1]} is only ΔE00 {single[0]:.1f} from the unlabelled {grey}"
