"""The lecture decks (book/decks.py, from book/decks/*.md), measured in Chromium, and their PDF handouts.

Builds every deck and its PDF into a temporary folder (book/decks.py's build, as `book/build.py
slides` does), serves it from 127.0.0.1 (every other host blocked), and opens each deck at
1280x720 and at 1024x768. On every slide, with every fragment shown, it measures:

- text size: the on-screen font size (CSS size x reveal.js's scale) of every visible text and of
  every formula (a formula counts at its MathJax container's size: its sub- and superscripts are
  smaller by the usual TeX script ratio). At 1280x720 the smallest must be >= 28 px; at 1024x768,
  where reveal.js scales the 1280x720 slide by 0.8, >= 22 px;
- words: visible words (a token with a letter or digit; a formula, inline or display, counts as
  one word; a stored result counts its tokens): median <= 40 per deck, no slide over 60;
- overflow: no text, formula, result or figure outside the slide, or under the navigation arrows;
- no slide with only a title, no slide whose last visible text ends with ':';
- figures: a figure or picture fills >= 60 % of the slide; a figure's tick labels are >= 18 px on
  screen (the recipe's tick size in pt x 96/72 x the displayed width / the SVG's natural width);
- speaker notes on every slide, with 'Say:', and no code in them; a fragment on every slide with
  two or more display formulas (a derivation); no 'notes differ' text on a slide;
- the PDFs: one page per slide, extractable text with the slide titles, no raw TeX ($$, \\frac).

The measured figures are printed per deck (median text px, median words, min figure area, min tick
px). ``measure_deck`` also measures the earlier nbconvert decks (MathJax 2), for the before/after
comparison of issue 20. Screenshots: tests/browser/screenshots/deck_*.png (a derivation slide with
its fragments shown, a figure slide, a slide at 1024x768, the index).
"""
import json
import pathlib
import re
import shutil
import statistics
import sys
import unicodedata

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, serving

ROOT = pathlib.Path(__file__).resolve().parents[2]
DECK_SOURCES = sorted((ROOT / "book" / "decks").glob("[0-9][0-9]_*.md"))
SIZES = [(1280, 720), (1024, 768)]
MIN_PX = {(1280, 720): 28.0, (1024, 768): 22.0}
MAX_MEDIAN_WORDS, MAX_WORDS = 40, 60
MIN_FIGURE_AREA = 0.60
MIN_TICK_PX = 18.0
# code in speaker notes: a library call, an import, an assignment to a name with an underscore,
# indexing with a slice, a comparison operator of code, backticks, a call with dotted name
CODE_IN_NOTES = re.compile(r"\bnp\.|\bemlib\.|\bplt\.|\bimport\s+\w|\bdef\s+\w+\(|\bprint\(|\w\[[^\]]*:[^\]]*\]|==|`"
                           r"|\b[a-z]+_[a-z_]+\s*=|\b\w+\.\w+\(|\bfor\s+\w+\s+in\s+range")

# Waits until the deck is typeset and reveal.js is running (new decks: window.deckReady; the
# nbconvert decks: MathJax 2's queue, then reveal.js's 'ready').
DECK_READY = """() => new Promise(resolve => {
    const reveal = () => (window.Reveal && Reveal.isReady && Reveal.isReady()) ? resolve(true) : setTimeout(reveal, 50);
    if ('deckReady' in window) { const w = () => window.deckReady ? resolve(true) : setTimeout(w, 50); w(); return; }
    if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(reveal); return; }
    reveal();
})"""

# The present slide, with every fragment shown, measured. Works for MathJax 3 (mjx-container) and
# MathJax 2 (.MathJax) decks.
MEASURE_SLIDE = r"""() => {
    const scale = Reveal.getScale();
    const slide = Reveal.getCurrentSlide();
    const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
    const controls = [...document.querySelectorAll('.reveal .controls button')]
        .filter(b => b.offsetParent !== null && getComputedStyle(b).opacity !== '0' && getComputedStyle(b).visibility !== 'hidden')
        .map(b => b.getBoundingClientRect()).filter(r => r.width > 0);
    const MATH = 'mjx-container, .MathJax';
    const SKIP = 'aside.notes, script, style, mjx-assistive-mml, .MJX_Assistive_MathML, .MathJax_Preview, .MathJax_CHTML_Preview';
    const visible = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
    const items = [];   // in document order: {kind: text|math|img|pre, ...}
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
        acceptNode(node) {
            const el = node.nodeType === 1 ? node : node.parentElement;
            if (el.closest(SKIP)) return NodeFilter.FILTER_REJECT;
            if (node.nodeType === 1 && node.matches(MATH) && !node.parentElement.closest(MATH)) return NodeFilter.FILTER_ACCEPT;
            if (node.parentElement && node.parentElement.closest(MATH + ', pre, svg')) return NodeFilter.FILTER_REJECT;
            if (node.nodeType === 1) return ['IMG', 'PRE', 'svg'].includes(node.tagName) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
            return node.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
        }});
    let node;
    while ((node = walker.nextNode())) {
        const el = node.nodeType === 1 ? node : node.parentElement;
        if (!visible(el)) continue;
        let rects;
        if (node.nodeType === 3) { const r = document.createRange(); r.selectNodeContents(node); rects = [...r.getClientRects()]; }
        else if (node.matches(MATH)) { const m = node.querySelector(':scope > mjx-math') || node; const r = document.createRange();
                                       r.selectNodeContents(m); rects = [r.getBoundingClientRect()]; }
        else rects = [node.getBoundingClientRect()];
        rects = rects.filter(r => r.width > 0 && r.height > 0);
        if (!rects.length) continue;
        const px = parseFloat(getComputedStyle(el).fontSize) * scale;
        const heading = !!el.closest('h1, h2');
        if (node.nodeType === 3) {
            const words = node.textContent.split(/\s+/).filter(w => /[\p{L}\p{N}]/u.test(w)).length;
            items.push({kind: 'text', px, words, heading, text: node.textContent.trim(), rects});
        } else if (node.matches(MATH)) {
            const display = node.getAttribute('display') === 'true' || !!node.closest('.MathJax_Display');
            items.push({kind: 'math', px, words: 1, heading, display, rects});
        } else if (node.tagName === 'PRE') {
            const text = node.textContent;
            // a result line wider than its box is cut off (the box does not wrap): the box's own rectangle fits, its text does not
            const clipped = node.scrollWidth > node.clientWidth + 1;
            items.push({kind: 'pre', px, words: text.split(/\s+/).filter(w => /[\p{L}\p{N}]/u.test(w)).length, heading, text, rects, clipped});
        } else {
            const r = rects[0];
            const natural = node.tagName === 'IMG' ? node.naturalWidth : 0;
            const widthIn = parseFloat(node.dataset ? node.dataset.widthIn : NaN), tickPt = parseFloat(node.dataset ? node.dataset.tickPt : NaN);
            // on-screen px of the tick labels: pt * 96/72 at the SVG's natural size (widthIn * 96 px), scaled to its display
            const tickPx = (widthIn > 0 && tickPt > 0) ? tickPt * 96 / 72 * r.width / (widthIn * 96) : null;
            items.push({kind: 'img', area: r.width * r.height / (frame.width * frame.height), tickPx, heading, rects,
                        name: node.dataset ? (node.dataset.figure || node.dataset.picture || '') : ''});
        }
    }
    const out = [], under = [];
    for (const it of items) if (it.clipped) out.push(`pre ${it.text.slice(0, 40)}: a line wider than its box, cut off`);
    for (const it of items) for (const r of it.rects) {
        if (r.left < frame.left - 1 || r.top < frame.top - 1 || r.right > frame.right + 1 || r.bottom > frame.bottom + 1)
            out.push(`${it.kind} ${(it.text || it.name || '').slice(0, 40)} at (${Math.round(r.left)},${Math.round(r.top)})-(${Math.round(r.right)},${Math.round(r.bottom)})`);
        for (const c of controls)
            if (r.left < c.right && r.right > c.left && r.top < c.bottom && r.bottom > c.top)
                under.push(`${it.kind} ${(it.text || it.name || '').slice(0, 40)}`);
    }
    const body = items.filter(it => !it.heading);
    const last = body.length ? body[body.length - 1] : null;
    const aside = slide.querySelector('aside.notes');
    const text = body.filter(it => it.kind === 'text').map(it => it.text).join(' ');
    return {
        indices: Reveal.getIndices(slide), scale,
        title: (slide.querySelector('h1, h2') || {textContent: ''}).textContent.trim().slice(0, 70),
        sizes: items.filter(it => it.kind === 'text' || it.kind === 'math' || it.kind === 'pre').map(it => it.px),
        words: items.reduce((s, it) => s + (it.words || 0), 0),
        display_math: items.filter(it => it.kind === 'math' && it.display).length,
        figures: items.filter(it => it.kind === 'img').map(it => ({area: it.area, tickPx: it.tickPx, name: it.name})),
        body_items: body.length,
        ends_with_colon: !!last && last.kind === 'text' && /:\s*$/.test(last.text),
        last_text: last && last.kind === 'text' ? last.text.slice(-60) : '',
        overflow: out, under_controls: under,
        fragments: slide.querySelectorAll('.fragment').length,
        notes: aside ? aside.innerText : '',
        notes_html_code: aside ? aside.querySelectorAll('pre, code').length : 0,
        slide_text: text,
        title_slide: !!slide.querySelector('h1'),
    };
}"""


def measure_deck(page, url):
    """Open url and measure every slide (every fragment shown); returns the list of MEASURE_SLIDE records."""
    page.goto(url, wait_until="load")
    page.evaluate(DECK_READY)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    n = page.evaluate("() => Reveal.getSlides().length")
    records = []
    for k in range(n):
        page.evaluate(f"""() => {{ const i = Reveal.getIndices(Reveal.getSlides()[{k}]); Reveal.slide(i.h, i.v || 0);
                                   while (Reveal.nextFragment()) {{}} }}""")
        records.append(page.evaluate(MEASURE_SLIDE))
    return records


def summary(records):
    """The per-deck figures issue 20 asks for."""
    sizes = [px for r in records for px in r["sizes"]]
    areas = [f["area"] for r in records for f in r["figures"]]
    ticks = [f["tickPx"] for r in records for f in r["figures"] if f["tickPx"] is not None]
    return {
        "slides": len(records),
        "median_px": statistics.median(sizes) if sizes else float("nan"),
        "min_px": min(sizes) if sizes else float("nan"),
        "median_words": statistics.median(r["words"] for r in records),
        "max_words": max(r["words"] for r in records),
        "min_figure_area": min(areas) if areas else None,
        "min_tick_px": min(ticks) if ticks else None,
    }


def format_summary(name, s):
    area = f"{100 * s['min_figure_area']:.0f} %" if s["min_figure_area"] is not None else "-"
    tick = f"{s['min_tick_px']:.1f}" if s["min_tick_px"] is not None else "-"
    return (f"{name:28s} slides {s['slides']:3d}  text px median {s['median_px']:5.1f} min {s['min_px']:5.1f}  "
            f"words median {s['median_words']:4.1f} max {s['max_words']:3d}  min figure area {area:>5s}  min tick px {tick:>5s}")


# ----------------------------------------------------------------------------- fixtures --

def _load(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"book_{name}", ROOT / "book" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def decks_built(tmp_path_factory, playwright_session):
    """Every deck, its PDF (printed with this session's playwright) and the index, built once."""
    if not DECK_SOURCES:
        pytest.skip("no decks in book/decks/")
    out = tmp_path_factory.mktemp("slides") / "slides"
    # a copy of the deck sources as built (the checks of the PDFs read them; a writer may be editing book/decks/)
    src = out.parent / "decks-src"
    shutil.copytree(ROOT / "book" / "decks", src)
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        built = _load("decks").build(out, decks_folder=src, browser=browser)
    finally:
        browser.close()
    return out, built


@pytest.fixture(scope="module")
def deck_origin(decks_built):
    with serving(decks_built[0]) as o:
        yield o


# -------------------------------------------------------------------------------- tests --

def test_every_notebook_deck_is_built(decks_built):
    out, built = decks_built
    assert [d["stem"] for d in built] == [p.stem for p in DECK_SOURCES]
    for d in built:
        assert (ROOT / "notebooks" / f"{d['stem']}.ipynb").exists(), f"{d['stem']}: no notebook of that name"
        assert (out / f"{d['stem']}.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    for d in built:
        assert f'href="{d["stem"]}.html"' in index and f'href="pdf/{d["stem"]}.pdf"' in index, f"index: no card for {d['stem']}"
        assert f"{d['n_slides']} slides" in index
    for needle in ("?print-pdf", "<kbd>S</kbd>", "<kbd>F</kbd>", "--primary: #0a7d91"):
        assert needle in index, f"the index does not say {needle!r}"


def test_deck_errors_name_the_deck_slide_and_cell(tmp_path):
    """A reference to a missing cell, a missing figure recipe, a slide without notes and output lines that are not the
    ones the deck names fail the build
    with a message that says where."""
    decks = _load("decks")
    nb = ROOT / "notebooks" / "01_gaussian_mle.ipynb"
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / nb.name).write_bytes(nb.read_bytes())
    src = tmp_path / "decks"
    src.mkdir()
    head = "---\nnotebook: 01_gaussian_mle.ipynb\ntitle: T\nsubtitle: S\n---\n\n"
    cases = [("## A slide\n\nText.\n\n{{output: no-such-cell}}\n\nNote:\nSay: x.\n", ["01_gaussian_mle.md", "A slide", "no-such-cell"]),
             ("## Fig\n\n{{figure: fig99}}\n\nNote:\nSay: x.\n", ["Fig", "fig99"]),
             ("## Quiet\n\nText.\n", ["Quiet", "speaker notes"]),
             ("## Pic\n\n{{picture: cell-03}}\n\nNote:\nSay: x.\n", ["cell-03", "no stored PNG"]),
             ("## Lines\n\n{{output: cell-03 lines=5-9 first=\"x\"}}\n\nNote:\nSay: x.\n", ["Lines", "cell-03", "not 5-9"]),
             # lines chosen by number must say what their first line starts with, so that a shifted output stops the build
             ("## Bare\n\n{{output: cell-05 lines=4}}\n\nNote:\nSay: x.\n", ["Bare", "cell-05 lines=4", 'first="..."']),
             ("## Shift\n\n{{output: cell-05 lines=3-4 first=\"integral of exp(ln N) over x, derived above\"}}\n\nNote:\nSay: x.\n",
              ["Shift", "line 3 of cell 'cell-05'", "does not start with", "(line 4 does)"])]
    for body, words in cases:
        (src / "01_gaussian_mle.md").write_text(head + body, encoding="utf-8")
        with pytest.raises(decks.DeckError) as err:
            decks.build(tmp_path / "out", tmp_path / "nb", src, pdf=False)
        for w in words:
            assert w in str(err.value), f"the error does not name {w!r}: {err.value}"
    # a good slide: the stored output's text appears, fragments and notes are made, TeX in notes is plain
    cell = next(c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code" and c.get("outputs")
                and any(o.get("output_type") == "stream" for o in c["outputs"]))
    first_line = "".join(next(o for o in cell["outputs"] if o.get("output_type") == "stream")["text"]).splitlines()[0]
    (src / "01_gaussian_mle.md").write_text(
        head + f"## Step\n\n$$a = b$$\n\n+++\n\n$$c = d$$\n\n{{{{output: {cell['id']}}}}}\n\nNote:\nSay: Here $\\sigma^2$ grows.\n"
        "Ask: Why?\nAnswer: Because.\n", encoding="utf-8")
    built = decks.build(tmp_path / "out", tmp_path / "nb", src, pdf=False)
    page = (tmp_path / "out" / "01_gaussian_mle.html").read_text(encoding="utf-8")
    exercise_slides = page.count('<section id="exercises')
    assert exercise_slides in (1, 2) and built[0]["n_slides"] == 2 + exercise_slides, "title, the slide, the Exercises slide(s)"
    assert '<div class="fragment">' in page and "\\[c = d\\]" in page
    assert __import__("html").escape(first_line, quote=False) in page
    assert "<strong>Say:</strong> Here σ^2 grows." in page and "$" not in page.split('<aside class="notes">')[2].split("</aside>")[0]
    assert "Exercise" in page and "1.1" in page and "The Hessian at the MLE" in page


def test_decks_in_chromium(decks_built, deck_origin, offline_browser):
    out, built = decks_built
    SCREENSHOTS.mkdir(exist_ok=True)
    failures, lines, shots = [], [], {}
    for width, height in SIZES:
        page = offline_browser.new_page(viewport={"width": width, "height": height})
        outside, errors = [], []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(deck_origin) and not r.url.startswith("data:") else None)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            for d in built:
                name = d["stem"]
                records = measure_deck(page, f"{deck_origin}/{name}.html")
                fail = lambda msg: failures.append(f"{name} at {width}x{height}: {msg}")  # noqa: E731
                if outside or errors:
                    fail(f"requests outside the folder {outside[:3]} / console errors {errors[:3]}")
                    outside.clear(), errors.clear()
                math = page.evaluate("() => ({n: document.querySelectorAll('mjx-container').length, "
                                     "err: document.querySelectorAll('mjx-merror').length})")
                if math["err"]:
                    fail(f"{math['err']} TeX errors")
                s = summary(records)
                assert len(records) == d["n_slides"]
                lines.append(f"{width}x{height}  " + format_summary(name, s))
                if width == 1280:
                    if s["median_words"] > MAX_MEDIAN_WORDS:
                        fail(f"median {s['median_words']} words per slide")
                for r in records:
                    where = f"slide {r['indices']['h'] + 1} '{r['title']}'"
                    if r["sizes"] and min(r["sizes"]) < MIN_PX[(width, height)] - 0.05:
                        fail(f"{where}: text at {min(r['sizes']):.1f} px")
                    if r["overflow"]:
                        fail(f"{where}: outside the slide: {r['overflow'][:2]}")
                    if r["under_controls"]:
                        fail(f"{where}: under the navigation arrows: {r['under_controls'][:2]}")
                    if width != 1280:
                        continue
                    if r["words"] > MAX_WORDS:
                        fail(f"{where}: {r['words']} words")
                    if r["body_items"] == 0:
                        fail(f"{where}: only a title")
                    if r["ends_with_colon"]:
                        fail(f"{where}: ends on a colon: ...{r['last_text']!r}")
                    for f in r["figures"]:
                        if f["area"] < MIN_FIGURE_AREA:
                            fail(f"{where}: figure {f['name']} fills {100 * f['area']:.0f} % of the slide")
                        if f["tickPx"] is not None and f["tickPx"] < MIN_TICK_PX:
                            fail(f"{where}: figure {f['name']} has tick labels of {f['tickPx']:.1f} px")
                    notes = r["notes"].strip()
                    if not notes or "Say:" not in notes:
                        fail(f"{where}: no speaker notes with 'Say:'")
                    if r["notes_html_code"] or CODE_IN_NOTES.search(notes):
                        m = CODE_IN_NOTES.search(notes)
                        fail(f"{where}: code in the speaker notes: {m.group(0) if m else '<code>'!r}")
                    if r["display_math"] >= 2 and r["fragments"] == 0:
                        fail(f"{where}: a derivation ({r['display_math']} display formulas) without fragments")
                    if re.search(r"notes differ|handwritten notes", r["slide_text"], re.I):
                        fail(f"{where}: the errata remark is on the slide")
                if width == 1280 and not any(r["fragments"] for r in records):
                    fail("no fragments at all")
                # screenshots: a derivation slide with its fragments shown, a figure slide, one at 1024x768
                if width == 1280 and "derivation" not in shots:
                    # a derivation: after its first step, and with every step shown
                    k = next((i for i, r in enumerate(records) if r["fragments"] >= 2 and r["display_math"] >= 2), None)
                    if k is not None:
                        _screenshot(page, k, SCREENSHOTS / "deck_derivation_step1.png", name, fragments=1)
                        shots["derivation"] = _screenshot(page, k, SCREENSHOTS / "deck_derivation.png", name)
                if width == 1280 and "figure" not in shots:  # PRML Fig. 9.8 if a deck shows it, else the first figure
                    k = next((i for i, r in enumerate(records) if any(f["name"] == "fig9_8" for f in r["figures"])), None)
                    if k is None and name == built[-1]["stem"]:
                        k = next((i for i, r in enumerate(records) if any(f["tickPx"] for f in r["figures"])), None)
                    if k is not None:
                        shots["figure"] = _screenshot(page, k, SCREENSHOTS / "deck_figure.png", name)
                if width == 1024 and "1024" not in shots:
                    # the slide with the most words that has a display formula
                    k = max(range(len(records)), key=lambda i: (records[i]["display_math"] >= 1, records[i]["words"]))
                    shots["1024"] = _screenshot(page, k, SCREENSHOTS / "deck_1024x768.png", name)
            if width == 1280:
                page.goto(f"{deck_origin}/index.html")
                page.screenshot(path=str(SCREENSHOTS / "deck_index.png"), full_page=True)
        finally:
            page.close()
    print("\ndecks (every slide, every fragment shown; px on screen):\n" + "\n".join(lines))
    print("screenshots: " + ", ".join(f"{k}: {v}" for k, v in shots.items()))
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:60])


def _screenshot(page, k, path, name, fragments=None):
    """Slide k with every fragment shown (or only the first ``fragments``), saved to path."""
    steps = "while (Reveal.nextFragment()) {}" if fragments is None else "Reveal.nextFragment();" * fragments
    page.evaluate(f"""() => {{ const i = Reveal.getIndices(Reveal.getSlides()[{k}]); Reveal.slide(i.h, i.v || 0, -1);
                               {steps} }}""")
    page.screenshot(path=str(path))
    return f"{path.name} ({name}, slide {k + 1})"


def test_the_checks_can_fail(decks_built, deck_origin, offline_browser):
    """The measuring code sees small text, overflow, a title-only slide, a colon ending and a small figure."""
    page = offline_browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        name = decks_built[1][0]["stem"]
        records = measure_deck(page, f"{deck_origin}/{name}.html")
        k = next(i for i, r in enumerate(records) if not r["title_slide"])
        page.evaluate(f"""() => {{ const i = Reveal.getIndices(Reveal.getSlides()[{k}]); Reveal.slide(i.h, i.v || 0); }}""")
        page.evaluate("""() => { const s = Reveal.getCurrentSlide();
            [...s.children].forEach(c => { if (!c.matches('h2, aside')) c.remove(); }); }""")
        r = page.evaluate(MEASURE_SLIDE)
        assert r["body_items"] == 0, "a title-only slide went unnoticed"
        page.evaluate("""() => { const s = Reveal.getCurrentSlide(); const p = document.createElement('p');
            p.style.fontSize = '20px'; p.textContent = 'and before and after:'; s.appendChild(p); }""")
        r = page.evaluate(MEASURE_SLIDE)
        assert min(r["sizes"]) < 21 and r["ends_with_colon"], "small text or a colon ending went unnoticed"
        page.evaluate("""() => { const s = Reveal.getCurrentSlide(); const p = document.createElement('p');
            const arrow = document.querySelector('.reveal .controls .navigate-right').getBoundingClientRect();
            p.style.cssText = `position:absolute; top:${arrow.top}px; left:${arrow.left - 20}px; margin:0; white-space:nowrap`;
            p.textContent = 'under the arrows and beyond'; s.appendChild(p); }""")
        r = page.evaluate(MEASURE_SLIDE)
        assert r["overflow"] and r["under_controls"], "overflow or text under the arrows went unnoticed"
        # a result line too long for its box (the box stays inside the slide; its text is cut off at the box's edge)
        page.evaluate("""() => { const s = Reveal.getCurrentSlide(); [...s.querySelectorAll('p')].forEach(p => p.remove());
            const pre = document.createElement('pre'); pre.className = 'result';
            pre.textContent = 'ln p after each of the first iterations: ' + '-1234.5678 '.repeat(12); s.appendChild(pre); }""")
        r = page.evaluate(MEASURE_SLIDE)
        assert any("cut off" in o for o in r["overflow"]), f"a cut-off result line went unnoticed: {r['overflow']}"
        # a figure shown at half its size: a quarter of its area, its tick labels at half their size
        fig_k = next(i for i, rec in enumerate(records) if any(f["tickPx"] for f in rec["figures"]))
        page.evaluate(f"""() => {{ const i = Reveal.getIndices(Reveal.getSlides()[{fig_k}]); Reveal.slide(i.h, i.v || 0);
            const img = Reveal.getCurrentSlide().querySelector('img.figure'); const w = img.width, h = img.height;
            img.style.maxWidth = 'none'; img.style.width = (w / 2) + 'px'; img.style.height = (h / 2) + 'px'; }}""")
        small = page.evaluate(MEASURE_SLIDE)["figures"][0]
        full = records[fig_k]["figures"][0]
        assert small["area"] < MIN_FIGURE_AREA and abs(small["area"] - full["area"] / 4) < 0.01, (small, full)
        assert small["tickPx"] < MIN_TICK_PX and abs(small["tickPx"] - full["tickPx"] / 2) < 0.1, (small, full)
    finally:
        page.close()
    # code in speaker notes is recognised; words and formulas in plain text are not code
    for code in ["Say: run np.mean(x) first.", "Say: gamma = emlib.e_step(X, theta)", "Say: set resp_new = 0",
                 "Say: look at X[:, 0]", "Say: `theta`", "Say: if a == b"]:
        assert CODE_IN_NOTES.search(code), code
    for words in ["Say: The mean is 3.2 cm; σ² = 70 cm².", "Ask: Why is N_k a soft count?", "Answer: ln p = L + KL, so KL = 0."]:
        assert not CODE_IN_NOTES.search(words), words


def test_speaker_view_mid_deck_shows_math(decks_built, deck_origin, offline_browser):
    """Open a deck on a slide with math, press S: the speaker view's current-slide frame shows typeset math."""
    out, built = decks_built
    page = offline_browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        name = built[0]["stem"]
        records = measure_deck(page, f"{deck_origin}/{name}.html")
        k = max(i for i, r in enumerate(records) if r["display_math"] >= 1)
        page.goto(f"{deck_origin}/{name}.html#/{k}", wait_until="load")
        page.evaluate(DECK_READY)
        assert page.evaluate("() => Reveal.getIndices().h") == k
        with page.expect_popup() as popup_info:
            page.keyboard.press("s")
        speaker = popup_info.value
        speaker.wait_for_load_state()
        frame = None
        for _ in range(100):
            frame = next((f for f in speaker.frames if "receiver" in f.url and "upcoming" not in speaker.evaluate(
                "(u) => [...document.querySelectorAll('iframe')].find(i => i.src === u)?.parentElement?.className || ''", f.url)), None)
            if frame and frame.evaluate("() => !!window.deckReady"):
                break
            speaker.wait_for_timeout(200)
        assert frame is not None, f"no current-slide frame in the speaker view: {[f.url for f in speaker.frames]}"
        frame.wait_for_function("() => window.deckReady && Reveal.getIndices().h === %d" % k, timeout=30_000)
        shown = frame.evaluate("() => Reveal.getCurrentSlide().querySelectorAll('mjx-container mjx-math').length")
        assert shown >= 1, f"{name} slide {k + 1} in the speaker view: no typeset math"
        notes = speaker.evaluate("() => (document.querySelector('.speaker-controls-notes .value') || {innerText: ''}).innerText")
        assert "Say:" in notes, f"the speaker view shows no notes: {notes[:80]!r}"
        speaker.screenshot(path=str(SCREENSHOTS / "deck_speaker_view.png"))
        speaker.close()
    finally:
        page.close()


PRINT_VIEW = """() => [...document.querySelectorAll('.pdf-page')].map((page, k) => {
    const box = page.getBoundingClientRect();
    const bad = [...page.querySelectorAll('section h1, section h2, section p, section li, section pre, section img, section mjx-container')]
        .map(e => [e, e.getBoundingClientRect()]).filter(([e, r]) => r.width > 0 && (r.left < box.left + 40 || r.right > box.right
            || r.top < box.top || r.bottom > box.bottom)).map(([e, r]) => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30));
    return {k, height: Math.round(box.height), bad};
})"""


def test_print_view_keeps_the_slides(decks_built, deck_origin, offline_browser):
    """The print view (?print-pdf, what the handouts print): one page of 1280x720 per slide, every slide's
    content inside its page and off its edge (reveal.js's print style would drop the slide's padding)."""
    out, built = decks_built
    page = offline_browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        for d in built:
            page.goto(f"{deck_origin}/{d['stem']}.html?print-pdf", wait_until="load")
            page.evaluate(DECK_READY)
            # reveal.js lays the print pages out after it reports ready (it waits for images): wait for them
            try:
                page.wait_for_function("(n) => document.querySelectorAll('.pdf-page').length >= n", arg=d["n_slides"],
                                       timeout=30_000)
            except Exception:
                pass  # the count assertion below names what is missing
            pages = page.evaluate(PRINT_VIEW)
            assert len(pages) == d["n_slides"], f"{d['stem']}: {len(pages)} print pages for {d['n_slides']} slides"
            wrong = [(p["k"] + 1, p["height"], p["bad"][:2]) for p in pages if p["bad"] or abs(p["height"] - 720) > 1]
            assert not wrong, f"{d['stem']} ?print-pdf: pages with content outside or at the edge: {wrong[:3]}"
    finally:
        page.close()


def test_pdf_handouts(decks_built):
    from pypdf import PdfReader

    out, built = decks_built
    for d in built:
        pdf = out / "pdf" / f"{d['stem']}.pdf"
        assert pdf.exists(), f"no {pdf.name}"
        reader = PdfReader(str(pdf))
        assert len(reader.pages) == d["n_slides"], f"{pdf.name}: {len(reader.pages)} pages for {d['n_slides']} slides"
        box = reader.pages[0].mediabox
        assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01, f"{pdf.name}: pages {box.width}x{box.height}"
        text = "\n".join(p.extract_text() or "" for p in reader.pages)
        source = (out.parent / "decks-src" / f"{d['stem']}.md").read_text(encoding="utf-8")
        titles = [t for t in re.findall(r"^## (.+)$", source, re.M) if "$" not in t]
        # the PDF's text layer may split a word at a superscript (σ ²_ML) or hold a ligature (ﬀ)
        flat = "".join(unicodedata.normalize("NFKC", text).split())
        missing = [t for t in titles if "".join(unicodedata.normalize("NFKC", t).split()) not in flat]
        assert not missing, f"{pdf.name}: titles not extractable as text: {missing[:3]}"
        for raw in ("$$", "\\frac", "\\mathbf", "\\sum", "\\("):
            assert raw not in text, f"{pdf.name}: raw TeX {raw!r} in the text"
        # fragments in their final state: the last step of each slide with steps is on that slide's page
        # (page 1 is the title slide; the deck's own slides follow in order, the Exercises slide(s) last)
        decks = _load("decks")
        slides = [sl for sl in decks.parse_deck(out.parent / "decks-src" / f"{d['stem']}.md")["slides"]
                  if not sl["title"].startswith("Exercises")]
        for i, sl in enumerate(slides):
            if len(sl["steps"]) < 2:
                continue
            last = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|\{\{[^}]*\}\}", " ", sl["steps"][-1], flags=re.S)
            words = re.findall(r"[A-Za-z]{5,}", last)
            page = unicodedata.normalize("NFKC", reader.pages[i + 1].extract_text() or "")
            assert not words or words[-1] in page, f"{pdf.name} page {i + 2} ('{sl['title']}'): its last step ({words[-1]!r}) is not shown"
        pages_without_text = [i + 1 for i, p in enumerate(reader.pages) if len((p.extract_text() or "").split()) < 2]
        assert not pages_without_text, f"{pdf.name}: pages without text: {pages_without_text}"


if __name__ == "__main__":
    # The BEFORE numbers: measure decks built elsewhere (e.g. the nbconvert decks of an earlier commit)
    #   .venv/bin/python -m tests.browser.test_decks /tmp/old_slides
    from playwright.sync_api import sync_playwright

    folder = pathlib.Path(sys.argv[1])
    with serving(folder) as origin, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        for deck in sorted(folder.glob("[0-9][0-9]_*.html")):
            records = measure_deck(page, f"{origin}/{deck.name}")
            print(format_summary(deck.name.split(".")[0], summary(records)), flush=True)
        browser.close()
