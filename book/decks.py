"""Build the lecture decks from book/decks/NN_name.md: reveal.js slides for projection and PDF handouts.

    .venv/bin/python book/build.py slides            # the one command: decks, index and PDFs into build/slides/
    .venv/bin/python book/decks.py --figures         # the figure recipes a deck can name in {{figure: name}}
    .venv/bin/python book/decks.py --no-pdf --out /tmp/decks   # the decks alone, quicker

One deck per notebook: book/decks/04_em_for_gmm.md is the deck of notebooks/04_em_for_gmm.ipynb.
The deck file holds the slide wording, order, fragments and speaker notes; every number on a slide
comes from the notebook's stored outputs and every figure from emlib's plotting code or the notebook's
own code (the format is
described in the module ``FORMAT`` below). Written into the output folder:

- ``NN_name.html``: the reveal.js deck (1280x720 slides, a title slide, the deck's slides, an
  "Exercises" slide made from the notebook's exercise titles, split into in-class and homework by
  book/kit/exercises.toml when that file exists);
- ``figures/*.svg``: the figures the decks name, drawn for projection: a recipe's ({{figure: name}},
  emlib.plotting's code at the size of the slide's figure box, tick labels 15 pt = 20 px, every text
  >= 14 pt, thicker lines), or a notebook cell's ({{picture: cell-id}}: the notebook's code cells run in
  a fresh process up to that cell, its figure, an explorer's included, saved at the same size with the
  same minimum text sizes; the notebooks seed every random draw, so it shows what the stored picture
  shows, at the slide's size; cached in build/deck-cache/ under a hash of the notebook's code, emlib
  and this file);
- ``index.html``: one card per deck (styled like the website);
- ``pdf/NN_name.pdf``: the handout, one page per slide with every fragment shown: the deck's print
  view (what ``NN_name.html?print-pdf`` shows) printed by Chromium through book/pdf.py, after MathJax
  has typeset.

Nothing else is executed: numbers come from the stored outputs. Everything is served from the output
folder: reveal.js 5.2.0 from the ``sphinx-revealjs`` wheel,
MathJax 3.2.2 from the ``sphinx-mathjax-offline`` wheel (the website's MathJax), the Source Sans
Pro font that reveal.js bundles.
"""
import argparse
import base64
import html
import json
import pathlib
import re
import shutil
import sys
import time

BOOK = pathlib.Path(__file__).resolve().parent
ROOT = BOOK.parent
DECKS = BOOK / "decks"
EXERCISE_PLAN = BOOK / "kit" / "exercises.toml"

FORMAT = """A deck file: front matter (notebook, title, subtitle) between '---' lines; '## Title' starts a
slide; a line '+++' starts the next fragment; 'Note:' starts the speaker notes (to the next '## ');
{{output: cell-id}} the stored text output of that notebook cell (optionally
{{output: cell-id lines=2-3 first="max |slope|"}}: only those lines, counted from 1, and the first of them must
start with the quoted text, so that a notebook printing one more line stops the build instead of shifting
the slide's numbers); {{figure: name}} a figure recipe (--figures lists them);
{{picture: cell-id}} the figure of that notebook cell (it must have stored a picture), re-drawn for projection
by running the notebook's code up to it. A slide titled 'Exercises' receives the list
of the notebook's exercises ({{exercises}} marks where; else after its text); without one the builder
adds it."""

# --- the slide geometry (CSS pixels of a 1280x720 slide) -------------------------------------
SLIDE_W, SLIDE_H = 1280, 720
BODY_PX = 30            # body text; headings larger (CSS below)
FIG_BOX = (1100, 540)   # a figure's displayed size: left of the navigation arrows, under a title and one line
PICTURE_BOX = (1184, 520)  # a stored picture: the full text width (a wide one ends above the arrows)
PX_PER_IN = 96          # an SVG of w inches is w * 96 CSS px wide at scale 1
FIG_TICK_PT = 15        # tick labels: 15 pt = 20 px at scale 1
FIG_MIN_TEXT_PT = 14    # every other text of a figure: at least 14 pt = 18.7 px

REVEAL_FILES = ["dist/reveal.js", "dist/reveal.css", "dist/reset.css", "plugin/notes/notes.js", "LICENSE"]
REVEAL_FONTS = "dist/theme/fonts/source-sans-pro"
MATHJAX_FILES = ["tex-chtml-full.js", "output/chtml/fonts/woff-v2"]


class DeckError(ValueError):
    """A deck file that cannot be built: the message names the deck, the slide and what is wrong."""


# ------------------------------------------------------------------------------- parsing --

def parse_deck(path):
    """The deck file as {'meta': {...}, 'slides': [{'title', 'steps': [markdown, ...], 'notes', 'line'}]}."""
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    if not m:
        raise DeckError(f"{path.name}: no front matter (a '---' block with notebook, title, subtitle) at the top")
    meta = {}
    for line in m.group(1).splitlines():
        if line.strip():
            key, sep, value = line.partition(":")
            if not sep:
                raise DeckError(f"{path.name}: front matter line without 'key: value': {line!r}")
            meta[key.strip()] = value.strip()
    for key in ("notebook", "title"):
        if not meta.get(key):
            raise DeckError(f"{path.name}: the front matter has no {key!r}")
    body = text[m.end():]
    first_line = text[:m.end()].count("\n") + 1
    parts = re.split(r"^## (.+)\n", body, flags=re.M)
    if parts[0].strip():
        raise DeckError(f"{path.name}: text before the first '## ' slide heading: {parts[0].strip()[:60]!r}")
    slides, line = [], first_line + parts[0].count("\n")
    for title, content in zip(parts[1::2], parts[2::2]):
        notes = ""
        nm = re.search(r"^Note:[ \t]*\n?", content, re.M)
        if nm:
            content, notes = content[:nm.start()], content[nm.end():]
        steps = re.split(r"^\+\+\+[ \t]*$", content, flags=re.M)
        slides.append({"title": title.strip(), "steps": [s.strip() for s in steps], "notes": notes.strip(), "line": line})
        line += 1 + content.count("\n") + (1 + notes.count("\n") if nm else 0)
    if not slides:
        raise DeckError(f"{path.name}: no slides ('## ' headings)")
    return {"meta": meta, "slides": slides, "path": path}


# ---------------------------------------------------------------------------- notebooks --

def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def cell_by_id(nb, cell_id, where):
    for cell in nb["cells"]:
        if cell.get("id") == cell_id:
            return cell
    raise DeckError(f"{where}: the notebook has no cell with id {cell_id!r}")


def stored_text_output(cell, where):
    """The stored text a code cell printed or returned (streams, then text/plain of results), as one string."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(_text(out["text"]))
        elif out.get("output_type") == "execute_result" and "text/plain" in out.get("data", {}):
            parts.append(_text(out["data"]["text/plain"]) + "\n")
    text = "".join(parts).rstrip("\n")
    if not text:
        raise DeckError(f"{where}: cell {cell.get('id')!r} has no stored text output")
    return text


def stored_png(cell, where):
    for out in cell.get("outputs", []):
        png = out.get("data", {}).get("image/png")
        if png:
            return _text(png).replace("\n", "")
    raise DeckError(f"{where}: cell {cell.get('id')!r} has no stored PNG output")


def png_size(b64):
    import struct

    head = base64.b64decode(b64[:44])
    return struct.unpack(">II", head[16:24])


def exercise_titles(nb):
    """[(id '4.1', kind 'check', title markdown)] of the notebook's '### Exercise N.M (kind): title' headings."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for m in re.finditer(r"^###\s+Exercise\s+(\d+\.\d+)\s*(?:\(([^)]*)\))?\s*:?\s*(.*)$", _source(cell), re.M):
            found.append((m.group(1), (m.group(2) or "").strip(), m.group(3).strip()))
    return found


def exercise_plan(path=EXERCISE_PLAN):
    """{exercise id: {'lecture', 'where' ('in-class' or 'homework'), 'minutes'}} from book/kit/exercises.toml, or None.

    Read leniently: each exercise is a table keyed by its id ("4.1"), anywhere in the file (at the top
    level or under one table such as [exercises]); 'where' is the first value that reads 'in-class',
    'in class' or 'homework'; 'minutes' and 'lecture' are taken when present.
    """
    if not path.exists():
        return None
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    plan = {}

    def visit(table):
        for key, value in table.items():
            if not isinstance(value, dict):
                continue
            if re.fullmatch(r"\d+\.\d+", str(key)):
                where = next((v for v in value.values() if isinstance(v, str)
                              and v.strip().lower().replace(" ", "-") in ("in-class", "homework")), None)
                plan[str(key)] = {"lecture": value.get("lecture"), "minutes": value.get("minutes"),
                                  "where": where.strip().lower().replace(" ", "-") if where else None}
            else:
                visit(value)

    visit(data)
    return plan


# ------------------------------------------------------------------------------ figures --

def _projection_rc():
    return {
        "font.size": FIG_TICK_PT, "axes.titlesize": FIG_TICK_PT + 2, "axes.labelsize": FIG_TICK_PT + 1,
        "xtick.labelsize": FIG_TICK_PT, "ytick.labelsize": FIG_TICK_PT, "legend.fontsize": FIG_MIN_TEXT_PT,
        "lines.linewidth": 3.0, "lines.markersize": 9, "axes.linewidth": 1.6, "xtick.major.width": 1.6,
        "ytick.major.width": 1.6, "xtick.major.size": 6, "ytick.major.size": 6, "patch.linewidth": 1.6,
        "svg.hashsalt": "emlib-decks", "svg.fonttype": "path", "figure.facecolor": "white",
    }


def _new_figure(**kwargs):
    from emlib import plotting as P

    return P.new_figure(FIG_BOX[0] / PX_PER_IN, FIG_BOX[1] / PX_PER_IN, **kwargs)


def _faithful():
    from emlib import figures as F

    if not hasattr(_faithful, "cache"):
        _faithful.cache = F.faithful_fit()
    return _faithful.cache


def fig9_8():
    """PRML Fig. 9.8: EM on standardised Old Faithful, start, first E-step, t = 1, 2, 5, 20."""
    from emlib import figures as F, plotting as P

    X, fit = _faithful()
    fig, axes = _new_figure(nrows=2, ncols=3)
    P.draw_em_panels(axes, X, fit, iterations=(1, 2, 5, 20), labels=("", ""))
    return fig


def loglik():
    """ln p(X | θ) after each of 20 EM iterations from the poor start (it never goes down)."""
    from emlib import plotting as P

    X, fit = _faithful()
    fig, ax = _new_figure()
    P.draw_loglik_curve(ax, fit.log_likelihoods)
    return fig


def fig9_5():
    """PRML Fig. 9.5: samples coloured by z, uncoloured, coloured by the responsibilities."""
    import numpy as np
    from emlib import figures as F, plotting as P
    from emlib.mixture import sample

    X, z = sample(F.MIX_2D, 500, np.random.default_rng(5))
    fig, axes = _new_figure(ncols=3)
    P.draw_latent_colouring(axes, X, z, F.MIX_2D)
    return fig


def fig9_7():
    """PRML Fig. 9.7: a component collapsing onto one point; ln p grows without bound."""
    import numpy as np
    from emlib import plotting as P

    x = np.random.default_rng(9).normal(size=12)
    fig, axes = _new_figure(ncols=2)
    P.draw_collapse(axes, x, n=3)
    return fig


def fig9_11_13():
    """PRML Figs. 9.11-9.13: ln p = L + KL for any q, after the E-step, after the M-step."""
    import numpy as np
    from emlib import figures as F, plotting as P
    from emlib.em import e_step

    X, _ = _faithful()
    noise = np.random.default_rng(3).dirichlet(np.ones(2), size=X.shape[0])
    q = 0.5 * e_step(X, F.BARS_START) + 0.5 * noise
    fig, axes = _new_figure(ncols=3, sharey=True)
    P.draw_em_bars(axes, X, F.BARS_START, q)
    return fig


def fig9_14():
    """PRML Fig. 9.14: ln p along a parameter slice with the bounds of two E-steps."""
    from emlib import figures as F, plotting as P

    X, _ = _faithful()
    s, log_p, L_old, L_new = F.slice_9_14(X)
    fig, ax = _new_figure()
    P.draw_bound_slice(ax, s, log_p, [(L_old, 0.0, "$\\mathcal{L}(q^{old},\\theta)$"), (L_new, 1.0, "$\\mathcal{L}(q^{new},\\theta)$")],
                       xlabel="$s$:  $\\theta = (1-s)\\,\\theta^{old} + s\\,\\theta^{new}$", zoom=(-0.5, 2.8))
    return fig


def fig2_21():
    """PRML Fig. 2.21: Old Faithful, one Gaussian against a mixture of two, with both log-likelihoods."""
    import numpy as np
    from emlib import figures as F, plotting as P
    from emlib.datasets import old_faithful
    from emlib.em import em, init_params
    from emlib.gaussian import gaussian_mle
    from emlib.mixture import GMMParams, mixture_log_likelihood

    X = old_faithful()
    mean, cov = gaussian_mle(X)
    one = GMMParams(np.array([1.0]), mean[None], cov[None])
    two = em(X, init_params(X, 2, np.random.default_rng(7))).params
    fig, axes = _new_figure(ncols=2, sharey=True)
    for ax, params, what in [(axes[0], one, "one Gaussian"), (axes[1], two, "two Gaussians")]:
        P.draw_fit_contours(ax, X, params, (1.2, 5.5), (40, 100), f"{what}: ln p = {mixture_log_likelihood(X, params):.1f}")
        ax.set_xlabel("eruption time (min)")
    axes[0].set_ylabel("waiting time (min)")
    return fig


def fig2_22():
    """PRML Fig. 2.22: a 1-D mixture, its weighted components and sum, and the posterior p(z = k | x)."""
    import numpy as np
    from emlib import figures as F, plotting as P

    grid = np.linspace(-3.5, 5, 800)
    fig, (ax, ax2) = _new_figure(nrows=2, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    P.draw_mixture_1d(ax, grid, F.MIX_1D)
    ax.set_ylabel("density")
    ax.legend(loc="upper left")
    P.draw_posterior_1d(ax2, grid, F.MIX_1D)
    ax2.set_xlabel("x")
    ax2.legend(loc="center right")
    return fig


def fig2_23():
    """PRML Fig. 2.23: a 2-D mixture of three Gaussians: components, contours of p(x), p(x) as an image."""
    import numpy as np
    from emlib import figures as F, plotting as P
    from emlib.mixture import log_joint

    fig, axes = _new_figure(ncols=3)
    lims = (0, 1), (0, 1)
    P.draw_density_contours(axes[0], F.MIX_2D, *lims, levels=6, components=True)
    axes[0].set_title("(a) components")
    P.draw_density_contours(axes[1], F.MIX_2D, *lims, levels=10)
    axes[1].set_title("(b) contours of p(x)")
    gx, gy = np.meshgrid(np.linspace(0, 1, 200), np.linspace(0, 1, 200))
    dens = np.exp(log_joint(np.column_stack([gx.ravel(), gy.ravel()]), F.MIX_2D)).sum(axis=1).reshape(gx.shape)
    axes[2].imshow(dens, origin="lower", extent=(0, 1, 0, 1), cmap="viridis")
    axes[2].set_title("(c) p(x) as an image")
    for ax in axes:
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")
    return fig


FIGURES = {f.__name__: f for f in (fig9_8, loglik, fig9_5, fig9_7, fig9_11_13, fig9_14, fig2_21, fig2_22, fig2_23)}


def finish_for_projection(fig, target, resize=False):
    """Make fig legible on a slide and save it as the SVG target; return its facts (size, smallest tick
    label and text in pt) for the slide and the test.

    The plotting code sets some titles, legends, labels and an inset's ticks in small fixed sizes for a
    page: on a slide no tick label is under FIG_TICK_PT and no other text under FIG_MIN_TEXT_PT. With
    ``resize`` (a notebook's figure) the figure is first given the size of the figure box.
    """
    import matplotlib
    from matplotlib.axes import Axes
    from matplotlib.text import Text
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context({"svg.hashsalt": "emlib-decks", "svg.fonttype": "path"}):
        if resize:
            fig.set_size_inches(FIG_BOX[0] / PX_PER_IN, FIG_BOX[1] / PX_PER_IN)
            if fig.get_layout_engine() is None:
                fig.set_layout_engine("constrained")
            for line in fig.findobj(matplotlib.lines.Line2D):
                line.set_linewidth(max(line.get_linewidth(), 2.0))
        axes = fig.findobj(Axes)  # insets included (they are not in fig.axes)
        for ax in axes:
            ax.tick_params(labelsize=FIG_TICK_PT)
            if ax not in fig.axes:  # an inset (a magnified part): a few x ticks, no y labels over the main curves
                ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
                ax.tick_params(axis="y", labelleft=False)
        if fig.canvas is None or type(fig.canvas).__name__ == "FigureCanvasBase":
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(fig)
        fig.canvas.draw()
        for text in fig.findobj(Text):
            if text.get_text().strip() and text.get_fontsize() < FIG_MIN_TEXT_PT:
                text.set_fontsize(FIG_MIN_TEXT_PT)
        fig.canvas.draw()
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
        ticks = [t.get_fontsize() for ax in axes for t in ax.get_xticklabels() + ax.get_yticklabels()
                 if t.get_text().strip() and t.get_visible()]
        target.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(target, format="svg", dpi=PX_PER_IN, facecolor="white", metadata={"Date": None, "Creator": None})
    width_in, height_in = fig.get_size_inches()
    return {"width_in": float(width_in), "height_in": float(height_in),
            "tick_pt": min(ticks) if ticks else None, "min_text_pt": min(sizes) if sizes else None}


def draw_figure(name, folder):
    """Draw recipe ``name`` for projection into folder/name.svg; return its facts for the slide and the test."""
    import matplotlib

    if name not in FIGURES:
        raise KeyError(name)
    with matplotlib.rc_context(_projection_rc()):
        fig = FIGURES[name]()
        facts = finish_for_projection(fig, folder / f"{name}.svg")
    return dict(facts, name=name, alt=(FIGURES[name].__doc__ or name).strip().splitlines()[0])


def redraw_cells(nb_path, cell_ids, folder):
    """Re-draw, for projection, the pictures of the notebook's cells cell_ids: run the notebook's code cells
    in order (a fresh Python process, matplotlib's Agg backend, in the notebook's folder) up to the last of
    them, and save the figure each of them makes (an explorer's figure, a figure it returns, or the pyplot
    figure it opens) as folder/NN-cell-id.svg; return {cell id: facts}. The notebooks seed every random
    draw, so this is the picture the notebook stored, drawn at the size of a slide's figure box."""
    import hashlib
    import subprocess

    import matplotlib

    folder.mkdir(parents=True, exist_ok=True)
    names = [f"{nb_path.stem[:2]}-{cell_id}.svg" for cell_id in cell_ids]
    # cached under a hash of everything the pictures depend on: the notebook's code, the cells asked
    # for, this file, emlib's sources and matplotlib's version (build/deck-cache/)
    key = hashlib.sha256()
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for part in [json.dumps([_source(c) for c in nb["cells"] if c["cell_type"] == "code"]), " ".join(cell_ids),
                 pathlib.Path(__file__).read_text(encoding="utf-8"), matplotlib.__version__,
                 *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "emlib").rglob("*.py")))]:
        key.update(part.encode("utf-8"))
    cache = ROOT / "build" / "deck-cache" / f"{nb_path.stem}-{key.hexdigest()[:16]}"
    if (cache / "facts.json").exists() and all((cache / n).exists() for n in names):
        for n in names:
            shutil.copy2(cache / n, folder / n)
        return json.loads((cache / "facts.json").read_text(encoding="utf-8"))
    result = folder / f"{nb_path.stem[:2]}-redraw.json"
    cmd = [sys.executable, str(pathlib.Path(__file__).resolve()), "--redraw", str(nb_path), str(folder), *cell_ids]
    env = dict(__import__("os").environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        raise DeckError(f"{nb_path.name}: running its code to re-draw cells {cell_ids} failed:\n{done.stderr[-2000:]}")
    facts = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    for stale in cache.parent.glob(f"{nb_path.stem}-*"):  # one entry per notebook: the latest
        shutil.rmtree(stale)
    cache.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy2(folder / n, cache / n)
    (cache / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
    return facts


def _redraw_in_this_process(nb_path, folder, cell_ids):
    import contextlib
    import os

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    nb_path, folder = pathlib.Path(nb_path).resolve(), pathlib.Path(folder).resolve()
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    wanted, facts = set(cell_ids), {}
    os.chdir(nb_path.parent)
    shell = InteractiveShell.instance()
    for cell in nb["cells"]:
        if not wanted - set(facts):
            break
        if cell["cell_type"] != "code":
            continue
        before = set(plt.get_fignums())
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            ran = shell.run_cell(_source(cell), store_history=False)
        if not ran.success:
            raise RuntimeError(f"{nb_path.name}, cell {cell.get('id')}: {ran.error_in_exec or ran.error_before_exec!r}")
        if cell.get("id") not in wanted:
            continue
        value, fig = ran.result, None
        if isinstance(getattr(value, "fig", None), Figure):
            fig = value.fig  # an explorer
        elif isinstance(value, Figure):
            fig = value
        else:
            new = sorted(set(plt.get_fignums()) - before)
            fig = plt.figure(new[-1]) if new else None
        if fig is None:
            raise RuntimeError(f"{nb_path.name}, cell {cell['id']}: it makes no figure to re-draw")
        with matplotlib.rc_context({"lines.linewidth": 2.5}):
            facts[cell["id"]] = finish_for_projection(fig, folder / f"{nb_path.stem[:2]}-{cell['id']}.svg", resize=True)
    missing = wanted - set(facts)
    if missing:
        raise RuntimeError(f"{nb_path.name}: no code cells {sorted(missing)}")
    (folder / f"{nb_path.stem[:2]}-redraw.json").write_text(json.dumps(facts), encoding="utf-8")


# ---------------------------------------------------------------------------- rendering --

_TEX_PLAIN = None


def tex_to_plain(text):
    """Math in $...$ as plain Unicode text (speaker notes are plain HTML: the speaker view typesets nothing)."""
    global _TEX_PLAIN
    if _TEX_PLAIN is None:
        sys.path.insert(0, str(BOOK))
        from build import plain_text as _TEX_PLAIN  # noqa: N811
    return re.sub(r"\$\$?([^$]+)\$\$?", lambda m: _TEX_PLAIN("$" + m.group(1) + "$"), text)


def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    def math(content, options):
        tex = html.escape(content.strip(), quote=False)
        if options.get("display_mode"):
            return f'<div class="math display">\\[{tex}\\]</div>'
        return f'<span class="math">\\({tex}\\)</span>'

    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
    md.use(dollarmath_plugin, double_inline=True, renderer=math)
    return md


_MD = None


def markdown_html(text):
    global _MD
    if _MD is None:
        _MD = _markdown()
    return _MD.render(text)


_DIRECTIVE = re.compile(r"^\{\{\s*(output|figure|picture|exercises)\s*:?\s*([^}]*?)\s*\}\}\s*$", re.M)


class Deck:
    """One deck: parses its file, reads its notebook, renders its HTML."""

    def __init__(self, path, notebooks_folder, out, figure_cache):
        self.path, self.out, self.figures = path, out, figure_cache
        self.deck = parse_deck(path)
        self.meta = self.deck["meta"]
        stem = path.stem
        if self.meta["notebook"] != f"{stem}.ipynb":
            raise DeckError(f"{path.name}: notebook {self.meta['notebook']!r} is not {stem}.ipynb (one deck per notebook, same name)")
        nb_path = notebooks_folder / self.meta["notebook"]
        if not nb_path.exists():
            raise DeckError(f"{path.name}: no notebook {nb_path}")
        self.nb = json.loads(nb_path.read_text(encoding="utf-8"))
        self.stem = stem
        self.number = stem[:2]
        # {{picture: cell-id}}: the notebook's own figure, re-drawn for projection (one run of its code)
        ids = sorted({m.group(2).strip() for slide in self.deck["slides"] for step in slide["steps"]
                      for m in _DIRECTIVE.finditer(step) if m.group(1) == "picture"})
        for cell_id in ids:
            cell = cell_by_id(self.nb, cell_id, f"{path.name}, {{{{picture: {cell_id}}}}}")
            stored_png(cell, f"{path.name}, {{{{picture: {cell_id}}}}}")  # it must be a cell that stored a picture
        self.pictures = redraw_cells(nb_path, ids, out / "figures") if ids else {}

    def where(self, slide):
        return f"{self.path.name}, slide '{slide['title']}' (line {slide['line']})"

    def directive(self, kind, arg, slide):
        where = self.where(slide)
        if kind == "output":
            m = re.fullmatch(r'(\S+)(?:\s+lines\s*=\s*(\d+)(?:\s*-\s*(\d+))?(?:\s+first\s*=\s*"([^"]+)")?)?', arg)
            if not m:
                raise DeckError(f"{where}: cannot read {{{{output: {arg}}}}}")
            text = stored_text_output(cell_by_id(self.nb, m.group(1), where), where)
            if m.group(2):
                if m.group(4) is None:
                    raise DeckError(f'{where}: {{{{output: {arg}}}}} selects lines by number; add first="..." '
                                    "(the text its first line starts with)")
                lines = text.splitlines()
                a, b = int(m.group(2)), int(m.group(3) or m.group(2))
                if not 1 <= a <= b <= len(lines):
                    raise DeckError(f"{where}: cell {m.group(1)!r} has {len(lines)} output lines, not {a}-{b}")
                if not lines[a - 1].lstrip().startswith(m.group(4)):
                    found = [i + 1 for i, line in enumerate(lines) if line.lstrip().startswith(m.group(4))]
                    raise DeckError(f"{where}: line {a} of cell {m.group(1)!r}'s output is {lines[a - 1]!r}, which "
                                    f"does not start with {m.group(4)!r}" + (f" (line {found[0]} does)" if found else ""))
                text = "\n".join(lines[a - 1:b])
            return f'<pre class="result" data-cell="{html.escape(m.group(1))}">{html.escape(text)}</pre>'
        if kind == "figure":
            if arg not in FIGURES:
                raise DeckError(f"{where}: no figure recipe {arg!r} (there are: {', '.join(FIGURES)})")
            if arg not in self.figures:
                self.figures[arg] = draw_figure(arg, self.out / "figures")
            f = self.figures[arg]
            w, h = round(f["width_in"] * PX_PER_IN), round(f["height_in"] * PX_PER_IN)
            return (f'<img class="figure" src="figures/{arg}.svg" width="{w}" height="{h}" alt="{html.escape(f["alt"])}" '
                    f'data-figure="{arg}" data-width-in="{f["width_in"]:.4f}" data-tick-pt="{f["tick_pt"]}" '
                    f'data-min-text-pt="{f["min_text_pt"]}">')
        if kind == "picture":
            cell = cell_by_id(self.nb, arg, where)
            if arg not in self.pictures:
                raise DeckError(f"{where}: cell {arg!r} was not re-drawn")
            f = self.pictures[arg]
            w, h = round(f["width_in"] * PX_PER_IN), round(f["height_in"] * PX_PER_IN)
            alt = cell.get("metadata", {}).get("alt") or f"the picture of notebook {self.number}, cell {arg}, drawn for projection"
            return (f'<img class="figure picture" src="figures/{self.number}-{arg}.svg" width="{w}" height="{h}" '
                    f'alt="{html.escape(alt)}" data-picture="{html.escape(arg)}" data-width-in="{f["width_in"]:.4f}" '
                    f'data-tick-pt="{f["tick_pt"]}" data-min-text-pt="{f["min_text_pt"]}">')
        if kind == "exercises":
            raise DeckError(f"{where}: {{{{exercises}}}} belongs on the slide titled 'Exercises'")
        raise DeckError(f"{where}: unknown directive {kind!r}")

    def render_markdown(self, text, slide):
        """Markdown with directives (each on a line of its own) as HTML."""
        pieces, last = [], 0
        for m in _DIRECTIVE.finditer(text):
            pieces.append(markdown_html(text[last:m.start()]))
            pieces.append(self.directive(m.group(1), m.group(2).strip(), slide))
            last = m.end()
        pieces.append(markdown_html(text[last:]))
        rest = "".join(pieces)
        if "{{" in re.sub(r"<pre.*?</pre>", "", rest, flags=re.S):
            bad = re.search(r"\{\{[^}]*\}\}?", rest)
            raise DeckError(f"{self.where(slide)}: a '{{{{...}}}}' that is not a directive on a line of its own: {bad.group(0) if bad else ''}")
        return rest

    def notes_html(self, notes, slide):
        if not notes.strip():
            raise DeckError(f"{self.where(slide)}: no speaker notes ('Note:' with Say:/Ask:/Answer:)")
        paragraphs = []
        for block in re.split(r"\n(?=(?:Say|Ask|Answer|Board|Show|Time):)|\n\s*\n", notes.strip()):
            block = " ".join(block.split())
            if not block:
                continue
            m = re.match(r"(Say|Ask|Answer|Board|Show|Time):\s*(.*)", block, re.S)
            label, body = (m.group(1), m.group(2)) if m else ("", block)
            body = html.escape(tex_to_plain(body).replace("**", "").replace("`", ""), quote=False)
            paragraphs.append(f"<p><strong>{label}:</strong> {body}</p>" if label else f"<p>{body}</p>")
        return '<aside class="notes">' + "".join(paragraphs) + "</aside>"

    EXERCISE_WORDS = 45  # above this (an estimate from the titles), in-class and homework go on two slides

    def exercise_groups(self):
        """[(heading, [(id, kind, title markdown, minutes)])]: one group without book/kit/exercises.toml,
        else 'In class' and 'Homework' (and 'Also in the notebook' for exercises the plan does not list)."""
        titles = exercise_titles(self.nb)
        if not titles:
            raise DeckError(f"{self.path.name}: notebook {self.meta['notebook']} has no '### Exercise N.M' headings")
        plan = exercise_plan()
        if plan is None:
            return [("", [(n, k, t, None) for n, k, t in titles])]
        groups = {"in-class": [], "homework": [], None: []}
        for n, k, t in titles:
            groups[plan.get(n, {}).get("where")].append((n, k, t, plan.get(n, {}).get("minutes")))
        heads = {"in-class": "In class", "homework": "Homework", None: "Also in the notebook"}
        return [(heads[key], groups[key]) for key in ("in-class", "homework", None) if groups[key]]

    @staticmethod
    def exercise_words(group):
        return sum(1 + len(tex_to_plain(t).split()) + (2 if m else 1 if k else 0) for _, k, t, m in group[1])

    def exercise_list(self, groups):
        def item(ex):
            number, kind, title, minutes = ex
            meta = f"{minutes} min" if minutes else kind  # with the plan: the effort; without: the level
            inline = re.sub(r"^<p>|</p>$", "", markdown_html(title).strip())
            return (f'<li><span class="ex-number">{number}</span> {inline}'
                    + (f' <span class="ex-meta">({meta})</span>' if meta else "") + "</li>")

        cols = []
        for head, group in groups:
            cols.append('<div class="ex-group">' + (f"<h3>{head}</h3>" if head else "")
                        + '<ul class="exercises">' + "".join(item(e) for e in group) + "</ul></div>")
        return '<div class="ex-split">' + "".join(cols) + "</div>"

    def exercise_sections(self, slide):
        """The Exercises slide (the deck's own, or a default one) with the notebook's exercise list; two
        slides, one per group, when one would hold more than EXERCISE_WORDS words."""
        groups = self.exercise_groups()
        if slide is None:
            said = []
            for head, group in groups:
                minutes = sum(m or 0 for *_, m in group)
                said.append(f"{head or 'In the notebook'}: {', '.join(n for n, *_ in group)}"
                            + (f" (about {minutes} minutes)" if minutes else ""))
            slide = {"title": "Exercises", "steps": [""], "line": 0,
                     "notes": f"Say: {'; '.join(said)}. Each exercise in notebook {self.number} has hints and an automatic check."}
        own_words = len(tex_to_plain(" ".join(slide["steps"]).replace("{{exercises}}", "")).split())
        if len(groups) > 1 and own_words + sum(self.exercise_words(g) for g in groups) > self.EXERCISE_WORDS:
            parts = [(f"{slide['title']}: {head.lower()}", [(head, group)], i == 0) for i, (head, group) in enumerate(groups)]
        else:
            parts = [(slide["title"], groups, True)]
        sections = []
        for title, chosen, first in parts:
            steps = list(slide["steps"]) if first else [""]
            listing = self.exercise_list([("", g) for _, g in chosen] if len(parts) > 1 else chosen)
            token = "EXERCISES-LIST-%d" % len(sections)
            if any(re.search(r"\{\{\s*exercises\s*\}\}", st) for st in steps):
                steps = [re.sub(r"\{\{\s*exercises\s*\}\}", token, st) for st in steps]
            else:
                steps[-1] = (steps[-1] + "\n\n" + token).strip()
            html_ = self.slide_html(dict(slide, title=title, steps=steps))
            sections.append(html_.replace(f"<p>{token}</p>", listing).replace(token, listing))
        return sections

    def slide_html(self, slide):
        steps = [self.render_markdown(step, slide) for step in slide["steps"]]
        if len(steps) > 1 and not steps[0].strip():
            raise DeckError(f"{self.where(slide)}: a '+++' before any text (the slide would open empty)")
        body = steps[0] + "".join(f'<div class="fragment">{s}</div>' for s in steps[1:] if s.strip())
        figure = ' data-figure-slide="1"' if 'class="figure' in body else ""
        title = self.render_markdown(slide["title"], slide).strip()
        title = re.sub(r"^<p>|</p>$", "", title)
        return (f'<section id="{self.slug(slide["title"])}"{figure}>\n<h2>{title}</h2>\n{body}\n'
                f'{self.notes_html(slide["notes"], slide)}\n</section>')

    def slug(self, title):
        base = re.sub(r"[^a-z0-9]+", "-", tex_to_plain(title).lower()).strip("-")[:48] or "slide"
        self._slugs = getattr(self, "_slugs", set())
        slug, i = base, 2
        while slug in self._slugs:
            slug, i = f"{base}-{i}", i + 1
        self._slugs.add(slug)
        return slug

    def render(self):
        sections = []
        meta = self.meta
        subtitle = meta.get("subtitle", "")
        title_notes = (f"Say: This lecture: {subtitle}." if subtitle else f"Say: This lecture: {meta['title']}.")
        sections.append(
            '<section id="title" class="title-slide">\n'
            f'<h1>{re.sub(r"^<p>|</p>$", "", markdown_html(meta["title"]).strip())}</h1>\n'
            + (f'<p class="subtitle">{re.sub(r"^<p>|</p>$", "", markdown_html(subtitle).strip())}</p>\n' if subtitle else "")
            + f'<p class="deck-number">Notebook {self.number} · <code>notebooks/{meta["notebook"]}</code></p>\n'
            + self.notes_html(title_notes, {"title": "title slide", "line": 1}) + "\n</section>")
        exercises = None
        for slide in self.deck["slides"]:
            if re.fullmatch(r"Exercises\b.*", slide["title"]):
                exercises = slide  # the list goes onto it, after the deck's other slides
                continue
            sections.append(self.slide_html(slide))
        sections.extend(self.exercise_sections(exercises))
        self.n_slides = len(sections)
        return page(f"{meta['title']} (notebook {self.number})", "\n\n".join(sections))


# ------------------------------------------------------------------------------ the page --

THEME_CSS = """
/* projection theme: the website's colours (pydata-sphinx-theme light), reveal.js's Source Sans Pro */
@font-face { font-family: 'Source Sans Pro'; src: url('reveal.js/dist/theme/fonts/source-sans-pro/source-sans-pro-regular.woff') format('woff'); font-weight: normal; font-style: normal; }
@font-face { font-family: 'Source Sans Pro'; src: url('reveal.js/dist/theme/fonts/source-sans-pro/source-sans-pro-italic.woff') format('woff'); font-weight: normal; font-style: italic; }
@font-face { font-family: 'Source Sans Pro'; src: url('reveal.js/dist/theme/fonts/source-sans-pro/source-sans-pro-semibold.woff') format('woff'); font-weight: 600; font-style: normal; }
@font-face { font-family: 'Source Sans Pro'; src: url('reveal.js/dist/theme/fonts/source-sans-pro/source-sans-pro-semibolditalic.woff') format('woff'); font-weight: 600; font-style: italic; }
:root { --primary: #0a7d91; --primary-dark: #075e6d; --text: #14181e; --surface: #f3f4f5; --border: #d1d5da; }
.reveal-viewport { background: #fff; }
.reveal { font-family: 'Source Sans Pro', system-ui, sans-serif; font-size: BODYpx; color: var(--text); line-height: 1.3;
  font-variant-ligatures: none; /* the handouts' text layer reads "differences", not "diﬀerences" */ }
.reveal .slides { text-align: left; }
.reveal .slides section { padding: 22px 48px 0 48px; box-sizing: border-box; height: 720px; }
.reveal h1, .reveal h2, .reveal h3 { font-weight: 600; color: var(--primary-dark); margin: 0 0 0.45em 0; line-height: 1.15; }
.reveal h1 { font-size: 58px; }
.reveal h2 { font-size: 44px; padding-bottom: 8px; border-bottom: 3px solid var(--primary); }
.reveal h3 { font-size: 34px; margin-bottom: 0.3em; }
.reveal p { margin: 0.45em 0; }
.reveal ul, .reveal ol { margin: 0.3em 0 0.3em 1.2em; padding: 0; }
.reveal li { margin: 0.25em 0; }
.reveal strong { font-weight: 600; color: #000; }
.reveal em { font-style: italic; }
.reveal code { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.9em; }
.reveal table { border-collapse: collapse; margin: 0.4em 0; }
.reveal th, .reveal td { border-bottom: 1px solid var(--border); padding: 4px 16px; text-align: left; }
.reveal th { white-space: nowrap; font-weight: 600; }
/* math the size of the text around it (MathJax 3 CHTML with scale 1, no font-height matching) */
.reveal .math.display { margin: 0.35em 0; text-align: center; }
.reveal mjx-container[display="true"] { margin: 0 !important; }
/* a stored result: the notebook's own output */
.reveal pre.result { font-family: 'DejaVu Sans Mono', monospace; font-size: 28px; line-height: 1.3; background: var(--surface);
  border-left: 6px solid var(--primary); padding: 10px 18px; margin: 0.45em 0; white-space: pre; box-shadow: none; width: auto;
  display: inline-block; max-width: 1150px; color: var(--text); }
/* a figure: left of the navigation arrows */
.reveal img.figure { display: block; margin: 6px 0 0 0; border: 0; box-shadow: none; max-width: 1184px; max-height: 560px; }
.reveal .title-slide { display: flex !important; flex-direction: column; justify-content: center; }
.reveal .title-slide h1 { border: 0; }
.reveal .subtitle { font-size: 36px; color: #222832; margin: 0.2em 0 1.2em; }
.reveal .deck-number { font-size: 30px; color: #3b4350; }
.reveal .deck-number code { font-size: 28px; }
.reveal .ex-split { display: flex; gap: 48px; }
.reveal .ex-group { flex: 1; }
.reveal ul.exercises { list-style: none; margin-left: 0; }
.reveal ul.exercises li { margin: 0.2em 0; }
.reveal .ex-number { font-weight: 600; color: var(--primary-dark); margin-right: 0.3em; }
.reveal .ex-meta { color: #3b4350; }
.reveal .fragment { transition: none; }
.reveal .controls { color: var(--primary); }
.reveal .progress { color: var(--primary); height: 5px; }
@media print { .reveal .controls, .reveal .progress { display: none !important; } }
/* the print view (?print-pdf, the PDF handouts): reveal.js drops a slide's padding there; keep the screen's */
html.reveal-print .reveal .slides .pdf-page > section { padding: 22px 48px 0 48px !important; height: 720px; }
html.reveal-print .reveal .slides .pdf-page > section.title-slide { display: flex !important; }
""".replace("BODY", str(BODY_PX))

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="reveal.js/dist/reset.css">
<link rel="stylesheet" href="reveal.js/dist/reveal.css">
<link rel="stylesheet" href="deck.css">
<script>
// MathJax 3 (the website's): typesets every slide first; reveal.js starts when the math is done, so
// that its print layout (?print-pdf) and every speaker-view frame see typeset slides
window.MathJax = {{
  tex: {{ inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]], processEscapes: false }},
  chtml: {{ scale: 1, matchFontHeight: false }},
  options: {{ enableAssistiveMml: true, menuOptions: {{ settings: {{ assistiveMml: true, zoom: "NoZoom" }} }},
             skipHtmlTags: ["script", "noscript", "style", "textarea", "pre", "code", "aside"] }},
  startup: {{ typeset: true }}
}};
</script>
<script src="mathjax3/tex-chtml-full.js"></script>
<script src="reveal.js/dist/reveal.js"></script>
<script src="reveal.js/plugin/notes/notes.js"></script>
</head>
<body>
<div class="reveal"><div class="slides">
{sections}
</div></div>
<script>
window.deckReady = false;
// the print view (?print-pdf, the handouts) lays its pages out after 'ready': wait for its 'pdf-ready'
const printView = /print-pdf/i.test(location.search) || window.deckPrint === true;
const pagesLaidOut = printView ? new Promise(done => document.querySelector(".reveal").addEventListener("pdf-ready", done)) : null;
MathJax.startup.promise.then(() => document.fonts.ready).then(() => Reveal.initialize({{
  width: {w}, height: {h}, margin: 0, minScale: 0.2, maxScale: 2.0, center: false, hash: true, respondToHashChanges: true,
  transition: "none", backgroundTransition: "none", controls: true, controlsTutorial: false, progress: true,
  slideNumber: false, showNotes: false, pdfSeparateFragments: false, pdfMaxPagesPerSlide: 1,
  plugins: [RevealNotes], ...(window.deckPrint ? {{ view: "print" }} : {{}})
}})).then(() => pagesLaidOut).then(() => {{ window.deckReady = true; }});
</script>
</body>
</html>
"""


def page(title, sections):
    return PAGE.format(title=html.escape(title), sections=sections, w=SLIDE_W, h=SLIDE_H)


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Lecture slides: Expectation–Maximization, derived and checked</title>
<link rel="icon" href="data:,">
<style>
/* the website's look: pydata-sphinx-theme light colours and its system font stack */
:root {{ --primary: #0a7d91; --secondary: #8045e5; --text: #222832; --muted: #48566b; --surface: #f3f4f5; --border: #d1d5da; }}
body {{ font-family: system-ui, sans-serif, "Apple Color Emoji", "Segoe UI Emoji"; color: var(--text); background: #fff;
       margin: 0; line-height: 1.5; font-size: 17px; }}
header {{ border-bottom: 1px solid var(--border); box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 14px 24px; }}
header a {{ color: var(--text); text-decoration: none; font-weight: 600; }}
main {{ max-width: 1100px; margin: 0 auto; padding: 24px; }}
h1 {{ font-size: 2.1rem; margin: 0.3em 0 0.4em; }}
a {{ color: var(--primary); }}
a:hover {{ color: var(--secondary); }}
.keys {{ background: var(--surface); border-left: 4px solid var(--primary); padding: 10px 16px; margin: 0 0 24px; }}
kbd {{ border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; background: #fff; font-size: 0.9em; }}
.cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 18px; list-style: none; padding: 0; }}
.card {{ border: 1px solid var(--border); border-radius: 6px; padding: 14px 18px; box-shadow: 0 1px 3px rgba(0,0,0,.06); }}
.card h2 {{ font-size: 1.2rem; margin: 0 0 0.3em; }}
.card h2 a {{ text-decoration: none; }}
.card .n {{ color: var(--muted); font-weight: 600; margin-right: 0.3em; }}
.card p {{ margin: 0.3em 0; }}
.card .facts {{ color: var(--muted); font-size: 0.95em; }}
</style>
</head>
<body>
<header><a href="#">EM, derived and checked</a> · lecture slides</header>
<main>
<h1>Lecture slides</h1>
<p class="keys">One deck per notebook, for projection at 1280×720. Keys: <kbd>←</kbd> <kbd>→</kbd> (or <kbd>Space</kbd>)
to move, <kbd>S</kbd> the speaker view (notes: what to say, what to ask, the expected answer), <kbd>F</kbd> full screen,
<kbd>Esc</kbd> the overview. Each deck has a PDF handout (one page per slide); to print a deck yourself, open it with
<code>?print-pdf</code> after its name (e.g. <code>04_em_for_gmm.html?print-pdf</code>) and print to PDF from Chromium
or Chrome (landscape, no margins, background graphics on).</p>
<ul class="cards">
{cards}
</ul>
</main>
</body>
</html>
"""


def index_html(decks):
    cards = []
    for d in decks:
        sub = tex_to_plain(d["subtitle"])
        pdf = f' · <a href="pdf/{d["stem"]}.pdf">PDF handout</a>' if d.get("pdf") else ""
        cards.append(
            f'<li class="card"><h2><span class="n">{d["number"]}</span><a href="{d["stem"]}.html">{html.escape(tex_to_plain(d["title"]))}</a></h2>'
            + (f"<p>{html.escape(sub)}</p>" if sub else "")
            + f'<p class="facts">{d["n_slides"]} slides{pdf}</p></li>')
    return INDEX.format(cards="\n".join(cards))


# --------------------------------------------------------------------------------- build --

def reveal_dir():
    import sphinx_revealjs

    return pathlib.Path(sphinx_revealjs.__file__).parent / "_static" / "revealjs"


def mathjax_dir():
    import importlib.util

    return pathlib.Path(importlib.util.find_spec("sphinx-mathjax-offline").submodule_search_locations[0]) / "static" / "mathjax"


def copy_assets(out):
    reveal = reveal_dir()
    for part in REVEAL_FILES:
        (out / "reveal.js" / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(reveal / part, out / "reveal.js" / part)
    shutil.copytree(reveal / REVEAL_FONTS, out / "reveal.js" / REVEAL_FONTS,
                    ignore=shutil.ignore_patterns("*.eot", "*.ttf"))
    mathjax = mathjax_dir()
    for name in MATHJAX_FILES:
        source, target = mathjax / name, out / "mathjax3" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    (out / "deck.css").write_text(THEME_CSS.lstrip(), encoding="utf-8")


def deck_files(folder=None):
    return sorted((folder or DECKS).glob("[0-9][0-9]_*.md"))


def build(out, notebooks_folder=None, decks_folder=None, pdf=True, browser=None):
    """Build every deck of decks_folder (default book/decks/) into out; return [{stem, title, n_slides, path, pdf}].
    browser: a launched playwright Chromium to print the PDFs with (else one is started)."""
    out = pathlib.Path(out).resolve()
    notebooks_folder = pathlib.Path(notebooks_folder or ROOT / "notebooks")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_assets(out)
    figure_cache, built = {}, []
    files = deck_files(decks_folder)
    if not files:
        raise FileNotFoundError(f"no decks matching NN_name.md in {decks_folder or DECKS}")
    for path in files:
        deck = Deck(path, notebooks_folder, out, figure_cache)
        target = out / f"{deck.stem}.html"
        target.write_text(deck.render(), encoding="utf-8")
        built.append({"stem": deck.stem, "number": deck.number, "title": deck.meta["title"],
                      "subtitle": deck.meta.get("subtitle", ""), "n_slides": deck.n_slides, "path": target})
    (out / "figures.json").write_text(json.dumps(figure_cache, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if pdf:
        print_pdfs(out, built, browser)
    (out / "index.html").write_text(index_html(built), encoding="utf-8")
    return built


# ----------------------------------------------------------------------------------- PDF --

def print_pdfs(out, built, browser=None):
    """Print every deck's print view (what ``?print-pdf`` shows: one page per slide, fragments shown) to
    out/pdf/NN_name.pdf with book/pdf.py's html_to_pdf (Chromium, offline, after MathJax has typeset).

    html_to_pdf opens a local file, which takes no query string, so each deck is printed from a
    temporary copy beside it that sets reveal.js's ``view: "print"`` (the setting ``?print-pdf`` makes).
    """
    sys.path.insert(0, str(BOOK))
    from pdf import CHROMIUM, CHROMIUM_ARGS, html_to_pdf

    (out / "pdf").mkdir(exist_ok=True)
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return print_pdfs(out, built, own)
            finally:
                own.close()
    for d in built:
        copy = out / f"_print_{d['stem']}.html"
        copy.write_text(d["path"].read_text(encoding="utf-8").replace(
            "<script>\nwindow.deckReady = false;", "<script>\nwindow.deckPrint = true;\nwindow.deckReady = false;", 1),
            encoding="utf-8")
        try:
            target = out / "pdf" / f"{d['stem']}.pdf"
            html_to_pdf(copy, target, width=f"{SLIDE_W}px", height=f"{SLIDE_H}px",
                        ready="window.deckReady === true", browser=browser)
            d["pdf"] = target
        finally:
            copy.unlink()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "slides")
    parser.add_argument("--notebooks", type=pathlib.Path, help="the notebook folder (default notebooks/)")
    parser.add_argument("--decks", type=pathlib.Path, help="the deck folder (default book/decks/)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF handouts")
    parser.add_argument("--figures", action="store_true", help="list the figure recipes and exit")
    parser.add_argument("--redraw", nargs="+", metavar="ARG", help=argparse.SUPPRESS)  # NOTEBOOK FOLDER CELL-ID...: see redraw_cells
    args = parser.parse_args(argv)
    if args.redraw:
        _redraw_in_this_process(args.redraw[0], args.redraw[1], args.redraw[2:])
        return 0
    if args.figures:
        for name, f in FIGURES.items():
            print(f"{name:12s} {(f.__doc__ or '').strip().splitlines()[0]}")
        return 0
    start = time.perf_counter()
    built = build(args.out, args.notebooks, args.decks, pdf=not args.no_pdf)
    print(f"slides: {len(built)} decks, {sum(d['n_slides'] for d in built)} slides in {args.out} "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
