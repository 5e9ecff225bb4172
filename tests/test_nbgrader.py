"""The nbgrader round trip: the real nbgrader (PyPI) on the course folder of book/student_edition.py --nbgrader.

For two notebooks: ``nbgrader generate_assignment`` must release our student edition (up to the
differences that student_edition.NBGRADER_DIFFERENCES documents, and nothing else), then
``nbgrader autograde`` grades three submissions: every answer right, one code exercise wrong,
and the release untouched. Each autograder test must score full points exactly when its exercise
is right; written answers wait for a grader.

nbgrader is not in the [test] extra (it installs JupyterLab and Notebook extensions that would change
the JupyterLab the browser tests drive): ``pip install -e ".[nbgrader]"`` in a venv of its own, as
``.ci/run nbgrader`` does. Without nbgrader this module skips, unless EMLIB_REQUIRE_NBGRADER=1 (set
by that CI pass), where a missing nbgrader is a failure.
"""
import copy
import importlib.util
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))
import student_edition  # noqa: E402

if importlib.util.find_spec("nbgrader") is None:
    if os.environ.get("EMLIB_REQUIRE_NBGRADER") == "1":
        pytest.fail("EMLIB_REQUIRE_NBGRADER=1 but nbgrader is not installed: pip install -e \".[nbgrader]\"", pytrace=False)
    pytest.skip("nbgrader is not installed: pip install -e \".[nbgrader]\" in a venv of its own (.ci/run nbgrader runs this test)",
                allow_module_level=True)

#: The notebooks of the round trip, and for each a code exercise made wrong in the "wrong" submission:
#: (exercise id, the wrong solution block, a phrase of the check's message that must appear in the test's output).
ROUND_TRIP = {
    "07_kmeans_limit": ("7.4", "    return float(np.sum(r * np.sqrt(((X[:, None, :] - means[None]) ** 2).sum(axis=2))))\n", "not their squares"),
    "10_variational_bayes": ("10.3", "    return np.log(alpha / np.sum(alpha))\n", "ln E[pi_k]"),
}
STUDENTS = ("right", "wrong", "blank")


def _nbgrader(course, *args):
    """Run nbgrader's command line in the course folder (its own venv's bin first: nbgrader calls `alembic`)."""
    env = dict(os.environ, PATH=f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout[-3000:]}\n{run.stderr[-5000:]}"
    assert "ERROR" not in run.stderr, run.stderr[-5000:]
    return run


def _src(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _grading(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    student_edition.build_nbgrader(course)
    for name in ROUND_TRIP:
        _nbgrader(course, "generate_assignment", name, "--force")
    return course


def _without_documented_differences(release):
    """The release with what NBGRADER_DIFFERENCES lists undone: test cells, nbgrader's metadata, the second stub line."""
    cells = []
    for cell in release["cells"]:
        g = _grading(cell)
        if g.get("grade") and not g.get("solution"):
            continue                                                   # difference 1: the autograder test cells
        cell = copy.deepcopy(cell)
        for key in ("nbgrader", "editable", "deletable"):              # difference 2: nbgrader's metadata
            cell["metadata"].pop(key, None)
        cell["source"] = re.sub(r"(= \.\.\.  # your code here\n)\.\.\.  # your code here\n", r"\1", _src(cell))  # difference 3
        cells.append(cell)
    return {**release, "cells": cells}


@pytest.mark.parametrize("name", list(ROUND_TRIP))
def test_generate_assignment_releases_our_student_edition(course, name):
    release = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
    full = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
    ours = student_edition.student_notebook(full)
    # the documented differences are there, and only as documented
    checks = [c for c in full["cells"] if c["cell_type"] == "code" for _ in student_edition.CHECK_CALL.findall(_src(c))]
    tests = [c for c in release["cells"] if _grading(c).get("grade") and not _grading(c).get("solution")]
    assert len(tests) == len(checks) >= 2 and all(_grading(c)["locked"] and c["metadata"].get("editable") is False for c in tests)
    assert all("checksum" in _grading(c) for c in release["cells"] if _grading(c).get("grade") or _grading(c).get("locked"))
    # and otherwise the release is our student edition, cell for cell
    normalised = _without_documented_differences(release)
    assert [c["id"] for c in normalised["cells"]] == [c["id"] for c in ours["cells"]]
    for got, want in zip(normalised["cells"], ours["cells"]):
        assert _src(got) == _src(want), f"{name}, cell {want['id']}:\n{_src(got)}\n--- ours ---\n{_src(want)}"
        assert got["metadata"] == want["metadata"], f"{name}, cell {want['id']}"
        assert got["cell_type"] == want["cell_type"] and got.get("outputs", []) == [] and got.get("execution_count") is None
    assert normalised["metadata"] == ours["metadata"]
    written = [c for c in release["cells"] if _grading(c).get("solution") and c["cell_type"] == "markdown"]
    assert written and all(_src(c).endswith(student_edition.ANSWER_STUB) for c in written)


def _submit(course, name, student, release, source, wrong=None):
    """A submission built from the release: `right` fills every answer cell with the source's answer
    (its markers removed, as a student would write it), `wrong` does the same but makes one exercise wrong,
    `blank` hands the release back untouched."""
    nb = copy.deepcopy(release)
    answers = {c["id"]: _src(c) for c in source["cells"]}
    if student != "blank":
        for cell in nb["cells"]:
            if not _grading(cell).get("solution"):
                continue
            text = answers[cell["id"]]
            if student == "wrong" and _grading(cell)["grade_id"] == f"code-{wrong[0].replace('.', '-')}":
                text = re.sub(r"(### BEGIN SOLUTION\n).*?(\s*### END SOLUTION)", lambda m: m.group(1) + wrong[1] + m.group(2), text, flags=re.S)
            cell["source"] = "".join(ln for ln in text.splitlines(keepends=True) if "BEGIN SOLUTION" not in ln and "END SOLUTION" not in ln)
    folder = course / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.ipynb").write_text(json.dumps(nb, indent=1))


@pytest.fixture(scope="module")
def grades(course):
    """{(notebook, student): {grade_id: (auto_score, max_score, needs_manual_grade)}} after nbgrader autograde."""
    from nbgrader.api import Gradebook

    for name, wrong in ROUND_TRIP.items():
        release = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
        source = json.loads((course / "source" / name / f"{name}.ipynb").read_text())
        for student in STUDENTS:
            _submit(course, name, student, release, source, wrong)
        _nbgrader(course, "autograde", name, "--force")
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name in ROUND_TRIP:
            for student in STUDENTS:
                sub = gb.find_submission_notebook(name, name, student)
                out[name, student] = {g.name: (g.auto_score, g.max_score, g.needs_manual_grade) for g in sub.grades}
    return out


@pytest.mark.parametrize("name", list(ROUND_TRIP))
def test_autograde_scores_right_wrong_and_blank_as_it_should(course, grades, name):
    wrong_id = f"test-{ROUND_TRIP[name][0].replace('.', '-')}"
    right, wrong, blank = (grades[name, s] for s in STUDENTS)
    tests = sorted(g for g in right if g.startswith("test-"))
    written = sorted(g for g in right if g.startswith("answer-"))
    assert wrong_id in tests and len(tests) >= 2 and written
    for g in tests:
        auto, points, manual = right[g]
        assert auto == points > 0 and not manual, f"right submission, {g}: {right[g]}"
        assert wrong[g][0] == (0 if g == wrong_id else points), f"wrong submission, {g}: {wrong[g]}"
        assert blank[g][0] == 0, f"blank submission, {g}: {blank[g]}"
    for g in written:  # a written answer is graded by a person: nbgrader gives no automatic score
        assert all(sub[g][0] is None and sub[g][2] for sub in (right, wrong)), g
    total = {s: sum(grades[name, s][g][0] for g in tests) for s in STUDENTS}
    assert total["right"] == sum(right[g][1] for g in tests) > total["wrong"] > total["blank"] == 0, total
    # the failing test shows the check's specific message to the grader and the student
    graded = json.loads((course / "autograded" / "wrong" / name / f"{name}.ipynb").read_text())
    cell = next(c for c in graded["cells"] if c.get("id") == wrong_id)
    errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "AssertionError" and ROUND_TRIP[name][2] in errors[0]["evalue"], errors
