"""The student edition (book/student_edition.py): no solutions, no outputs, and it runs.

Built from the committed notebooks into a temporary folder; each notebook is then
executed top to bottom by a fresh kernel: no cell may raise, and every check must
say "not attempted yet".
"""
import json
import pathlib
import re
import subprocess
import sys

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


def _solution_lines(nb):
    """The substantial lines that only a solution has (solution-tagged cells, BEGIN/END SOLUTION blocks).

    A line that the notebook also shows outside every solution (a formula the text derives and the
    exercise asks the student to write again) gives nothing away, so it is not counted.
    """
    lines, elsewhere = set(), set()
    for cell in nb["cells"]:
        src = "".join(cell["source"])
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


def test_every_notebook_has_a_student_edition_without_solutions_or_outputs(edition):
    assert sorted(p.name for p in edition.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        full = json.loads(path.read_text())
        student = json.loads((edition / path.name).read_text())
        text = json.dumps(student)
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, path.name
        assert "<details>" not in text, f"{path.name}: solution prose left in"
        assert not any("solution" in c.get("metadata", {}).get("tags", []) for c in student["cells"]), path.name
        student_lines = {ln.strip() for c in student["cells"] for ln in "".join(c["source"]).splitlines()}
        leaked = _solution_lines(full) & student_lines
        assert not leaked, f"{path.name}: solution lines in the student edition: {sorted(leaked)[:5]}"
        code = [c for c in student["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), f"{path.name}: outputs left in"
        assert "your code here" in text, f"{path.name}: no code stub for the student"


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_student_edition_runs_top_to_bottom(edition, name, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(edition / name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "\n".join(
        "".join(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"
    )
    checks = re.findall(r"Exercise (\d+\.\d+): (not attempted yet|correct|wrong)", printed)
    assert len(checks) >= 2, f"{name}: expected at least two checks to report, got {checks}"
    assert all(status == "not attempted yet" for _, status in checks), f"{name}: {checks}"
