"""Build the course website and the lecture slides from the committed notebooks, offline.

    .venv/bin/python book/build.py site      # the website into build/html/   (open build/html/index.html)
    .venv/bin/python book/build.py slides    # one reveal.js deck per notebook into build/slides/
    .venv/bin/python book/build.py all       # both

Options: ``--out DIR`` (another output folder), ``--notebooks DIR`` (another notebook folder),
``--repo URL`` (site only: the repository's address, linked from every page, in each notebook
page's "Run this notebook yourself" box and for a Binder launch link; default: ``[project.urls]
Repository`` in pyproject.toml, else the checkout's git remote ``origin``; ``--repo ''`` for none).

Nothing is executed: the pages and the decks show the outputs stored in the notebooks, and a
widget cell shows the PNG it stored (the page says that it is a still). Everything a page loads is
served from the output folder: the website's MathJax 3.2.2 (CHTML, assistive MathML on) comes from
the ``sphinx-mathjax-offline`` wheel (book/conf.py), the decks' MathJax 2.7 from the
``jupyter-server-mathjax`` wheel, reveal.js from the ``sphinx-revealjs`` wheel, the theme's fonts
and icons from ``sphinx-book-theme``. Decks with math run ``_static/mathjax-fonts.js``, which loads
the MathJax 2 fonts all at once before typesetting instead of one after the other.

The site's copy of a notebook (the download stays as committed) differs in presentation only: a
"Run this notebook yourself" box under the title (clone, the README's command, the Python minimum
of pyproject.toml), no ``# NBVAL_...`` harness line at the top of a cell, folds labelled
"Solution (code)" or "Code", and an alt text for every stored picture (``alt_text``).
"""
import argparse
import base64
import copy
import json
import math
import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import time

BOOK = pathlib.Path(__file__).resolve().parent
ROOT = BOOK.parent
sys.path.insert(0, str(BOOK))
import slide_plan  # noqa: E402

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def notebooks(folder=None):
    return sorted((folder or ROOT / "notebooks").glob(NOTEBOOK_GLOB))


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def notebook_title(path):
    """The text of the first heading of a notebook, e.g. '01 — Maximum likelihood for one Gaussian'."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            m = re.search(r"^#\s+(.+)$", _source(cell), re.M)
            if m:
                return m.group(1).strip()
    return path.stem


# ------------------------------------------------------------------------------------- site --

def _gallery_page(figures, out):
    """figures/README.md followed by every figure it lists, drawn, with its caption."""
    readme = (figures / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|\s*$", readme, re.M)
    parts = [readme.rstrip(), "", "## The gallery", ""]
    listed = set()
    for name, what, where in rows:
        stem = name.rsplit(".", 1)[0] if "." in name else name
        picture = name if "." in name else f"{stem}.png"
        if not (figures / picture).exists():
            raise FileNotFoundError(f"figures/README.md lists {name}, but figures/{picture} does not exist")
        listed.add(picture)
        parts += [f"### {stem}", "", f"![{what}]({picture})", "", f"{what} (notebook {where}).", ""]
        files = [f"{{download}}`{picture} <{picture}>`"]
        if (figures / f"{stem}.svg").exists():
            files.append(f"{{download}}`{stem}.svg <{stem}.svg>`")
        parts += ["Files: " + " · ".join(files), ""]
    missing = sorted(p.name for p in figures.glob("*.png") if p.name not in listed)
    if missing:
        raise ValueError(f"figures/README.md does not describe {missing}")
    (out / "index.md").write_text("\n".join(parts), encoding="utf-8")


def _notebook_table(paths):
    lines = ["| # | page | notebook file |", "|---|---|---|"]
    for p in paths:
        title = notebook_title(p)
        lines.append(f"| {p.name[:2]} | [{title}](notebooks/{p.name}) | {{download}}`{p.name} <downloads/{p.name}>` |")
    return "\n".join(lines) + "\n"


# The harness comment that older notebooks carry on a cell's first line (nbval reads the cell tag
# nbval-ignore-output now); the site never shows it
_HARNESS_LINE = re.compile(r"\A[ \t]*#\s*NBVAL_[A-Z_]+\b[^\n]*\n?")

_TEX_WORDS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "theta": "θ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "psi": "ψ",
    "omega": "ω", "Lambda": "Λ", "Sigma": "Σ", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Psi": "Ψ", "Omega": "Ω",
    "ln": "ln", "log": "log", "exp": "exp", "max": "max", "min": "min", "sum": "Σ", "prod": "Π", "mid": "|",
    "Vert": "‖", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "approx": "≈", "to": "→", "times": "×",
    "cdot": "·", "infty": "∞", "pm": "±", "neq": "≠", "propto": "∝", "in": "∈", "ast": "*", "quad": " ",
}


def plain_text(markdown):
    """Markdown with TeX, as a sentence a screen reader can say: 'π_k N(x | μ_k, Σ_k)', no markup."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\(?:mathcal|mathbf|boldsymbol|mathrm|text|textbf|operatorname|bm|mathit|widehat|hat|tilde|bar)\s*", "", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_WORDS.get(m.group(1), ""), text)
    text = re.sub(r"\\[,;:! ]", " ", text)
    text = text.replace("\\{", "{").replace("\\}", "}")
    text = re.sub(r"[{}$*`#]", "", text)
    text = re.sub(r"\\", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _sentences(text, limit):
    """The first sentences of text, together at most about limit characters (at least one sentence)."""
    parts, total = [], 0
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text):
        if parts and total + len(sentence) > limit:
            break
        parts.append(sentence)
        total += len(sentence) + 1
    out = " ".join(parts)
    return out if len(out) <= limit + 80 else out[:limit].rsplit(" ", 1)[0] + " …"


_FIGURE_WORDS = re.compile(r"\b(figure|picture|plot|panel|Left|Right|Top|Bottom|shows?|drawn|coloured|ellipses|histogram|curve)\b")


def alt_text(cell, markdown_before, heading):
    """What a figure shows, for its alt text: the cell's metadata ``alt`` when it has one, else the
    paragraph before the figure that describes it (the last one that speaks of the picture, else the
    last one), with the section heading; never a file name."""
    given = cell.get("metadata", {}).get("alt")
    if isinstance(given, str) and given.strip():
        return given.strip()
    paragraphs = [plain_text(p) for p in (markdown_before or "").split("\n\n")]
    paragraphs = [p for p in paragraphs if len(p.split()) >= 4 and not p.lower().startswith(("solution", "hint"))]
    describing = [p for p in paragraphs if _FIGURE_WORDS.search(p)]
    chosen = (describing or paragraphs or [""])[-1]
    where = f"Figure in “{heading}”" if heading else "Figure"
    return f"{where}: {_sentences(chosen, 300)}" if chosen else f"{where}."


def readme_command(kind="lab"):
    """The README's one command that installs and opens JupyterLab (kind 'lab') or runs the tests ('test')."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(python3 -m venv[^\n]+)\n```", readme)
    for command in commands:
        if (kind == "lab") == ("jupyter lab" in command):
            return command
    raise ValueError(f"README.md has no {kind} command in a bash block")


def python_minimum():
    """The Python minimum of pyproject.toml's requires-python, e.g. '3.11'."""
    import tomllib

    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    return re.fullmatch(r"\s*>=\s*(\d+\.\d+)\s*", spec).group(1)


def default_repository_url():
    """The project's repository: [project.urls] Repository in pyproject.toml, else this checkout's git
    remote 'origin' (as https), else '' (the pages then say "a clone of the repository" with no link)."""
    import tomllib

    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"].get("urls", {})
    if urls.get("Repository"):
        return urls["Repository"].rstrip("/")
    try:
        remote = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    m = re.fullmatch(r"git@([^:]+):(.+?)(?:\.git)?", remote)
    if m:
        return f"https://{m.group(1)}/{m.group(2)}"
    return re.sub(r"\.git$", "", remote) if remote.startswith("https://") else ""


def run_this_notebook(name, repository_url):
    """The Markdown box on a notebook page that says how to run it: clone, the README's command, open it."""
    folder = repository_url.rstrip("/").rsplit("/", 1)[-1] if repository_url else "<folder>"
    clone = f"git clone {repository_url} && cd {folder}" if repository_url else "git clone <repository URL> && cd <folder>"
    where = f"[the repository]({repository_url})" if repository_url else "the repository beside the notebooks"
    return (
        ":::{admonition} Run this notebook yourself\n:class: tip run-it\n\n"
        f"It needs `emlib`, the small library in {where}: a downloaded `.ipynb` alone stops at `import emlib`. "
        f"On Linux or macOS with Python ≥ {python_minimum()}, clone the repository and run the README's command "
        "(it makes a virtual environment `.venv`, installs `emlib` into it and opens JupyterLab), then open "
        f"`notebooks/{name}`:\n\n"
        f"```bash\n{clone}\n{readme_command('lab')}\n```\n:::\n"
    )


STILL_NOTE = (":::{note}\n:class: explorer-still\n"
              "On this page the explorer above is a still: its starting picture. Its controls (Play, the "
              "sliders, the buttons) work in JupyterLab, in a running notebook: see *Run this notebook yourself* "
              "at the top of the page.\n:::\n")


def _site_notebook(nb, name, repository_url):
    """The copy of a notebook that the site shows (the download stays exactly as committed)."""
    heading, markdown_before, title_done = "", "", False
    cells = []
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        source = _source(cell)
        if cell["cell_type"] == "markdown":
            headings = re.findall(r"^#{1,3}\s+(.+)$", source, re.M)
            if headings:
                heading = plain_text(headings[-1])
            markdown_before = source
            cells.append(cell)
            if not title_done and re.search(r"^#\s", source, re.M):
                title_done = True
                cells.append({"cell_type": "markdown", "id": "run-this-notebook", "metadata": {},
                              "source": run_this_notebook(name, repository_url)})
            continue
        if cell["cell_type"] != "code":
            cells.append(cell)
            continue
        cell["source"] = _HARNESS_LINE.sub("", source)
        options = cell["metadata"].setdefault("mystnb", {})
        solution = "solution" in tags or "### BEGIN SOLUTION" in source
        if solution:
            # a solution's code and output (a solution cell, or a code exercise with its solution
            # between nbgrader's markers): folded like the solution prose (<details>)
            if "hide-cell" not in tags:
                cell["metadata"]["tags"] = tags + ["hide-cell"]
            options.update(code_prompt_show="Solution (code)", code_prompt_hide="Hide the solution")
        if any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            options.setdefault("image", {})["alt"] = alt_text(cell, markdown_before, heading)
        cells.append(cell)
        if any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", [])):
            # the page shows the explorer's stored starting picture: say so beside it, so that the
            # notebook's "press Play" / "move the slider" is not taken for a control on this page
            cells.append({"cell_type": "markdown", "id": f"still-{len(cells)}", "metadata": {}, "source": STILL_NOTE})
    nb["cells"] = cells
    return nb


def prepare_site_source(src, folder=None, repository_url=""):
    """Lay out the Sphinx source folder: book pages, the notebooks, the figure gallery."""
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for name in ["conf.py", "index.md", "lecturers.md", "notation.md"]:
        shutil.copy2(BOOK / name, src / name)
    shutil.copytree(BOOK / "_static", src / "_static", ignore=shutil.ignore_patterns("mathjax-fonts.js"))
    (src / "notebooks").mkdir()
    paths = notebooks(folder)
    if not paths:
        raise FileNotFoundError(f"no notebooks matching {NOTEBOOK_GLOB} in {folder or ROOT / 'notebooks'}")
    (src / "downloads").mkdir()
    for p in paths:
        shutil.copy2(p, src / "downloads" / p.name)  # offered for download exactly as committed
        nb = _site_notebook(json.loads(p.read_text(encoding="utf-8")), p.name, repository_url)
        (src / "notebooks" / p.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "figures", src / "figures", ignore=shutil.ignore_patterns("README.md"))
    _gallery_page(ROOT / "figures", src / "figures")
    (src / "_notebooks.md").write_text(_notebook_table(paths), encoding="utf-8")
    return paths


def build_site(out, repository_url=None, folder=None):
    """Build the website into out; repository_url None: the project's default (default_repository_url())."""
    out = pathlib.Path(out).resolve()
    src = out.parent / f"{out.name}-src"
    if repository_url is None:
        repository_url = os.environ.get("EMLIB_REPOSITORY_URL") or default_repository_url()
    repository_url = repository_url.rstrip("/")
    prepare_site_source(src, folder, repository_url)
    env = dict(os.environ, EMLIB_REPOSITORY_URL=repository_url)
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-d", str(src / "_doctrees"), str(src), str(out)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    warnings = [ln for ln in result.stderr.splitlines() if ln.strip()]
    if result.returncode != 0:
        raise RuntimeError(f"sphinx-build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    if warnings:
        # a warning is a broken link, a missing image or bad markup: fail, do not hide it
        raise RuntimeError("sphinx-build warned:\n" + "\n".join(warnings[:40]))
    _check_offline(out)
    return out


_EXTERNAL_LOAD = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.I)


def _check_offline(out):
    """Fail the build if a page would load a script, a style, a font or an image from elsewhere."""
    bad = []
    for page in out.rglob("*.html"):
        for m in _EXTERNAL_LOAD.finditer(page.read_text(encoding="utf-8", errors="replace")):
            tag = m.group(0)
            if tag.lower().startswith("<link") and not re.search(r"rel=[\"'](stylesheet|preload|icon|modulepreload)", tag, re.I):
                continue
            bad.append(f"{page.relative_to(out)}: {tag[:120]}")
    for css in out.rglob("*.css"):
        for m in re.finditer(r"""(@import\s+url\(|url\()\s*["']?(https?:)?//[^)]+\)""", css.read_text(errors="replace")):
            bad.append(f"{css.relative_to(out)}: {m.group(0)[:120]}")
    if bad:
        raise RuntimeError("pages would load from outside the site:\n" + "\n".join(bad[:20]))


# ----------------------------------------------------------------------------------- slides --

# A slide is 1280x720 CSS pixels; text is 20 px with 1.35 line height (27 px). The budget is in
# those lines; the estimates below are deliberately generous, and the browser test measures.
BUDGET_LINES = 20.0
CHARS_PER_LINE = 105
MAX_IMAGE_PX = 430  # .reveal img max-height in the template


def _png_size(b64):
    head = base64.b64decode(b64[:44])
    if head[:8] != b"\x89PNG\r\n\x1a\n" or len(head) < 24:
        return 800, 400
    return struct.unpack(">II", head[16:24])


def _text_lines(text):
    plain = re.sub(r"\\[a-zA-Z]+|[{}^_$*`]", "", text)
    return max(1, math.ceil(len(plain) / CHARS_PER_LINE))


def _markdown_blocks(source):
    """Split Markdown into blocks at blank lines, never inside $$...$$ or ``` fences."""
    blocks, current, in_math, in_fence = [], [], False, False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and stripped.count("$$") % 2 == 1:
            in_math = not in_math
        if not stripped and not in_math and not in_fence:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _block_height(block):
    if block.lstrip().startswith("#"):
        return {1: 2.6, 2: 2.2, 3: 1.8}.get(len(block) - len(block.lstrip("#")), 1.6)
    if block.lstrip().startswith("```"):
        return 1.0 + 0.9 * (block.count("\n") - 1)
    height = 0.6  # paragraph spacing
    for piece in re.split(r"(\$\$.*?\$\$)", block, flags=re.S):
        if piece.startswith("$$"):
            rows = 1 + piece.count("\\\\")
            tall = 1.0 if re.search(r"\\(frac|sum|prod|int|Big|begin)", piece) else 0.0
            height += rows * (1.6 + tall) + 0.6
        elif piece.strip():
            for line in piece.strip().splitlines():
                height += _text_lines(line)
                # inline fractions, big brackets and sums are taller than a line of text
                height += 0.25 * len(re.findall(r"\\(?:frac|tfrac|big|Big|sum|prod|widetilde|operatorname)", line))
                if line.lstrip().startswith(("-", "*", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9.", ">")):
                    height += 0.15
    return height


def _code_cell_height(cell, show_input):
    height = 0.8
    if show_input:
        height += 0.9 * len(_source(cell).splitlines()) + 0.6
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            text = "".join(out["text"]).rstrip("\n")
            height += sum(max(1, math.ceil(len(ln) / 115)) for ln in text.splitlines()) * 0.9 + 0.5
        elif "image/png" in out.get("data", {}):
            w, h = _png_size(out["data"]["image/png"])
            scale = min(1.0, 1240 / w, MAX_IMAGE_PX / h)
            height += h * scale / 27 + 0.6
        elif "text/plain" in out.get("data", {}):
            height += 0.9 * len("".join(out["data"]["text/plain"]).splitlines()) + 0.5
    return height


def _exercise_titles(nb):
    titles = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for m in re.finditer(r"^###\s+(Exercise\s+\d+\.\d+.*)$", _source(cell), re.M):
            titles.append(m.group(1).strip())
    if not titles:  # the older layout: "**1.** First sentence ..."
        for cell in nb["cells"]:
            for m in re.finditer(r"^\*\*(\d+)\.\*\*\s+(.+)$", _source(cell), re.M):
                first = re.split(r"(?<=[.?!])\s", m.group(2))[0]
                titles.append(f"Exercise {m.group(1)}: {first}")
    return titles


_made = iter(range(10**9))


def _md_cell(source, slide_type):
    return {"cell_type": "markdown", "id": f"slide-{next(_made)}", "metadata": {"slideshow": {"slide_type": slide_type}},
            "source": source}


def slide_cells(nb, name):
    """The cells of the deck: the notebook's slide plan laid out on pages that fit 1280x720.

    Uses each cell's ``slideshow.slide_type`` (or, where a notebook has none yet, the rules of
    book/slide_plan.py) and then, on a copy:
    - drops ``skip`` cells, solutions and the exercise bodies (the Exercises slide lists titles);
    - removes the widget-view output, so that a widget cell shows the PNG it stored;
    - shows only the result of a code cell that draws a picture or is longer than
      slide_plan.MAX_SHOWN_CODE_LINES lines, and moves its code into the speaker notes;
    - starts a continuation slide wherever the estimated height would pass BUDGET_LINES, and
      gives the learning goals a slide of their own.
    """
    nb = copy.deepcopy(nb)
    nb["metadata"].pop("widgets", None)
    if not any("slide_type" in c.get("metadata", {}).get("slideshow", {}) for c in nb["cells"]):
        slide_plan.apply(nb, name)
    exercises = _exercise_titles(nb)
    cells = []
    for cell in nb["cells"]:
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if kind == "skip" or "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell["cell_type"] == "code":
            for out in cell.get("outputs", []):
                if WIDGET_VIEW in out.get("data", {}):
                    del out["data"][WIDGET_VIEW]
                    out["data"].pop("text/plain", None)  # "<...: a live widget ...>" beside its picture
        cells.append((kind, cell))

    out_cells, used, heading = [], 0.0, ""

    def new_page(kind):
        nonlocal used
        used = 0.0
        return kind if kind in ("slide", "subslide") else "subslide"

    for kind, cell in cells:
        if kind == "notes":
            out_cells.append(cell)
            continue
        if kind in ("slide", "subslide"):
            used = 0.0
        if cell["cell_type"] == "markdown":
            blocks, src = [], _source(cell)
            for block in _markdown_blocks(src):
                if re.match(r"^##\s+Exercises\b", block):
                    listing = "\n".join(f"- {t}" for t in exercises) or "- (none yet)"
                    blocks.append(f"{block.splitlines()[0]}\n\nIn the notebook, with hints and checks:\n\n{listing}")
                    break
                if block.lstrip().startswith("<details") or re.match(r"^\*?Next:?\*?", block.strip()):
                    continue
                if re.match(r"^>\s*\*\*Where the notes differ", block.lstrip()):
                    continue  # errata to the handwritten notes belong in the notebook, not on a slide
                blocks.append(re.sub(r"\((\d\d_[\w]+)\.ipynb\)", r"(\1.slides.html)", block))
            page, first = [], True
            for block in blocks:
                h = _block_height(block)
                is_heading = re.match(r"^#{1,2}\s", block.lstrip())
                if is_heading:
                    heading = block.lstrip("# ").splitlines()[0]
                if re.match(r"^##\s+Exercises\b", block) and (page or used > 0):
                    if page:  # the Exercises slide is a slide of its own
                        out_cells.append(_md_cell("\n\n".join(page), kind if first else "subslide"))
                    page, first, kind, used = [], True, "slide", 0.0
                elif (used + h > BUDGET_LINES or re.match(r"\*\*Learning goals", block)) and (page or used > 0):
                    if page:
                        out_cells.append(_md_cell("\n\n".join(page), kind if first else "subslide"))
                        first = False
                    else:  # the slide is full with earlier cells: this cell starts the next one
                        kind = new_page(kind)
                    page, used = [], 0.0
                    if heading and not is_heading:
                        page, used = [f'<p class="slide-continued">{heading} (continued)</p>'], 1.2
                page.append(block)
                used += h
            if page:
                out_cells.append(_md_cell("\n\n".join(page), kind if first else "subslide"))
            continue
        # a code cell
        # the figure is the point of a plotting cell; a long check shows its result only
        long_code = slide_plan.code_lines(cell) > slide_plan.MAX_SHOWN_CODE_LINES or slide_plan.has_picture(cell)
        if long_code:
            cell.setdefault("metadata", {}).setdefault("transient", {})["remove_source"] = True
        h = _code_cell_height(cell, show_input=not long_code)
        if kind not in ("slide", "subslide") and used + h > BUDGET_LINES:
            kind = new_page(kind)
        if kind in ("slide", "subslide") and heading:
            out_cells.append(_md_cell(f'<p class="slide-continued">{heading} (continued)</p>', kind))
            kind, used = "-", 1.2
        cell["metadata"].setdefault("slideshow", {})["slide_type"] = kind
        out_cells.append(cell)
        used += h
        if long_code:  # the lecturer sees the code in the speaker view (key S)
            out_cells.append(_md_cell("Code of the result on this slide:\n\n```python\n" + _source(cell) + "\n```", "notes"))
    nb["cells"] = out_cells
    return nb


def reveal_dir():
    import sphinx_revealjs

    return pathlib.Path(sphinx_revealjs.__file__).parent / "_static" / "revealjs"


def mathjax_dir():
    import jupyter_server_mathjax

    return pathlib.Path(jupyter_server_mathjax.__file__).parent / "static"


def build_slides(out, folder=None):
    import nbformat
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    out = pathlib.Path(out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    # reveal.js: the core, the white theme (its font is bundled; the other themes import Google
    # fonts) and the speaker-notes plugin
    reveal = reveal_dir()
    for part in ["dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme/white.css", "plugin/notes/notes.js"]:
        (out / "reveal.js" / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(reveal / part, out / "reveal.js" / part)
    shutil.copytree(reveal / "dist/theme/fonts", out / "reveal.js/dist/theme/fonts")
    shutil.copy2(reveal / "LICENSE", out / "reveal.js" / "LICENSE")
    shutil.copytree(mathjax_dir(), out / "mathjax", ignore=shutil.ignore_patterns("*.map", "unpacked"))
    c = Config()
    c.SlidesExporter.reveal_url_prefix = "reveal.js"
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.mathjax_url = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    c.SlidesExporter.template_name = "emlib_reveal"
    c.SlidesExporter.extra_template_basedirs = [str(BOOK / "slides_template")]
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    exporter = SlidesExporter(config=c)
    fonts_js = (BOOK / "_static" / "mathjax-fonts.js").read_text(encoding="utf-8")  # as on the website
    decks = []
    level = exporter.log.level
    exporter.log.setLevel("ERROR")  # not "Alternative text is missing" for every stored figure
    try:
        for path in notebooks(folder):
            nb = nbformat.from_dict(slide_cells(nbformat.read(path, as_version=4), path.name))
            resources = {"metadata": {"name": path.stem}, "reveal": {"width": 1280, "height": 720},
                         "mathjax_fonts_js": fonts_js}
            body, _ = exporter.from_notebook_node(nb, resources=resources)
            target = out / f"{path.stem}.slides.html"
            target.write_text(body, encoding="utf-8")
            decks.append((path, target))
    finally:
        exporter.log.setLevel(level)
    items = "\n".join(f'<li><a href="{t.name}">{notebook_title(p)}</a></li>' for p, t in decks)
    (out / "index.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>EM lecture slides</title>\n"
        "<link rel=\"icon\" href=\"data:,\"></head>\n"
        f"<body><h1>Lecture slides</h1>\n<p>One reveal.js deck per notebook. Keys: arrows to move, "
        f"<kbd>S</kbd> for the speaker notes, <kbd>F</kbd> for full screen.</p>\n<ol>\n{items}\n</ol></body></html>\n",
        encoding="utf-8")
    _check_offline(out)
    return decks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["site", "slides", "all"])
    parser.add_argument("--out", type=pathlib.Path, help="output folder (default build/html or build/slides)")
    parser.add_argument("--repo", "--repository-url", dest="repository_url", default=None,
                        help="site only: the repository's URL, linked from every page and used in the clone command "
                             "(default: [project.urls] Repository in pyproject.toml, else the git remote 'origin'; '' for none)")
    parser.add_argument("--notebooks", type=pathlib.Path, help="take the notebooks from this folder (default notebooks/)")
    args = parser.parse_args(argv)
    if args.what == "all" and args.out:
        parser.error("--out needs 'site' or 'slides'")
    if args.what in ("site", "all"):
        start = time.perf_counter()
        out = build_site(args.out or ROOT / "build" / "html", args.repository_url, args.notebooks)
        print(f"site: {out / 'index.html'} ({time.perf_counter() - start:.1f} s)")
    if args.what in ("slides", "all"):
        start = time.perf_counter()
        decks = build_slides(args.out or ROOT / "build" / "slides", args.notebooks)
        print(f"slides: {len(decks)} decks in {decks[0][1].parent} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
