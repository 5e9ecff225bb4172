"""Sphinx configuration of the course website (Sphinx + myst-nb + sphinx-book-theme).

Do not run sphinx-build on this folder directly: ``book/build.py site`` first lays out a source
folder (these pages, the notebooks, the figure gallery) in ``build/site-src/`` and builds that.
Nothing is executed: every page shows the outputs stored in the committed notebooks.
"""
import os
import pathlib
import shutil

import jupyter_server_mathjax

project = "Expectation–Maximization, derived and checked"
author = "the emlib contributors"
copyright = "the emlib contributors, MIT licence"

# The one setting for launch links (Binder, Colab). Empty: no launch links anywhere.
# Set it with `book/build.py site --repository-url https://github.com/OWNER/REPO`
# (or the environment variable EMLIB_REPOSITORY_URL).
REPOSITORY_URL = os.environ.get("EMLIB_REPOSITORY_URL", "").rstrip("/")
REPOSITORY_BRANCH = os.environ.get("EMLIB_REPOSITORY_BRANCH", "main")

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "_notebooks.md", "downloads"]  # _notebooks.md: included by index.md
master_doc = "index"
language = "en"

# --- notebooks: stored outputs only ---------------------------------------------------------
nb_execution_mode = "off"
# a widget cell shows the PNG it stored, never the widget view (which needs a live kernel)
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "image/png", 5),
]
nb_ipywidgets_js = {}  # no widget manager and no require.js from a CDN
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_dmath_double_inline = True  # $$...$$ inside a paragraph is display math, as in JupyterLab
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# --- math: MathJax 2.7 shipped by the jupyter-server-mathjax wheel, served from _static -------
MATHJAX_STATIC = pathlib.Path(jupyter_server_mathjax.__file__).parent / "static"
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
myst_update_mathjax = False  # its settings are for MathJax 3/4
mathjax2_config = {
    # the delimiters JupyterLab uses, so that what renders in a notebook renders here
    # (also inside raw-HTML blocks such as <details> solutions); <pre>/<code> are skipped
    "tex2jax": {
        "inlineMath": [["$", "$"], ["\\(", "\\)"]],
        "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
        "processEscapes": True,
        "processEnvironments": True,
    },
    "messageStyle": "none",
    "fast-preview": {"disabled": True},  # typeset once, not a rough preview first
    "MMLorHTML": {"prefer": "HTML"},  # HTML-CSS with the bundled STIX-Web fonts, not native MathML
    # the wheel ships the STIX-Web web fonts only (no TeX fonts, no image fonts): use them, never
    # look for fonts installed on the reader's machine
    # (no automatic line breaking: it is slow; a wide display scrolls sideways, see course.css)
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None,
                 # MathJax's blank test font is url('about:blank'), which Chromium reports as a
                 # failed load; a local() source that is never installed does the same job quietly
                 "styles": {"@font-face": {"font-family": "MathJax_Blank", "src": "local('MathJax_Blank_None')"}}},
    # no hidden MathML copies: their variant styles name TeX fonts that the wheel does not ship
    "menuSettings": {"zoom": "None", "assistiveMML": False},
    # a TeX error shows as a red merror box (which the browser test looks for), not as the source
    "TeX": {"noErrors": {"disabled": True}, "noUndefined": {"disabled": True}},
}

# --- theme -------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "EM, derived and checked"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_favicon = "_static/favicon.svg"
html_copy_source = True  # the download button offers each page's .ipynb
html_show_sourcelink = False
html_last_updated_fmt = None
html_context = {"default_mode": "light"}  # without it the theme logs "invalid theme mode" as an error
html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
}
if REPOSITORY_URL:
    html_theme_options.update({
        "repository_url": REPOSITORY_URL,
        "repository_branch": REPOSITORY_BRANCH,
        "path_to_docs": "",
        "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
        "use_repository_button": True,
    })
    if "github.com" in REPOSITORY_URL:  # Colab opens notebooks from GitHub only
        html_theme_options["launch_buttons"]["colab_url"] = "https://colab.research.google.com"


def _copy_mathjax(app, exception):
    """Copy the MathJax files beside the pages: no page loads math from anywhere else."""
    if exception is None and app.builder.format == "html":
        target = pathlib.Path(app.outdir) / "_static" / "mathjax"
        if not (target / "MathJax.js").exists():
            shutil.copytree(MATHJAX_STATIC, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.map", "unpacked"))


# MathJax 2 code that loads the fonts the math uses all at once, before typesetting (see the
# file; the slides run it too): a notebook page typesets in about 40 % less time
MATHJAX_FONTS_JS = (pathlib.Path(__file__).resolve().parent / "_static" / "mathjax-fonts.js").read_text(encoding="utf-8")


def _mathjax_fonts(app, pagename, templatename, context, doctree):
    """On a page with math, the font loader goes in beside the MathJax configuration."""
    if app.builder.format == "html" and context.get("has_maths_elements", False):
        app.builder.add_js_file("", type="text/x-mathjax-config", body=MATHJAX_FONTS_JS)


def setup(app):
    app.connect("build-finished", _copy_mathjax)
    app.connect("html-page-context", _mathjax_fonts, priority=400)  # before sphinx.ext.mathjax (500) adds MathJax.js
