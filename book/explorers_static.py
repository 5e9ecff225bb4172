"""Static explorers for the course website: each notebook explorer as pre-rendered frames that a page
plays with a slider and a Play button in plain JavaScript (``_static/explorer.js``), with no kernel and
no network.

At site build time, for every notebook with an explorer (a code cell whose stored output is a widget
view), a fresh Python process runs the notebook's code cells in order up to its last explorer cell
(IPython, matplotlib's Agg backend, in the notebook's folder), takes the object each explorer cell
returns and calls its ``static_frames()``: the same explorer code as in JupyterLab walks its main
control (EM's half-steps, a sweep of the main slider; see :meth:`emlib.widgets.Explorer.static_frames`)
and renders each frame.  The frames are written as WebP files under ``_static/explorers/`` (losslessly
encoded, after a reduction to 256 colours that moves no pixel by more than PALETTE_TOL levels: see
``encode``); the page shows the HTML of :func:`explorer_html` in place of the widget's stored still
picture, and a note that says what the frames walk through (:func:`static_note`).

Budget (tested by tests/browser/test_static_explorers.py, which prints both numbers):

- at most ``MAX_FRAMES`` = 40 frames per explorer (:attr:`emlib.widgets.Explorer.max_static_frames`);
- at most ``SITE_BUDGET_MB`` = 30 MB (30 x 10^6 bytes) for the whole built site, frames included
  (about 28 MB in December 2026, of which 2.9 MB are the frames of ten explorers).

Rendering runs the notebooks' code, so it is cached: ``build/explorer-cache/`` keeps the frames of a
notebook under a hash of its code cells, emlib's sources and this file; a change to any of them renders
that notebook again.
"""
import hashlib
import html
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

BOOK = pathlib.Path(__file__).resolve().parent
ROOT = BOOK.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MAX_FRAMES = 40
SITE_BUDGET_MB = 30
CACHE = ROOT / "build" / "explorer-cache"
# a 256-colour frame replaces the full-colour one only if no pixel moves further than this in any channel
# (tests/figcompare.py calls a pixel changed beyond 24/255)
PALETTE_TOL = 16


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def explorer_cells(nb):
    """Indices (in nb["cells"]) of the code cells whose stored output is a widget view: the explorers."""
    return [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
            and any(WIDGET_VIEW in out.get("data", {}) for out in c.get("outputs", []))]


def encode(png):
    """The frame as a small WebP file that looks the same as ``png``: lossless WebP of its colours reduced
    to a palette of 256 when no pixel then moves further than PALETTE_TOL levels in any channel (matplotlib's
    frames hold few colours besides anti-aliased edges), else of all of them.  About 13 kB for a frame
    that takes 50 kB as PNG."""
    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = np.asarray(image, dtype=int)
    candidates = [image]
    for method in (Image.Quantize.FASTOCTREE, Image.Quantize.MAXCOVERAGE):
        reduced = image.quantize(colors=256, method=method, dither=Image.Dither.NONE).convert("RGB")
        if np.abs(np.asarray(reduced, dtype=int) - pixels).max() <= PALETTE_TOL:
            candidates.append(reduced)
    encoded = []
    for candidate in candidates:
        buf = io.BytesIO()
        candidate.save(buf, format="webp", lossless=True, method=4)
        encoded.append(buf.getvalue())
    return min(encoded, key=len)


def _fingerprint(nb, upto):
    h = hashlib.sha256()
    for cell in nb["cells"][: upto + 1]:
        if cell["cell_type"] == "code":
            h.update(_source(cell).encode())
    for f in sorted((ROOT / "emlib").rglob("*.py")) + [pathlib.Path(__file__)]:
        h.update(f.read_bytes())
    for f in sorted((ROOT / "emlib" / "datasets").glob("*.csv")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def render_notebook(path, cache=CACHE):
    """The frames of every explorer of one notebook: a folder holding ``manifest.json`` and the frame files,
    rendered in a fresh process (or taken from the cache when nothing they depend on changed)."""
    path = pathlib.Path(path).resolve()
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = explorer_cells(nb)
    if not cells:
        return None
    folder = pathlib.Path(cache) / f"{path.stem}-{_fingerprint(nb, cells[-1])}"
    if (folder / "manifest.json").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=folder.parent))
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, __file__, str(path), str(tmp)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"pre-rendering the explorers of {path.name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    try:
        tmp.rename(folder)  # atomic: a concurrent build that got there first keeps its copy
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _render_in_this_process(path, out):
    """Run the notebook's code cells up to its last explorer cell; write each explorer's frames to out."""
    import contextlib

    import matplotlib

    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell

    path, out = pathlib.Path(path), pathlib.Path(out)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = explorer_cells(nb)
    os.chdir(path.parent)
    shell = InteractiveShell.instance()
    manifest = []
    for i, cell in enumerate(nb["cells"][: cells[-1] + 1]):
        if cell["cell_type"] != "code":
            continue
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            result = shell.run_cell(_source(cell), store_history=False)
        if not result.success:
            raise RuntimeError(f"{path.name}, cell {i}: {result.error_in_exec or result.error_before_exec!r}")
        if i not in cells:
            continue
        explorer = result.result
        if not hasattr(explorer, "static_frames"):
            raise TypeError(f"{path.name}, cell {i}: its last line returns {type(explorer).__name__}, not an explorer")
        frames, start = explorer.static_frames(MAX_FRAMES)
        files = []
        for k, (label, png) in enumerate(frames):
            name = f"{path.stem[:2]}-cell{i}-frame{k:02d}.webp"
            (out / name).write_bytes(encode(png))
            files.append({"file": name, "label": label})
        manifest.append({"cell": i, "id": cell.get("id"), "explorer": type(explorer).__name__, "start": start,
                         "frames": files, "interval": _interval_of(explorer)})
        explorer.close()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")


def _interval_of(explorer):
    play = getattr(explorer, "play", None)
    return int(play.interval) if play is not None else 700


def render_all(paths, jobs=2):
    """{notebook name: rendered folder} for the notebooks that have explorers (two processes at a time)."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        folders = list(pool.map(render_notebook, paths))
    return {p.name: f for p, f in zip(paths, folders) if f is not None}


def install(folder, static_dir):
    """Copy a rendered notebook's frames into the site's _static/explorers/; return its manifest."""
    target = pathlib.Path(static_dir) / "explorers"
    target.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest:
        for frame in entry["frames"]:
            shutil.copy2(folder / frame["file"], target / frame["file"])
    return manifest


SHOWN = ' class="shown"'


def explorer_html(entry, alt, prefix="../_static/explorers/"):
    """The markup of one static explorer: the frames stacked (one shown), a Play/Pause button, a slider and a
    live region that announces the frame's label; _static/explorer.js makes them work."""
    frames, start = entry["frames"], entry["start"]
    n = len(frames)
    uid = f"explorer-{entry['cell']}"
    imgs = "\n".join(
        f'<img src="{prefix}{html.escape(f["file"])}" alt="{html.escape(alt)} Frame {k + 1} of {n}: {html.escape(f["label"])}."'
        f' data-label="{html.escape(f["label"])}"{SHOWN if k == start else ""}>'
        for k, f in enumerate(frames))
    label = html.escape(frames[start]["label"])
    return (
        f'<div class="static-explorer" id="{uid}" data-interval="{int(entry["interval"])}" data-start="{start}">\n'
        f'<div class="static-explorer-controls">'
        f'<button type="button" class="static-explorer-play" aria-label="Play the {n} frames">Play</button>'
        f'<input type="range" class="static-explorer-slider" min="0" max="{n - 1}" step="1" value="{start}"'
        f' aria-label="Frame of the explorer ({n} frames)" aria-valuetext="{label}">'
        f'<span class="static-explorer-label" aria-live="polite">{label}</span></div>\n'
        f'<div class="static-explorer-frames">\n{imgs}\n</div>\n</div>\n'
    )


# what the frames walk through, by explorer (the note under a static explorer says it)
WALKS = {
    "LikelihoodExplorer": "μ over its slider's range, with σ where the notebook set it",
    "MixtureExplorer": "π₁ over its slider's range, with the means and standard deviations where the notebook set them",
    "BoundExplorer": "q moved towards the posterior, then E-steps and M-steps in turn",
    "EMAnimator": "EM's half-steps, E-step and M-step of each iteration",
    "StartExplorer": "the starts on the slider",
    "KExplorer": "each K on the slider",
    "HardeningExplorer": "the values of ε on the slider",
    "BernoulliAnimator": "EM's iterations",
    "MissingDataExplorer": "the shares of missing entries on the slider",
    "VBAnimator": "the iterations of variational Bayes",
}


def static_note(entry):
    """The Markdown note under a static explorer: what it plays, how to work it, where every control works."""
    n = len(entry["frames"])
    walk = WALKS.get(entry["explorer"], "its main control")
    return (":::{note}\n:class: explorer-static-note\n"
            f"On this page the explorer above plays {n} frames drawn when the site was built, by the explorer's own "
            f"code: {walk} (the label above the picture names each frame). Press Play, or move the slider: "
            "Tab to it, then the arrow keys, Home and End. Every control works in JupyterLab, in a running "
            "notebook: see *Run this notebook yourself* at the top of the page.\n:::\n")


if __name__ == "__main__":
    _render_in_this_process(sys.argv[1], sys.argv[2])
