"""Every checked exercise: its reference and the solution it prints pass, its plausible mistakes get their
hints and no two of them coincide on a test case, an untouched stub reports "not attempted yet", and no
message gives the answer away. Every notebook has at least six graded exercises, at least two of them
checked code. The engine never raises into a notebook: misuse gets a sentence, hostile answers (endless
loops, sys.exit(), changed inputs, forbidden emlib calls, strings, complex numbers) get a verdict.
The adversarial answers of issue 19 are in tests/test_exercises_adversarial.py."""
import json
import pathlib
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HEADING = re.compile(r"^### Exercise (\d+)\.(\d+) \((check|derive|implement)\): \S", re.M)
CHECK_CALL = re.compile(r"""check\(\s*["'](\d+\.\d+)["']""")

from emlib import exercises as E  # noqa: E402

EXERCISES = E.all_exercises()
IDS = [ex.id for ex in EXERCISES]


def _stub(*args):
    ...  # your code here


def _raises(*args):
    raise NotImplementedError


def _flat(value):
    """Every number in a value, an array or a (nested) tuple of them."""
    if isinstance(value, (tuple, list)) and not np.isscalar(value):
        return [v for part in value for v in _flat(part)]
    try:
        return list(np.ravel(np.asarray(value, dtype=float)))
    except (TypeError, ValueError):
        return []


def _numbers_in(text):
    return [float(t) for t in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+", text)]


def test_import_emlib_does_not_load_exercises():
    code = "import sys, emlib; print('emlib.exercises' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_registry_is_not_empty():
    assert len(EXERCISES) >= 2


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_reference_passes(ex):
    answer = ex.reference if ex.kind == "function" else ex.reference()
    result = E.evaluate(ex.id, answer, enforce_forbidden=False)  # references are written with emlib
    assert result.status == E.CORRECT, result


def _solution_function(ex):
    """The function that ``solution(id)`` prints, defined as a student would paste it."""
    import itertools
    import math

    import emlib

    from emlib.variational import digamma

    # the names the notebooks import before their exercises
    namespace = {"np": np, "emlib": emlib, "itertools": itertools, "math": math, "GMMParams": emlib.GMMParams, "digamma": digamma}
    before = set(namespace)
    exec(compile(textwrap.dedent(ex.solution), f"<solution {ex.id}>", "exec"), namespace)
    defined = [v for k, v in namespace.items() if k not in before and callable(v) and getattr(v, "__code__", None)
               and v.__code__.co_filename.startswith("<solution")]
    return defined[-1]


@pytest.mark.parametrize("ex", [e for e in EXERCISES if e.kind == "function"], ids=[e.id for e in EXERCISES if e.kind == "function"])
def test_printed_solution_passes(ex):
    """The code solution(id) prints is itself correct, and calls nothing the exercise forbids."""
    result = E.evaluate(ex.id, _solution_function(ex))
    assert result.status == E.CORRECT, result


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_stub_is_not_attempted(ex):
    assert E.evaluate(ex.id, ...).status == E.NOT_ATTEMPTED
    assert E.evaluate(ex.id, None).status == E.NOT_ATTEMPTED
    if ex.kind == "function":
        assert E.evaluate(ex.id, _stub).status == E.NOT_ATTEMPTED
        assert E.evaluate(ex.id, _raises).status == E.NOT_ATTEMPTED


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_mistakes_get_their_hint(ex):
    assert len(ex.mistakes) >= 2, f"exercise {ex.id} should know at least two plausible mistakes"
    for mistake, message in ex.mistakes:
        answer = mistake if ex.kind == "function" else mistake()
        result = E.evaluate(ex.id, answer, enforce_forbidden=False)
        assert result.status == E.WRONG, f"{ex.id}: the mistake '{message}' passed as correct"
        assert message in result.message, f"{ex.id}: expected hint '{message}', got '{result.message}'"


def _same_output(a, b, ex):
    """Two outputs (arrays, numbers, tuples of them) agree at the exercise's tolerance; NaN equals NaN, inf equals inf."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and not np.isscalar(a):
        return len(a) == len(b) and all(_same_output(x, y, ex) for x, y in zip(a, b))
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=ex.rtol, atol=ex.atol, equal_nan=True))


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_no_two_mistakes_coincide_on_every_case(ex):
    """A mistake is named when the answer reproduces it on every case, so two mistakes must differ on at least one
    case (they may coincide on some: 6.3's count without the weights and with one shared covariance agree at D = 1),
    and a mistake equal to the reference everywhere is none."""
    import copy

    cases = ex.test_cases()
    outputs = []
    for mistake, message in ex.mistakes:
        with np.errstate(all="ignore"):
            outputs.append((message, [mistake(*copy.deepcopy(c)) for c in cases]))
    references = [ex.reference(*copy.deepcopy(c)) for c in cases]
    for i, (m1, out1) in enumerate(outputs):
        assert not all(_same_output(o, r, ex) for o, r in zip(out1, references)), f"{ex.id}: '{m1}' equals the reference on every case"
        for m2, out2 in outputs[i + 1:]:
            assert not all(_same_output(a, b, ex) for a, b in zip(out1, out2)), \
                f"{ex.id}: '{m1}' and '{m2}' give the same output on every case"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_messages_never_print_the_answer(ex):
    """Neither a wrong answer's message nor a hint contains the reference's numbers."""
    expected = ex.reference(*ex.test_cases()[0]) if ex.kind == "function" else ex.reference()
    secret = [v for v in _flat(expected) if abs(v) > 1e-3 and not float(v).is_integer()]
    texts = [E.evaluate(ex.id, (m if ex.kind == "function" else m()), enforce_forbidden=False).message for m, _ in ex.mistakes] + list(ex.hints)
    for text in texts:
        for number in _numbers_in(text):
            assert not any(np.isclose(number, s, rtol=1e-3) for s in secret), f"{ex.id}: '{text}' reveals {number}"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_has_hints_and_solution(ex):
    assert len(ex.hints) >= 2 and ex.solution.strip(), ex.id


def test_a_raising_answer_is_reported_not_raised():
    ex = next(e for e in EXERCISES if e.kind == "function")

    def broken(*args):
        return 1 / 0

    result = E.evaluate(ex.id, broken)
    assert result.status == E.WRONG and "ZeroDivisionError" in result.message


def test_hint_levels_and_solution_print(capsys):
    ex = EXERCISES[0]
    E._HINTS_GIVEN.pop(ex.id, None)
    E.hint(ex.id)
    E.hint(ex.id)
    out = capsys.readouterr().out
    assert f"Hint 1/{len(ex.hints)}" in out and f"Hint 2/{len(ex.hints)}" in out
    E.solution(ex.id)
    assert ex.solution.strip().splitlines()[0].strip() in capsys.readouterr().out
    with pytest.raises(ValueError, match="no checked exercise"):
        E.get("99.99")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_graded_exercises(path):
    nb = json.loads(path.read_text())
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    number = int(path.name[:2])
    found = [(int(a), int(b), level) for a, b, level in HEADING.findall(md)]
    assert len(found) >= 6, f"{path.name}: {len(found)} graded exercises, expected at least 6"
    assert all(a == number for a, _, _ in found), f"{path.name}: exercise numbers {found}"
    assert {level for _, _, level in found} == {"check", "derive", "implement"}, f"{path.name}: levels {found}"
    checked = set(CHECK_CALL.findall(code))
    assert len(checked) >= 2, f"{path.name}: {len(checked)} checked code exercises, expected at least 2"
    assert checked <= set(IDS), f"{path.name}: checks {checked - set(IDS)} are not registered"
    headings = {f"{a}.{b}" for a, b, _ in found}
    assert checked <= headings, f"{path.name}: checked exercises without a heading: {checked - headings}"


@pytest.mark.parametrize("exercise_id", ["2.4", "2.5"])
def test_far_points_really_underflow(exercise_id):
    """Exercises 2.4 and 2.5 tell the learner that the far points underflow for every k in probability space."""
    import emlib

    X, params = E.get(exercise_id).test_cases()[-1]
    with np.errstate(under="ignore"):
        dens = np.exp(emlib.log_joint(X, params))
    assert np.all(dens[:3] == 0.0), "the far test points no longer underflow: the exercise text would be false"
    assert np.all(np.isfinite(E.get(exercise_id).reference(X, params)))


def test_alignment_cases_tell_the_metrics_apart():
    """Exercise 5.6: on every case the squared distance, the plain and the L1 distance, the first coordinate's order,
    a greedy match and the inverse permutation disagree, and each metric's optimum is unique by a margin."""
    from emlib.exercises import nb05

    cases = E.get("5.6").test_cases()
    assert len(cases) >= 4 and all(nb05.discriminates(ref, means) for ref, means in cases)
    assert {ref.shape[0] for ref, _ in cases} >= {3, 4, 5, 6}


# ---------------------------------------------------------------- the engine holds against misuse and hostile answers
def _notebook_exercise_ids():
    ids = {}
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        for a, b, level in HEADING.findall(md):
            ids[f"{a}.{b}"] = level
    return ids


@pytest.mark.parametrize("call", [
    lambda: E.check("4,5", lambda X, params: None),
    lambda: E.check(" 4.5 ", None),
    lambda: E.check("99.99", lambda: 1),
    lambda: E.check("4.5"),
    lambda: E.check(),
    lambda: E.check(4.5, ...),
    lambda: E.check("4.4", 1.0),
    lambda: E.check("hello", 1),
    lambda: E.hint("4.5", 99),
    lambda: E.hint("4.5", 0),
    lambda: E.hint("4.5", "two"),
    lambda: E.hint("4,5"),
    lambda: E.hint("4.4"),
    lambda: E.hint(),
    lambda: E.solution("4,5"),
    lambda: E.solution(None),
    lambda: E.check("4.5", "my answer"),
    lambda: E.check("7.6", lambda: 1),
], ids=lambda f: "call")
def test_misuse_gets_a_sentence_not_an_exception(call, capsys):
    call()
    out = capsys.readouterr().out.strip()
    assert out and "Traceback" not in out


def test_unknown_and_mistyped_ids_list_the_known_ones():
    r = E.evaluate("4,5", lambda X, params: None)
    assert r.status == E.NOT_CHECKED and "Did you mean '4.5'" in r.message and "1.3" in r.message
    assert E.evaluate(" 4.5", ...).status == E.NOT_ATTEMPTED  # surrounding blanks are forgiven
    r = E.evaluate("4.4", 1.0)
    assert r.status == E.NOT_CHECKED and "no automatic check" in r.message and "solution('4.4')" in r.message
    r = E.evaluate("4.5")
    assert r.status == E.NOT_CHECKED and "pass your function" in r.message


def test_hint_levels_out_of_range(capsys):
    n = len(E.get("4.5").hints)
    E.hint("4.5", n + 1)
    assert f"hints 1 to {n}" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", sorted(_notebook_exercise_ids(), key=lambda s: tuple(map(int, s.split(".")))))
def test_solution_works_for_every_exercise_of_the_notebooks(exercise_id, capsys):
    """solution(id) prints the model answer of every exercise, checked or not (the prose of its Solution block)."""
    E.solution(exercise_id)
    out = capsys.readouterr().out
    assert out.startswith(f"Solution to exercise {exercise_id}"), out[:200]
    assert "this copy of the notebooks does not include it" not in out, f"{exercise_id}: no model answer found"
    body = out.split("\n", 1)[1].strip()
    assert len(body) > 40 and "<details>" not in body and "</details>" not in body


def test_a_check_prints_only_its_verdict(capsys):
    E.check("4.5", E.get("4.5").reference)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "def " not in out and "Solution" not in out


def _endless(X, params):
    while True:
        try:
            X = X + 0.0
        except Exception:  # an answer that swallows errors is still stopped
            pass


def test_an_endless_loop_is_stopped():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    r = E.evaluate("4.5", _endless, time_limit=0.5)
    assert r.status == E.WRONG and "did not finish within 0.5 s" in r.message
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL)[0] == 0.0


def test_an_endless_loop_is_stopped_outside_the_main_thread():
    import threading

    results = []
    t = threading.Thread(target=lambda: results.append(E.evaluate("4.5", _endless, time_limit=0.5)))
    t.start()
    t.join(30)
    assert not t.is_alive() and results[0].status == E.WRONG and "did not finish" in results[0].message
    assert sys.gettrace() is None or "coverage" in type(sys.gettrace()).__module__


def test_sys_exit_is_reported_and_keyboard_interrupt_propagates():
    r = E.evaluate("1.3", lambda x, mu, var: sys.exit(3))
    assert r.status == E.WRONG and "sys.exit()" in r.message

    def interrupted(x, mu, var):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        E.evaluate("1.3", interrupted)


def test_an_answer_that_changes_a_namedtuple_is_caught_and_cannot_corrupt_the_next_check():
    ex = E.get("4.6")

    def writes_params(X, params):
        out = ex.reference(X, params)
        params.means[:] = 0.0
        params.covs[:] = np.eye(X.shape[1])
        return out

    r = E.evaluate("4.6", writes_params, enforce_forbidden=False)
    assert r.status == E.WRONG and "changed its input `params`" in r.message and "params.means" in r.message
    assert E.evaluate("4.6", ex.reference, enforce_forbidden=False).status == E.CORRECT


def test_forbidden_functions_are_unavailable_during_the_check_and_restored_after():
    import emlib

    em_module = sys.modules["emlib.em"]  # (emlib.em is the function em)
    original = emlib.e_step
    seen = []

    def sneaky(X, params, f=emlib.e_step):  # bound before the check: still caught
        seen.append(emlib.e_step is original)
        return f(X, params)

    r = E.evaluate("4.5", sneaky)
    assert r.status == E.WRONG and "emlib.e_step" in r.message and "unavailable" in r.message
    assert seen and not any(seen), "emlib.e_step was still reachable as emlib.e_step during the check"
    assert emlib.e_step is original and em_module.e_step is original


def _loglik(x, mu, var):
    return -x.size / 2 * np.log(2 * np.pi * var) - np.sum((x - mu) ** 2) / (2 * var)


def test_stubs_missing_returns_and_partial_work():
    def prints(x, mu, var):
        value = -0.5 * np.sum((x - mu) ** 2) / var
        print(value)

    def partial(x, mu, var):
        if x.size > 20:
            raise NotImplementedError
        return _loglik(x, mu, var)

    r = E.evaluate("1.3", prints)
    assert r.status == E.WRONG and "is a `return` missing?" in r.message
    r = E.evaluate("1.3", partial)
    assert r.status == E.WRONG and "NotImplementedError" in r.message and "partial work" in r.message


def test_types_of_returned_values():
    ref = E.get("1.4").reference
    assert E.evaluate("1.4", lambda x: np.array(ref(x))).status == E.CORRECT          # a pair as an array
    assert E.evaluate("1.4", lambda x: list(ref(x))).status == E.CORRECT              # ... or a list
    assert E.evaluate("1.4", lambda x: tuple(np.float32(v) for v in ref(x))).status == E.CORRECT  # float32, with a note
    r = E.evaluate("1.4", lambda x: tuple(str(v) for v in ref(x)))
    assert r.status == E.WRONG and "string" in r.message
    assert E.evaluate("1.3", _loglik).status == E.CORRECT
    r = E.evaluate("1.3", lambda x, mu, var: complex(_loglik(x, mu, var)))
    assert r.status == E.WRONG and "complex" in r.message
    r = E.evaluate("1.4", lambda x: ref(x) + (1.0,))
    assert r.status == E.WRONG and "returned 3 values, not 2" in r.message and "(sigma2_ML, s2)" in r.message


def test_numbers_are_printed_with_enough_digits_to_differ():
    assert E.fmt(1.2500001, 1.25) != E.fmt(1.25, 1.2500001)
    assert E.fmt(0.8, 1.25) == "0.8"


def test_a_template_that_unpacks_its_arguments_is_not_attempted():
    """The notebooks' templates may unpack their arguments before `...`: still untouched, not wrong."""
    from emlib.exercises import _is_stub_function

    def template(X, post):
        alpha, beta, m, W_inv, nu = post
        N, D = X.shape
        ...  # your code here

    def forgot_return(X, post):
        alpha, beta, m, W_inv, nu = post
        lr = alpha + beta

    def prints(X, post):
        N, D = X.shape
        print(N)

    assert _is_stub_function(template)
    assert not _is_stub_function(forgot_return) and not _is_stub_function(prints)
