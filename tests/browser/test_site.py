"""The course website and the lecture slides, built offline and opened in a real browser.

Builds the site (book/build.py site) and the decks (book/build.py slides) into a temporary folder,
serves both from 127.0.0.1, and opens every page and every deck in Chromium with every request
to another origin counted (and, to another host, blocked). Asserts: MathJax typeset the math
(rendered math present, no raw delimiters, no math error), every image loaded, no console
error, no failed or outside request, every notebook has its page, widget cells show their stored picture, solutions are
folded, each deck has a plausible number of slides, none of which overflows 1280x720, and
MathJax loaded its fonts up front (book/_static/mathjax-fonts.js: a notebook page typesets in
about 40 % less time than with fonts loaded one by one). The site and the decks are built at
the same time, once per session.
Screenshots of the landing page, one notebook page and one slide go to tests/browser/screenshots/.
"""
import functools
import http.server
import importlib.util
import json
import pathlib
import re
import socket
import threading
import time

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SLIDE_W, SLIDE_H = 1280, 720
MIN_SLIDES, MAX_SLIDES = 8, 40  # a deck for a 45-90 minute lecture; the counts are printed

# Waits for MathJax (if the page loaded it) to finish every queued typesetting job.
MATHJAX_DONE = """() => new Promise(resolve => {
    if (!window.MathJax || !MathJax.Hub) { resolve(false); return; }
    MathJax.Hub.Queue(() => resolve(true));
})"""

# Rendered math, math errors, raw delimiters left in the visible text (code and pre excluded).
MATH_REPORT = """() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('pre, code, script, style, textarea, .MathJax_Preview').forEach(e => e.remove());
    const text = body.textContent;
    return {
        rendered: document.querySelectorAll('.MathJax, .MathJax_Display').length,
        errors: document.querySelectorAll('.merror, .MathJax_Error, .noError').length
              + (window.MathJax && MathJax.Hub ? MathJax.Hub.getAllJax().filter(j => j.texError).length : 0),
        raw: ['$$', '\\\\(', '\\\\[', '\\\\begin{'].filter(d => text.includes(d)),
    };
}"""

IMAGES_LOADED = """() => [...document.images].every(i => i.complete)"""
BROKEN_IMAGES = """() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"""


def _load_build_module():
    spec = importlib.util.spec_from_file_location("book_build", ROOT / "book" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the site and the decks once per session; yield the folder holding html/ and slides/.

    The two builds run at the same time: the site is a sphinx-build subprocess (waited on in a
    thread), the decks are built here.
    """
    build = _load_build_module()
    out = tmp_path_factory.mktemp("book")
    site = {}

    def build_site():
        start = time.perf_counter()
        try:
            build.build_site(out / "html")
        except BaseException as error:  # re-raised below, in the test's thread
            site["error"] = error
        site["s"] = time.perf_counter() - start

    start = time.perf_counter()
    thread = threading.Thread(target=build_site)
    thread.start()
    try:
        build.build_slides(out / "slides")
        slides_s = time.perf_counter() - start
    finally:
        thread.join()
    if "error" in site:
        raise site["error"]
    print(f"\nbuild times (concurrent): site {site['s']:.1f} s, slides {slides_s:.1f} s, "
          f"both {time.perf_counter() - start:.1f} s")
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def origin(built):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def offline_browser(playwright_session):
    """Chromium that can reach 127.0.0.1 only: every other host goes through a proxy that refuses.

    The proxy is a port bound here and never listened on; Chromium never sends loopback requests
    to a proxy. Blocking there, rather than intercepting every request with page.route (which
    turns the browser's cache off), spares each page fetching MathJax and its fonts again: a
    third of the time of the two browser tests.
    """
    with socket.socket() as refuse:
        refuse.bind(("127.0.0.1", 0))
        proxy = f"--proxy-server=http://127.0.0.1:{refuse.getsockname()[1]}"
        browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [proxy])
        yield browser
        browser.close()


class Policed:
    """A browser page that counts every request outside the origin (offline_browser blocks those
    to other hosts), and records failed requests and console errors."""

    def __init__(self, browser, origin):
        self.origin = origin
        self.page = browser.new_page(viewport={"width": SLIDE_W, "height": SLIDE_H})
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
    # no launch buttons while the repository URL is unset
    assert "mybinder" not in index and "colab.research" not in (pages[0]).read_text(encoding="utf-8")


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


def test_site_pages_in_chromium(built, origin, offline_browser):
    html = built / "html"
    pages = ["index.html", "lecturers.html", "figures/index.html"] + [f"notebooks/{nb.stem}.html" for nb in NOTEBOOKS]
    browser = Policed(offline_browser, origin)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        for i, page in enumerate(pages):
            browser.open(f"html/{page}")
            browser.assert_clean(page)
            if "$" in (html / page).read_text(encoding="utf-8") or "math notranslate" in (html / page).read_text(encoding="utf-8"):
                browser.assert_math(page)
            p = browser.page
            if page.startswith("notebooks/"):
                nb = built / "html-src" / "notebooks" / NOTEBOOKS[i - 3].name  # the copy the site shows
                assert p.get_by_text("Loading widget").count() == 0, f"{page}: a widget placeholder"
                assert p.locator("script[type*='widget-view']").count() == 0, f"{page}: a widget view"
                shown = p.locator("article img").count()
                assert shown >= _n_pictures(nb), f"{page}: {shown} pictures shown, the notebook stores {_n_pictures(nb)}"
                cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
                n_solution_code = sum(c["cell_type"] == "code" and ("solution" in c["metadata"].get("tags", [])
                                                                    or "### BEGIN SOLUTION" in "".join(c["source"])) for c in cells)
                folded = p.locator("article details.hide").count()
                assert folded >= n_solution_code, f"{page}: {n_solution_code} solution code cells, {folded} folded"
                n_details = p.locator("article details").count()
                assert p.locator("article details[open]").count() == 0, f"{page}: a solution is open"
                if n_details:
                    assert not p.locator("article details").first.locator(":scope > :not(summary)").first.is_visible()
            if page == "index.html":
                p.screenshot(path=str(SCREENSHOTS / "site-landing.png"))
                # book/_static/mathjax-fonts.js loaded the math fonts up front: the landing page's
                # one formula needs a few of them, the loader asks for all of them
                woff = {u.split("?")[0].rsplit("/", 1)[-1] for u in browser.requested if ".woff" in u and "STIX" in u}
                assert len(woff) >= 20, f"the MathJax font loader did not run: only {sorted(woff)} loaded"

            if page.startswith("notebooks/04"):
                p.screenshot(path=str(SCREENSHOTS / "site-notebook-04.png"))
        # the math check can fail: a TeX error typeset on a page is found as an error
        browser.page.evaluate("""() => { const d = document.createElement('div'); d.id = 'bad';
                                          d.textContent = '\\\\(\\\\frac{1}\\\\)'; document.body.appendChild(d);
                                          MathJax.Hub.Queue(['Typeset', MathJax.Hub, d]); }""")
        browser.page.evaluate(MATHJAX_DONE)
        assert browser.page.evaluate(MATH_REPORT)["errors"] > 0, "a TeX error went unnoticed by the math check"
    finally:
        browser.page.close()


SLIDE_REPORT = """() => {
    const slides = Reveal.getSlides();
    const cfg = Reveal.getConfig();
    return {width: cfg.width, height: cfg.height, n: slides.length,
            over: slides.map((s, k) => [k, s.scrollHeight, s.scrollWidth, (s.innerText || '').trim().slice(0, 60)])
                        .filter(([k, h, w]) => h > cfg.height || w > cfg.width)};
}"""


def test_slides_in_chromium(built, origin, offline_browser):
    decks = sorted((built / "slides").glob("*.slides.html"))
    assert [d.name.split(".")[0] for d in decks] == [nb.stem for nb in NOTEBOOKS], "not one deck per notebook"
    browser = Policed(offline_browser, origin)
    counts = {}
    try:
        browser.open("slides/index.html")
        browser.assert_clean("slides/index.html")
        for deck in decks:
            browser.open(f"slides/{deck.name}")
            browser.assert_clean(deck.name)
            browser.assert_math(deck.name)
            report = browser.page.evaluate(SLIDE_REPORT)
            assert (report["width"], report["height"]) == (SLIDE_W, SLIDE_H)
            counts[deck.name] = report["n"]
            assert MIN_SLIDES <= report["n"] <= MAX_SLIDES, f"{deck.name}: {report['n']} slides"
            assert not report["over"], f"{deck.name}: slides overflow {SLIDE_W}x{SLIDE_H}: {report['over']}"
            assert browser.page.get_by_text("Loading widget").count() == 0
            if deck.name.startswith("04"):
                # a slide with an equation and a figure
                target = browser.page.evaluate("""() => Reveal.getSlides().findIndex(s =>
                    s.querySelector('img') && s.querySelector('.MathJax, .MathJax_Display'))""")
                slide = browser.page.evaluate(f"() => Reveal.getIndices(Reveal.getSlides()[{max(target, 1)}])")
                browser.page.evaluate(f"() => Reveal.slide({slide['h']}, {slide.get('v') or 0})")
                browser.page.evaluate(MATHJAX_DONE)
                browser.page.screenshot(path=str(SCREENSHOTS / "slide-04.png"))
    finally:
        browser.page.close()
        print("\nslides per deck: " + ", ".join(f"{k.split('_')[0]}: {v}" for k, v in counts.items()))


def _load_slide_plan():
    spec = importlib.util.spec_from_file_location("book_slide_plan", ROOT / "book" / "slide_plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_slide_plan_rules():
    """book/slide_plan.py on a small notebook: each rule, and a second run changes nothing."""
    plan = _load_slide_plan()
    png = {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}, "metadata": {}}
    short = {"output_type": "stream", "name": "stdout", "text": "max |difference| < 1e-12\n"}
    long_out = {"output_type": "stream", "name": "stdout", "text": "".join(f"row {i}\n" for i in range(20))}
    md = lambda s, **m: {"cell_type": "markdown", "metadata": m, "source": s}
    code = lambda s, outs: {"cell_type": "code", "metadata": {}, "source": s, "outputs": outs, "execution_count": 1}
    nb = {"metadata": {}, "cells": [
        code("import numpy as np", []),                                   # set-up, no output: skip
        md("# 01 — Title\n\nWhat this notebook shows."),                  # the first shown cell: slide
        md("## 1. A section\n\n$$a = b$$"),                               # heading: slide
        md("More of the derivation."),                                    # continues: -
        code("x = 1\nprint(x)", [short]),                                 # the check's result: -
        code("\n".join(f"y{i} = {i}" for i in range(12)), [short]),       # long code, short result: - (source to notes at build)
        code("print(table)", [long_out]),                                 # long output: notes
        code("plt.plot(x)", [png]),                                       # a picture: -
        md("## Summary\n\n- one\n\n## Exercises\n\n### Exercise 1.1 (check): Why?"),  # summary, then exercises: slide
        md("### Exercise 1.2 (implement): A function"),                   # exercise body: skip
        code("check('1.2', f)", [short]),                                 # exercise code: skip
        md("<details><summary>Solution</summary>\n\nBecause.\n\n</details>", tags=["solution"]),  # skip
    ]}
    expected = ["skip", "slide", "slide", "-", "-", "-", "notes", "-", "slide", "skip", "skip", "skip"]
    assert plan.plan(nb) == expected
    assert plan.apply(nb) == len(expected)
    assert [c["metadata"]["slideshow"]["slide_type"] for c in nb["cells"]] == expected
    assert plan.apply(nb) == 0, "a second run must change nothing"
    assert nb["cells"][-1]["metadata"]["tags"] == ["solution"], "other metadata must stay"
    # the Exercises slide of the deck lists the exercise titles and nothing of their bodies
    build = _load_build_module()
    deck = build.slide_cells(nb, "01_test.ipynb")
    text = "\n".join("".join(c["source"]) for c in deck["cells"] if c["cell_type"] == "markdown")
    assert "- Exercise 1.1 (check): Why?" in text and "- Exercise 1.2 (implement): A function" in text
    assert "Because." not in text and "check('1.2'" not in str(deck["cells"])
    long_cell = next(c for c in deck["cells"] if "y11 = 11" in "".join(c["source"]) and c["cell_type"] == "code")
    assert long_cell["metadata"]["transient"] == {"remove_source": True}, "long code must leave the slide"
    assert any(c["metadata"]["slideshow"]["slide_type"] == "notes" and "y11 = 11" in c["source"] for c in deck["cells"])
