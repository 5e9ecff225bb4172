"""The project's own rules: packaging agrees, the core stays light, notebooks are hygienic."""
import json
import pathlib
import re
import subprocess
import sys

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _names(specs):
    return {re.split(r"[<>=!~ \[;]", s.strip(), maxsplit=1)[0].lower().replace("_", "-") for s in specs}


@pytest.mark.skipif(tomllib is None, reason="tomllib needs Python 3.11")
def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    conda = []
    in_deps = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
        elif in_deps and re.match(r"^  - [A-Za-z]", line) and not line.strip().endswith(":"):
            conda.append(line.strip()[2:])
    conda_names = _names(conda) - {"python", "pip"}
    assert conda_names == pip_names, f"only in environment.yml: {conda_names - pip_names}; only in pyproject: {pip_names - conda_names}"
    assert "-e ." in (ROOT / "environment.yml").read_text()


def test_import_is_light_and_fast():
    code = (
        "import sys, time; t = time.perf_counter(); import emlib; dt = time.perf_counter() - t; "
        "bad = [m for m in ('matplotlib', 'ipywidgets', 'sklearn', 'scipy', 'pandas') if m in sys.modules]; "
        "print(dt, bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(maxsplit=1)
    assert out[1].strip() == "[]", f"import emlib pulled in {out[1]}"
    assert float(out[0]) < 1.0  # generous: machines are shared; typically about 0.1 s


def test_core_never_imports_plotting_or_references():
    for path in (ROOT / "emlib").glob("*.py"):
        if path.name in {"plotting.py", "widgets.py", "figures.py"}:  # the drawing layers
            continue
        text = path.read_text()
        for mod in ("matplotlib", "ipywidgets", "sklearn", "scipy"):
            assert not re.search(rf"^\s*(import|from) {mod}", text, re.M), f"{path.name} imports {mod}"
        assert "np.linalg.inv" not in text and "np.linalg.det" not in text, f"{path.name} forms an inverse or determinant"


def test_notebooks_exist():
    assert len(NOTEBOOKS) >= 4, [p.name for p in NOTEBOOKS]


LOCAL_PATH = re.compile(r"(/home/|/root/|/Users/|/tmp/|/work/|C:\\\\Users)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_hygiene(path):
    """Executed top to bottom by a fresh kernel, no errors, no local paths, opening and closing sections."""
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), f"execution counts {counts}"
    for i, cell in enumerate(code, 1):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"cell {i} stored an error"
            m = LOCAL_PATH.search(json.dumps(out))
            assert not m, f"cell {i} leaks a local path {m.group(0)}"
            if out.get("name") == "stderr":
                pytest.fail(f"cell {i} stored stderr output: {''.join(out['text'])[:200]}")
        has_widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell["outputs"])
        if has_widget:
            assert any("image/png" in o.get("data", {}) for o in cell["outputs"]), f"widget cell {i} has no static image"
    assert path.stat().st_size < 3 * 1024 * 1024
    md = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    first, text = md[0], "\n".join(md)
    assert first.startswith("# "), "the notebook opens with its title"
    assert re.search(r"learning goals", first, re.I) and re.search(r"assume", first, re.I)
    assert re.search(r"^## Summary", text, re.M), "a summary section"
    assert re.search(r"^## Exercises", text, re.M) and "<details>" in text, "exercises with revealable solutions"
    assert re.search(r"assert ", "\n".join("".join(c["source"]) for c in code)), "numerical checks"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
