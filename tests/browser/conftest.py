"""A JupyterLab server on 127.0.0.1 and Debian's Chromium, both fully isolated in temporary folders."""
import contextlib
import functools
import http.server
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = pathlib.Path(__file__).resolve().parent / "screenshots"


def _browser_or_skip():
    required = os.environ.get("EMLIB_REQUIRE_BROWSER") == "1"
    missing = None
    if not pathlib.Path(CHROMIUM).exists():
        missing = f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` to run the browser test"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            missing = "the playwright package is missing: pip install -e '.[test]'"
    if missing:
        if required:
            pytest.fail(f"EMLIB_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Start JupyterLab serving a temporary copy of the notebooks; yield (base_url, token, folder)."""
    _browser_or_skip()
    tmp = tmp_path_factory.mktemp("lab")
    serve = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", serve, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")]:
        (tmp / sub).mkdir()
        env[var] = str(tmp / sub)
    env.pop("MPLBACKEND", None)
    notif = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True)
    (notif / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    nbset = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    nbset.mkdir(parents=True)
    # render every cell (no virtual scrolling), so that the test can see every prompt and output
    (nbset / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), "emlib-browser-test"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={serve}", "--ServerApp.open_browser=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp / "lab.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=serve)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail(f"JupyterLab did not start:\n{(tmp / 'lab.log').read_text()[-3000:]}")
    if proc.poll() is not None:
        pytest.fail(f"JupyterLab exited:\n{(tmp / 'lab.log').read_text()[-3000:]}")
    yield base, token, serve
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright driver for the whole session (its sync API allows one per thread)."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser_context(lab, playwright_session, tmp_path_factory):
    user_data = tmp_path_factory.mktemp("chromium-profile")
    context = playwright_session.chromium.launch_persistent_context(
        str(user_data), executable_path=CHROMIUM, viewport={"width": 1280, "height": 800}, args=CHROMIUM_ARGS,
    )
    yield context
    context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(folder):
    """Serve a built folder (the website, the decks) over HTTP on 127.0.0.1; yield its origin."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def offline_browser(playwright_session):
    """Chromium for static pages that can reach 127.0.0.1 only: every other host goes through a proxy that refuses.

    The proxy is a port bound here and never listened on; Chromium never sends loopback requests
    to a proxy. Blocking there, rather than intercepting every request with page.route (which
    turns the browser's cache off), spares each page fetching MathJax and its fonts again.
    """
    with socket.socket() as refuse:
        refuse.bind(("127.0.0.1", 0))
        proxy = f"--proxy-server=http://127.0.0.1:{refuse.getsockname()[1]}"
        browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [proxy])
        yield browser
        browser.close()
