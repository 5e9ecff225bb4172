"""Run the notebooks under the mutants and write the kill matrix.

    python -m mutation.run                       # everything: writes mutation/kill_matrix.json and REPORT.md
    python -m mutation.run --per-assert --check  # the same per assert statement, exit 1 unless every bar is met (CI)
    python -m mutation.run --notebooks 03 04     # only these notebooks (prints, writes nothing)
    python -m mutation.run --mutants kl_swapped  # only these mutants (prints, writes nothing)
    python -m mutation.run --smoke               # one mutant per notebook, stop at the first failing cell
    python -m mutation.run --notebooks 06 --update   # re-run one notebook and merge it into the report
    python -m mutation.run --notebooks 03 --per-assert  # which mutants fail each assert statement (prints)

A notebook is run with nbclient in a fresh kernel. A library mutant is installed by an extra first
cell (``mutation.install(name)``) before the notebook imports anything; a source mutant edits one
line of one code cell. Every cell runs (``allow_errors``), and each cell whose execution raises is
recorded: a cell *kills* a mutant when it raises ``AssertionError`` (a check failed); any other
exception (emlib refusing the wrong numbers, say) also counts as the mutant being detected, and the
report marks it as a crash.

``--per-assert`` looks closer than a cell: every top-level ``assert`` statement of a cell (each operand of
a top-level ``and`` on its own; not those inside a function the cell defines or under a ``try``) is rewritten to record its failure and go on, so that the asserts
after a failed one still run; it prints, for every assert statement, the mutants that fail it, and the
asserts that no mutant fails. A cell that fails under a mutant can hold such an assert beside the one
that failed; the per-cell bar cannot see it. A cell whose assert failed counts as killing the mutant, so
the per-cell bars are judged from the same run, and a full run writes both into the report.

The bars (``--check``):
  1. every mutant is detected in every notebook that teaches the step it breaks (``teaches``);
  2. every code cell with an ``assert`` kills at least one mutant, or carries the cell tag
     ``check-identity`` (and its text says that the check is an identity);
  3. with ``--per-assert``: every assert statement of an untagged cell (each operand of a top-level
     ``and`` apart) fails under at least one mutant.

Each run is a child process (``--one``) whose kernel talks over Unix sockets in a fresh directory; a run
that has not finished after ``RUN_TIMEOUT`` seconds is killed and run once more, and a second hang fails
the run with the notebook and mutant named (no bar waits forever on one stuck kernel).
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent
NB_DIR = ROOT / "notebooks"
HERE = ROOT / "mutation"
IDENTITY_TAG = "check-identity"
# A watchdog, not a timing: the slowest run (notebook 09) takes about 15 s; a run that has not finished after
# this long is stuck (a kernel that never answers), is killed with its kernel and is run once more.
RUN_TIMEOUT = 300
ASSERT_RE = re.compile(r"^\s*assert\b|np\.testing\.assert_|\bassert_allclose\(", re.M)

# One mutant per notebook for the fast subset that the README's test command runs (tests/test_mutation.py):
SMOKE = {
    "01": "gauss_mle_unbiased",
    "02": "logjoint_no_log_pi",
    "03": "logjoint_affine",
    "04": "mstep_cov_old_means",
    "05": "estep_normalise_over_n",
    "06": "n_parameters_KD2",
    "07": "logjoint_half_lost",
    "08": "bernoulli_mstep_no_gamma",
    "09": "missing_no_C",
    "10": "vb_no_D_over_beta",
}


def notebooks():
    return {p.name[:2]: p for p in sorted(NB_DIR.glob("[0-9][0-9]_*.ipynb"))}


def assert_cells(nb):
    """Indices of code cells that hold an assert, and whether each is tagged as an identity."""
    out = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and ASSERT_RE.search(cell.source):
            out[i] = IDENTITY_TAG in cell.metadata.get("tags", [])
    return out


def _apply_source_mutant(nb, m):
    hits = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and m.find in c.source]
    if len(hits) != 1:
        raise RuntimeError(f"source mutant {m.name}: {m.find!r} occurs in {len(hits)} code cells of notebook "
                           f"{m.notebook}, not exactly one")
    cell = nb.cells[hits[0]]
    cell.source = cell.source.replace(m.find, m.replace, m.count)
    return hits[0]


RECORD = "__mutation_assert_failed__"


class _RecordAsserts(ast.NodeTransformer):
    """``assert A and B, msg`` -> ``if not A: __mutation_assert_failed__(cell, line, 0)`` and the same for B (part 1),
    outside function bodies and ``try`` blocks."""

    def __init__(self, cell):
        self.cell = cell

    def visit_FunctionDef(self, node):  # a function's asserts keep raising: callers may rely on them
        return node

    # asserts under try (an except may expect them to raise) also keep raising
    visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = visit_Try = visit_TryStar = visit_FunctionDef

    def visit_Assert(self, node):
        # ``assert A and B``: each part is checked (and recorded) on its own, so a part that cannot fail shows
        out = []
        for part, test in enumerate(_parts(node.test)):
            call = ast.Call(func=ast.Name(RECORD, ast.Load()),
                            args=[ast.Constant(self.cell), ast.Constant(node.lineno), ast.Constant(part)], keywords=[])
            out.append(ast.copy_location(ast.If(test=ast.UnaryOp(ast.Not(), test), body=[ast.Expr(call)], orelse=[]),
                                         node))
        return out


def _parts(test):
    """The operands of a top-level ``and`` (one part for any other test)."""
    return test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]


def top_level_asserts(source):
    """{(line from 1, part): text} of a cell's assert statements outside function bodies, one entry per operand of
    a top-level ``and``; {} if the cell is not Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics
        return {}
    found = {}

    class Finder(_RecordAsserts):
        def visit_Assert(self, node):
            parts = _parts(node.test)
            for part, test in enumerate(parts):
                text = ast.unparse(test) if len(parts) > 1 else source.splitlines()[node.lineno - 1].strip()
                found[(node.lineno, part)] = text[:90]
            return node

    Finder(None).visit(tree)
    return found


def _record_asserts(nb, offset):
    """Rewrite the asserts of every code cell (cell index counted without the first ``offset`` cells)."""
    for i, cell in enumerate(nb.cells[offset:]):
        if cell.cell_type == "code" and top_level_asserts(cell.source):  # {} for a cell that is not Python
            cell.source = ast.unparse(ast.fix_missing_locations(_RecordAsserts(i).visit(ast.parse(cell.source))))


def execute(key, mutant_name, stop_early=False, timeout=600, per_assert=False, sockets=None):
    """Run notebook ``key`` under ``mutant_name`` (None: clean). Returns a dict of what raised where.

    ``sockets``: an empty directory for the kernel's Unix sockets (default: a temporary one)."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from mutation.catalogue import MUTANTS, all_mutants

    all_mutants()
    path = notebooks()[key]
    nb = nbformat.read(path, as_version=4)
    offset, mutated_cell = 0, None
    m = MUTANTS.get(mutant_name) if mutant_name else None
    if m is not None and m.kind == "source":
        mutated_cell = _apply_source_mutant(nb, m)
    setup = []
    if m is not None and m.kind != "source":
        setup.append(f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
                     f"import mutation; mutation.install({mutant_name!r})")
    if per_assert:
        setup.append(f"{RECORD}_list = []\ndef {RECORD}(cell, line, part):\n    {RECORD}_list.append((cell, line, part))")
    if setup:
        nb.cells.insert(0, nbformat.v4.new_code_cell("\n".join(setup)))
        offset = 1
    if per_assert:
        _record_asserts(nb, offset)
        nb.cells.append(nbformat.v4.new_code_cell(f"import json; print('{RECORD}', json.dumps({RECORD}_list))"))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    t0 = time.perf_counter()
    # The kernel talks over Unix sockets in a directory of its own: two runs started at the same moment cannot
    # pick the same TCP port and end up talking to one kernel.
    with contextlib.nullcontext(sockets) if sockets else tempfile.TemporaryDirectory(prefix="emlib-mut-") as where:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(where, "kernel"),
                           connection_file=os.path.join(where, "kernel.json"))
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=not stop_early,
                                resources={"metadata": {"path": str(NB_DIR)}})
        try:
            client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up warnings
        except CellExecutionError:
            pass
    seconds = time.perf_counter() - t0
    failed_asserts = None
    if per_assert:
        text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []))
        if RECORD not in text:
            raise RuntimeError(f"notebook {key} under {mutant_name}: the per-assert record was not printed")
        failed_asserts = sorted({tuple(x) for x in json.loads(text.split(RECORD, 1)[1])})
        nb.cells.pop()
    errors = []
    for i, cell in enumerate(nb.cells):
        if i < offset or cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append({"cell": i - offset, "ename": out["ename"], "evalue": out["evalue"][:300]})
                break
    if offset and errors and errors[0]["cell"] < 0:
        raise RuntimeError(f"mutant {mutant_name} failed to install: {errors[0]}")
    if per_assert:
        # A cell whose assert failed (and went on) kills the mutant: unrewritten, that assert would have raised
        # first, before any later exception of the same cell.
        by_cell = {e["cell"]: e for e in errors}
        for cell, line, part in sorted(failed_asserts, reverse=True):  # the first failed assert of a cell wins
            by_cell[cell] = {"cell": cell, "ename": "AssertionError", "evalue": f"the assert of line {line}.{part}"}
        errors = sorted(by_cell.values(), key=lambda e: e["cell"])
    res = {"notebook": key, "mutant": mutant_name, "errors": errors, "seconds": round(seconds, 1),
           "mutated_cell": mutated_cell}
    if per_assert:
        res["failed_asserts"] = failed_asserts
    return res


def _job(args):
    """Run one notebook in a child process (with its kernel) that is killed if it outlives RUN_TIMEOUT; retry once."""
    key, name, stop_early, per_assert = args
    for attempt in (1, 2):
        with tempfile.TemporaryDirectory(prefix="emlib-mut-") as sockets:  # removed even if the run is killed
            cmd = [sys.executable, "-m", "mutation.run", "--one",
                   json.dumps([key, name, stop_early, per_assert, sockets])]
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    start_new_session=True)
            try:
                out, err = proc.communicate(timeout=RUN_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the kernel follows: it exits when its parent is gone
                proc.communicate()
                out = None
        if out is None:
            print(f"  {key} {name or '(clean)'}: no answer after {RUN_TIMEOUT} s (attempt {attempt}); killed",
                  flush=True)
            continue
        if proc.returncode != 0:
            raise RuntimeError(f"notebook {key} under {name}: the run itself failed:\n{err[-3000:]}")
        return json.loads(out.strip().splitlines()[-1])
    return {"notebook": key, "mutant": name, "seconds": float(RUN_TIMEOUT), "mutated_cell": None,
            "errors": [{"cell": -1, "ename": "Hang", "evalue": f"no answer after {RUN_TIMEOUT} s, twice"}],
            "failed_asserts": [] if per_assert else None}


def plan(keys=None, names=None):
    from mutation.catalogue import all_mutants

    nbs = notebooks()
    keys = keys or list(nbs)
    runs = []
    for m in all_mutants():
        if names and m.name not in names:
            continue
        for key in (*m.teaches, *m.also):
            if key in keys and key in nbs:
                runs.append((key, m.name))
    return runs


def run_all(runs, jobs, stop_early=False, per_assert=False):
    results = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for res in pool.map(_job, [(k, n, stop_early, per_assert) for k, n in runs]):
            first = res["errors"][0] if res["errors"] else None
            where = f"cell {first['cell']} {first['ename']}" if first else "SURVIVED"
            if per_assert:
                where = f"{len(res['failed_asserts'])} asserts failed; " + ("" if not first else where)
            print(f"  {res['notebook']} {res['mutant'] or '(clean)':32s} {where:34s} {res['seconds']:6.1f} s", flush=True)
            results.append(res)
    return results


def evaluate(results):
    """The bars: survivors among teaching notebooks, and assert cells that kill nothing."""
    import nbformat

    from mutation.catalogue import MUTANTS

    survivors = []
    kills = {}  # (nb, cell) -> set of mutant names killed by an AssertionError in that cell
    for r in results:
        if r["mutant"] is None:
            continue
        m = MUTANTS[r["mutant"]]
        if not r["errors"] and r["notebook"] in m.teaches:
            survivors.append((r["notebook"], r["mutant"]))
        for e in r["errors"]:
            if e["ename"] == "AssertionError":
                kills.setdefault((r["notebook"], e["cell"]), set()).add(r["mutant"])
    cells = {}
    idle = []
    for key, path in notebooks().items():
        nb = nbformat.read(path, as_version=4)
        for i, tagged in assert_cells(nb).items():
            killed = sorted(kills.get((key, i), ()))
            first = next((ln for ln in nb.cells[i].source.splitlines() if ln.strip()), "")
            cells[(key, i)] = {"tagged_identity": tagged, "killed": killed, "first_line": first[:80]}
            if not killed and not tagged:
                idle.append((key, i))
    return survivors, cells, idle


def evaluate_per_assert(results, keys, verbose=True):
    """Per assert statement (each operand of a top-level ``and``), the mutants that fail it.

    Returns (rows, idle): rows of (notebook, cell, "line.part", text, killers, tagged) and the untagged
    asserts that no mutant fails; ``verbose`` prints the rows."""
    import nbformat

    failed = {}
    for r in results:
        if r["mutant"] is None:
            continue
        for cell, line, part in r["failed_asserts"]:
            failed.setdefault((r["notebook"], cell, line, part), set()).add(r["mutant"])
    rows, idle = [], []
    for key in keys:
        nb = nbformat.read(notebooks()[key], as_version=4)
        if verbose:
            print(f"notebook {key}: assert statements and the mutants that fail them")
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            tagged = IDENTITY_TAG in cell.metadata.get("tags", [])
            for (line, part), text in top_level_asserts(cell.source).items():
                killers = sorted(failed.get((key, i, line, part), ()))
                rows.append((key, i, f"{line}.{part}", text, killers, tagged))
                if verbose:
                    mark = "identity" if tagged and not killers else ", ".join(killers) or "NOTHING"
                    print(f"  cell {i:3d} line {line:3d}.{part}  {text[:60]:60s}  {mark}")
                if not killers and not tagged:
                    idle.append((key, i, f"{line}.{part}", text))
    return rows, idle


def write_report(results, seconds, jobs, assert_rows=None):
    """Write kill_matrix.json and REPORT.md; ``assert_rows``: evaluate_per_assert's rows (None: not run so)."""
    from mutation.catalogue import MUTANTS

    survivors, cells, idle = evaluate(results)
    idle_asserts = None if assert_rows is None else [r[:4] for r in assert_rows if not r[4] and not r[5]]
    (HERE / "kill_matrix.json").write_text(json.dumps(
        {"results": [r for r in results], "survivors": survivors, "idle_cells": idle, "seconds": round(seconds, 1),
         "per_assert": idle_asserts is not None, "idle_asserts": idle_asserts}, indent=1) + "\n")
    keys = list(notebooks())
    by = {(r["notebook"], r["mutant"]): r for r in results}
    lines = [
        "# Kill matrix: which notebook check catches which wrong emlib",
        "",
        "Regenerate with `.venv/bin/python -m mutation.run" + (" --per-assert" if assert_rows is not None else "")
        + "` (writes this file and `kill_matrix.json`; "
        f"this run: {len([r for r in results if r['mutant']])} mutant runs and {len(keys)} clean runs, "
        f"{seconds / 60:.1f} min with {jobs} workers). How it works: `mutation/README.md`.",
        "",
        f"- Survivors in a notebook that teaches the step: **{len(survivors)}**"
        + ("" if not survivors else " (" + ", ".join(f"{k}:{n}" for k, n in survivors) + ")"),
        f"- Assert-bearing cells that kill no mutant and are not tagged `{IDENTITY_TAG}`: **{len(idle)}**"
        + ("" if not idle else " (" + ", ".join(f"{k} cell {i}" for k, i in idle) + ")"),
    ]
    if assert_rows is not None:
        lines.append(f"- Assert statements (each operand of a top-level `and` apart) in untagged cells that no "
                     f"mutant fails: **{len(idle_asserts)}** of {len(assert_rows)}"
                     + ("" if not idle_asserts else " (" + ", ".join(f"{k} cell {i} line {ln}"
                                                                       for k, i, ln, _ in idle_asserts) + ")"))
    lines += [
        "",
        "## Matrix",
        "",
        "Each entry is the first cell that failed under the mutant: `c12` an assert (AssertionError), "
        "`c12!` another exception (emlib refused the numbers). **bold**: a notebook that teaches the step. "
        "`SURVIVED`: nothing failed. Blank: not run (the notebook does not use the step).",
        "",
        "| mutant | kind | " + " | ".join(keys) + " |",
        "|---|---|" + "---|" * len(keys),
    ]
    for m in MUTANTS.values():
        row = []
        for k in keys:
            r = by.get((k, m.name))
            if r is None:
                row.append("")
                continue
            if r["errors"]:
                e = r["errors"][0]
                first_assert = next((x for x in r["errors"] if x["ename"] == "AssertionError"), None)
                txt = f"c{e['cell']}" + ("" if e["ename"] == "AssertionError" else "!")
                if first_assert and first_assert is not e:
                    txt += f", c{first_assert['cell']}"
            else:
                txt = "SURVIVED"
            row.append(f"**{txt}**" if k in m.teaches else txt)
        lines.append(f"| `{m.name}` | {m.kind} | " + " | ".join(row) + " |")
    lines += ["", "## The mutants", ""]
    for m in MUTANTS.values():
        where = f"notebook {m.notebook}, cell {by.get((m.notebook, m.name), {}).get('mutated_cell')}" \
            if m.kind == "source" else "emlib: " + ", ".join(f"`{t}`" for t in m.patches)
        lines.append(f"- `{m.name}` ({where}): {m.doc}")
    lines += ["", "## The checks", "", "Every code cell with an assert, and the mutants its asserts kill.", ""]
    for key in keys:
        lines += [f"### Notebook {key}", "", "| cell | first line | kills |", "|---|---|---|"]
        for (k, i), c in sorted(cells.items()):
            if k != key:
                continue
            kills = ", ".join(f"`{n}`" for n in c["killed"])
            if c["tagged_identity"]:
                kills = (kills + "; " if kills else "") + f"tagged `{IDENTITY_TAG}`"
            first = c["first_line"].replace("|", "\\|").replace("`", "'")
            lines.append(f"| {i} | `{first}` | {kills or '**nothing**'} |")
        lines.append("")
    if assert_rows is not None:
        lines += ["## The assert statements", "",
                  "Every top-level assert statement (each operand of a top-level `and` on its own line; `--per-assert`) "
                  "and the mutants that fail it.", ""]
        for key in keys:
            lines += [f"### Notebook {key}", "", "| cell | line | assert | failed by |", "|---|---|---|---|"]
            for k, i, ln, text, killers, tagged in assert_rows:
                if k != key:
                    continue
                txt = text[:70].replace("|", "\\|").replace("`", "'")
                who = ", ".join(f"`{n}`" for n in killers) or (f"tagged `{IDENTITY_TAG}`" if tagged else "**nothing**")
                lines.append(f"| {i} | {ln} | `{txt}` | {who} |")
            lines.append("")
    (HERE / "REPORT.md").write_text("\n".join(lines) + "\n")
    return survivors, idle


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notebooks", nargs="*")
    ap.add_argument("--mutants", nargs="*")
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--check", action="store_true", help="exit 1 unless every bar is met")
    ap.add_argument("--smoke", action="store_true", help="one mutant per notebook, stop at the first failure")
    ap.add_argument("--no-clean", action="store_true", help="skip the clean runs (a partial run)")
    ap.add_argument("--per-assert", action="store_true",
                    help="record every assert statement's failures (asserts go on after failing); prints only")
    ap.add_argument("--update", action="store_true",
                    help="with --notebooks: re-run those notebooks and merge them into kill_matrix.json and REPORT.md")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: one run, as _job starts it; prints its result
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.one:
        # nbformat's jsonschema builds an IRI grammar from rfc3987_syntax on import (about 1 s, once per run,
        # 250 runs a pass) for a format check no notebook uses; without it jsonschema skips that check.
        sys.modules.setdefault("rfc3987_syntax", None)
        key, name, stop_early, per_assert, sockets = json.loads(args.one)
        print(json.dumps(execute(key, name, stop_early, per_assert=per_assert, sockets=sockets)))
        return 0
    keys = [k.zfill(2) for k in args.notebooks] if args.notebooks else None
    t0 = time.perf_counter()
    if args.smoke:
        runs = [(k, n) for k, n in SMOKE.items() if not keys or k in keys]
        results = run_all(runs, args.jobs, stop_early=True)
        bad = [r for r in results if not any(e["ename"] == "AssertionError" for e in r["errors"])]
        print(f"smoke: {len(results) - len(bad)} of {len(results)} mutants killed by an assert "
              f"in {time.perf_counter() - t0:.0f} s")
        return 1 if bad else 0
    runs = plan(keys, args.mutants)
    clean = [] if args.no_clean else [(k, None) for k in (keys or notebooks())]
    mode = ", per assert" if args.per_assert else ""
    print(f"{len(runs)} mutant runs + {len(clean)} clean runs, {args.jobs} workers{mode}", flush=True)
    results = run_all(clean + runs, args.jobs, per_assert=args.per_assert)
    hung = [(r["notebook"], r["mutant"]) for r in results if any(e["ename"] == "Hang" for e in r["errors"])]
    if hung:
        print(f"runs that never finished (killed twice after {RUN_TIMEOUT} s): {hung}")
        return 3
    broken = [r for r in results if r["mutant"] is None and (r["errors"] or r.get("failed_asserts"))]
    if broken:
        for r in broken:
            print(f"notebook {r['notebook']} fails without any mutant: {r['errors'][:1]} {r.get('failed_asserts', [])[:3]}")
        return 2
    idle_asserts = assert_rows = None
    if args.per_assert:
        full_run = keys is None and args.mutants is None and not args.no_clean
        assert_rows, idle_asserts = evaluate_per_assert(results, keys or list(notebooks()), verbose=not full_run)
        if args.mutants:  # a partial run cannot judge the asserts
            idle_asserts = []
        print(f"assert statements that no mutant fails (untagged cells): {len(idle_asserts)}")
        for key, i, line, text in idle_asserts:
            print(f"  {key} cell {i} line {line}: {text}")
    seconds = time.perf_counter() - t0
    full = keys is None and args.mutants is None and not args.no_clean
    if args.update and keys and args.mutants is None and not args.no_clean:
        old = json.loads((HERE / "kill_matrix.json").read_text())
        kept = [r for r in old["results"] if r["notebook"] not in keys]
        results = kept + results
        seconds = old.get("seconds", 0.0) + seconds
        full = True
    if args.update and args.per_assert:
        full = False  # the stored report's other notebooks were not run per assert
    if full:
        survivors, idle = write_report(results, seconds, args.jobs, assert_rows)
    else:
        survivors, cells, idle = evaluate(results)
        idle = [c for c in idle if keys is None or c[0] in keys]
        if args.mutants:  # a partial run cannot judge the cells
            idle = []
    print(f"{seconds / 60:.1f} min; survivors in teaching notebooks: {len(survivors)} {survivors}")
    print(f"assert cells that kill nothing (untagged): {len(idle)} {idle}")
    if args.check and (survivors or idle or idle_asserts):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
