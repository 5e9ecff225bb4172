"""Build the student edition: the notebooks without their solutions.

    .venv/bin/python book/student_edition.py            # into build/student/
    .venv/bin/python book/student_edition.py --out DIR

From each committed notebook (the full edition) it
- removes every cell tagged ``solution`` (the revealable ``<details>`` solutions),
- replaces each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block in a code cell by
  ``...  # your code here`` at the block's indentation (nbgrader's markers; a block
  right after a line that already ends in ``# your code here`` is simply removed),
- strips every output and execution count.

A student runs the result top to bottom without an error; each ``check(...)`` then
says "not attempted yet". tests/test_student_edition.py checks all of this.
"""
import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
STUB = "...  # your code here"


def strip_solution_code(source):
    """Source with each BEGIN/END SOLUTION block replaced by a stub line."""
    out, inside = [], False
    for line in source.splitlines(keepends=True):
        m = BEGIN.match(line.rstrip("\n"))
        if m and not inside:
            inside = True
            if not (out and out[-1].rstrip().endswith("# your code here")):
                out.append(f"{m.group(1)}{STUB}\n")
            continue
        if inside:
            if END.match(line.rstrip("\n")):
                inside = False
            continue
        out.append(line)
    if inside:
        raise ValueError("a ### BEGIN SOLUTION block has no ### END SOLUTION")
    return "".join(out)


def student_notebook(nb):
    """The student edition of one notebook (a dict in nbformat 4)."""
    cells = []
    for cell in nb["cells"]:
        if "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        cell = dict(cell)
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code":
            source = strip_solution_code(source)
            cell["outputs"] = []
            cell["execution_count"] = None
            cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k != "execution"}
        cell["source"] = source
        cells.append(cell)
    meta = {k: v for k, v in nb["metadata"].items() if k != "widgets"}
    return {**nb, "cells": cells, "metadata": meta}


def build(out):
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        target = out / path.name
        target.write_text(json.dumps(student_notebook(nb), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "student"), help="output folder (default: build/student)")
    args = parser.parse_args(argv)
    written = build(args.out)
    print(f"student edition: {len(written)} notebooks in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
