"""Print a local HTML file to PDF with Debian's Chromium, offline.

    from pdf import html_to_pdf          # with book/ on sys.path, as book/kit.py and book/decks.py have it
    html_to_pdf("build/kit/summary.html", "build/kit/summary.pdf")

Chromium (``/usr/bin/chromium``, ``sudo apt-get install chromium``) is driven through playwright, as in
tests/browser/conftest.py; playwright never downloads a browser here. Every request that is not for a
local file (``file:``, ``data:``, ``blob:``, ``about:``) is aborted, so nothing is fetched from the network;
by default such a request is an error (the page needed something it does not ship). Printing waits
until MathJax, if the page loads it (version 2 or 3), has typeset the page.
"""
import pathlib

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

#: Resolves when MathJax (2 or 3) has typeset the page, or at once when the page has no MathJax. A page
#: whose MathJax has not finished loading within 30 s rejects (a script that never arrives).
_WAIT_FOR_MATHJAX = """async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const wantsMathJax = () => window.MathJax !== undefined ||
      [...document.scripts].some(s => /mathjax/i.test(s.src) || /mathjax/i.test(s.type));
  if (!wantsMathJax()) return "none";
  for (let i = 0; i < 600; i++) {
    const mj = window.MathJax;
    if (mj && mj.Hub && mj.Hub.Queue) { await new Promise(r => mj.Hub.Queue(r)); return "2"; }
    if (mj && mj.startup && mj.startup.promise) {
      await mj.startup.promise;
      if (mj.typesetPromise) await mj.typesetPromise();
      return "3";
    }
    await sleep(50);
  }
  throw new Error("MathJax did not load within 30 s");
}"""


class NetworkRequestBlocked(RuntimeError):
    """The page asked for something that is not a local file; the PDF would lack it."""


def html_to_pdf(html_path, pdf_path, *, width=None, height=None, landscape=False, ready=None, strict=True,
                browser=None):
    """Print the local HTML file ``html_path`` to ``pdf_path`` with Chromium; return the PDF's path.

    width, height : page size as playwright takes it (a number of CSS pixels, or a string with a unit such
        as ``"210mm"``). Without them the page's CSS ``@page { size: ... }`` decides, else A4
        (playwright's own default would be US Letter).
    landscape : print in landscape orientation.
    ready : an optional JavaScript expression that must become truthy before printing (for example a
        reveal.js deck's layout being done), waited for after MathJax.
    strict : raise ``NetworkRequestBlocked`` if the page requested anything that is not a local file
        (it is blocked in any case).
    browser : an already launched playwright ``Browser`` to reuse (tests and batch builds pass one);
        without it, Chromium is started and stopped for this file.

    Raises FileNotFoundError if ``html_path`` or Chromium is missing.
    """
    html = pathlib.Path(html_path).resolve()
    if not html.is_file():
        raise FileNotFoundError(f"html_path: no file {html}")
    pdf = pathlib.Path(pdf_path)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    if browser is None:
        if not pathlib.Path(CHROMIUM).exists():
            raise FileNotFoundError(f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium`")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return _print(own, html, pdf, width, height, landscape, ready, strict)
            finally:
                own.close()
    return _print(browser, html, pdf, width, height, landscape, ready, strict)


def _print(browser, html, pdf, width, height, landscape, ready, strict):
    blocked = []
    context = browser.new_context(offline=True)
    try:
        page = context.new_page()

        def route(r):
            if r.request.url.startswith(LOCAL_SCHEMES):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(html.as_uri(), wait_until="load")
        page.evaluate(_WAIT_FOR_MATHJAX)
        if ready:
            page.wait_for_function(ready, timeout=60_000)
        page.evaluate("document.fonts.ready.then(() => true)")
        if strict and blocked:
            raise NetworkRequestBlocked(f"{html.name} requested {len(blocked)} non-local URL(s), blocked: {blocked[:5]}")
        options = {"path": str(pdf), "landscape": landscape, "print_background": True}
        if width is not None or height is not None:
            options.update(width=width, height=height)
        else:
            options.update(format="A4", prefer_css_page_size=True)
        page.pdf(**options)
        return pdf
    finally:
        context.close()
