"""Build the student edition: the notebooks without their solutions, an answer cell for every exercise.

    .venv/bin/python book/student_edition.py                 # the notebooks into build/student/
    .venv/bin/python book/student_edition.py --zip           # and build/emlib-student.zip to hand out
    .venv/bin/python book/student_edition.py --nbgrader DIR  # an nbgrader course folder in DIR

From each committed notebook (the full edition) the student edition
- removes every cell tagged ``solution`` (the revealable ``<details>`` solutions and the code that
  checks their claims),
- replaces each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block in a code cell by
  ``...  # your code here`` at the block's indentation (nbgrader's markers; a block right after a
  line that already ends in ``# your code here`` is simply removed),
- gives every *check* and *derive* exercise a Markdown answer cell right after its statement, and
  every *implement* exercise whose statement asks a question one after its code,
- strips every output and execution count.

A student runs the result top to bottom without an error; each ``check(...)`` then says
"not attempted yet", and ``solution("6.3")`` prints a model answer when asked.

``--zip`` packs the student notebooks with emlib (the checks need it) and a README that says how to
install: a student unzips it and runs one command. The full notebooks are not in the zip; the model
answers of every exercise are, in ``emlib/exercises/model_answers.json`` (the Solution blocks of the
check and derive exercises, which ``solution(...)`` otherwise reads from the full notebooks).

``--nbgrader DIR`` writes the same notebooks as nbgrader *source* notebooks, one assignment per
notebook, in ``DIR/source/<notebook name>/``, with ``DIR/nbgrader_config.py``: solution cells keep
nbgrader's markers, each answer cell is a manually graded cell holding the model answer, each
checked exercise is followed by a read-only autograder test cell, and the exercise statements are
read-only. ``nbgrader generate_assignment`` on it gives our student edition, except for what
NBGRADER_DIFFERENCES lists; tests/test_nbgrader.py runs the real nbgrader to show it.
"""
import argparse
import json
import pathlib
import re
import shutil
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
STUB = "...  # your code here"
ANSWER_STUB = "*Write your answer here: double-click this cell to edit it (Markdown, with maths as $\\LaTeX$ between dollar signs).*"
HEADING = re.compile(r"^### Exercise (\d+\.\d+) \((check|derive|implement)\): ", re.M)
CHECK_CALL = re.compile(r"""^\s*check\(\s*["'](\d+\.\d+)["']\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$""", re.M)
DETAILS = re.compile(r"^\s*<details>\s*<summary>Solution</summary>\s*\n?(.*?)\n?\s*</details>\s*$", re.S)
#: nbgrader points: an autograded check, and a written answer.
POINTS = {"test": 1, "answer": 1}

#: How the notebooks that ``nbgrader generate_assignment`` releases differ from our student edition.
NBGRADER_DIFFERENCES = (
    "after each checked code exercise, nbgrader's release keeps the read-only autograder test cell "
    "(it fails until the exercise is correct; our edition leaves the verdict to the check's printed message, "
    "so that it runs top to bottom without an error)",
    "cells carry nbgrader's metadata (grade_id, points, checksum, and 'editable'/'deletable' on locked cells)",
    "where a value exercise's stub line `name = ...  # your code here` directly precedes the solution block "
    "(exercise 7.6), nbgrader writes its stub line `...  # your code here` as well: a second, empty statement",
)


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


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _is_solution(cell):
    return "solution" in cell.get("metadata", {}).get("tags", [])


def exercises(nb):
    """The exercises of a notebook, in order: dicts with id, level, title, and the cell indices
    ``heading`` (its statement) and ``cells`` (from the statement to the cell before the next exercise)."""
    cells = nb["cells"]
    starts = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            for m in HEADING.finditer(_source(cell)):
                starts.append((i, m.group(1), m.group(2), _source(cell)[m.end():].splitlines()[0].strip()))
    out = []
    for n, (i, ex_id, level, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(cells)
        if end == i:
            raise ValueError(f"exercises {ex_id} and {starts[n + 1][1]} share a cell: give each its own heading cell")
        out.append({"id": ex_id, "level": level, "title": title, "heading": i, "cells": list(range(i, end))})
    return out


def _model_answer(nb, exercise):
    """The exercise's solution prose (its solution-tagged Markdown cells, without the <details> fold)."""
    parts = []
    for i in exercise["cells"]:
        cell = nb["cells"][i]
        if cell["cell_type"] == "markdown" and _is_solution(cell):
            text = _source(cell).strip()
            m = DETAILS.match(text)
            parts.append((m.group(1) if m else text).strip())
    return "\n\n".join(parts) or None


def _model_answer_or_pointer(nb, exercise):
    return _model_answer(nb, exercise) or f"The full edition's notebook has the model answer to exercise {exercise['id']}."


def _nbgrader_meta(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def _slug(exercise_id):
    return exercise_id.replace(".", "-")


def _plain(cell):
    """A copy of a cell without outputs, execution counts or execution timings."""
    cell = {k: v for k, v in cell.items()}
    cell["source"] = _source(cell)
    cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k != "execution"}
    if cell["cell_type"] == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    return cell


def nbgrader_source(nb):
    """The nbgrader source version of one notebook (a dict in nbformat 4): solutions inside nbgrader's
    markers, every cell that nbgrader needs to know marked in ``metadata.nbgrader``."""
    by_heading = {ex["heading"]: ex for ex in exercises(nb)}
    owner = {i: ex for ex in by_heading.values() for i in ex["cells"]}
    answer_after = {}  # cell index -> exercise whose written answer follows that cell
    for ex in by_heading.values():
        if ex["level"] in ("check", "derive"):
            answer_after[ex["heading"]] = ex
        else:
            statement = _source(nb["cells"][ex["heading"]])
            if "?" in HEADING.split(statement, maxsplit=1)[-1]:
                last = max(i for i in ex["cells"] if not _is_solution(nb["cells"][i]))
                answer_after[last] = ex
    cells = []
    for i, cell in enumerate(nb["cells"]):
        if _is_solution(cell):
            continue
        cell = _plain(cell)
        src = cell["source"]
        ex = owner.get(i)
        if i in by_heading:
            cell["metadata"]["nbgrader"] = _nbgrader_meta(f"statement-{_slug(ex['id'])}", locked=True)
        elif "BEGIN SOLUTION" in src:                   # nbgrader's own test: the words anywhere in the cell
            if cell["cell_type"] != "code" or ex is None:
                raise ValueError(f"cell {i}: a solution block outside an exercise's code cell")
            n = sum(1 for j in ex["cells"] if j < i and "BEGIN SOLUTION" in _source(nb["cells"][j]) and not _is_solution(nb["cells"][j]))
            cell["metadata"]["nbgrader"] = _nbgrader_meta(f"code-{_slug(ex['id'])}" + (f"-{n + 1}" if n else ""), solution=True)
        cells.append(cell)
        if cell["cell_type"] == "code":
            for ex_id, name in CHECK_CALL.findall(src):
                cells.append({
                    "cell_type": "code", "execution_count": None, "id": f"test-{_slug(ex_id)}", "outputs": [],
                    "metadata": {"nbgrader": _nbgrader_meta(f"test-{_slug(ex_id)}", grade=True, locked=True, points=POINTS["test"])},
                    "source": (f'# Autograder test of exercise {ex_id} (read-only): it fails until check("{ex_id}", {name}) says "correct".\n'
                               "import emlib.exercises\n"
                               f'assert (_result := emlib.exercises.evaluate("{ex_id}", {name})).status == "correct", str(_result)'),
                })
        if i in answer_after:
            ex = answer_after[i]
            cells.append({
                "cell_type": "markdown", "id": f"answer-{_slug(ex['id'])}",
                "metadata": {"nbgrader": _nbgrader_meta(f"answer-{_slug(ex['id'])}", solution=True, grade=True, points=POINTS["answer"])},
                "source": f"**Your answer to exercise {ex['id']}.**\n\n### BEGIN SOLUTION\n{_model_answer_or_pointer(nb, ex)}\n### END SOLUTION",
            })
    meta = {k: v for k, v in nb["metadata"].items() if k != "widgets"}
    return {**nb, "cells": cells, "metadata": meta}


def _strip_answer_text(source):
    """A Markdown answer cell's model answer (between the markers) replaced by ANSWER_STUB."""
    out, inside = [], False
    for line in source.split("\n"):
        if "### BEGIN SOLUTION" in line:
            out.append(ANSWER_STUB)
            inside = True
        elif "### END SOLUTION" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def student_notebook(nb):
    """The student edition of one notebook (a dict in nbformat 4)."""
    cells = []
    for cell in nbgrader_source(nb)["cells"]:
        grading = cell["metadata"].pop("nbgrader", None)
        if grading and grading["grade"] and not grading["solution"]:
            continue                                   # an autograder test: nbgrader's, not ours
        if cell["cell_type"] == "code":
            cell["source"] = strip_solution_code(cell["source"])
        elif grading and grading["solution"]:
            cell["source"] = _strip_answer_text(cell["source"])
        cells.append(cell)
    meta = {k: v for k, v in nb["metadata"].items() if k != "widgets"}
    return {**nb, "cells": cells, "metadata": meta}


def _notebooks():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _write(nb, target):
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build(out):
    """Write the student edition of every notebook into ``out``; returns the paths written."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in _notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        _write(student_notebook(nb), out / path.name)
        written.append(out / path.name)
    return written


STUDENT_README = """\
# Expectation–Maximization: the student edition

The notebooks in `notebooks/` derive, compute and check the EM algorithm step by step. Every exercise
has a cell for your answer. The code exercises check themselves: `check("4.5", my_function)` says
*not attempted yet*, *correct*, or *wrong* with a specific hint; `hint("4.5")` gives a hint, and
`solution("4.5")` shows a model answer, only when you ask for it.

## Install and open (Linux or macOS, Python 3.11 or newer)

In this folder (the one with this README), run

```bash
python3 -m venv .venv && .venv/bin/python -m pip install -q -e . && .venv/bin/jupyter lab notebooks/
```

This installs `emlib` (the small library the notebooks and their checks import, from this folder) into `.venv` and opens
the notebooks in JupyterLab. Next time, `.venv/bin/jupyter lab notebooks/` is enough.
On Windows: `py -m venv .venv`, then `.venv\\Scripts\\python -m pip install -e .` and `.venv\\Scripts\\jupyter lab notebooks`.
"""


def build_zip(path, notebooks_dir=None):
    """A zip to hand out: the student notebooks, emlib, pyproject.toml and a README that says how to install.

    Everything sits in one top-level folder ``emlib-student/``. Returns the path written.
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if notebooks_dir is None:
        notebooks_dir = path.parent / "student"
        build(notebooks_dir)
    top = "emlib-student"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{top}/README.md", STUDENT_README)
        z.write(ROOT / "pyproject.toml", f"{top}/pyproject.toml")
        for nb in sorted(pathlib.Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
            z.write(nb, f"{top}/notebooks/{nb.name}")
        for f in sorted((ROOT / "emlib").rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                z.write(f, f"{top}/{f.relative_to(ROOT).as_posix()}")
        z.writestr(f"{top}/{MODEL_ANSWERS}", json.dumps(model_answers(), indent=1, ensure_ascii=False) + "\n")
    return path


#: Where the zip keeps the model answers of every exercise, for ``solution(...)``: the student
#: notebooks have none, and the full edition is not in the zip.
MODEL_ANSWERS = "emlib/exercises/model_answers.json"


def model_answers():
    """{exercise id: {"level", "title", "solution", "notebook"}} from the full edition's notebooks."""
    out = {}
    for path in _notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for ex in exercises(nb):
            out[ex["id"]] = {"level": ex["level"], "title": ex["title"], "solution": _model_answer(nb, ex), "notebook": path.name}
    return out


NBGRADER_CONFIG = f'''\
# nbgrader's settings for this course folder, written by book/student_edition.py --nbgrader.
# With them, `nbgrader generate_assignment NAME` releases the student edition of book/student_edition.py.
c = get_config()  # noqa: F821
c.ClearSolutions.code_stub = {{"python": {STUB!r}}}
c.ClearSolutions.text_stub = {ANSWER_STUB!r}
c.Execute.timeout = 600          # seconds per cell when autograding (a notebook runs in well under a minute)
'''


def build_nbgrader(course_dir):
    """An nbgrader course folder: ``source/<notebook name>/<notebook>.ipynb`` and nbgrader_config.py.

    Returns the assignment names (the notebooks' file names without .ipynb).
    """
    course_dir = pathlib.Path(course_dir)
    names = []
    for path in _notebooks():
        folder = course_dir / "source" / path.stem
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        _write(nbgrader_source(json.loads(path.read_text(encoding="utf-8"))), folder / path.name)
        names.append(path.stem)
    (course_dir / "nbgrader_config.py").write_text(NBGRADER_CONFIG, encoding="utf-8")
    return names


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "student"), help="output folder (default: build/student)")
    parser.add_argument("--zip", nargs="?", const=str(ROOT / "build" / "emlib-student.zip"), default=None,
                        help="also write a zip to hand out (default: build/emlib-student.zip)")
    parser.add_argument("--nbgrader", metavar="DIR", default=None, help="also write an nbgrader course folder into DIR")
    args = parser.parse_args(argv)
    written = build(args.out)
    print(f"student edition: {len(written)} notebooks in {args.out}")
    if args.zip:
        print(f"to hand out: {build_zip(args.zip, args.out)}")
    if args.nbgrader:
        names = build_nbgrader(args.nbgrader)
        print(f"nbgrader: {len(names)} assignments in {pathlib.Path(args.nbgrader) / 'source'}; "
              f"then, in that folder: nbgrader generate_assignment {names[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
