"""The static explorers of the course website (book/explorers_static.py, book/_static/explorer.js).

Builds the site (book/build.py site) into a temporary folder and serves it from 127.0.0.1. Checks:

- every explorer cell of every notebook has a static explorer on its page, and the frame that explorer
  shows first looks like the picture the notebook stores for that cell (tests/figcompare.py: as a
  reader sees it), so the mapping from a cell to its explorer cannot drift from the notebook;
- the budget: at most ``MAX_FRAMES`` (40) frames per explorer and ``SITE_BUDGET_MB`` (30) MB for the
  whole built site; both measured numbers are printed;
- in Chromium at 1366x768 and 390x844, on every page with an explorer: Tab reaches the Play button
  and then the slider, each with a visible focus outline; a key press on the slider (arrow, End, Home)
  shows its new frame at the next display frame (the shown frame's index has changed when the next
  requestAnimationFrame callback runs: the frames are decoded beforehand and a key swaps one class in
  its own handler); the label in the aria-live region names the new frame; Space on Play advances the
  frames and Enter pauses; and no request leaves the page while the keys are pressed, nor at any time
  goes anywhere but the local server (every request is recorded);
- no notebook page asks the reader to press Play or move a slider above a still picture: each such
  sentence is followed by a static explorer before any other picture.

Screenshots: tests/browser/screenshots/static_explorer_midplay.png (1366 px) and
static_explorer_midplay_390.png (390 px), notebook 04's explorer while it plays.
"""
import base64
import importlib.util
import json
import pathlib
import re
import sys

import pytest

from ..figcompare import raster_differences
from .conftest import SCREENSHOTS, serving

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
VIEWPORTS = [(1366, 768), (390, 844)]
REPOSITORY = "https://example.org/teaching/em-course"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sys.path.insert(0, str(ROOT / "book"))
STATIC = _load("explorers_static", ROOT / "book" / "explorers_static.py")
WITH_EXPLORERS = [nb for nb in NOTEBOOKS if STATIC.explorer_cells(json.loads(nb.read_text(encoding="utf-8")))]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    build = _load("book_build", ROOT / "book" / "build.py")
    out = tmp_path_factory.mktemp("static-explorers") / "html"
    build.build_site(out, repository_url=REPOSITORY)
    return out


@pytest.fixture(scope="module")
def origin(site):
    with serving(site) as o:
        yield o


def _explorer_ids(page_html):
    return re.findall(r'<div class="static-explorer" id="explorer-(\d+)"', page_html)


def _site_size(html):
    return sum(f.stat().st_size for f in html.rglob("*") if f.is_file())


def test_every_explorer_cell_has_a_static_explorer_within_budget(site, tmp_path):
    """Every explorer cell -> a static explorer on its page whose first frame looks like the cell's stored
    picture; at most 40 frames each; the whole site at most 30 MB."""
    assert WITH_EXPLORERS, "no notebook has an explorer: nothing to check"
    frame_counts, stale = {}, []
    for nb_path in WITH_EXPLORERS:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        cells = STATIC.explorer_cells(nb)
        page = (site / "notebooks" / f"{nb_path.stem}.html").read_text(encoding="utf-8")
        assert _explorer_ids(page) == [str(c) for c in cells], \
            f"{nb_path.name}: explorer cells {cells}, static explorers for cells {_explorer_ids(page)}"
        for cell in cells:
            block = page[page.index(f'id="explorer-{cell}"'):]
            block = block[: block.index("</div>\n</div>")]
            files = re.findall(r'<img src="\.\./_static/explorers/([^"]+)"', block)
            start = int(re.search(r'data-start="(\d+)"', block).group(1))
            shown = re.findall(r'<img src="\.\./_static/explorers/([^"]+)"[^>]* class="shown"', block)
            assert shown == [files[start]], f"{nb_path.name} cell {cell}: the frame shown first is {shown}, not frame {start}"
            frame_counts[f"{nb_path.name[:2]} cell {cell}"] = len(files)
            assert 2 <= len(files) <= STATIC.MAX_FRAMES, f"{nb_path.name} cell {cell}: {len(files)} frames"
            # the first frame shown against the picture the notebook stores for this cell
            stored = next(out["data"]["image/png"] for out in nb["cells"][cell]["outputs"] if "image/png" in out.get("data", {}))
            (tmp_path / "stored.png").write_bytes(base64.b64decode(stored))
            problems = raster_differences(site / "_static" / "explorers" / files[start], tmp_path / "stored.png")
            if problems:
                stale.append(f"{nb_path.name} cell {cell}: {problems[0]}")
    size = _site_size(site)
    frames_bytes = _site_size(site / "_static" / "explorers")
    print(f"\nstatic explorers: frames per explorer {frame_counts} (budget {STATIC.MAX_FRAMES}); "
          f"site {size / 1e6:.1f} MB, of which frames {frames_bytes / 1e6:.1f} MB (budget {STATIC.SITE_BUDGET_MB} MB)")
    assert max(frame_counts.values()) <= STATIC.MAX_FRAMES
    assert size <= STATIC.SITE_BUDGET_MB * 1e6, f"the site takes {size / 1e6:.1f} MB, over the budget of {STATIC.SITE_BUDGET_MB} MB"
    assert not stale, ("the first frame of a static explorer differs from the picture its notebook stores "
                       "(re-execute the notebook, or the explorer drifted from its cell): " + "; ".join(stale))


# the state of one static explorer, read in the page
STATE = """root => {
    const imgs = [...root.querySelectorAll('.static-explorer-frames > img')];
    const shown = imgs.map((img, k) => img.classList.contains('shown') ? k : -1).filter(k => k >= 0);
    const visible = imgs.filter(img => getComputedStyle(img).visibility === 'visible');
    return {n: imgs.length, shown, visible: visible.length, label: root.querySelector('.static-explorer-label').textContent,
            valuetext: root.querySelector('.static-explorer-slider').getAttribute('aria-valuetext'),
            slider: +root.querySelector('.static-explorer-slider').value, button: root.querySelector('.static-explorer-play').textContent,
            labels: imgs.map(img => img.dataset.label), decoded: imgs.every(img => img.hasAttribute('data-decoded') && img.naturalWidth > 0)};
}"""

# arm: at the next keydown on the slider, record the shown frame when the next animation frame starts
ARM = """root => {
    const slider = root.querySelector('.static-explorer-slider');
    const shownIndex = () => [...root.querySelectorAll('.static-explorer-frames > img')].findIndex(i => i.classList.contains('shown'));
    window.__keyProbe = null;
    window.addEventListener('keydown', () => {
        const before = shownIndex();
        requestAnimationFrame(() => { window.__keyProbe = {before, atNextFrame: shownIndex()}; });
    }, {capture: true, once: true});
    return shownIndex();
}"""

# Tab from just before the explorer: what gets the focus, and whether its focus ring shows
FOCUS = """() => { const e = document.activeElement; const s = getComputedStyle(e);
    return {cls: e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""


def _open(page, url):
    page.goto(url, wait_until="load")
    page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_function("() => [...document.querySelectorAll('.static-explorer')].every(r => r.classList.contains('ready'))")
    page.wait_for_function("""() => [...document.querySelectorAll('.static-explorer-frames > img')]
                              .every(i => i.hasAttribute('data-decoded'))""", timeout=30_000)


def _press_and_probe(page, root, key):
    before = root.evaluate(ARM)
    page.keyboard.press(key)
    page.wait_for_function("() => window.__keyProbe !== null")
    probe = page.evaluate("() => window.__keyProbe")
    assert probe["before"] == before
    return probe


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_static_explorers_work_by_keyboard_with_no_outside_request(site, origin, offline_browser, viewport):
    page = offline_browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    checked = 0
    try:
        for nb_path in WITH_EXPLORERS:
            what = f"{nb_path.stem} at {viewport[0]} px"
            requests.clear()
            _open(page, f"{origin}/notebooks/{nb_path.stem}.html")
            roots = page.locator(".static-explorer")
            assert roots.count() == len(STATIC.explorer_cells(json.loads(nb_path.read_text(encoding="utf-8")))), what
            for i in range(roots.count()):
                root = roots.nth(i)
                root.scroll_into_view_if_needed()
                state = root.evaluate(STATE)
                assert state["decoded"], f"{what}: not every frame decoded"
                assert len(state["shown"]) == 1 and state["visible"] == 1, f"{what}: {state['shown']} frames shown"
                assert state["n"] <= STATIC.MAX_FRAMES
                start = state["shown"][0]
                # Tab from just before the explorer: the Play button, then the slider, each with a focus ring
                root.evaluate("r => { const s = document.createElement('span'); s.tabIndex = -1; s.id = 'before-explorer';"
                              " r.before(s); s.focus(); }")
                page.keyboard.press("Tab")
                focus = page.evaluate(FOCUS)
                assert "static-explorer-play" in focus["cls"], f"{what}: Tab went to {focus['cls']!r}, not the Play button"
                assert focus["outline"] != "none" and focus["width"] >= 2, f"{what}: no visible focus on Play: {focus}"
                page.keyboard.press("Tab")
                focus = page.evaluate(FOCUS)
                assert "static-explorer-slider" in focus["cls"], f"{what}: the second Tab went to {focus['cls']!r}"
                assert focus["outline"] != "none" and focus["width"] >= 2, f"{what}: no visible focus on the slider: {focus}"
                page.evaluate("() => document.getElementById('before-explorer').remove()")
                # key presses: each shows its frame by the next display frame, and says which one
                before_keys = len(requests)
                key = "ArrowRight" if start < state["n"] - 1 else "ArrowLeft"
                probe = _press_and_probe(page, root, key)
                expected = start + (1 if key == "ArrowRight" else -1)
                assert probe["atNextFrame"] == expected, f"{what}: {key} from frame {start}: at the next frame {probe}"
                probe = _press_and_probe(page, root, "End")
                assert probe["atNextFrame"] == state["n"] - 1, f"{what}: End: {probe}"
                now = root.evaluate(STATE)
                assert now["label"] == now["valuetext"] == state["labels"][-1], f"{what}: the label after End: {now['label']!r}"
                probe = _press_and_probe(page, root, "Home")
                assert probe["atNextFrame"] == 0, f"{what}: Home: {probe}"
                assert root.evaluate(STATE)["label"] == state["labels"][0]
                assert root.locator(".static-explorer-label").get_attribute("aria-live") == "polite"
                assert len(requests) == before_keys, f"{what}: requests while keys were pressed: {requests[before_keys:]}"
                # Play (Space on the button) advances the frames; Enter pauses
                root.locator(".static-explorer-play").focus()
                page.keyboard.press("Space")
                page.wait_for_function("r => +r.dataset.frame >= 2", arg=root.element_handle(), timeout=15_000)
                assert root.evaluate(STATE)["button"] == "Pause"
                if nb_path.name.startswith("04"):  # a screenshot mid-play, for a person to look at
                    page.wait_for_function("r => +r.dataset.frame >= 5", arg=root.element_handle(), timeout=15_000)
                    SCREENSHOTS.mkdir(exist_ok=True)
                    name = "static_explorer_midplay.png" if viewport[0] >= 1366 else "static_explorer_midplay_390.png"
                    root.screenshot(path=str(SCREENSHOTS / name))
                page.keyboard.press("Enter")
                paused = root.evaluate(STATE)
                assert paused["button"] == "Play", f"{what}: Enter did not pause"
                page.wait_for_timeout(1200)  # longer than two Play intervals: a paused explorer stays
                assert root.evaluate(STATE)["shown"] == paused["shown"], f"{what}: frames still advance after a pause"
                checked += 1
            outside = [u for u in requests if not (u.startswith(origin + "/") or u.startswith("data:") or u.startswith("file://"))]
            assert not outside, f"{what}: requests outside the local server: {outside[:5]}"
            assert not errors, f"{what}: console errors: {errors[:5]}"
    finally:
        page.close()
    assert checked == len(WITH_EXPLORERS)  # one explorer per notebook page today; each was worked
    print(f"\n{checked} static explorers worked by keyboard at {viewport[0]}x{viewport[1]}")


# each paragraph of the notebook that tells the reader to press Play or move a slider (not the note under a
# static explorer, which says how to work it), and whether the first picture after it is a static explorer's
FOLLOWS = """() => {
    const article = document.querySelector('article');
    const pictures = [...article.querySelectorAll('img')];
    return [...article.querySelectorAll('p, li')].filter(p => !p.closest('.explorer-static-note'))
        .filter(p => /press \\W*play|move the slider/i.test(p.textContent)).map(p => {
        const next = pictures.find(img => p.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_FOLLOWING);
        return [p.textContent.slice(0, 80), next ? !!next.closest('.static-explorer') : null];
    });
}"""


def test_no_press_play_above_a_still(site, origin, offline_browser):
    page = offline_browser.new_page(viewport={"width": 1366, "height": 768})
    found = 0
    try:
        for nb_path in NOTEBOOKS:
            page.goto(f"{origin}/notebooks/{nb_path.stem}.html", wait_until="load")
            for text, static in page.evaluate(FOLLOWS):
                found += 1
                assert static, f"{nb_path.stem}: “{text}…” is followed by a still picture, not a static explorer"
            assert page.locator("article .explorer-still").count() == 0, f"{nb_path.stem}: an explorer shown as a still"
    finally:
        page.close()
    assert found >= 2, f"only {found} sentences ask to press Play or move a slider: the check looks at nothing"
