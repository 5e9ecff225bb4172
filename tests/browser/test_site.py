"""The course website, built offline and opened in a real browser (the decks: test_decks.py).

Builds the site (book/build.py site) into a temporary folder,
serves it from 127.0.0.1, and opens every page in Chromium with every request
to another origin counted (and, to another host, blocked). Asserts: MathJax typeset the math
(rendered math present, no raw delimiters, no math error), every image loaded, no console
error, no failed or outside request, every notebook has its page, each explorer plays its frames (a static explorer), solutions are
folded.

Every site page is checked at 1366x768 (a laptop) and 390x844 (a phone): no formula cut off (one
wider than its column scrolls inside its own box), no sideways scroll of the page, axe-core finds
no violation of any impact (WCAG 2.0/2.1 A and AA and axe's best practices), every image has an
alt text that says what it shows (not a file name), one search box, fold labels that say
"Solution (code)" or "Code", and each notebook page says how to run it (clone, the README's
command) with the Python minimum of pyproject.toml. The site's size is printed. The site is built
once per session.
Screenshots go to tests/browser/screenshots/: the landing page, notebook 04 (its M-step
equations at 390 px), a figure with its alt text.
"""
import html as html_lib
import importlib.util
import json
import pathlib
import re
import time

import pytest

from .conftest import SCREENSHOTS, serving

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REPOSITORY = "https://example.org/teaching/em-course"  # the site is built with this --repo URL

# Waits for MathJax (if the page loaded it) to finish typesetting (MathJax 3; MathJax 2 as well).
MATHJAX_DONE = """() => new Promise(resolve => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) { MathJax.startup.promise.then(() => resolve(3)); return; }
    if (!window.MathJax || !MathJax.Hub) { resolve(false); return; }
    MathJax.Hub.Queue(() => resolve(true));
})"""

# Rendered math, math errors, raw delimiters left in the visible text (code and pre excluded).
MATH_REPORT = """() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('pre, code, script, style, textarea, .MathJax_Preview, mjx-assistive-mml').forEach(e => e.remove());
    const text = body.textContent;
    return {
        rendered: document.querySelectorAll('.MathJax, .MathJax_Display, mjx-container').length,
        errors: document.querySelectorAll('.merror, .MathJax_Error, .noError, mjx-merror').length
              + (window.MathJax && MathJax.Hub ? MathJax.Hub.getAllJax().filter(j => j.texError).length : 0),
        raw: ['$$', '\\\\(', '\\\\[', '\\\\begin{'].filter(d => text.includes(d)),
    };
}"""

# Formulas cut off: a formula's drawing (all of it, measured as a Range) reaches past the box of an
# ancestor that clips it (overflow hidden or clip), or past the viewport with nothing that clips; one
# whose nearest clipping ancestor scrolls (overflow auto or scroll) is not cut if that scroll box itself
# lies inside the viewport. Returns [section id: text] of each cut formula.
CUT_MATH = """() => {
    const vw = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('mjx-container, .MathJax_Display')) {
        if (el.parentElement.closest('mjx-container, .MathJax_Display')) continue;
        // a sidebar that a phone keeps off screen until its button is pressed (its formulas are not in view)
        const drawer = el.closest('.bd-sidebar-primary, .bd-sidebar-secondary');
        if (!el.checkVisibility({visibilityProperty: true}) || (drawer && (drawer.getBoundingClientRect().right <= 0
                || drawer.getBoundingClientRect().left >= vw))) continue;
        // MathJax 3: what is drawn is mjx-math (mjx-assistive-mml beside it is clipped to nothing)
        const range = document.createRange(); range.selectNodeContents(el.querySelector(':scope > mjx-math') || el);
        const c = range.getBoundingClientRect();
        if (c.width === 0) continue;
        let a = el, verdict = null;
        while (a && a !== document.documentElement) {
            const style = getComputedStyle(a);
            if (style.overflowX !== 'visible') {
                const box = a.getBoundingClientRect(), left = box.left + a.clientLeft, right = left + a.clientWidth;
                if (c.right > right + 1 || c.left < left - 1) {
                    const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
                    verdict = scrolls && box.left >= -1 && box.right <= vw + 1 ? 'scrolls' : 'cut';
                    break;
                }
            }
            a = a.parentElement;
        }
        if (!verdict && (c.right > vw + 1 || c.left < -1)) verdict = 'cut';
        if (verdict === 'cut') {
            const tex = el.querySelector('mjx-assistive-mml') ? el.querySelector('mjx-assistive-mml').textContent : el.textContent;
            out.push(((el.closest('section') || {}).id || '') + ': ' + tex.replace(/\\s+/g, ' ').slice(0, 60));
        }
    }
    return out;
}"""

# How far the page scrolls sideways (0: not at all).
PAGE_OVERFLOW = """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth"""

# Every image in the page's article: [alt, file name].
ALT_TEXTS = """() => [...document.querySelectorAll('.bd-article img')].map(i => [i.getAttribute('alt') || '', decodeURIComponent(i.src.split('/').pop())])"""

# The search controls a reader sees (buttons and fields that open the search).
VISIBLE_SEARCH = """() => [...document.querySelectorAll('.search-button__button, .bd-search, form[role=search]')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0).length"""

VIEWPORTS = [(1366, 768), (390, 844)]
# axe-core's rules tagged so (WCAG 2.0 and 2.1, levels A and AA, and its best practices), every impact
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def meaningless_alt(alt, file_name):
    """Why an alt text says nothing about its picture ('' if it does)."""
    words = alt.split()
    if len(words) < 4:
        return "fewer than four words"
    if re.search(r"\.(png|svg|gif|jpe?g|webp)\b|_images/|\b[0-9a-f]{12,}\b", alt, re.I) or file_name.split(".")[0] in alt:
        return "a file name"
    return ""


def axe_violations(page, colours=True):
    """axe-core's violations on the page (the copy bundled by axe-playwright-python, injected, no network).

    Formulas are left out of axe's run (25 000 elements on notebook 10 take axe minutes); what a screen
    reader gets from them, their assistive MathML, is checked below instead: every formula has a
    non-empty one. One rule's findings are checked here instead of being counted: empty-table-header
    where the header is a formula, whose glyphs MathJax draws with CSS (which axe cannot read as text):
    the header's text is the formula's assistive MathML, which must not be empty. ``colours=False``
    leaves out the colour-contrast rule (the slowest; colours do not change with the window's width).
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": AXE_TAGS}}
    if not colours:
        options["rules"] = {"color-contrast": {"enabled": False}}
    result = Axe().run(page, context={"exclude": [["mjx-container"]]}, options=options)
    found = []
    for v in result.response["violations"]:
        nodes = v["nodes"]
        if v["id"] == "empty-table-header":
            nodes = [n for n in nodes if not page.evaluate(
                """(sel) => { const th = document.querySelector(sel);
                              const mml = th && th.querySelector('mjx-container mjx-assistive-mml');
                              return !!mml && mml.textContent.trim().length > 0 && th.textContent.trim() === mml.textContent.trim(); }""",
                n["target"][0])]
        if nodes:
            found.append(f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in nodes[:3]]}")
    silent = page.evaluate("""() => [...document.querySelectorAll('mjx-container')].filter(m =>
        !(m.querySelector(':scope > mjx-assistive-mml') || {textContent: ''}).textContent.trim()).length""")
    if silent:
        found.append(f"{silent} formulas without assistive MathML (a screen reader would read nothing)")
    return found


IMAGES_LOADED = """() => [...document.images].every(i => i.complete)"""
BROKEN_IMAGES = """() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"""


def _load_build_module():
    spec = importlib.util.spec_from_file_location("book_build", ROOT / "book" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the site once per session; yield the folder holding html/ (the decks: tests/browser/test_decks.py)."""
    build = _load_build_module()
    out = tmp_path_factory.mktemp("book")
    start = time.perf_counter()
    build.build_site(out / "html", repository_url=REPOSITORY)
    print(f"\nsite build: {time.perf_counter() - start:.1f} s")
    return out


@pytest.fixture(scope="module")
def origin(built):
    with serving(built) as o:
        yield o


class Policed:
    """A browser page that counts every request outside the origin (offline_browser blocks those
    to other hosts), and records failed requests and console errors."""

    def __init__(self, browser, origin, viewport=(1366, 768)):
        self.origin = origin
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.outside, self.failed, self.console, self.requested = [], [], [], []
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)

    def _request(self, request):
        url = request.url
        if url.startswith(self.origin + "/") or url.startswith("data:"):
            self.requested.append(url)
        else:
            self.outside.append(url)

    def open(self, path):
        for log in (self.outside, self.failed, self.console, self.requested):
            log.clear()
        self.page.goto(f"{self.origin}/{path}", wait_until="load")
        # lazy images below the fold would otherwise never load in a headless page
        self.page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
        self.page.wait_for_function(IMAGES_LOADED, timeout=20_000)
        self.page.evaluate(MATHJAX_DONE)
        self.page.evaluate("() => document.fonts.ready.then(() => true)")  # the math fonts, too

    def assert_clean(self, what):
        assert not self.outside, f"{what}: requests outside the site (blocked): {self.outside[:5]}"
        assert not self.failed, f"{what}: failed requests: {self.failed[:5]}"
        assert not self.console, f"{what}: console errors: {self.console[:5]}"
        broken = self.page.evaluate(BROKEN_IMAGES)
        assert not broken, f"{what}: images that did not load: {broken}"

    def assert_math(self, what):
        report = self.page.evaluate(MATH_REPORT)
        assert report["rendered"] > 0, f"{what}: no typeset math"
        assert report["errors"] == 0, f"{what}: {report['errors']} math errors"
        assert not report["raw"], f"{what}: raw math delimiters left in the text: {report['raw']}"


def _title(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        m = re.search(r"^#\s+(.+)$", src, re.M) if cell["cell_type"] == "markdown" else None
        if m:
            return m.group(1).strip()
    raise AssertionError(f"{path.name} has no title heading")


def _n_pictures(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum("image/png" in out.get("data", {}) for c in nb["cells"] for out in c.get("outputs", []))


def test_every_notebook_has_a_page_in_order_with_its_download(built):
    html = built / "html"
    index = (html / "index.html").read_text(encoding="utf-8")
    pages = [html / "notebooks" / f"{nb.stem}.html" for nb in NOTEBOOKS]
    for nb, page in zip(NOTEBOOKS, pages):
        assert page.exists(), f"no page for {nb.name}"
        text = page.read_text(encoding="utf-8")
        assert re.sub(r"\$[^$]*\$", "", _title(nb))[:20].replace("&", "&amp;") in text, f"{page.name}: not {nb.name}'s title"
        assert f"notebooks/{nb.stem}.html" in index, f"the landing page does not link {nb.name}"
        downloads = list((html / "_downloads").glob(f"*/{nb.name}"))
        # the very notebook the site was built from (others may be re-running the working copy)
        source = built / "html-src" / "downloads" / nb.name
        assert downloads and downloads[0].read_bytes() == source.read_bytes(), f"no download of {nb.name}"
        assert re.search(rf'href="[^"]*_downloads/[^"]*/{re.escape(nb.name)}"', index), f"no download link to {nb.name}"
    # previous/next links follow the notebook order
    for before, after in zip(pages, pages[1:]):
        nxt = re.search(r'class="right-next"\s+href="([^"]+)"', before.read_text(encoding="utf-8"))
        prev = re.search(r'class="left-prev"\s+href="([^"]+)"', after.read_text(encoding="utf-8"))
        assert nxt and nxt.group(1).endswith(after.name), f"{before.name}: 'next' is not {after.name}"
        assert prev and prev.group(1).endswith(before.name), f"{after.name}: 'previous' is not {before.name}"
    for page in ["lecturers.html", "figures/index.html"]:
        assert (html / page).exists(), f"no {page}"
    # the repository given at build time: linked from every page, cloned in each notebook's "run it" box
    for page in [html / "index.html", *pages]:
        text = page.read_text(encoding="utf-8")
        assert f'href="{REPOSITORY}"' in text, f"{page.name}: no link to the repository"
    for page in pages:
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        assert f"git clone {REPOSITORY} && cd em-course" in text, f"{page.name}: no clone command"
    assert "colab.research" not in pages[0].read_text(encoding="utf-8"), "Colab cannot import emlib"


def test_run_it_box_without_a_repository_and_alt_texts():
    """Without a repository URL the box still says how to run a notebook; alt texts come from the cell's
    metadata, else from the paragraph before the figure, as plain text."""
    build = _load_build_module()
    box = build.run_this_notebook("04_em_for_gmm.ipynb", "")
    assert "git clone <repository URL>" in box and build.readme_command("lab") in box and "notebooks/04_em_for_gmm.ipynb" in box
    assert build.readme_command("lab").endswith("jupyter lab notebooks/") and "pytest" in build.readme_command("test")
    cell = {"cell_type": "code", "metadata": {"alt": "Two clusters and their ellipses."}, "source": "", "outputs": []}
    assert build.alt_text(cell, "anything", "heading") == "Two clusters and their ellipses."
    before = "Some words before this.\n\nLeft: the histogram of $x$ with the Gaussian $\\mathcal N(x\\mid\\mu,\\sigma^2)$. More."
    alt = build.alt_text({"metadata": {}}, before, "4. Explore")
    assert alt == "Figure in “4. Explore”: Left: the histogram of x with the Gaussian N(x|μ,σ^2). More.", alt


def test_lecturers_guide_names_existing_exercises():
    """Every exercise the guide sets ('Exercises to set.' paragraphs, 'Exercise N.M') exists."""
    guide = (ROOT / "book" / "lecturers.md").read_text(encoding="utf-8")
    existing = set()
    for nb in NOTEBOOKS:
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            existing.update(re.findall(r"^###\s+Exercise\s+(\d+\.\d+)", "".join(cell["source"]), re.M))
    setting = " ".join(p for p in guide.split("\n\n") if p.startswith("**Exercises to set.**"))
    referenced = set(re.findall(r"\b(\d{1,2}\.\d+)\b", setting)) | set(re.findall(r"Exercise (\d+\.\d+)", guide))
    assert len(referenced) >= 10, f"the guide sets too few exercises: {sorted(referenced)}"
    missing = sorted(r for r in referenced if r not in existing)
    assert not missing, f"the lecturer's guide refers to exercises that no notebook has: {missing}"


def _site_size(html):
    return sum(f.stat().st_size for f in html.rglob("*") if f.is_file())


def test_site_pages_in_chromium(built, origin, offline_browser):
    html = built / "html"
    pages = ["index.html", "lecturers.html", "notation.html", "book/errata.html", "figures/index.html"] + [f"notebooks/{nb.stem}.html" for nb in NOTEBOOKS]
    build = _load_build_module()
    command, python = build.readme_command("lab"), build.python_minimum()
    SCREENSHOTS.mkdir(exist_ok=True)
    print(f"\nsite size: {_site_size(html) / 2**20:.1f} MB in {sum(1 for f in html.rglob('*') if f.is_file())} files")
    for width, height in VIEWPORTS:
        browser = Policed(offline_browser, origin, (width, height))
        try:
            for page in pages:
                what = f"{page} at {width} px"
                browser.open(f"html/{page}")
                browser.assert_clean(what)
                source = (html / page).read_text(encoding="utf-8")
                if "$" in source or "math notranslate" in source:
                    browser.assert_math(what)
                p = browser.page
                cut = p.evaluate(CUT_MATH)
                assert not cut, f"{what}: {len(cut)} formulas cut off: {cut[:5]}"
                overflow = p.evaluate(PAGE_OVERFLOW)
                assert overflow <= 0, f"{what}: the page scrolls sideways by {overflow} px"
                bad_alt = [(alt, name, why) for alt, name in p.evaluate(ALT_TEXTS) if (why := meaningless_alt(alt, name))]
                assert not bad_alt, f"{what}: images without a meaningful alt text: {bad_alt[:3]}"
                assert p.evaluate(VISIBLE_SEARCH) == 1, f"{what}: {p.evaluate(VISIBLE_SEARCH)} search boxes"
                violations = axe_violations(p, colours=width == VIEWPORTS[0][0])
                assert not violations, f"{what}: axe-core: {violations}"
                for claim in re.findall(r"Python\s*(?:≥|&gt;=|>=)\s*(\d+\.\d+)", p.inner_text("body")):
                    assert claim == python, f"{what}: says Python ≥ {claim}, pyproject.toml needs {python}"
                if page.startswith("notebooks/"):
                    nb = built / "html-src" / "notebooks" / (page.split("/")[1][:-5] + ".ipynb")  # the copy the site shows
                    assert p.get_by_text("Loading widget").count() == 0, f"{page}: a widget placeholder"
                    assert p.locator("script[type*='widget-view']").count() == 0, f"{page}: a widget view"
                    assert "NBVAL_" not in p.inner_text("article"), f"{page}: a test-harness comment in view"
                    shown = p.locator("article img").count()
                    assert shown >= _n_pictures(nb), f"{page}: {shown} pictures shown, the notebook stores {_n_pictures(nb)}"
                    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
                    n_solution_code = sum(c["cell_type"] == "code" and ("solution" in c["metadata"].get("tags", [])
                                                                        or "### BEGIN SOLUTION" in "".join(c["source"])) for c in cells)
                    folded = p.locator("article details.hide").count()
                    assert folded >= n_solution_code, f"{page}: {n_solution_code} solution code cells, {folded} folded"
                    labels = {t.strip() for t in p.locator("article details.hide > summary").all_inner_texts()}
                    assert labels <= {"Solution (code)", "Code"}, f"{page}: fold labels {labels}"
                    if n_solution_code:
                        assert "Solution (code)" in labels, f"{page}: no fold says 'Solution (code)'"
                    n_details = p.locator("article details").count()
                    assert p.locator("article details[open]").count() == 0, f"{page}: a solution is open"
                    if n_details:
                        assert not p.locator("article details").first.locator(":scope > :not(summary)").first.is_visible()
                    committed = json.loads((ROOT / "notebooks" / nb.name).read_text(encoding="utf-8"))["cells"]
                    n_widgets = sum(any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.get("outputs", []))
                                    for c in committed)
                    # every explorer plays its pre-rendered frames (tests/browser/test_static_explorers.py works them)
                    statics = p.locator("article .static-explorer").count()
                    notes = p.locator("article .explorer-static-note").count()
                    assert statics == notes == n_widgets, f"{page}: {n_widgets} explorers, {statics} static explorers, {notes} notes"
                    assert p.locator("article .explorer-still").count() == 0, f"{page}: an explorer shown as a still"
                    run_it = p.locator("article .run-it")
                    assert run_it.count() == 1, f"{page}: no 'Run this notebook yourself' box"
                    text = run_it.inner_text()
                    assert command in text and "git clone" in text and nb.name in text and f"Python ≥ {python}" in text, \
                        f"{page}: the box does not say how to run the notebook: {text[:300]}"
                if width == 1366 and page == "index.html":
                    p.screenshot(path=str(SCREENSHOTS / "site-landing.png"))
                if width == 390 and page.startswith("notebooks/04"):
                    # the M-step updates (the first display formula there that has a "new" in it)
                    p.evaluate("""() => { const update = [...document.querySelectorAll("section[id^='m-step'] mjx-container[display='true']")]
                                          .find(m => m.textContent.includes('new'));
                                          update.scrollIntoView(); window.scrollBy(0, -120); }""")
                    p.screenshot(path=str(SCREENSHOTS / "site-04-m-step-390.png"))
                if width == 1366 and page.startswith("notebooks/04"):
                    p.screenshot(path=str(SCREENSHOTS / "site-notebook-04.png"))
                    # a figure with its alt text written beneath it, for a person to judge
                    image = p.locator("article .cell_output img").nth(1)
                    image.evaluate("""i => { const d = document.createElement('p'); d.id = 'alt-shown';
                        d.style.cssText = 'border:2px dashed #444;padding:6px;font-size:14px';
                        d.textContent = 'alt: ' + i.alt; i.after(d); }""")
                    image.scroll_into_view_if_needed()
                    p.locator("#alt-shown").screenshot(path=str(SCREENSHOTS / "site-figure-alt-text.png"))
                    p.screenshot(path=str(SCREENSHOTS / "site-figure-with-alt.png"))
            # the checks can fail: a TeX error, a formula cut off, a page too wide and a file name as alt text
            p = browser.page
            p.evaluate("""() => { const d = document.createElement('div'); d.id = 'bad';
                                  d.textContent = '\\\\(\\\\frac{1}\\\\)'; document.body.appendChild(d);
                                  return MathJax.typesetPromise([d]); }""")
            assert p.evaluate(MATH_REPORT)["errors"] > 0, "a TeX error went unnoticed by the math check"
            p.evaluate("""() => { const d = document.createElement('div'); d.style.overflow = 'hidden';
                                  d.textContent = '\\\\(' + 'x + '.repeat(200) + 'x\\\\)';
                                  document.querySelector('.bd-article').appendChild(d); return MathJax.typesetPromise([d]); }""")
            assert len(p.evaluate(CUT_MATH)) == 1, "an inline formula cut off by an overflow: hidden box went unnoticed"
            p.evaluate("() => { const d = document.createElement('pre'); d.style.cssText = 'width:3000px;overflow:visible'; document.body.appendChild(d); }")
            assert p.evaluate(PAGE_OVERFLOW) > 0, "a page wider than the window went unnoticed"
            assert meaningless_alt("../_images/3afa68c1d2e4f5a6b7c8.png", "3afa68c1d2e4f5a6b7c8.png")
            assert meaningless_alt("fig9_8_em_old_faithful", "fig9_8_em_old_faithful.png")
        finally:
            browser.page.close()
