"""Compare two renderings of a figure the way a reader would see them.

Floating-point results differ in their last bits between CPUs, BLAS kernels and
thread counts, so a figure regenerated on another machine may differ from the
committed one in the 8th digit of a path coordinate. These comparisons ignore
that and nothing visible:

- SVG: the text outside numbers (element names, styles, colours, the text of every
  label) must be identical; every number must agree to ``SVG_ATOL`` points
  (1/1000 of a point is far below what any screen or printer shows); element ids,
  which matplotlib derives from a hash of coordinates, are renamed in order of
  appearance first.
- PNG and GIF: same size and frame count; at most ``MAX_CHANGED_PIXELS`` pixels
  per frame may differ by more than ``PIXEL_TOL`` in any channel (a sub-pixel
  shift of an antialiased edge changes a few pixels by a level or two; a changed
  colour, label or curve changes hundreds by a lot).
"""
import pathlib
import re

import numpy as np

SVG_ATOL = 1e-3
PIXEL_TOL = 24 / 255
MAX_CHANGED_PIXELS = 8

_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(id="|#)([^"\s);]+)')
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _normalise_ids(text):
    """Rename element ids (and references to them) to id0, id1, ... in order of appearance."""
    names = {}
    for name in _ID.findall(text):
        names.setdefault(name, f"id{len(names)}")

    def rename(m):
        name = m.group(2)
        return m.group(1) + names.get(name, name)

    return _REF.sub(rename, text)


def svg_differences(a, b, atol=SVG_ATOL):
    """Visible differences between two SVG texts, as a list of short messages (empty if none)."""
    a, b = _normalise_ids(a), _normalise_ids(b)
    words_a, words_b = _NUMBER.split(a), _NUMBER.split(b)
    if words_a != words_b:
        for i, (x, y) in enumerate(zip(words_a, words_b)):
            if x != y:
                return [f"text differs: {x[-60:]!r} vs {y[-60:]!r}"]
        return [f"different number of elements ({len(words_a)} vs {len(words_b)} text pieces)"]
    num_a = np.array([float(x) for x in _NUMBER.findall(a)])
    num_b = np.array([float(x) for x in _NUMBER.findall(b)])
    with np.errstate(invalid="ignore"):
        far = np.flatnonzero((num_a != num_b) & ~(np.abs(num_a - num_b) <= atol))
    if far.size:
        i = far[0]
        return [f"{far.size} numbers differ by more than {atol}, first: {num_a[i]!r} vs {num_b[i]!r}"]
    return []


def _frames(path):
    from PIL import Image, ImageSequence

    with Image.open(path) as im:
        return [np.asarray(frame.convert("RGBA"), dtype=float) / 255 for frame in ImageSequence.Iterator(im)]


def raster_differences(path_a, path_b, tol=PIXEL_TOL, max_changed=MAX_CHANGED_PIXELS):
    """Visible differences between two PNG or GIF files (all frames), as a list of messages."""
    fa, fb = _frames(path_a), _frames(path_b)
    if len(fa) != len(fb):
        return [f"{len(fa)} vs {len(fb)} frames"]
    for k, (x, y) in enumerate(zip(fa, fb)):
        if x.shape != y.shape:
            return [f"frame {k}: size {x.shape[:2]} vs {y.shape[:2]}"]
        changed = int(np.count_nonzero(np.max(np.abs(x - y), axis=-1) > tol))
        if changed > max_changed:
            return [f"frame {k}: {changed} pixels differ visibly (more than {max_changed} allowed)"]
    return []


def differences(path_a, path_b):
    """Visible differences between two renderings of one figure (by suffix)."""
    path_a, path_b = pathlib.Path(path_a), pathlib.Path(path_b)
    if path_a.suffix == ".svg":
        return svg_differences(path_a.read_text(encoding="utf-8"), path_b.read_text(encoding="utf-8"))
    return raster_differences(path_a, path_b)
