"""Build the course website and the lecture slides from the committed notebooks, offline.

    .venv/bin/python book/build.py site      # the website into build/html/   (open build/html/index.html)
    .venv/bin/python book/build.py slides    # the lecture decks, their PDF handouts and an index into build/slides/
    .venv/bin/python book/build.py all       # both

Options: ``--out DIR`` (another output folder), ``--notebooks DIR`` (another notebook folder),
``--repo URL`` (site only: the repository's address, linked from every page, in each notebook
page's "Run this notebook yourself" box and for a Binder launch link; default: ``[project.urls]
Repository`` in pyproject.toml, else the checkout's git remote ``origin``; ``--repo ''`` for none).

Nothing is executed, with two exceptions: the pages and the decks show the outputs stored in the
notebooks, except that on the website an explorer (a widget cell) plays frames that its own code
pre-renders at build time (book/explorers_static.py runs the notebook's code up to the explorer; the
frames are cached in build/explorer-cache/); the decks re-draw a picture they show by running the notebook up to its cell
(book/decks.py, cached in build/deck-cache/). Everything a page loads is
served from the output folder: the website's MathJax 3.2.2 (CHTML, assistive MathML on) comes from
the ``sphinx-mathjax-offline`` wheel (book/conf.py), the theme's fonts and icons from
``sphinx-book-theme``. The decks are written for projection in book/decks/*.md and built by
book/decks.py (its docstring says what it writes and where reveal.js and MathJax come from).

The site's copy of a notebook (the download stays as committed) differs in presentation only: a
"Run this notebook yourself" box under the title (clone, the README's command, the Python minimum
of pyproject.toml), folds labelled "Solution (code)" or "Code", and an alt text for every stored picture (``alt_text``).
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

BOOK = pathlib.Path(__file__).resolve().parent
ROOT = BOOK.parent
sys.path.insert(0, str(BOOK))

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


def _site_notebook(nb, name, repository_url, statics=()):
    """The copy of a notebook that the site shows (the download stays exactly as committed); statics: the
    manifest of its static explorers (book/explorers_static.py), shown in place of the widgets' stills."""
    import explorers_static

    statics = {entry["cell"]: entry for entry in statics}
    heading, markdown_before, title_done = "", "", False
    cells = []
    for index, cell in enumerate(nb["cells"]):
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
        if index in statics:  # the explorer's frames with a slider and Play, in place of its still
            entry = statics[index]
            for out in cell["outputs"]:
                if WIDGET_VIEW in out.get("data", {}):
                    out["data"] = {"text/html": explorers_static.explorer_html(entry, alt_text(cell, markdown_before, heading))}
            options.pop("image", None)
            cells.append(cell)
            cells.append({"cell_type": "markdown", "id": f"static-{len(cells)}", "metadata": {},
                          "source": explorers_static.static_note(entry)})
            continue
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
    (src / "book").mkdir()  # the errata page sits where the notebooks' links (../book/errata.md) find it
    shutil.copy2(BOOK / "errata.md", src / "book" / "errata.md")
    shutil.copytree(BOOK / "_static", src / "_static", ignore=shutil.ignore_patterns("mathjax-fonts.js"))
    (src / "notebooks").mkdir()
    paths = notebooks(folder)
    if not paths:
        raise FileNotFoundError(f"no notebooks matching {NOTEBOOK_GLOB} in {folder or ROOT / 'notebooks'}")
    (src / "downloads").mkdir()
    import explorers_static

    rendered = explorers_static.render_all(paths)  # the explorers' frames (cached in build/explorer-cache)
    for p in paths:
        shutil.copy2(p, src / "downloads" / p.name)  # offered for download exactly as committed
        statics = explorers_static.install(rendered[p.name], src / "_static") if p.name in rendered else ()
        nb = _site_notebook(json.loads(p.read_text(encoding="utf-8")), p.name, repository_url, statics)
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

def build_slides(out, folder=None):
    """The lecture decks of book/decks/*.md with their PDF handouts and index: book/decks.py builds them."""
    import decks

    return [(ROOT / "notebooks" / f"{d['stem']}.ipynb", d["path"]) for d in decks.build(out, folder)]


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
