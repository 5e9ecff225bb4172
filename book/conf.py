"""Sphinx configuration of the course website (Sphinx + myst-nb + sphinx-book-theme).

Do not run sphinx-build on this folder directly: ``book/build.py site`` first lays out a source
folder (these pages, the notebooks, the figure gallery) in ``build/site-src/`` and builds that.
Nothing is executed here: every page shows the outputs stored in the committed notebooks (an explorer's
frames are pre-rendered by book/explorers_static.py, called from book/build.py).
"""
import importlib.util
import os
import pathlib
import shutil


project = "Expectation–Maximization, derived and checked"
author = "the emlib contributors"
copyright = "the emlib contributors, MIT licence"

# The repository's address: the header's repository button, the clone command on every notebook
# page and a Binder launch link. book/build.py sets it (its --repo option, else the project's
# default); empty: none of these.
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
# the fold of a code cell says what it holds (solution cells say "Solution (code)": book/build.py)
nb_code_prompt_show = "Code"
nb_code_prompt_hide = "Hide the code"
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_dmath_double_inline = True  # $$...$$ inside a paragraph is display math, as in JupyterLab
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# --- math: MathJax 3.2.2 from the sphinx-mathjax-offline wheel, served from _static/mathjax3 ---
# (CHTML output with its own woff fonts; assistive MathML on, so a screen reader reads the math)
MATHJAX_STATIC = pathlib.Path(importlib.util.find_spec("sphinx-mathjax-offline").submodule_search_locations[0]) / "static" / "mathjax"
# only what a page loads: the combined TeX component (every TeX package, the menu, assistive MathML),
# its fonts, and what the menu's accessibility options load when a reader turns them on
MATHJAX_FILES = ["tex-chtml-full.js", "output/chtml/fonts/woff-v2", "a11y", "sre/mathmaps/base.json", "sre/mathmaps/en.json"]
mathjax_path = "mathjax3/tex-chtml-full.js"
myst_update_mathjax = False  # the settings below replace myst's (which typeset only its own math elements)
mathjax3_config = {
    # the delimiters JupyterLab uses, so that what renders in a notebook renders here (also inside
    # raw-HTML blocks such as <details> solutions); <pre>/<code> are skipped
    "tex": {
        "inlineMath": [["$", "$"], ["\\(", "\\)"]],
        "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
        "processEscapes": True,
        "processEnvironments": True,
    },
    "options": {
        "enableAssistiveMml": True,  # a hidden MathML copy of every formula, for screen readers
        "menuOptions": {"settings": {"assistiveMml": True, "zoom": "NoZoom"}},
    },
    # (MathJax 3 shows a TeX error as a red merror box, which the browser test looks for)
}

# --- theme -------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "EM, derived and checked"
html_static_path = ["_static"]
html_css_files = ["course.css", "explorer.css"]
html_js_files = ["course.js", "explorer.js"]  # explorer.js: the static explorers (book/explorers_static.py)
# one search box: the header's (the theme puts a second one at the top of the left sidebar)
html_sidebars = {"**": ["navbar-logo.html", "icon-links.html", "sbt-sidebar-nav.html"]}
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
PROVIDER = next((p for p in ("github", "gitlab", "bitbucket") if f"{p}." in REPOSITORY_URL.split("/")[2]), None) if REPOSITORY_URL else None
if PROVIDER:  # the theme's repository button (its icon), on every page
    html_theme_options.update({
        "repository_url": REPOSITORY_URL,
        "repository_branch": REPOSITORY_BRANCH,
        "repository_provider": PROVIDER,
        "path_to_docs": "",
        "use_repository_button": True,
    })
    if PROVIDER == "github":
        # Binder builds environment.yml, which installs emlib; Colab would not (import emlib fails there)
        html_theme_options["launch_buttons"] = {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"}
elif REPOSITORY_URL:  # another host: a plain link in the header of every page
    html_theme_options["icon_links"] = [{"name": "The repository", "url": REPOSITORY_URL, "icon": "fa-solid fa-code-branch"}]


def _copy_mathjax(app, exception):
    """Copy the MathJax files beside the pages: no page loads math from anywhere else."""
    if exception is None and app.builder.format == "html":
        target = pathlib.Path(app.outdir) / "_static" / "mathjax3"
        for name in MATHJAX_FILES:
            source = MATHJAX_STATIC / name
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target / name)


def setup(app):
    app.connect("build-finished", _copy_mathjax)
