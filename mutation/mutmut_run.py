"""mutmut on emlib's numeric modules, under emlib's own unit tests (not part of CI: it takes long).

    .venv/bin/python -m mutation.mutmut_run                 # all numeric modules
    .venv/bin/python -m mutation.mutmut_run gaussian bound  # some of them

mutmut 3 mutates a copy of the code and runs, for each mutant, the tests that reach the mutated
function. It reads its options and pytest's from the project's pyproject.toml, whose pytest
options run the notebooks on every core; so this script builds a scratch project in
build/mutmut/ (the numeric modules, the unit tests, a pyproject.toml with plain pytest options)
and runs mutmut there. It prints the score per module and writes the survivors' diffs to
build/mutmut/survivors.txt for triage (mutation/MUTMUT.md holds the last triage).
"""
from __future__ import annotations

import pathlib
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutmut"
MODULES = ["gaussian", "mixture", "em", "bound", "model_selection", "bernoulli", "missing", "variational"]
TESTS = ["test_gaussian.py", "test_gaussian_messages.py", "test_properties.py", "test_reference_sklearn.py", "test_bernoulli.py",
         "test_missing.py", "test_variational.py", "test_model_selection.py", "test_hostile.py",
         "test_library_messages.py", "test_missing_results.py", "test_variational_values.py", "test_bound_slice.py",
         "test_bernoulli_results.py", "test_em_results.py", "test_logsumexp_edges.py"]


def main(argv):
    modules = argv or MODULES
    if WORK.exists():
        shutil.rmtree(WORK)
    (WORK / "tests").mkdir(parents=True)
    shutil.copytree(ROOT / "emlib", WORK / "emlib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ["__init__.py", "conftest.py", *TESTS]:
        shutil.copy(ROOT / "tests" / name, WORK / "tests" / name)
    only = ", ".join(f'"emlib/{m}.py"' for m in modules)
    (WORK / "pyproject.toml").write_text(f"""[tool.mutmut]
source_paths = ["emlib"]
only_mutate = [{only}]
pytest_add_cli_args_test_selection = ["tests"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:randomly", "-q", "-x"]

[tool.pytest.ini_options]
testpaths = ["tests"]
""")
    mutmut = pathlib.Path(sys.executable).with_name("mutmut")
    # mutmut forks each mutant's test process from a parent that has already run the tests. scikit-learn's k-means
    # (in the reference tests) starts a GNU OpenMP thread pool in that parent, and a forked child that enters an
    # OpenMP region again waits forever for threads it does not have: every mutant whose tests reach k-means
    # (em.init_params, model_selection) hung, using no CPU, until mutmut's wall-clock timeout (up to 4 minutes
    # each) fired and counted it as "timeout". With one OpenMP thread no pool is started and nothing hangs.
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "PATH": str(mutmut.parent) + ":/usr/bin:/bin"}
    start = time.monotonic()
    run = subprocess.run([str(mutmut), "run", "--max-children", "2"], cwd=WORK, env=env)
    print(f"mutmut run: {(time.monotonic() - start) / 60:.1f} min wall time")
    res = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=WORK, env=env, capture_output=True, text=True)
    counts: dict = {}
    survivors = []
    for line in res.stdout.splitlines():
        m = re.match(r"\s*emlib\.(\w+)\.\S+: (\w[\w ]*)$", line)
        if not m:
            continue
        module, status = m.group(1), m.group(2).strip()
        counts.setdefault(module, {}).setdefault(status, 0)
        counts[module][status] += 1
        if status == "survived":
            survivors.append(line.split(":")[0].strip())
    total_killed = total = 0
    for module, c in sorted(counts.items()):
        n = sum(c.values())
        killed = c.get("killed", 0) + c.get("timeout", 0)
        total_killed, total = total_killed + killed, total + n
        print(f"{module:16s} {killed:5d} / {n:5d} killed ({100 * killed / max(n, 1):.1f}%)  {c}")
    print(f"{'all':16s} {total_killed:5d} / {total:5d} killed ({100 * total_killed / max(total, 1):.1f}%)")
    with open(WORK / "survivors.txt", "w") as out:
        for name in survivors:
            diff = subprocess.run([str(mutmut), "show", name], cwd=WORK, env=env, capture_output=True, text=True).stdout
            out.write(f"### {name}\n{diff}\n")
    print(f"{len(survivors)} survivors: their diffs are in {WORK / 'survivors.txt'}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
