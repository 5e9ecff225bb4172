"""The project's own rules: packaging agrees, the core stays light, notebooks are hygienic."""
import json
import pathlib
import re
import subprocess
import sys

import pytest

import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _names(specs):
    return {re.split(r"[<>=!~ \[;]", s.strip(), maxsplit=1)[0].lower().replace("_", "-") for s in specs}


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    conda = []
    in_deps = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
        elif in_deps and re.match(r"^  (    )?- [A-Za-z]", line) and not line.strip().endswith(":"):
            conda.append(line.strip()[2:])
    conda_names = _names(conda) - {"python", "pip"}
    assert conda_names == pip_names, f"only in environment.yml: {conda_names - pip_names}; only in pyproject: {pip_names - conda_names}"
    assert "-e ." in (ROOT / "environment.yml").read_text()


def _lower_bounds(specs):
    bounds = {}
    for spec in specs:
        m = re.match(r"^([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9.]*)", spec.strip())
        assert m, f"{spec!r} should declare a lower bound with >="
        bounds[m.group(1).lower().replace("_", "-")] = m.group(2)
    return bounds


def test_oldest_constraints_pin_every_declared_minimum():
    """.ci/constraints-oldest.txt pins each dependency at exactly its declared lower bound."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _lower_bounds(project["dependencies"] + project["optional-dependencies"]["test"])
    pinned = {}
    for line in (ROOT / ".ci" / "constraints-oldest.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.strip().lower()] = version.strip()
    assert pinned.keys() == declared.keys(), f"only pinned: {pinned.keys() - declared.keys()}; only declared: {declared.keys() - pinned.keys()}"
    for name, low in declared.items():
        pin = tuple(int(p) for p in pinned[name].split("."))
        low_t = tuple(int(p) for p in low.split("."))
        assert pin[:len(low_t)] == low_t and not any(pin[len(low_t):]), f"{name}: declared >={low}, pinned =={pinned[name]}"


def test_import_is_light():
    """``import emlib`` loads no plotting, widget or reference library (its time: benchmarks/bench_import.py)."""
    code = (
        "import sys; import emlib; "
        "print([m for m in ('matplotlib', 'ipywidgets', 'sklearn', 'scipy', 'pandas') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"import emlib pulled in {out}"


def test_no_wall_clock_assertions():
    """Timings belong in benchmarks/: a test never asserts on a measured duration (one failed at 1.06 s under load)."""
    for path in (ROOT / "tests").rglob("*.py"):
        text = path.read_text()
        for m in re.finditer(r"^\s*assert\b.*$", text, re.M):
            if "re.search(" in m.group(0):  # this test's own pattern
                continue
            assert not re.search(r"perf_counter|time\.time|monotonic|elapsed|_s\b|seconds", m.group(0)), \
                f"{path.name}: a timed assertion: {m.group(0).strip()}"


def test_core_never_imports_plotting_or_references():
    for path in (ROOT / "emlib").rglob("*.py"):
        if path.name in {"plotting.py", "figures.py"} or path.parent.name == "widgets":  # the drawing layers (emlib/widgets/)
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
            # a live widget's view differs from run to run: nbval skips its outputs by the cell tag
            assert "nbval-ignore-output" in cell["metadata"].get("tags", []), f"widget cell {i} lacks the nbval-ignore-output tag"
    for i, cell in enumerate(nb["cells"]):
        # harness instructions live in cell tags, never in what a reader sees
        assert "NBVAL_" not in "".join(cell["source"]), f"cell {i} carries a '# NBVAL_...' comment: use the nbval-ignore-output tag"
    assert path.stat().st_size < 3 * 1024 * 1024
    md = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    first, text = md[0], "\n".join(md)
    assert first.startswith("# "), "the notebook opens with its title"
    assert re.search(r"learning goals", first, re.I) and re.search(r"assume", first, re.I)
    assert re.search(r"^## Summary", text, re.M), "a summary section"
    assert re.search(r"^## Exercises", text, re.M) and "<details>" in text, "exercises with revealable solutions"
    assert re.search(r"assert ", "\n".join("".join(c["source"]) for c in code)), "numerical checks"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


# ------------------------------------------- stored outputs that nbval compares
PACKAGES = ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "ipykernel", "ipython", "scikit-learn", "pytest", "nbval", "hypothesis", "emlib")


def _sanitised(text, patterns):
    for regex, replace in patterns:
        text = re.sub(regex, replace, text)
    return text


def _sanitize_patterns():
    """The regex/replace pairs of tests/nbval_sanitize.cfg, as nbval applies them."""
    pairs, regex = [], None
    for line in (ROOT / "tests" / "nbval_sanitize.cfg").read_text().splitlines():
        if line.startswith("regex:"):
            regex = line.split(":", 1)[1].strip()
        elif line.startswith("replace:") and regex is not None:
            pairs.append((regex, line.split(":", 1)[1].strip()))
            regex = None
    return pairs


def _version_leaks(text):
    """Package versions, the Python version, dates and times that a compared output would carry."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in PACKAGES:
        try:
            v = version(name)
        except PackageNotFoundError:
            continue
        if re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", text):
            found.append(f"{name} {v}")
    found += re.findall(r"(?i)\b(?:numpy|matplotlib|ipywidgets|python|sklearn|scikit-learn|emlib|jupyterlab)\s*(?:version\s*)?v?\d+\.\d+", text)
    found += re.findall(r"\b20\d\d-\d\d-\d\d(?:[T ]\d\d:\d\d)?", text)
    return found


def _compared_outputs(nb):
    """(cell number, text) of every output nbval compares: not in cells tagged nbval-ignore-output or nbval-skip,
    not images."""
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    for i, cell in enumerate(code, 1):
        if {"nbval-ignore-output", "nbval-skip"} & set(cell["metadata"].get("tags", [])):
            continue
        for out in cell["outputs"]:
            if "text" in out:
                yield i, "".join(out["text"])
            for mime, value in out.get("data", {}).items():
                if not mime.startswith("image/") and mime != "application/vnd.jupyter.widget-view+json":
                    yield i, value if isinstance(value, str) else "".join(value) if isinstance(value, list) else json.dumps(value)


def test_version_check_would_catch_a_leak():
    from importlib.metadata import version

    patterns = _sanitize_patterns()
    assert _version_leaks(_sanitised(f"numpy {version('numpy')} | emlib 0.1.0", patterns))
    assert _version_leaks(_sanitised(f"built with matplotlib {version('matplotlib')}", patterns))
    assert _version_leaks("run on 2026-11-29 13:05")
    assert not _version_leaks(_sanitised(f"versions: numpy {version('numpy')}, emlib 0.1.0", patterns))  # masked for the reader
    assert not _version_leaks("ln p = -1130.26 after 17 iterations; 2.0 standard errors")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_compared_output_depends_on_versions_or_dates(path):
    """nbval compares these outputs; a package version in one fails on the day that package is released."""
    patterns = _sanitize_patterns()
    nb = json.loads(path.read_text())
    leaks = [(i, leak) for i, text in _compared_outputs(nb) for leak in _version_leaks(_sanitised(text, patterns))]
    assert not leaks, f"compared outputs carry versions or dates (cell, text): {leaks}"


# ------------------------------------------------------------ warnings policy
def test_deprecations_from_emlib_are_errors():
    """pyproject's filterwarnings turns DeprecationWarning and FutureWarning attributed to emlib into errors."""
    import warnings

    for category in (DeprecationWarning, FutureWarning):
        with pytest.raises(category):
            warnings.warn_explicit("a coming change", category, "emlib/em.py", 1, module="emlib.em")
    with warnings.catch_warnings(record=True):
        warnings.warn_explicit("elsewhere", DeprecationWarning, "other.py", 1, module="other")  # not ours: not an error


# ---------------------------------------------------- CI where the users are
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_exist_and_pin_actions():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "newest.yml"}, [p.name for p in WORKFLOWS]
    for path in WORKFLOWS:
        text = path.read_text()
        for ref in re.findall(r"uses:\s*(\S+)", text):
            assert re.search(r"@[0-9a-f]{40}$", ref), f"{path.name}: {ref} is not pinned to a commit SHA"
        assert re.search(r"^permissions:", text, re.M), f"{path.name}: no top-level permissions"
        assert "${{ github.event" not in text, f"{path.name}: interpolates event data in run:"


def _tool(name):
    exe = pathlib.Path(sys.executable).with_name(name)
    if not exe.exists():
        pytest.skip(f"{name} is not installed: pip install -e '.[test]'")
    return str(exe)


def test_workflows_pass_actionlint():
    result = subprocess.run([_tool("actionlint"), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_zizmor():
    result = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", "--min-severity", "low", *map(str, WORKFLOWS)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
