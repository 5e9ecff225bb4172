"""The exercise checks against answers written to fool them (issue 19).

tests/adversarial_answers/nbNN.py hold, for every checked exercise, at least five wrong answers
that are not among the exercise's listed mistakes and at least two valid alternatives. The bar:

- no wrong answer is accepted, and each is called "wrong" (not "not attempted yet");
- no valid answer is rejected;
- no exception escapes ``evaluate``;
- at most 20% of the wrong answers get only the generic "the values differ from the reference";
- no message contains a number of the reference answer (of any test case).

Run as a script for the counts, e.g. against another version of emlib:
    .venv/bin/python -m tests.test_exercises_adversarial
"""
from __future__ import annotations

import copy
import functools
import signal
import threading
from collections import Counter, defaultdict

import numpy as np
import pytest

from emlib import exercises as E
from tests.adversarial_answers import load
from tests.test_exercises import _flat, _numbers_in  # the leak check's helpers, shared

ANSWERS = load()
GENERIC = getattr(E, "GENERIC", "the values differ from the reference")
MAX_GENERIC_SHARE = 0.20
GUARD_SECONDS = 120  # a runner-level guard, far above the engine's own time limit


_SECRETS: dict[str, list[float]] = {}


def _secrets(exercise_id):
    """The non-integer numbers of the reference answers of every test case."""
    if exercise_id not in _SECRETS:
        ex = E.get(exercise_id)
        if ex.kind == "function":
            refs = [ex.reference(*copy.deepcopy(case)) for case in ex.test_cases()]
        else:
            refs = [ex.reference()]
        _SECRETS[exercise_id] = [v for r in refs for v in _flat(r) if np.isfinite(v) and abs(v) > 1e-3 and not float(v).is_integer()]
    return _SECRETS[exercise_id]


def leaked(exercise_id, message):
    secret = _secrets(exercise_id)
    return [n for n in _numbers_in(message) if any(np.isclose(n, s, rtol=1e-3, atol=0) for s in secret)]


class _Guard(BaseException):
    pass


def run(answer):
    """(status, message, exception or None) of one adversarial answer."""
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")

    def on_alarm(signum, frame):
        raise _Guard(f"no verdict after {GUARD_SECONDS} s")

    old = signal.signal(signal.SIGALRM, on_alarm) if use_alarm else None
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, GUARD_SECONDS)
    try:
        result = E.evaluate(answer.exercise, answer.answer())
        return result.status, result.message, None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001  an exception escaping the check is what we count
        return None, "", exc
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


@functools.lru_cache(maxsize=None)
def outcome(answer):
    """A dict of what went wrong with the check on this answer (empty: the check did its job)."""
    status, message, exc = run(answer)
    bad = {}
    if exc is not None:
        bad["exception"] = f"{type(exc).__name__}: {exc}"
        return bad, status, message
    if answer.verdict == "wrong":
        if status == getattr(E, "CORRECT", "correct"):
            bad["accepted_wrong"] = message
        elif status != getattr(E, "WRONG", "wrong"):
            bad["not_called_wrong"] = f"{status}: {message}"
        elif answer.expect and answer.expect not in message:
            bad["missing_phrase"] = f"expected {answer.expect!r} in: {message}"
        if status == getattr(E, "WRONG", "wrong") and GENERIC in message:
            bad["generic"] = message
    elif status != getattr(E, "CORRECT", "correct"):
        bad["rejected_right"] = f"{status}: {message}"
    leaks = leaked(answer.exercise, message)
    if leaks:
        bad["leak"] = f"{leaks} in: {message}"
    return bad, status, message


@pytest.mark.parametrize("answer", ANSWERS, ids=[a.name for a in ANSWERS])
def test_adversarial_answer(answer):
    bad, status, message = outcome(answer)
    bad = {k: v for k, v in bad.items() if k != "generic"}  # a generic message is allowed, up to the share checked below
    assert not bad, f"{answer.exercise} ({answer.verdict}: {answer.why}): {bad}"


def test_generic_share():
    """At most 20% of the wrong answers get only the generic message."""
    wrong = [a for a in ANSWERS if a.verdict == "wrong"]
    generic = [a for a in wrong if "generic" in outcome(a)[0]]
    share = len(generic) / max(len(wrong), 1)
    listing = "\n".join(f"  {a.exercise}: {a.why}" for a in generic)
    assert share <= MAX_GENERIC_SHARE, f"{len(generic)} of {len(wrong)} wrong answers ({share:.0%}) got a generic message:\n{listing}"


def _notebook_of(exercise_id):
    return f"nb{int(exercise_id.split('.')[0]):02d}"


@pytest.mark.parametrize("ex", E.all_exercises(), ids=lambda ex: ex.id)
def test_every_checked_exercise_has_an_adversarial_set(ex):
    modules = {a.module for a in ANSWERS}
    if _notebook_of(ex.id) not in modules:
        pytest.skip(f"tests/adversarial_answers/{_notebook_of(ex.id)}.py is not written yet")
    counts = Counter(a.verdict for a in ANSWERS if a.exercise == ex.id)
    assert counts["wrong"] >= 5 and counts["right"] >= 2, f"{ex.id}: {dict(counts)}"


def test_answers_name_known_exercises():
    known = {ex.id for ex in E.all_exercises()}
    assert {a.exercise for a in ANSWERS} <= known


def report():
    """Counts per exercise and in total: accepted-wrong, rejected-right, exceptions, generic share, leaks."""
    rows = defaultdict(Counter)
    details = []
    for a in ANSWERS:
        bad, status, message = outcome(a)
        row = rows[a.exercise]
        row[a.verdict] += 1
        for key in bad:
            row[key] += 1
            details.append(f"{a.exercise} [{key}] {a.why}\n      -> {bad[key]}")
    keys = ("wrong", "right", "accepted_wrong", "not_called_wrong", "rejected_right", "exception", "generic", "leak", "missing_phrase")
    print("exercise " + " ".join(f"{k:>16}" for k in keys))
    total = Counter()
    for ex_id in sorted(rows, key=lambda s: tuple(int(p) for p in s.split("."))):
        total.update(rows[ex_id])
        print(f"{ex_id:>8} " + " ".join(f"{rows[ex_id][k]:>16}" for k in keys))
    print(f"{'total':>8} " + " ".join(f"{total[k]:>16}" for k in keys))
    rejected = total["wrong"] - total["accepted_wrong"]
    print(f"generic share of the wrong answers: {total['generic']}/{total['wrong']} = {total['generic'] / max(total['wrong'], 1):.0%}"
          f" (of those rejected: {total['generic']}/{rejected})")
    return details


if __name__ == "__main__":
    import sys

    details = report()
    if "-v" in sys.argv:
        print("\n".join(details))
