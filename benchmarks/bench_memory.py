"""Kernel memory over a simulated two-hour lecture with every explorer of the notebooks.

One real IPython kernel (started with jupyter_client, as a front end starts it)
runs, for each notebook in turn:
- the notebook's code cells before its explorer cell (the data the explorer needs);
- the explorer cell itself, re-run ``--reruns`` times after its first run, every
  time with the notebook's own ``cellId`` in the ``execute_request`` metadata, as
  JupyterLab and Notebook 7 send it; the explorer lands in ``Out`` as in a notebook;
- random control changes on each explorer the cell makes: ``--moves-between``
  on every run but the last, and ``--moves`` on the last, the one the student keeps
  (slider drags of one to three steps, jumps, and for BoundExplorer the E-step,
  M-step and Reset buttons).

It prints, per explorer class, the kernel's resident memory (RSS, after
``gc.collect()``) before and after its cell's runs, the frame-cache bytes of the
explorer left open against its budget (the largest seen after any move), and the
number of widgets still open; then the growth over the whole simulation.
Usage: python benchmarks/bench_memory.py [--reruns 20] [--moves 2000] [--moves-between 50]
(``--pythonpath DIR`` puts DIR first on the kernel's path, to measure another copy of emlib; ``--git-rev HEAD``
reads the notebooks as committed, so that two runs compare the same cells.)
"""
import argparse
import json
import os
import pathlib
import queue
import subprocess
import time

import psutil
from jupyter_client.manager import start_new_kernel

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLASSES = ("LikelihoodExplorer", "MixtureExplorer", "BoundExplorer", "EMAnimator", "StartExplorer", "KExplorer",
           "HardeningExplorer", "BernoulliAnimator")

# Runs in the kernel: random control changes on one explorer, as a student makes them.
DRIVER = r'''
def _bench_drive(ex, moves, seed):
    import gc, json
    import numpy as np
    import ipywidgets as w
    rng = np.random.default_rng(seed)
    sliders = [c for c in ex.controls if isinstance(c, (w.FloatSlider, w.IntSlider, w.SelectionSlider))]
    buttons = [c for c in ex.controls if isinstance(c, w.Button)]

    def size(c):  # the number of positions of a slider
        return len(c.options) if isinstance(c, w.SelectionSlider) else int(round((c.max - c.min) / c.step)) + 1

    def position(c):
        return c.index if isinstance(c, w.SelectionSlider) else int(round((c.value - c.min) / c.step))

    def move_to(c, j):
        if isinstance(c, w.SelectionSlider):
            c.index = j
        else:
            c.value = c.min + j * c.step

    def cache_bytes():
        return sum(len(v) for v in ex._cache.values()) if ex._cache is not None else 0

    largest = cache_bytes()
    for _ in range(moves):
        if buttons and rng.random() < 0.05:
            buttons[rng.integers(len(buttons))].click()
        else:
            c = sliders[rng.integers(len(sliders))]
            if rng.random() < 0.8:  # a drag of one to three steps
                j = int(np.clip(position(c) + rng.choice([-3, -2, -1, 1, 2, 3]), 0, size(c) - 1))
            else:  # a jump
                j = int(rng.integers(size(c)))
            move_to(c, j)
        largest = max(largest, cache_bytes())
    gc.collect()
    print(json.dumps({"cache": cache_bytes(), "largest": largest, "budget": getattr(ex, "cache_budget", None)}))
'''

STATUS = r'''
import gc, json
gc.collect()
try:
    from ipywidgets.widgets.widget import _instances as _w
except ImportError:
    from ipywidgets import Widget
    _w = Widget.widgets
print(json.dumps({"widgets": len(_w)}))
'''


class Kernel:
    """A kernel and a client that sends cells with a cellId and collects their printed output."""

    def __init__(self, pythonpath=None):
        env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
        if pythonpath:
            env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        self.km, self.kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"), env=env)
        self.pid = int(self.run("import os; print(os.getpid())", "bench-setup"))
        self.process = psutil.Process(self.pid)

    def run(self, code, cell_id, timeout=7200):
        """Execute ``code`` as a cell with id ``cell_id``; return its stdout, raise on an error."""
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
                   "stop_on_error": True}
        msg = self.kc.session.msg("execute_request", content, metadata={"cellId": cell_id})
        self.kc.shell_channel.send(msg)
        msg_id, out, error, deadline = msg["header"]["msg_id"], [], None, time.monotonic() + timeout
        while True:
            try:
                m = self.kc.get_iopub_msg(timeout=max(1.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"cell {cell_id} did not finish in {timeout} s") from None
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            kind = m["msg_type"]
            if kind == "stream" and m["content"]["name"] == "stdout":
                out.append(m["content"]["text"])
            elif kind == "error":
                error = "\n".join(m["content"]["traceback"])
            elif kind == "status" and m["content"]["execution_state"] == "idle":
                break
        reply = self.kc.get_shell_msg(timeout=60)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=60)
        if error:
            raise RuntimeError(f"cell {cell_id} failed:\n{error}")
        self.last_count = reply["content"]["execution_count"]
        return "".join(out).strip()

    def rss_mb(self):
        self.run("import gc; gc.collect()", "bench-gc")
        return self.process.memory_info().rss / 2**20

    def shutdown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def explorer_cell(path, rev=None):
    """(setup cells as (id, source), the explorer cell as (id, source, class name)) of a notebook.

    ``rev`` reads the notebook as committed in that git revision instead of the working tree.
    """
    if rev is None:
        text = path.read_text()
    else:
        shown = subprocess.run(["git", "show", f"{rev}:{path.relative_to(ROOT).as_posix()}"], cwd=ROOT,
                               capture_output=True, text=True)
        if shown.returncode != 0:  # a notebook added after that revision
            return None
        text = shown.stdout
    cells = [c for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        for name in CLASSES:
            if f"{name}(" in source and "import" not in source.split(f"{name}(")[0].splitlines()[-1]:
                setup = [(c.get("id", f"cell-{j}"), "".join(c["source"])) for j, c in enumerate(cells[:i])]
                return setup, (cell.get("id", f"cell-{i}"), source, name)
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reruns", type=int, default=20, help="re-runs of each explorer cell after its first run")
    ap.add_argument("--moves", type=int, default=2000, help="random control changes on the explorer a student keeps")
    ap.add_argument("--moves-between", type=int, default=50, help="random control changes before each re-run")
    ap.add_argument("--pythonpath", help="a folder put first on the kernel's sys.path (another copy of emlib)")
    ap.add_argument("--git-rev", help="read the notebooks as committed in this revision (e.g. HEAD), for runs to compare")
    ap.add_argument("--only", nargs="*", help="explorer classes to simulate (default: all the notebooks use)")
    args = ap.parse_args(argv)

    kernel = Kernel(args.pythonpath)
    t0 = time.perf_counter()
    try:
        kernel.run("import emlib, emlib.widgets, matplotlib.pyplot, ipywidgets\n" + DRIVER, "bench-setup")
        print("emlib imported from", kernel.run("print(emlib.__file__)", "bench-setup"))
        start = kernel.rss_mb()
        print(f"kernel RSS after imports: {start:.0f} MB\n")
        print(f"{'explorer':20s} {'RSS before':>10s} {'after':>8s} {'growth':>8s}   {'cache (largest)':>16s} {'budget':>8s}   open widgets")
        phase_growth, within_budget = 0.0, True
        for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            found = explorer_cell(nb, args.git_rev)
            if found is None or (args.only and found[1][2] not in args.only):
                continue
            setup, (cell_id, source, name) = found
            for sid, code in setup:
                kernel.run(code, sid)
            before = kernel.rss_mb()
            for run in range(args.reruns + 1):
                kernel.run(source, cell_id)
                n = kernel.last_count
                moves = args.moves if run == args.reruns else args.moves_between
                stats = json.loads(kernel.run(f"_bench_drive(Out[{n}], {moves}, {run})", "bench-driver"))
            after = kernel.rss_mb()
            open_widgets = json.loads(kernel.run(STATUS, "bench-status"))["widgets"]
            phase_growth += after - before
            within_budget &= bool(stats["budget"]) and stats["largest"] <= stats["budget"]
            budget = f"{stats['budget'] / 2**20:6.1f} MB" if stats["budget"] else "    none"
            print(f"{name:20s} {before:8.0f} MB {after:5.0f} MB {after - before:+6.0f} MB   "
                  f"{stats['cache'] / 2**20:5.1f} ({stats['largest'] / 2**20:5.1f}) MB {budget}   {open_widgets}", flush=True)
        end = kernel.rss_mb()
    finally:
        kernel.shutdown()
    print(f"\nkernel RSS growth over the whole simulation: {end - start:+.0f} MB ({start:.0f} -> {end:.0f} MB); "
          f"during the explorer cells: {phase_growth:+.0f} MB; {time.perf_counter() - t0:.0f} s")
    print(f"settings: {args.reruns} re-runs per cell with its cellId, {args.moves_between} moves before each re-run, "
          f"{args.moves} on the explorer kept")
    met = phase_growth <= 100 and within_budget
    print(f"target (issue 15): growth during the explorer cells <= 100 MB and every cache within a budget: "
          f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
