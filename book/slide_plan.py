"""Choose which cells make the lecture slides: set ``slideshow.slide_type`` in the notebooks.

    .venv/bin/python book/slide_plan.py notebooks/[0-9][0-9]_*.ipynb          # write the metadata
    .venv/bin/python book/slide_plan.py --check notebooks/[0-9][0-9]_*.ipynb  # exit 1 if it would change

``slideshow.slide_type`` is the standard cell metadata that nbconvert's slides, RISE and
jupyterlab-rise read. The rules, applied in cell order (deterministic: the same notebook always
gets the same plan):

1. A Markdown cell that starts with a heading (``#`` or ``##``) starts a new slide (``slide``).
2. Everything from the ``## Exercises`` heading on is ``skip``, except that heading, which is one
   summary slide (the slide build lists the exercise titles on it).
3. A cell tagged ``solution`` is ``skip``.
4. Other Markdown (derivations, key equations, remarks) continues the slide (``-``);
   the slide build starts a continuation slide wherever a slide would overflow 1280x720.
5. A code cell whose outputs include a picture (a figure, or the PNG a widget stores) stays in
   the lecture (``-``): on its section's slide, or on a continuation slide of its own where the
   section's text leaves no room for it (the slide build decides by the picture's height).
6. A code cell with a short text output (at most MAX_RESULT_LINES lines: the check's result) and
   at most MAX_SHOWN_CODE_LINES lines of code stays on the slide with its code (``-``); with more
   code it also stays (``-``), and the slide build shows its result only and moves its code into
   the speaker notes.
7. A code cell with a long text output becomes speaker ``notes``; a code cell with no output
   (definitions, imports, set-up) is ``skip``.

PER_NOTEBOOK_OVERRIDES below can set any cell's type by the first characters of its source.
Only the ``slideshow`` key of a cell's metadata is touched; sources and outputs stay as they are.
"""
import argparse
import json
import pathlib
import re
import sys

MAX_RESULT_LINES = 6
MAX_SHOWN_CODE_LINES = 8
EXERCISES = re.compile(r"^##\s+Exercises\b", re.M)
HEADING = re.compile(r"^#{1,2}\s")

# {"04_em_for_gmm.ipynb": {"<first characters of a cell's source>": "slide_type", ...}, ...}
PER_NOTEBOOK_OVERRIDES = {}

IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _text_output_lines(cell):
    n = 0
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            n += len("".join(out.get("text", "")).rstrip("\n").splitlines())
        elif out.get("output_type") == "error":
            n += 99
        elif "data" in out and not any(m in out["data"] for m in IMAGE_MIMES):
            text = out["data"].get("text/plain", "")
            n += len(("".join(text) if isinstance(text, list) else text).splitlines())
    return n


def has_picture(cell):
    return any(m in out.get("data", {}) for out in cell.get("outputs", []) for m in IMAGE_MIMES)


def code_lines(cell):
    return len([ln for ln in _source(cell).splitlines() if ln.strip()])


def slide_type(cell, in_exercises):
    """The slide type of one cell by the rules in the module docstring."""
    tags = cell.get("metadata", {}).get("tags", [])
    src = _source(cell).lstrip()
    if cell["cell_type"] == "markdown":
        if EXERCISES.match(src):
            return "slide"
        if in_exercises or "solution" in tags:
            return "skip"
        return "slide" if HEADING.match(src) else "-"
    if cell["cell_type"] != "code" or in_exercises or "solution" in tags:
        return "skip"
    if has_picture(cell):
        return "-"
    n_out = _text_output_lines(cell)
    if n_out == 0:
        return "skip"
    if n_out <= MAX_RESULT_LINES:
        return "-"
    return "notes"


def plan(nb, name=""):
    """The list of slide types for the cells of ``nb`` (a notebook as a dict)."""
    overrides = PER_NOTEBOOK_OVERRIDES.get(name, {})
    types, in_exercises = [], False
    for cell in nb["cells"]:
        src = _source(cell).lstrip()
        if cell["cell_type"] == "markdown" and EXERCISES.search(src):
            # a cell that holds the end of the summary and the Exercises heading starts the
            # exercise part at that heading; the summary before it stays on its slide
            types.append("slide" if EXERCISES.match(src) or not in_exercises else "skip")
            in_exercises = True
            continue
        kind = slide_type(cell, in_exercises)
        for prefix, forced in overrides.items():
            if src.startswith(prefix):
                kind = forced
        types.append(kind)
    # the title cell always opens the deck
    for i, cell in enumerate(nb["cells"]):
        if types[i] not in ("skip", "notes"):
            types[i] = "slide"
            break
    return types


def apply(nb, name=""):
    """Set ``metadata.slideshow.slide_type`` on every cell; return the number of cells changed."""
    changed = 0
    for cell, kind in zip(nb["cells"], plan(nb, name)):
        meta = cell.setdefault("metadata", {})
        if meta.get("slideshow", {}).get("slide_type") != kind:
            meta.setdefault("slideshow", {})["slide_type"] = kind
            changed += 1
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook would change")
    args = parser.parse_args(argv)
    stale = []
    for path in args.notebooks:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        changed = apply(nb, path.name)
        counts = {}
        for cell in nb["cells"]:
            kind = cell["metadata"]["slideshow"]["slide_type"]
            counts[kind] = counts.get(kind, 0) + 1
        print(f"{path.name}: {changed} cell(s) {'would change' if args.check else 'changed'}; "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        if changed and args.check:
            stale.append(path.name)
        elif changed:
            # nbformat's own layout (sorted keys, indent 1, trailing newline)
            path.write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
