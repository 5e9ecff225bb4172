"""Exercises that check themselves: ``check``, ``hint`` and ``solution``.

Imported on use (``import emlib`` does not load it)::

    from emlib.exercises import check, hint, solution

    def responsibilities(X, params):
        ...  # your code here

    check("4.1", responsibilities)   # not attempted yet / correct / wrong, with a specific hint
    hint("4.1")                      # the next hint, one level at a time; never the answer
    solution("4.1")                  # the reference solution, only when asked

Each notebook's exercises live in a module of their own (``emlib.exercises.nb04``
for exercises "4.x"), loaded when one of its exercises is first asked for.

A check runs the student's function on fresh, seeded test cases (or compares a
value computed from the notebook's data) against a reference computed with
emlib. It reports one of three outcomes and never prints the reference answer:

- **not attempted yet**: the answer is still ``...`` (or ``None``), or the
  function returns ``...``/``None`` or raises ``NotImplementedError``;
- **correct**;
- **wrong**, with the most specific hint it can find: a known mistake that the
  answer reproduces ("you used 1/(N_k - 1)"), then a property that fails
  ("rows of your responsibilities sum to 1.37, not 1"), then a shape or a
  generic "differs in test case 2".
"""
from __future__ import annotations

import importlib
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import numpy as np

__all__ = ["check", "hint", "solution", "evaluate", "Exercise", "CheckResult", "register", "get", "all_exercises", "describe_mismatch"]

NOT_ATTEMPTED = "not attempted yet"
CORRECT = "correct"
WRONG = "wrong"


class CheckResult(NamedTuple):
    """The outcome of :func:`evaluate`: ``status`` is one of ``"not attempted yet"``, ``"correct"``, ``"wrong"``."""

    exercise: str
    status: str
    message: str

    def __str__(self):
        mark = {CORRECT: "✓", WRONG: "✗", NOT_ATTEMPTED: "…"}[self.status]
        return f"{mark} Exercise {self.exercise}: {self.status}. {self.message}".rstrip()


@dataclass
class Exercise:
    """One checked exercise.

    Parameters
    ----------
    id : str, "notebook.number", e.g. "4.1"
    title : str
    kind : "function" (the student writes a function) or "value" (a number or array)
    reference : callable
        For "function": ``reference(*case)`` returns the expected output of one test case.
        For "value": ``reference()`` returns the expected value.
    cases : callable, ``cases(rng) -> list of argument tuples`` (functions only)
    mistakes : list of (callable, str)
        Plausible wrong answers and the hint to give when the answer reproduces one.
        Same signature as ``reference``. Tests check that each one is caught with its hint.
    diagnose : callable or None
        ``diagnose(got, expected, case) -> str or None``: a specific hint from a property
        of a wrong answer (rows that do not sum to 1, a negative variance, ...).
    hints : tuple of str, graded hints, the last the most explicit; none gives the answer
    solution : str, the reference solution's source as a student would write it
    rtol, atol : float, the tolerance of "the same number"
    seed : int, seeds the test cases
    """

    id: str
    title: str
    kind: str
    reference: Callable
    cases: Callable | None = None
    mistakes: list = field(default_factory=list)
    diagnose: Callable | None = None
    hints: tuple = ()
    solution: str = ""
    rtol: float = 1e-6
    atol: float = 1e-9
    seed: int = 0

    def __post_init__(self):
        if self.kind not in ("function", "value"):
            raise ValueError(f"kind must be 'function' or 'value', got {self.kind!r}")
        if self.kind == "function" and self.cases is None:
            raise ValueError(f"exercise {self.id}: a function exercise needs cases")

    def test_cases(self):
        """The seeded argument tuples (empty for a value exercise)."""
        if self.kind == "value":
            return [()]
        return list(self.cases(np.random.default_rng(self.seed)))


_REGISTRY: dict[str, Exercise] = {}
_HINTS_GIVEN: dict[str, int] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (called by the ``nbXX`` modules on import)."""
    _REGISTRY[exercise.id] = exercise
    return exercise


def _module_for(exercise_id):
    try:
        number = int(str(exercise_id).split(".")[0])
    except ValueError:
        raise ValueError(f"exercise must look like '4.1', got {exercise_id!r}") from None
    return f"{__name__}.nb{number:02d}"


def get(exercise_id) -> Exercise:
    """The :class:`Exercise` with this id, loading its notebook's module on first use."""
    exercise_id = str(exercise_id)
    if exercise_id not in _REGISTRY:
        try:
            importlib.import_module(_module_for(exercise_id))
        except ModuleNotFoundError as exc:
            if exc.name != _module_for(exercise_id):
                raise
    if exercise_id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY, key=_sort_key)) or "none loaded"
        raise ValueError(f"no checked exercise {exercise_id!r} (known: {known})")
    return _REGISTRY[exercise_id]


def _sort_key(exercise_id):
    return tuple(int(p) for p in exercise_id.split("."))


def all_exercises():
    """Every checked exercise of every notebook module, in order."""
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("nb"):
            importlib.import_module(f"{__name__}.{info.name}")
    return [_REGISTRY[k] for k in sorted(_REGISTRY, key=_sort_key)]


# ---------------------------------------------------------------- comparing
def _is_stub(value):
    return value is None or value is Ellipsis


def _as_tuple(value):
    """Several returned values: a tuple, or a list of them (only used where the reference returns a tuple)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _close(got, expected, rtol, atol):
    """True if got matches expected (arrays, scalars, tuples of them)."""
    if isinstance(expected, tuple):
        got_t = _as_tuple(got)
        return len(got_t) == len(expected) and all(_close(g, e, rtol, atol) for g, e in zip(got_t, expected))
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    e = np.asarray(expected, dtype=float)
    return g.shape == e.shape and bool(np.all(np.isfinite(g) == np.isfinite(e))) and bool(np.allclose(g, e, rtol=rtol, atol=atol))


def describe_mismatch(got, expected, what="your answer"):
    """A hint about type, shape or NaN from comparing ``got`` with ``expected``, or None.

    Never states the expected values, only their shape and type.
    """
    if isinstance(expected, tuple):
        got_t = _as_tuple(got)
        if len(got_t) != len(expected):
            return f"{what} should return {len(expected)} values, it returned {len(got_t)}"
        for i, (g, e) in enumerate(zip(got_t, expected)):
            msg = describe_mismatch(g, e, f"value {i + 1} of {what}")
            if msg:
                return msg
        return None
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{what} is a {type(got).__name__}, expected numbers"
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        if g.ndim == 2 and g.shape[::-1] == e.shape:
            return f"{what} has shape {g.shape}, expected {e.shape}: transposed?"
        return f"{what} has shape {g.shape}, expected {e.shape}"
    if np.any(np.isnan(g)):
        return f"{what} contains NaN: a log of 0, or 0/0?"
    return None


def evaluate(exercise_id, answer) -> CheckResult:
    """Check an answer without printing; see :func:`check`."""
    ex = get(exercise_id)

    def result(status, message=""):
        return CheckResult(ex.id, status, message)

    if _is_stub(answer):
        return result(NOT_ATTEMPTED, "Replace the `...` with your code, then run this cell again.")
    cases = ex.test_cases()
    for i, case in enumerate(cases, 1):
        where = f" (test case {i} of {len(cases)})" if len(cases) > 1 else ""
        expected = ex.reference(*case)
        if ex.kind == "function":
            if not callable(answer):
                return result(WRONG, f"pass your function itself, not {type(answer).__name__}")
            try:
                with np.errstate(all="ignore"):
                    got = answer(*_copies(case))
            except NotImplementedError:
                return result(NOT_ATTEMPTED, "Your function still raises NotImplementedError.")
            except Exception as exc:  # a student's bug is reported, never raised into the notebook
                return result(WRONG, f"your function raised {type(exc).__name__}: {exc}{where}")
            if _is_stub(got):
                if i == 1:
                    return result(NOT_ATTEMPTED, "Your function returns nothing yet: fill in its body.")
                return result(WRONG, f"your function returned {got!r}{where}")
        else:
            got = answer
        if _close(got, expected, ex.rtol, ex.atol):
            continue
        for mistake, message in ex.mistakes:
            if _close(got, mistake(*case), ex.rtol, ex.atol):
                return result(WRONG, message + where)
        msg = describe_mismatch(got, expected)
        if (msg is None or "NaN" in msg) and ex.diagnose is not None:
            try:
                with np.errstate(all="ignore"):
                    msg = ex.diagnose(got, expected, case) or msg
            except Exception:  # a diagnosis is a courtesy: an odd answer must not break the check
                pass
        if msg is None:
            msg = "the values differ from the reference. `hint(\"%s\")` may help." % ex.id
        return result(WRONG, msg + where)
    n = f" on {len(cases)} fresh test cases" if ex.kind == "function" and len(cases) > 1 else ""
    return result(CORRECT, f"Your answer agrees with the reference{n}.")


def _copies(case):
    """Copies of array arguments, so a student's function cannot change the reference's inputs."""
    return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case)


def check(exercise_id, answer):
    """Check an answer and print the outcome: not attempted yet, correct, or wrong with a hint."""
    print(evaluate(exercise_id, answer))


def hint(exercise_id, level=None):
    """Print a hint. Each call without ``level`` gives the next, more explicit one."""
    ex = get(exercise_id)
    if not ex.hints:
        print(f"Exercise {ex.id} has no hints; try `solution({ex.id!r})`.")
        return
    if level is None:
        level = min(_HINTS_GIVEN.get(ex.id, 0) + 1, len(ex.hints))
    if not 1 <= level <= len(ex.hints):
        raise ValueError(f"level must be 1 to {len(ex.hints)} for exercise {ex.id}, got {level}")
    _HINTS_GIVEN[ex.id] = max(_HINTS_GIVEN.get(ex.id, 0), level)
    more = " (that is the last hint)" if level == len(ex.hints) else f" (call again for hint {level + 1})"
    print(f"Hint {level}/{len(ex.hints)} for exercise {ex.id}: {ex.hints[level - 1]}{more}")


def solution(exercise_id):
    """Print the reference solution. Only when asked: try the hints first."""
    ex = get(exercise_id)
    print(f"Solution to exercise {ex.id} ({ex.title}):\n")
    print(textwrap.dedent(ex.solution).strip())
