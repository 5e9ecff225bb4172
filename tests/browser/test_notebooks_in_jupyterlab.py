"""Every notebook in a real JupyterLab in a real browser: Run All, widgets render and respond.

Also measures, for the EM animator with N = 1000 and K = 3, the time from a key press on the
slider to the new image appearing in the page (median over 30 presses; printed, not asserted:
machines are shared and noisy).
"""
import json
import pathlib
import statistics

import pytest

from .conftest import SCREENSHOTS

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
OUTPUTS = f"{PANEL} .jp-OutputArea-output"


def open_and_run(page, base, token, name, timeout_s=180):
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")  # reset: no tabs restored from an earlier page
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    # the execution indicator reads "idle" before a kernel exists: wait for the status bar instead
    page.wait_for_function(
        """() => { const t = document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.innerText || '';
                   return t.includes('Idle') && !t.includes('No Kernel') && !t.includes('Initializing'); }""",
        timeout=90_000,
    )
    page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item:has-text('Run All Cells')")
    source = ROOT / "notebooks" / name  # None for notebooks the test writes itself
    n_code = sum(c["cell_type"] == "code" for c in json.loads(source.read_text())["cells"]) if source.exists() else None
    try:
        _wait_all_run(page, n_code, timeout_s)
    except Exception:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"FAILED-{name}.png"))
        raise


def _wait_all_run(page, n_code, timeout_s):
    page.wait_for_function(
        """(n) => { const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')].map(e => e.innerText);
                    const done = p.filter(t => /\\[\\d+\\]/.test(t)).length;
                    const t = document.querySelector('#jp-main-statusbar')?.innerText || '';
                    return p.length > 0 && !p.some(t => t.includes('*')) && (n === null || done >= n) && t.includes('Idle'); }""",
        arg=n_code, timeout=timeout_s * 1000,
    )


def widget_images(page):
    return page.locator(f"{OUTPUTS} .widget-image")


def assert_clean(page, name):
    page.wait_for_timeout(500)
    text = "\n".join(page.locator(OUTPUTS).all_inner_texts())
    assert "Error displaying widget" not in text, name
    assert "Loading widget" not in text, name
    assert page.locator(f"{OUTPUTS}[data-mime-type='application/vnd.jupyter.stderr']").count() == 0, name
    assert "Traceback" not in text, name


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_widgets_respond(browser_context, lab, name):
    base, token, _ = lab
    page = browser_context.new_page()
    try:
        open_and_run(page, base, token, name)
        assert_clean(page, name)
        images = widget_images(page)
        assert images.count() >= 1, f"{name}: no widget rendered"
        img = images.first
        img.scroll_into_view_if_needed()
        widget = page.locator(f"{OUTPUTS} .widget-vbox").first
        before = img.get_attribute("src")
        handle = widget.locator(".noUi-handle, .widget-slider .ui-slider-handle").last
        # keyboard alone: every control is in the tab order, and keys (not clicks) drive it
        tabbable = "el => el.tabIndex >= 0 && !el.disabled"
        assert handle.evaluate(tabbable), f"{name}: the slider is not in the tab order"
        handle.focus()
        changed = "([el, old]) => el.getAttribute('src') !== old"
        for key in ("ArrowRight", "ArrowLeft"):  # left if the slider starts at its maximum
            for _ in range(3):
                page.keyboard.press(key)
            try:
                page.wait_for_function(changed, arg=[img.element_handle(), before], timeout=5_000)
                break
            except Exception:
                if key == "ArrowLeft":
                    raise
        play = widget.locator(".widget-play button").first
        if play.count():
            readout = widget.locator(".widget-readout").first
            start = readout.inner_text()
            assert play.evaluate(tabbable), f"{name}: Play is not in the tab order"
            play.focus()
            page.keyboard.press("Enter")
            page.wait_for_function("([el, old]) => el.innerText !== old", arg=[readout.element_handle(), start], timeout=10_000)
        buttons = widget.locator("button:has-text('E-step')")
        if buttons.count():
            before = img.get_attribute("src")
            m_step = widget.locator("button:has-text('M-step')")
            assert m_step.evaluate(tabbable), f"{name}: the M-step button is not in the tab order"
            m_step.focus()
            page.keyboard.press("Enter")
            page.wait_for_function("([el, old]) => el.getAttribute('src') !== old", arg=[img.element_handle(), before], timeout=10_000)
        assert_clean(page, name)
        SCREENSHOTS.mkdir(exist_ok=True)
        img.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"{name.removesuffix('.ipynb')}.png"))
        box = widget.bounding_box()
        assert box["width"] <= 1280 and box["height"] <= 800, f"{name}: widget is {box['width']}x{box['height']} px"
    finally:
        page.close()


LATENCY_NOTEBOOK = {
    "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [
        "import numpy as np, emlib\n",
        "from emlib.widgets import EMAnimator\n",
        "truth = emlib.GMMParams(np.array([0.3, 0.3, 0.4]), np.array([[-2.0, 0.0], [2.0, 1.0], [0.0, -2.0]]),\n",
        "                        np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.6, -0.2], [-0.2, 0.8]], [[1.5, 0.0], [0.0, 0.4]]]))\n",
        "rng = np.random.default_rng(1)\n",
        "X, _ = emlib.sample(truth, 1000, rng)\n",
        "EMAnimator(X, emlib.em(X, emlib.init_params(X, 3, rng), max_iter=40, tol=0))\n"]}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def test_keypress_to_image_latency(browser_context, lab):
    base, token, folder = lab
    (folder / "latency.ipynb").write_text(json.dumps(LATENCY_NOTEBOOK))
    page = browser_context.new_page()
    try:
        open_and_run(page, base, token, "latency.ipynb")
        img = widget_images(page).first
        img.scroll_into_view_if_needed()
        handle = page.locator(f"{OUTPUTS} .noUi-handle").last
        handle.focus()
        page.evaluate(
            """(el) => { window._lat = []; window._t0 = null;
                 document.addEventListener('keydown', () => { window._t0 = performance.now(); }, true);
                 new MutationObserver(() => { if (window._t0 !== null) { window._lat.push(performance.now() - window._t0); window._t0 = null; } })
                   .observe(el, {attributes: true, attributeFilter: ['src']}); }""",
            img.element_handle(),
        )
        for i in range(30):
            page.keyboard.press("ArrowRight")
            page.wait_for_function("(n) => window._lat.length >= n", arg=i + 1, timeout=10_000)
        latencies = page.evaluate("window._lat")
        median = statistics.median(latencies)
        print(f"\nkey press to new image, EM animator N=1000 K=3: median {median:.1f} ms over {len(latencies)} presses "
              f"(min {min(latencies):.1f}, max {max(latencies):.1f})")
        (SCREENSHOTS).mkdir(exist_ok=True)
        (SCREENSHOTS / "latency.txt").write_text(f"median {median:.1f} ms over {len(latencies)} presses\n")
        assert len(latencies) == 30
    finally:
        page.close()
