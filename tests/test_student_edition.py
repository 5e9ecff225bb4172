"""The student edition (book/student_edition.py): no solutions, no outputs, an answer cell for every
exercise, and it runs; the zip to hand out installs and holds exactly that edition.

Built from the committed notebooks into a temporary folder; each notebook is then
executed top to bottom by a fresh kernel: no cell may raise, every check must
say "not attempted yet", and solution(...) answers for every exercise of the notebook.
"""
import json
import pathlib
import re
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "book"))
import student_edition  # noqa: E402


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    subprocess.run([sys.executable, str(ROOT / "book" / "student_edition.py"), "--out", str(out)], check=True, capture_output=True)
    return out


def _src(cell):
    return "".join(cell["source"])


def _solution_lines(nb):
    """The substantial lines that only a solution has (solution-tagged cells, BEGIN/END SOLUTION blocks).

    A line that the notebook also shows outside every solution (a formula the text derives and the
    exercise asks the student to write again) gives nothing away, so it is not counted.
    """
    lines, elsewhere = set(), set()
    for cell in nb["cells"]:
        src = _src(cell)
        if "solution" in cell.get("metadata", {}).get("tags", []):
            lines |= {ln.strip() for ln in src.splitlines()}
            continue
        blocks = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", src, re.S)
        for block in blocks:
            lines |= {ln.strip() for ln in block.splitlines()}
        elsewhere |= {ln.strip() for ln in re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", src, flags=re.S).splitlines()}
    common = {"", "</details>", "<details>", "return", "else:", "pass", "...", ")", "]", "}", "```", "$$"}
    return {ln for ln in lines - elsewhere if len(ln) > 12 and ln not in common}


def test_stub_replacement():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\ncheck('1.1', f)\n"
    assert student_edition.strip_solution_code(src) == "def f(x):\n    ...  # your code here\n\ncheck('1.1', f)\n"
    src = "v = ...  # your code here\n### BEGIN SOLUTION\nv = 3\n### END SOLUTION\ncheck('1.2', v)\n"
    assert student_edition.strip_solution_code(src) == "v = ...  # your code here\ncheck('1.2', v)\n"
    with pytest.raises(ValueError, match="END SOLUTION"):
        student_edition.strip_solution_code("### BEGIN SOLUTION\nx = 1\n")


def _toy_notebook():
    md = lambda s, tags=(): {"cell_type": "markdown", "id": f"m{abs(hash(s)) % 10**8}", "metadata": {"tags": list(tags)}, "source": s}  # noqa: E731
    code = lambda s, tags=(): {"cell_type": "code", "id": f"c{abs(hash(s)) % 10**8}", "metadata": {"tags": list(tags)},  # noqa: E731
                               "source": s, "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}], "execution_count": 3}
    cells = [
        md("## Exercises\n\n### Exercise 9.1 (check): Why?\n\nExplain."),
        md("<details><summary>Solution</summary>\n\nBecause **reasons**.\n</details>", ["solution"]),
        code("assert True  # the claim computed", ["solution"]),
        md("### Exercise 9.2 (implement): A function\n\nWrite `f(x)`. Which value does it give at 0?"),
        code("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\ncheck(\"9.2\", f)"),
        md("<details><summary>Solution</summary>\n\nZero.\n</details>", ["solution"]),
        md("### Exercise 9.3 (implement): No question\n\nWrite `g`."),
        code("def g(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\ncheck(\"9.3\", g)"),
    ]
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"}, "widgets": {}}, "nbformat": 4, "nbformat_minor": 5}


def test_answer_cells_and_nbgrader_markers_on_a_toy_notebook():
    nb = _toy_notebook()
    assert [(e["id"], e["level"], e["cells"]) for e in student_edition.exercises(nb)] == [
        ("9.1", "check", [0, 1, 2]), ("9.2", "implement", [3, 4, 5]), ("9.3", "implement", [6, 7])]
    source = student_edition.nbgrader_source(nb)
    kinds = [(c["cell_type"], c["id"], c["metadata"].get("nbgrader", {}).get("grade_id")) for c in source["cells"]]
    assert [k[2] for k in kinds] == ["statement-9-1", "answer-9-1", "statement-9-2", "code-9-2", "test-9-2", "answer-9-2",
                                     "statement-9-3", "code-9-3", "test-9-3"]
    meta = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"] for c in source["cells"]}
    assert meta["answer-9-1"]["solution"] and meta["answer-9-1"]["grade"] and meta["answer-9-1"]["points"] > 0
    assert meta["code-9-2"]["solution"] and not meta["code-9-2"]["grade"]
    assert meta["test-9-2"]["grade"] and meta["test-9-2"]["locked"] and not meta["test-9-2"]["solution"]
    assert meta["statement-9-1"]["locked"] and not meta["statement-9-1"]["grade"]
    answer = next(c for c in source["cells"] if c["id"] == "answer-9-1")["source"]
    assert answer == "**Your answer to exercise 9.1.**\n\n### BEGIN SOLUTION\nBecause **reasons**.\n### END SOLUTION"
    test = next(c for c in source["cells"] if c["id"] == "test-9-2")["source"]
    assert 'evaluate("9.2", f)' in test and "assert" in test
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in source["cells"] if c["cell_type"] == "code")
    assert "assert True" not in json.dumps(source), "a solution-tagged cell reached the nbgrader source"

    student = student_edition.student_notebook(nb)
    assert [c["id"] for c in student["cells"]] == [source["cells"][i]["id"] for i in (0, 1, 2, 3, 5, 6, 7)]
    assert not any("nbgrader" in c["metadata"] for c in student["cells"])
    texts = [c["source"] for c in student["cells"]]
    assert texts[1] == f"**Your answer to exercise 9.1.**\n\n{student_edition.ANSWER_STUB}"
    assert texts[4] == f"**Your answer to exercise 9.2.**\n\n{student_edition.ANSWER_STUB}"
    assert "return 2 * x" not in texts[3] and "...  # your code here" in texts[3]
    assert "reasons" not in json.dumps(student) and "Zero" not in json.dumps(student)


def test_every_notebook_has_a_student_edition_without_solutions_or_outputs(edition):
    assert sorted(p.name for p in edition.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        full = json.loads(path.read_text())
        student = json.loads((edition / path.name).read_text())
        text = json.dumps(student)
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, path.name
        assert "<details>" not in text, f"{path.name}: solution prose left in"
        assert not any("solution" in c.get("metadata", {}).get("tags", []) for c in student["cells"]), path.name
        student_lines = {ln.strip() for c in student["cells"] for ln in _src(c).splitlines()}
        leaked = _solution_lines(full) & student_lines
        assert not leaked, f"{path.name}: solution lines in the student edition: {sorted(leaked)[:5]}"
        code = [c for c in student["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), f"{path.name}: outputs left in"
        assert "your code here" in text, f"{path.name}: no code stub for the student"
        ids = [c["id"] for c in student["cells"]]
        assert len(ids) == len(set(ids)), f"{path.name}: cell ids repeat"


def test_every_exercise_has_an_answer_cell(edition):
    """check and derive: a Markdown answer cell right after the statement; implement: the code stub and
    its check, and a written answer cell too when the statement asks a question."""
    seen = 0
    for path in NOTEBOOKS:
        full = json.loads(path.read_text())
        student = json.loads((edition / path.name).read_text())
        for ex in student_edition.exercises(student):
            cells = [student["cells"][i] for i in ex["cells"]]
            answer = [c for c in cells if c["cell_type"] == "markdown" and _src(c).startswith(f"**Your answer to exercise {ex['id']}.**")]
            stubs = [c for c in cells if c["cell_type"] == "code" and "# your code here" in _src(c)]
            where = f"{path.name}, exercise {ex['id']} ({ex['level']})"
            if ex["level"] in ("check", "derive"):
                assert answer and cells[1] is answer[0], f"{where}: no answer cell right after the statement"
            else:
                assert stubs and any(f'check("{ex["id"]}"' in _src(c) for c in stubs), f"{where}: no code stub with its check"
                question = "?" in _src(cells[0]).split("\n", 1)[1]
                assert bool(answer) == question, f"{where}: a written answer cell {'missing' if question else 'without a question'}"
            assert all(_src(c).endswith(student_edition.ANSWER_STUB) for c in answer), where
            seen += 1
        assert len(student_edition.exercises(student)) == len(student_edition.exercises(full)), path.name
    assert seen >= 60


def test_answer_cells_hold_the_model_answer_only_in_the_nbgrader_source():
    """The nbgrader source's answer cell carries the exercise's solution prose between the markers
    (what a grader sees in formgrader); nothing of it reaches the student edition."""
    nb = json.loads((ROOT / "notebooks" / "06_choosing_k.ipynb").read_text())
    source = student_edition.nbgrader_source(nb)
    answer = next(c for c in source["cells"] if c["id"] == "answer-6-7")["source"]
    prose = next(_src(c) for c in nb["cells"] if "solution" in c["metadata"].get("tags", []) and "BIC and AIC both choose" in _src(c))
    body = prose.split("</summary>", 1)[1].rsplit("</details>", 1)[0].strip()
    assert body and body in answer and "<details>" not in answer
    assert body not in json.dumps(student_edition.student_notebook(nb))


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_student_edition_runs_top_to_bottom(edition, name, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(edition / name, as_version=4)
    ids = [ex["id"] for ex in student_edition.exercises(nb)]
    nb.cells.append(nbformat.v4.new_code_cell(
        "from emlib.exercises import solution as _solution\n"
        f"for _id in {ids!r}:\n    print('@@@', _id)\n    _solution(_id)"))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "\n".join(
        "".join(o.get("text", "")) for c in nb.cells[:-1] if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"
    )
    checks = re.findall(r"Exercise (\d+\.\d+): (not attempted yet|correct|wrong)", printed)
    assert len(checks) >= 2, f"{name}: expected at least two checks to report, got {checks}"
    assert all(status == "not attempted yet" for _, status in checks), f"{name}: {checks}"
    # solution(...) prints a model answer for every exercise, and only when asked
    asked = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    assert not [o for o in nb.cells[-1].outputs if o.output_type == "error"], f"{name}: solution(...) raised"
    answers = dict(re.findall(r"^@@@ (\S+)\n(.*?)(?=^@@@ |\Z)", asked, re.S | re.M))
    assert sorted(answers) == sorted(ids), f"{name}: {sorted(answers)}"
    for ex_id, text in answers.items():
        assert len(text.strip()) > 40 and "no checked exercise" not in text and "Traceback" not in text, f"{name}, solution({ex_id!r}): {text[:200]}"
    shown = {ln.strip() for text in answers.values() for ln in text.splitlines() if len(ln.strip()) > 24}
    unasked = {ln for ln in shown if ln in printed and ln not in json.dumps([c.source for c in nb.cells[:-1]])}
    assert not unasked, f"{name}: printed without being asked for: {sorted(unasked)[:3]}"


def test_zip_to_hand_out(tmp_path, edition):
    """The zip holds the student edition (not the full one), emlib (with its data and every check),
    the project's pyproject.toml and a README with the install command."""
    path = student_edition.build_zip(tmp_path / "emlib-student.zip", edition)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        z.extractall(tmp_path / "unzipped")
    top = tmp_path / "unzipped" / "emlib-student"
    assert {f"emlib-student/notebooks/{p.name}" for p in NOTEBOOKS} <= names
    for p in NOTEBOOKS:
        assert (top / "notebooks" / p.name).read_bytes() == (edition / p.name).read_bytes(), p.name
    library = {f"emlib-student/{f.relative_to(ROOT).as_posix()}" for f in (ROOT / "emlib").rglob("*")
               if f.is_file() and "__pycache__" not in f.parts}
    assert library <= names and "emlib-student/emlib/exercises/nb06.py" in names and "emlib-student/emlib/datasets/faithful.csv" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    readme = (top / "README.md").read_text()
    assert ".venv/bin/python -m pip install -q -e . && .venv/bin/jupyter lab notebooks/" in readme
    assert "BEGIN SOLUTION" not in "".join((top / "notebooks" / p.name).read_text() for p in NOTEBOOKS)
    assert (top / "pyproject.toml").read_bytes() == (ROOT / "pyproject.toml").read_bytes()
    # the model answers that solution(...) prints, for every exercise (the full notebooks are not in the zip)
    answers = json.loads((top / student_edition.MODEL_ANSWERS).read_text())
    headings = {ex["id"] for p in NOTEBOOKS for ex in student_edition.exercises(json.loads(p.read_text()))}
    assert set(answers) == headings
    prose = {k for k, v in answers.items() if v["solution"]}
    assert len(prose) >= 50
    assert {k for k, v in answers.items() if v["level"] in ("check", "derive")} <= prose, "a check or derive exercise without its model answer"
    # the notebooks' imports resolve to the zip's emlib, with its data and every exercise module
    probe = ("import emlib, emlib.datasets, emlib.exercises as E; print(emlib.__file__); "
             "print(len(emlib.datasets.old_faithful()), len(E.all_exercises()))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=top, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-2000:]
    where, counts = run.stdout.splitlines()
    assert pathlib.Path(where).is_relative_to(top), where
    from emlib import exercises as E
    assert counts == f"272 {len(E.all_exercises())}", counts
    # solution() in the unzipped edition prints the bundled model answer of a check or derive exercise,
    # though the notebooks beside it are the student edition's, without Solution blocks
    derive = next(k for k, v in sorted(answers.items()) if v["level"] == "derive")
    probe = f"from emlib.exercises import solution; solution({derive!r})"
    run = subprocess.run([sys.executable, "-c", probe], cwd=top / "notebooks", capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(top)})
    assert run.returncode == 0, run.stderr[-2000:]
    first_words = answers[derive]["solution"].split()[:6]
    assert " ".join(first_words) in " ".join(run.stdout.split()), run.stdout[:500]
    assert "this copy of the notebooks does not include it" not in run.stdout
