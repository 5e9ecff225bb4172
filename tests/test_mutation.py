"""The mutation harness (mutation/): every mutant really is wrong, and the fast subset is killed.

The full kill matrix (every notebook under every mutant that concerns it) is its own CI pass
(`.ci/run mutation`, about 12 minutes on 2 idle cores); here run only its smoke subset, one mutant per notebook.
"""
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import emlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mutation import catalogue  # noqa: E402
from mutation.run import SMOKE, notebooks  # noqa: E402


def fingerprint():
    """emlib's answers on small fixed problems: one number per step the mutants can touch."""
    rng = np.random.default_rng(0)
    params = emlib.GMMParams(np.array([0.2, 0.3, 0.5]), rng.normal(size=(3, 2)) * 2,
                             np.array([np.eye(2) * s for s in (0.5, 1.0, 2.0)]) + 0.1)
    X, _ = emlib.sample(params, 40, rng)
    far = np.vstack([X, [[60.0, -60.0]]])
    out = {}
    resp = emlib.e_step(X, params)
    out["e_step"] = resp
    out["e_step_far"] = emlib.e_step(far, params)
    out["m_step"] = np.concatenate([np.ravel(a) for a in emlib.m_step(X, resp)])
    fit = emlib.em(X, params, max_iter=3, tol=0)
    out["em"] = np.concatenate([np.ravel(a) for a in fit.params])
    out["loglik"] = emlib.mixture_log_likelihood(X, params)
    out["loglik_far"] = emlib.mixture_log_likelihood(far, params)
    q = np.full_like(resp, 1 / 3)
    out["bound"] = [emlib.lower_bound(X, params, q), emlib.kl_divergence(X, params, q), emlib.entropy(q),
                    emlib.expected_complete_log_likelihood(X, params, resp)]
    out["n_parameters"] = emlib.n_parameters(3, 2)
    out["bic"] = emlib.bic(X, params)
    y = rng.normal(size=(30, 2))
    out["gauss"] = np.concatenate([np.ravel(a) for a in emlib.gaussian_mle(y)]
                                  + [emlib.gaussian_logpdf(y[:3], np.zeros(2), np.eye(2) * 2)])
    B = (rng.random((30, 4)) < 0.4).astype(float)
    bp = emlib.BernoulliParams(np.array([0.4, 0.6]), np.array([[0.2, 0.7, 0.4, 0.9], [0.8, 0.3, 0.5, 0.1]]))
    br = emlib.bernoulli_e_step(B, bp)
    out["bernoulli"] = np.concatenate([np.ravel(br), *map(np.ravel, emlib.bernoulli_m_step(B, br))])
    Y = rng.normal(size=(30, 3)) @ np.array([[1, 0.5, 0.2], [0, 1, 0.4], [0, 0, 1]])
    Y[::3, 1] = np.nan
    Y[1::4, 2] = np.nan
    mfit = emlib.missing_em(Y, max_iter=3)
    out["missing"] = np.concatenate([np.ravel(a) for a in mfit.params])
    stats = emlib.missing_e_step(Y, mfit.params)
    out["missing_e_step"] = np.concatenate([np.ravel(stats.x_hat), np.ravel(stats.cond_covs)])
    prior = emlib.vb_prior(X, alpha0=0.5)
    post = emlib.vb_m_step(X, resp, prior)
    out["vb"] = np.concatenate([np.ravel(emlib.vb_e_step(X, post)), np.ravel(post.m), post.nu])
    out["vb_expectations"] = np.concatenate([emlib.expected_log_det_precision(post.W_inv, post.nu),
                                             emlib.expected_log_weights(post.alpha)])
    out["elbo"] = emlib.elbo(X, emlib.vb_e_step(X, post), post, prior)
    return out


def differs(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return True
    with np.errstate(invalid="ignore"):
        return not np.allclose(a, b, rtol=1e-8, atol=1e-10, equal_nan=False)


CLEAN = fingerprint()


@pytest.mark.parametrize("name", [m.name for m in catalogue.library_mutants()])
def test_library_mutant_is_really_wrong(name):
    """No mutant is equivalent to emlib: installed, it changes at least one of emlib's answers (or raises)."""
    try:
        catalogue.install(name)
        try:
            mutated = fingerprint()
        except (ValueError, ZeroDivisionError, FloatingPointError, np.linalg.LinAlgError):
            return  # emlib refuses the wrong numbers: a change too
    finally:
        catalogue.uninstall()
    changed = [k for k in CLEAN if differs(CLEAN[k], mutated[k])]
    assert changed, f"mutant {name} changes nothing emlib computes: it is an equivalent mutant"
    assert not differs(fingerprint()["e_step"], CLEAN["e_step"]), "uninstall did not restore emlib"


def test_catalogue_is_complete():
    mutants = catalogue.all_mutants()
    assert len(catalogue.library_mutants()) >= 30
    taught = {k for m in mutants for k in m.teaches}
    assert taught >= set(notebooks()), f"notebooks that no mutant concerns: {set(notebooks()) - taught}"
    assert set(SMOKE) == set(notebooks())
    for m in mutants:
        assert m.doc and m.teaches, m.name


def test_smoke_subset_is_killed():
    """One mutant per notebook: each notebook, run under it, fails at an assert (not only a crash)."""
    res = subprocess.run([sys.executable, "-m", "mutation.run", "--smoke", "--jobs", "1"], cwd=ROOT,
                         capture_output=True, text=True, timeout=1200)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]


def test_every_source_mutant_finds_its_line():
    """A source mutant's line occurs in exactly one code cell of its notebook (an edit of the notebook can orphan it)."""
    import nbformat

    cells = {k: [c.source for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
             for k, p in notebooks().items()}
    for m in catalogue.all_mutants():
        if m.kind == "source":
            hits = sum(m.find in src for src in cells[m.notebook])
            assert hits == 1, f"source mutant {m.name}: its line occurs in {hits} code cells of notebook {m.notebook}"


def test_per_assert_rewriting_records_and_goes_on():
    """--per-assert: a failed top-level assert is recorded with its cell, line and part (each operand of a
    top-level `and` on its own) and the cell goes on;
    asserts inside a function or a try keep raising (callers and except clauses rely on them);
    a cell that is not Python (a magic) is left alone."""
    import ast

    from mutation.run import RECORD, _RecordAsserts, top_level_asserts

    src = ("x = 1\n"
           "assert x == 2, 'first'\n"
           "for i in range(3):\n"
           "    assert i < 1\n"
           "def f():\n"
           "    assert False, 'inside f'\n"
           "try:\n"
           "    assert False\n"
           "except AssertionError:\n"
           "    caught = True\n"
           "assert x == 1\n"
           "assert x == 1 and x > 5\n"
           "after = True\n")
    assert list(top_level_asserts(src)) == [(2, 0), (4, 0), (11, 0), (12, 0), (12, 1)]
    assert top_level_asserts(src)[(12, 1)] == "x > 5"
    assert top_level_asserts("%matplotlib inline\nassert False") == {}
    code = ast.unparse(ast.fix_missing_locations(_RecordAsserts(7).visit(ast.parse(src))))
    record = []
    env = {RECORD: lambda cell, line, part: record.append((cell, line, part))}
    exec(code, env)
    # both failing loop passes and the failing part of the `and`, not the passing asserts or parts
    assert record == [(7, 2, 0), (7, 4, 0), (7, 4, 0), (7, 12, 1)], record
    assert env["after"] and env["caught"]
    with pytest.raises(AssertionError, match="inside f"):
        env["f"]()


def test_a_stuck_run_is_killed_with_its_kernel_and_reported(monkeypatch):
    """The watchdog: a run that outlives RUN_TIMEOUT is killed (its kernel too), tried once more, then reported as
    a hang, so that CI fails naming the notebook instead of waiting on one kernel until its own time runs out."""
    import time

    from mutation import run

    made = []  # the socket directories of this test's runs (other runs may be going on beside it)

    class Recorded(tempfile.TemporaryDirectory):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self.name)

    def kernels():
        out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        return [line for line in out.splitlines() if "ipykernel_launcher" in line and any(d in line for d in made)]

    monkeypatch.setattr(run.tempfile, "TemporaryDirectory", Recorded)
    monkeypatch.setattr(run, "RUN_TIMEOUT", 3)  # its kernel has started; notebook 09 takes 10 s or more
    res = run._job(("09", None, False, False))
    assert res["errors"] == [{"cell": -1, "ename": "Hang", "evalue": "no answer after 3 s, twice"}]
    assert len(made) == 2
    for _ in range(50):  # the kernel exits once its parent is gone (ipykernel polls its parent every second)
        if not kernels():
            break
        time.sleep(0.2)
    assert kernels() == []
    assert not any(os.path.exists(d) for d in made)
