"""Exercises that check themselves: ``check``, ``hint`` and ``solution``.

Imported on use (``import emlib`` does not load it)::

    from emlib.exercises import check, hint, solution

    def responsibilities(X, params):
        ...  # your code here

    check("4.5", responsibilities)   # not attempted yet / correct / wrong, with a specific hint
    hint("4.5")                      # the next hint, one level at a time; never the answer
    solution("4.5")                  # the model answer, only when asked (every exercise, also check and derive)

Each notebook's checks live in a module of their own (``emlib.exercises.nb04``
for exercises "4.x"), loaded when one of its exercises is first asked for.

A check runs the student's function on fresh, seeded test cases (or compares a
value computed from the notebook's data) against a reference computed with
emlib. It reports one of three outcomes and never prints the reference answer:

- **not attempted yet**: the answer is still ``...`` (or ``None``), or the
  function is still the stub (its body is ``...``, ``pass`` or
  ``raise NotImplementedError``);
- **correct**;
- **wrong**, with the most specific hint it can find: a broken contract (an
  exception, a time-out, a changed input, ``None`` returned, a string or a
  complex number, the wrong shape), a known mistake that the answer reproduces
  on every test case, then a property that fails ("a row of your
  responsibilities sums to 1.37, not 1"), then where the difference lies (which
  test case, which returned value), and only then "the values differ from the
  reference".

Nothing an answer does can corrupt a check: each test case is a fresh deep copy
(NamedTuples included), the references and the known mistakes are computed
before the answer runs, the answer's exceptions (``SystemExit`` included) are
reported, not raised, and a check stops an answer after ``TIME_LIMIT`` seconds.
``check``, ``hint`` and ``solution`` never raise into the notebook (only
``KeyboardInterrupt`` interrupts); misuse gets a sentence.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import difflib
import importlib
import inspect
import json
import linecache
import pathlib
import re
import signal
import sys
import textwrap
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import numpy as np

__all__ = ["check", "hint", "solution", "evaluate", "Exercise", "CheckResult", "register", "get", "all_exercises",
           "describe_mismatch", "fmt", "tolerance"]

NOT_ATTEMPTED = "not attempted yet"
CORRECT = "correct"
WRONG = "wrong"
NOT_CHECKED = "not checked"
#: The only message that says nothing specific; tests/test_exercises_adversarial.py counts it.
GENERIC = "the values differ from the reference"
#: Seconds an answer may run, summed over the test cases of one check.
TIME_LIMIT = 10.0

_EXERCISES_DIR = str(pathlib.Path(__file__).resolve().parent)
_EMLIB_DIR = str(pathlib.Path(__file__).resolve().parent.parent)


class CheckResult(NamedTuple):
    """The outcome of :func:`evaluate`: ``status`` is ``"not attempted yet"``, ``"correct"``, ``"wrong"``
    or ``"not checked"`` (misuse: an unknown exercise, no answer passed)."""

    exercise: str
    status: str
    message: str

    def __str__(self):
        mark = {CORRECT: "✓", WRONG: "✗", NOT_ATTEMPTED: "…", NOT_CHECKED: "?"}.get(self.status, "?")
        return f"{mark} Exercise {self.exercise}: {self.status}. {self.message}".rstrip()


@dataclass
class Exercise:
    """One checked exercise.

    Parameters
    ----------
    id : str, "notebook.number", e.g. "4.5"
    title : str
    kind : "function" (the student writes a function) or "value" (a number or array)
    reference : callable
        For "function": ``reference(*case)`` returns the expected output of one test case.
        For "value": ``reference()`` returns the expected value.
    cases : callable, ``cases(rng) -> list of argument tuples`` (functions only)
    mistakes : list of (callable, str)
        Plausible wrong answers and the hint to give when the answer reproduces one on every
        test case. Same signature as ``reference``. No two may coincide on a test case.
    diagnose : callable or None
        ``diagnose(got, expected, case) -> str or None``: a specific hint from a property of a
        wrong answer (rows that do not sum to 1, a negative variance, ...). ``got`` has been
        checked for type and shape: an array (float32 stays float32, integers become float64),
        or a tuple of them where the reference returns a tuple. It is called on each failing
        case in turn; the first hint wins. A diagnose with a fourth parameter,
        ``diagnose(got, expected, case, ask)``, may also probe the answer: ``ask(*args)`` runs it
        on other arguments (safely, within the time limit) and returns its output read the same
        way, or None if that fails. Every hint must be true of the answer, and none may print a
        number of the reference answer.
    hints : tuple of str, graded hints, the last the most explicit; none gives the answer
    solution : str, the reference solution's source as a student would write it
    rtol, atol : float, the tolerance of "the same number" (in float64; a float32 answer gets
        the tolerance of float32)
    seed : int, seeds the test cases
    alternatives : list of (callable, str)
        Other answers that are also right (another valid convention), accepted when the answer
        reproduces one on every test case; the str is a note printed with "correct".
    forbidden : tuple of str
        What the answer may not call: ``"emlib.e_step"`` (a function), or ``"emlib"`` (the whole
        library). Those functions are unavailable while the answer runs, and any call is reported.
    returns : str, what the function returns, for messages, e.g. "the pair (sigma2_ML, s2)"
    describe : callable or None, ``describe(case) -> str``: what a test case is, e.g.
        "N = 12, K = 2, D = 2, one point far from every component" (default: the shapes)
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
    alternatives: list = field(default_factory=list)
    forbidden: tuple = ()
    returns: str = ""
    describe: Callable | None = None

    def __post_init__(self):
        if self.kind not in ("function", "value"):
            raise ValueError(f"kind must be 'function' or 'value', got {self.kind!r}")
        if self.kind == "function" and self.cases is None:
            raise ValueError(f"exercise {self.id}: a function exercise needs cases")

    def test_cases(self):
        """The seeded argument tuples (``[()]`` for a value exercise): fresh copies on every call."""
        if self.kind == "value":
            return [()]
        key = (self.cases, self.seed)
        if getattr(self, "_cached_key", None) != key:
            self._cached = list(self.cases(np.random.default_rng(self.seed)))
            self._cached_key = key
        return copy.deepcopy(self._cached)


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
    """The :class:`Exercise` with this id, loading its notebook's module on first use.

    Raises ValueError for an id without a check (the printing functions turn that into a sentence).
    """
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


# ---------------------------------------------------------------- the notebooks' exercises
_HEADING = re.compile(r"^###\s+Exercise\s+(\d+\.\d+)\s+\((check|derive|implement)\):\s*(.*)$", re.M)
_NB_CACHE: dict = {}


def _notebook_dirs():
    """Where the full edition's notebooks may be: next to the package (a checkout), then near the cwd."""
    here = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
    cwd = pathlib.Path.cwd()
    return [d for d in (here, cwd, cwd.parent / "notebooks", cwd / "notebooks") if d.is_dir()]


def _parse_notebook(path):
    """{id: {"level", "title", "solution", "notebook"}} from the headings and the solution cells."""
    key = (str(path), path.stat().st_mtime_ns)
    if key in _NB_CACHE:
        return _NB_CACHE[key]
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    found, current = {}, None
    for cell in cells:
        src = "".join(cell.get("source", []))
        if cell.get("cell_type") != "markdown":
            continue
        m = _HEADING.search(src)
        if m:
            current = m.group(1)
            found[current] = {"level": m.group(2), "title": m.group(3).strip(), "solution": None, "notebook": path.name}
            continue
        if src.startswith("## "):
            current = None
        tags = cell.get("metadata", {}).get("tags", [])
        if current and "solution" in tags and "<details>" in src and found[current]["solution"] is None:
            text = re.sub(r"</?details>|<summary>.*?</summary>", "", src, flags=re.S).strip()
            found[current]["solution"] = text
    _NB_CACHE[key] = found
    return found


def _notebook_exercises():
    """Every exercise that a notebook heading announces, with its model answer where one is found."""
    out = {}
    bundled = pathlib.Path(__file__).with_name("model_answers.json")  # the student edition's zip ships them here
    if bundled.is_file():
        try:
            out.update(json.loads(bundled.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    for d in _notebook_dirs():
        for path in sorted(d.glob("[0-9][0-9]_*.ipynb")):
            try:
                parsed = _parse_notebook(path)
            except (OSError, ValueError):
                continue
            for ex_id, info in parsed.items():
                if ex_id not in out or (out[ex_id]["solution"] is None and info["solution"] is not None):
                    out[ex_id] = info
    return out


def _known_ids():
    checked = {ex.id for ex in all_exercises()}
    return checked, set(_notebook_exercises()) | checked


def _resolve(exercise_id):
    """(Exercise or None, normalised id, message or None) for what the user typed."""
    raw = exercise_id
    if isinstance(exercise_id, float):
        exercise_id = repr(exercise_id)
    exercise_id = str(exercise_id).strip()
    if re.fullmatch(r"\d+\.\d+", exercise_id):
        try:
            return get(exercise_id), exercise_id, None
        except ValueError:
            pass
    checked, known = _known_ids()
    if exercise_id in known:
        info = _notebook_exercises().get(exercise_id, {})
        level = f" ({info['level']})" if info.get("level") else ""
        return None, exercise_id, (f"exercise {exercise_id}{level} has no automatic check: answer it in words or on paper, "
                                   f"then compare with `solution({exercise_id!r})`.")
    guess = re.sub(r"[,;: _-]+", ".", exercise_id.strip(" .'\"")).strip(".")
    guess = re.sub(r"^(?:exercise|ex)\.?", "", guess, flags=re.I).strip(".")
    suggestion = guess if guess in known else (difflib.get_close_matches(exercise_id, sorted(known), n=1) or [None])[0]
    did_you_mean = f" Did you mean {suggestion!r}?" if suggestion else ""
    listing = ", ".join(sorted(checked, key=_sort_key))
    return None, str(raw), (f"there is no exercise {raw!r}.{did_you_mean} Exercises are named like '4.5' "
                            f"(notebook 4, exercise 5); those with a check: {listing}.")


# ---------------------------------------------------------------- formatting numbers
def fmt(value, other=None, digits=3):
    """``value`` with ``digits`` significant digits, or more until it differs from ``other`` as printed."""
    value = float(value)
    if other is None or not np.isfinite(value) or not np.isfinite(float(other)) or value == float(other):
        return f"{value:.{digits}g}"
    for d in range(digits, 18):
        a, b = f"{value:.{d}g}", f"{float(other):.{d}g}"
        if a != b:
            return a
    return repr(value)


def tolerance(got):
    """The relative tolerance a property of ``got`` can be checked to: 1e-8 in float64, 1e-4 in float32."""
    dtypes = [np.asarray(g).dtype for g in (got if isinstance(got, tuple) else (got,))]
    return 1e-4 if any(d == np.float32 for d in dtypes) else 1e-8


# ---------------------------------------------------------------- reading an answer
class _Bad(Exception):
    """A returned value that cannot be compared; the message says why."""


def _short(value, n=40):
    text = repr(value)
    return text if len(text) <= n else text[: n - 3] + "..."


def _as_numbers(value, expected, what):
    """``value`` as an ndarray comparable with ``expected`` (float32 stays float32), or _Bad."""
    if value is None or value is Ellipsis:
        raise _Bad(f"{what} is {value!r}: is a `return` missing?")
    if isinstance(value, (str, bytes)):
        raise _Bad(f"{what} is a string: return the number itself, not its text (float(...) of a number, never str or f-strings)")
    if isinstance(value, dict):
        raise _Bad(f"{what} is a dict: return the numbers themselves")
    if isinstance(value, (set, frozenset)):
        raise _Bad(f"{what} is a set, which has no order: return an array")
    if callable(value) and not isinstance(value, np.ndarray):
        raise _Bad(f"{what} is a function ({getattr(value, '__name__', type(value).__name__)}): call it and return its result")
    e = np.asarray(expected)
    if isinstance(value, tuple) and what == "your answer" and e.ndim >= 1 and len(value) != e.shape[0]:
        raise _Bad(f"your function returned {len(value)} values (a tuple); return one array of shape {e.shape}")
    try:
        with np.errstate(all="ignore"):
            arr = np.asarray(value)
    except Exception as exc:  # a ragged list, an object whose __array__ raises, ...
        raise _Bad(f"{what} cannot be read as an array of numbers ({type(exc).__name__}: {exc})") from None
    if arr.dtype.kind == "O":
        flat = list(arr.ravel())
        if any(isinstance(v, (str, bytes)) for v in flat):
            raise _Bad(f"{what} contains strings: return numbers")
        if any(isinstance(v, (complex, np.complexfloating)) for v in flat):
            raise _Bad(f"{what} contains complex numbers: return real numbers (a log or a square root of a negative number?)")
        if any(v is None for v in flat):
            raise _Bad(f"{what} contains None: is a `return` missing somewhere?")
        try:
            arr = arr.astype(float)
        except OverflowError:
            raise _Bad(f"{what} contains an integer too large for a float (about 1.8e308 at most): a placeholder?") from None
        except (TypeError, ValueError) as exc:
            raise _Bad(f"{what} is not an array of numbers ({exc})") from None
    if arr.dtype.kind in "USa":
        raise _Bad(f"{what} is made of strings (text, dtype {arr.dtype}): return numbers")
    if arr.dtype.kind == "c":
        raise _Bad(f"{what} is complex ({arr.dtype}): the check does not drop an imaginary part for you; "
                   "a log or a square root of a negative number? Work with real numbers (np.log, np.sqrt of positive values)")
    if arr.dtype.kind == "b" and e.dtype.kind != "b":
        raise _Bad(f"{what} is True/False (bool); expected numbers")
    if arr.dtype.kind not in "biuf":
        raise _Bad(f"{what} has dtype {arr.dtype}; expected numbers")
    if arr.dtype.kind in "biu" or arr.dtype == np.longdouble:
        arr = arr.astype(float)
    if arr.dtype == np.float16:
        raise _Bad(f"{what} is float16, too coarse to check (3 significant digits): compute in float64")
    if arr.shape != e.shape:
        if e.size == 1 and arr.size == 1:  # a number for a 1 x 1 matrix (np.cov with D = 1), or the other way round
            return arr.reshape(e.shape)
        if arr.ndim == 2 and arr.shape[::-1] == e.shape:
            raise _Bad(f"{what} has shape {arr.shape}, expected {e.shape}: transposed?")
        if e.ndim == 0:
            raise _Bad(f"{what} is an array of shape {arr.shape}; expected a single number")
        raise _Bad(f"{what} has shape {arr.shape}, expected {e.shape}")
    return arr


def _value_names(returns):
    """["sigma2_ML", "s2"] from "the pair (sigma2_ML, s2)"; [] if there is no parenthesis."""
    m = re.search(r"\(([^()]*)\)", returns or "")
    return [p.strip().split(" ")[0] for p in m.group(1).split(",")] if m else []


def _read(got, expected, returns=""):
    """The answer as an array, or a tuple of arrays where the reference returns a tuple; or _Bad."""
    if not isinstance(expected, tuple):
        return _as_numbers(got, expected, "your answer")
    n = len(expected)
    what = f": return {returns}" if returns else f": return {n} values, as a tuple"
    if isinstance(got, (tuple, list)) or (isinstance(got, Sequence) and not isinstance(got, (str, bytes))):
        parts = list(got)
    elif isinstance(got, np.ndarray) and got.ndim >= 1:
        parts = list(got)
    elif isinstance(got, dict):
        raise _Bad(f"your function returned a dict{what}")
    elif got is None or got is Ellipsis:
        raise _Bad(f"your function returned {got!r}: is a `return` missing?")
    else:
        raise _Bad(f"your function returned one {type(got).__name__}, not {n} values{what}")
    if len(parts) != n:
        raise _Bad(f"your function returned {len(parts)} values, not {n}{what}")
    names = _value_names(returns)
    out = []
    for i, (g, e) in enumerate(zip(parts, expected)):
        label = f"`{names[i]}` (value {i + 1} of {n})" if len(names) == n else f"value {i + 1} of {n}"
        out.append(_as_numbers(g, e, label))
    return tuple(out)


def _close(got, expected, rtol, atol):
    """True if a read answer (array or tuple of arrays) matches ``expected``; float32 within float32 rounding."""
    if isinstance(expected, tuple):
        return isinstance(got, tuple) and len(got) == len(expected) and all(_close(g, e, rtol, atol) for g, e in zip(got, expected))
    try:
        g = np.asarray(got)
        if g.dtype.kind not in "biuf":
            return False
        e = np.asarray(expected, dtype=float)
        g = g if g.dtype == np.float32 else g.astype(float)
    except (TypeError, ValueError):
        return False
    if g.shape != e.shape:
        return False
    fin = np.isfinite(e)
    if not np.array_equal(np.isfinite(g), fin) or not np.array_equal(g[~fin].astype(float), e[~fin], equal_nan=True):
        return False
    if g.dtype == np.float32 and (rtol > 0 or atol > 0):
        scale = float(np.max(np.abs(e[fin]), initial=0.0))
        rtol, atol = max(rtol, 1e-4), max(atol, 1e-4 * scale, 1e-30)
    with np.errstate(all="ignore"):
        return bool(np.allclose(g[fin].astype(float), e[fin], rtol=rtol, atol=atol))


def describe_mismatch(got, expected, what="your answer"):
    """A hint about type, shape or NaN from comparing ``got`` with ``expected``, or None.

    Never states the expected values, only their shape and type.
    """
    try:
        g = _read(got, expected) if isinstance(expected, tuple) else _as_numbers(got, expected, what)
    except _Bad as bad:
        return str(bad)
    for part in (g if isinstance(g, tuple) else (g,)):
        if np.any(np.isnan(part)):
            return f"{what} contains NaN: a log of 0, or 0/0?"
    return None


def _is_stub(value):
    return value is None or value is Ellipsis


def _is_stub_function(f):
    """True for a function whose body is still ``...``, ``pass``, a docstring or ``raise NotImplementedError``.

    A stub may first unpack its arguments, as the notebooks' templates do (``alpha, beta, m, W_inv, nu = post``,
    ``N, D = X.shape``): assignments whose value only names an argument or reads one of its attributes.
    """
    code = getattr(f, "__code__", None)
    if code is None:
        return False
    n_args = code.co_argcount + code.co_kwonlyargcount + bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)
    if set(code.co_names) <= {"NotImplementedError"} and code.co_nlocals <= n_args:
        return True
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(f)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return False
    fn = tree.body[0] if tree.body else None
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    args = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
    args |= {a.arg for a in (fn.args.vararg, fn.args.kwarg) if a is not None}

    def reads_argument(node):
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id in args

    def placeholder(stmt):
        if isinstance(stmt, ast.Pass):
            return True
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            return stmt.value.value is Ellipsis or isinstance(stmt.value.value, str)
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
        return False

    body = fn.body
    if not body or not placeholder(body[-1]):
        return False
    return all(placeholder(stmt) or (isinstance(stmt, ast.Assign) and reads_argument(stmt.value)) for stmt in body)


# ---------------------------------------------------------------- running an answer safely
class _TimeUp(BaseException):
    """Raised inside an answer that has run out of time (a BaseException: ``except Exception`` does not stop it)."""


class _ForbiddenCall(RuntimeError):
    pass


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise _TimeUp inside the block after ``seconds``: SIGALRM in the main thread, a trace function elsewhere."""
    if seconds is None or not np.isfinite(seconds):
        yield
        return
    seconds = max(float(seconds), 0.01)
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        state = {"active": True}

        def on_alarm(signum, frame):
            if state["active"]:
                signal.setitimer(signal.ITIMER_REAL, 0.2)  # again, if the answer swallows it with a bare except
                raise _TimeUp

        started = time.monotonic()
        outer_delay, _ = signal.getitimer(signal.ITIMER_REAL)
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            while True:  # a late alarm may interrupt this very block; it does nothing once inactive
                try:
                    state["active"] = False
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
                    if outer_delay > 0:  # someone else's timer (pytest-timeout, ...) keeps running
                        signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - started), 0.001))
                    break
                except _TimeUp:
                    continue
    else:  # not the main thread: a trace function checks the clock on every line of Python
        end = time.monotonic() + seconds

        def tracer(frame, event, arg):
            if time.monotonic() > end:
                raise _TimeUp
            return tracer

        old = sys.gettrace()
        sys.settrace(tracer)
        try:
            yield
        finally:
            sys.settrace(old)


def _forbidden_targets(names):
    """[(qualified name, function)] for the dotted names; "emlib" alone stands for the whole library."""
    out = []
    for name in names:
        if name == "emlib":
            continue
        module_name, _, attr = name.rpartition(".")
        try:
            obj = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError):
            continue
        out.append((name, obj))
    return out


@contextlib.contextmanager
def _forbid(names, answer, hits):
    """Make the forbidden functions unavailable while the answer runs, and record every call of them."""
    if not names:
        yield
        return
    whole = "emlib" in names
    targets = _forbidden_targets(names)
    codes = {getattr(fn, "__code__", None): name for name, fn in targets}

    def blocked(name):
        def stand_in(*args, **kwargs):
            hits.append(name)
            raise _ForbiddenCall(f"{name} is not available in this exercise: write that part yourself")
        return stand_in

    # replace every reference to a target in emlib's modules and in the answer's globals
    patched = []
    spaces = [vars(m) for n, m in list(sys.modules.items()) if m is not None and (n == "emlib" or n.startswith("emlib."))
              and not n.startswith(__name__)]
    spaces.append(getattr(answer, "__globals__", {}))
    for space in spaces:
        for key, val in list(space.items()):
            for name, fn in targets:
                if val is fn:
                    patched.append((space, key, val))
                    space[key] = blocked(name)

    def profiler(frame, event, arg):
        if event == "call":
            code = frame.f_code
            if code in codes:
                hits.append(codes[code])
            elif whole and code.co_filename.startswith(_EMLIB_DIR) and not code.co_filename.startswith(_EXERCISES_DIR):
                if not code.co_name.startswith("_"):
                    module = pathlib.Path(code.co_filename).stem
                    hits.append(f"emlib.{code.co_name}" if module != "__init__" else "emlib")

    old = sys.getprofile()
    sys.setprofile(profiler)
    try:
        yield
    finally:
        sys.setprofile(old)
        for space, key, val in reversed(patched):
            space[key] = val


class _Run(NamedTuple):
    """What one call of the answer did: kind is "ok", "raised", "timeout", "exit"."""

    kind: str
    value: Any = None
    exc: BaseException | None = None
    where: str = ""


def _where(exc, answer):
    """"line 5: return x / 0" for the last line of the student's code in the traceback, or ""."""
    code = getattr(answer, "__code__", None)
    if code is None or exc.__traceback__ is None:
        return ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == code.co_filename]
    if not frames:
        return ""
    f = frames[-1]
    line = (f.line or linecache.getline(f.filename, f.lineno)).strip()
    return f"line {f.lineno}: `{line}`" if line else f"line {f.lineno}"


def _call(answer, args, seconds):
    try:
        with _time_limit(seconds), np.errstate(all="ignore"):
            value = answer(*args)
        return _Run("ok", value)
    except KeyboardInterrupt:
        raise
    except _TimeUp:
        return _Run("timeout")
    except SystemExit as exc:
        return _Run("exit", exc=exc)
    except BaseException as exc:  # noqa: BLE001  a student's bug is reported, never raised into the notebook
        return _Run("raised", exc=exc, where=_where(exc, answer))


# ---------------------------------------------------------------- inputs an answer changed
def _changed(after, before):
    """None if ``after`` equals ``before`` (deep, exact, NaN equal to NaN), else the path to what changed ("" = the whole)."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or after.shape != before.shape or after.dtype != before.dtype:
            return ""
        try:
            same = np.array_equal(after, before, equal_nan=before.dtype.kind in "fc")
        except TypeError:
            same = np.array_equal(after, before)
        return None if same else ""
    if isinstance(before, tuple) and hasattr(before, "_fields"):
        for name in before._fields:
            sub = _changed(getattr(after, name, None), getattr(before, name))
            if sub is not None:
                return f".{name}{sub}"
        return None
    if isinstance(before, (tuple, list)):
        if type(after) is not type(before) or len(after) != len(before):
            return ""
        for i, (a, b) in enumerate(zip(after, before)):
            sub = _changed(a, b)
            if sub is not None:
                return f"[{i}]{sub}"
        return None
    if isinstance(before, dict):
        if not isinstance(after, dict) or after.keys() != before.keys():
            return ""
        for k in before:
            sub = _changed(after[k], before[k])
            if sub is not None:
                return f"[{k!r}]{sub}"
        return None
    try:
        if before != before and after != after:  # NaN
            return None
        return None if bool(after == before) else ""
    except Exception:  # noqa: BLE001  an odd object: compare identity
        return None if after is before else ""


def _arg_names(answer, reference, n):
    """The names of the n arguments: the student's own, else the reference's, else arg1, arg2, ..."""
    for f in (answer, reference):
        try:
            params = [p for p in inspect.signature(f).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            continue
        if len(params) >= n:
            return [p.name for p in params[:n]]
    return [f"argument {i + 1}" for i in range(n)]


def _auto_describe(case, names):
    parts = []
    for name, a in zip(names, case):
        if isinstance(a, np.ndarray):
            parts.append(f"{name} of shape {a.shape}")
        elif isinstance(a, tuple) and hasattr(a, "_fields") and hasattr(a, "weights"):
            parts.append(f"{name} with K = {len(a.weights)}")
        elif isinstance(a, (bool, np.bool_)):
            parts.append(f"{name} = {a}")
        elif isinstance(a, (int, np.integer)):
            parts.append(f"{name} = {int(a)}")
        elif isinstance(a, (float, np.floating)):
            parts.append(f"{name} = {float(a):.3g}")
    return ", ".join(parts)


# ---------------------------------------------------------------- what is wrong: structure
def _parts(value):
    return list(value) if isinstance(value, tuple) else [value]


def _structural(ex, gots, exps, failing, describe):
    """A specific hint from the pattern of the differences, or None."""
    # which returned values differ (a tuple): "the weights and means are right; the covs differ"
    if isinstance(exps[0], tuple):
        n = len(exps[0])
        wrong = sorted({j for i in failing for j in range(n) if not _close(gots[i][j], exps[i][j], ex.rtol, ex.atol)})
        names = _value_names(ex.returns)
        label = (lambda j: f"`{names[j]}`") if len(names) == n else (lambda j: f"value {j + 1}")
        right = [label(j) for j in range(n) if j not in wrong]
        if wrong and right:
            return (f"{_join(right)} {'is' if len(right) == 1 else 'are'} right on every test case; "
                    f"{_join([label(j) for j in wrong])} {'differs' if len(wrong) == 1 else 'differ'}")
        for j in wrong:
            msg = _array_pattern([gots[i][j] for i in failing], [exps[i][j] for i in failing], ex)
            if msg:
                return f"{label(j)}: {msg}"
        return None
    return _array_pattern([gots[i] for i in failing], [exps[i] for i in failing], ex)


def _join(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _array_pattern(gs, es, ex):
    """Sign, a constant factor or offset, NaN, order, transposition, or which entries differ."""
    gs = [np.asarray(g, dtype=float) for g in gs]
    es = [np.asarray(e, dtype=float) for e in es]
    for g, e in zip(gs, es):
        if np.any(np.isnan(g)) and not np.any(np.isnan(e)):
            return "it contains NaN where the reference has numbers: a log of 0, 0/0, or inf - inf?"
        if np.any(np.isinf(g)) and np.all(np.isfinite(e)):
            return "it contains inf where the reference is finite: an overflow, a log of 0, or a division by 0?"
    if not all(np.all(np.isfinite(g)) and np.all(np.isfinite(e)) for g, e in zip(gs, es)):
        return None
    tol = dict(rtol=max(ex.rtol, 1e-6), atol=max(ex.atol, 1e-9))
    if all(np.allclose(g, -e, **tol) for g, e in zip(gs, es)) and not all(np.allclose(e, 0) for e in es):
        return "it has the wrong sign (it is minus the right value)"
    ratios = []
    for g, e in zip(gs, es):
        nz = np.abs(e) > 1e-12 * max(float(np.max(np.abs(e), initial=0)), 1e-300)
        if np.any(nz) and np.allclose(g[~nz], 0, atol=1e-12) and np.allclose(g[nz] / e[nz], (g[nz] / e[nz]).flat[0], rtol=1e-6):
            ratios.append(float((g[nz] / e[nz]).flat[0]))
        else:
            ratios = None
            break
    if ratios and (len(ratios) > 1 or es[0].size > 1):
        if np.allclose(ratios, ratios[0], rtol=1e-6):
            return f"it is {fmt(ratios[0], 1.0)} times the right value on every test case that fails: a factor is missing or extra"
        if es[0].size > 1:
            return "in each failing test case it is a constant multiple of the right answer (the factor varies with the case): a normalising factor?"
    diffs = [g - e for g, e in zip(gs, es)]
    if all(d.size > 1 for d in diffs) and all(np.allclose(d, d.flat[0], rtol=1e-6, atol=1e-9) for d in diffs):
        return "every entry is off by the same amount: a constant term (a log of a normaliser?) is missing or extra"
    if len(diffs) > 1 and all(d.size == 1 for d in diffs) and np.allclose([d.item() for d in diffs], diffs[0].item(), rtol=1e-6):
        return f"it is off by the same constant ({fmt(diffs[0].item())}) on every test case that fails: a constant term is missing or extra"
    for g, e in zip(gs, es):
        if g.size > 1 and np.allclose(np.sort(g, axis=None), np.sort(e, axis=None), **tol):
            return "it has the right numbers in the wrong places: check the order of the axes, of the components, or the indexing"
        if g.ndim >= 2 and g.shape[-1] == g.shape[-2] and np.allclose(np.swapaxes(g, -1, -2), e, **tol):
            return "it is the transpose of the right matrix"
    for g, e in zip(gs, es):
        if g.ndim >= 1 and g.shape[0] > 1:
            bad = [i for i in range(g.shape[0]) if not np.allclose(g[i], e[i], **tol)]
            if 0 < len(bad) < g.shape[0]:
                shown = ", ".join(str(i) for i in bad[:6]) + (", ..." if len(bad) > 6 else "")
                return (f"along its first axis it is right at {g.shape[0] - len(bad)} of {g.shape[0]} indices but not at "
                        f"index {shown}: a special case (a zero, an extreme point, the last index of a loop)?")
    return None


# ---------------------------------------------------------------- evaluating an answer
_MISSING = object()


def evaluate(exercise_id, answer=_MISSING, *, time_limit=None, enforce_forbidden=True) -> CheckResult:
    """Check an answer without printing; see :func:`check`. Never raises (except KeyboardInterrupt).

    ``time_limit`` overrides ``TIME_LIMIT``; ``enforce_forbidden=False`` lets the answer call what the
    exercise forbids (the tests use it to run the references and the known mistakes, written with emlib).
    """
    shown_id = str(exercise_id)
    try:
        ex, shown_id, problem = _resolve(exercise_id)
        if problem:
            return CheckResult(shown_id, NOT_CHECKED, problem)
        if answer is _MISSING:
            what = "your function" if ex.kind == "function" else "your value"
            return CheckResult(ex.id, NOT_CHECKED, f"pass {what} too: check({ex.id!r}, answer).")
        if _is_stub(answer):
            return CheckResult(ex.id, NOT_ATTEMPTED, "Replace the `...` with your code, then run this cell again.")
        limit = TIME_LIMIT if time_limit is None else time_limit
        if not enforce_forbidden:
            ex = copy.copy(ex)
            ex.forbidden = ()
        status, message = (_evaluate_function if ex.kind == "function" else _evaluate_value)(ex, answer, limit)
        if status == WRONG:
            message = _redact(ex, message)
        return CheckResult(ex.id, status, message)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001  the last guard: a check never raises into the notebook
        return CheckResult(shown_id, NOT_CHECKED, f"the check itself failed ({type(exc).__name__}: {exc}); "
                                                  "this is a bug in emlib.exercises, please report it.")


def _precompute(ex, cases):
    """The reference, the known mistakes and the alternatives on every case, before the answer can touch anything."""
    with np.errstate(all="ignore"):
        expected = [ex.reference(*copy.deepcopy(c)) for c in cases]

        def outputs(f):
            out = []
            for c in cases:
                try:
                    out.append(f(*copy.deepcopy(c)))
                except Exception:  # noqa: BLE001  a mistake undefined on a case matches nothing there
                    out.append(None)
            return out

        mistakes = [(outputs(f), msg) for f, msg in ex.mistakes]
        alternatives = [(outputs(f), note) for f, note in ex.alternatives]
    return expected, mistakes, alternatives


def _reproduces(gots, outs, expected, ex):
    """True if the answer equals these outputs (of a mistake or an alternative) on every test case."""
    return all(o is not None and _close(g, _expected_form(o, e), ex.rtol, ex.atol) for g, o, e in zip(gots, outs, expected))


def _reproduces_raw(raw, outs, ex):
    """True if the unread answers equal these outputs on every case, read against the outputs themselves."""
    try:
        return all(o is not None and _close(_read(g, _expected_form(o, o), ""), _expected_form(o, o), ex.rtol, ex.atol)
                   for g, o in zip(raw, outs))
    except _Bad:
        return False


def _expected_form(out, expected):
    """A mistake's output in the form of the reference (a tuple stays a tuple, a list becomes an array)."""
    if isinstance(expected, tuple):
        return tuple(out) if isinstance(out, (tuple, list)) else out
    return out


def _evaluate_function(ex, answer, limit):
    if not callable(answer):
        return WRONG, (f"pass your function itself, e.g. check({ex.id!r}, my_function), not its result "
                       f"(you passed a {type(answer).__name__})")
    cases = ex.test_cases()
    n = len(cases)
    pristine = [copy.deepcopy(c) for c in cases]
    expected, mistakes, alternatives = _precompute(ex, cases)
    names = _arg_names(answer, ex.reference, len(cases[0]))
    describe = ex.describe or (lambda case: _auto_describe(case, names))

    def where(i):
        try:
            text = describe(pristine[i])
        except Exception:  # noqa: BLE001
            text = ""
        return f"test case {i + 1} of {n}" + (f": {text}" if text else "")

    try:
        signature = inspect.signature(answer)
        signature.bind(*cases[0])
    except TypeError:
        wanted = ", ".join(_arg_names(lambda: None, ex.reference, len(cases[0])))
        return WRONG, f"your function takes ({', '.join(signature.parameters)}); the check calls it with {len(cases[0])} arguments ({wanted})"
    except ValueError:  # a builtin without a signature: just call it
        pass

    runs, hits, changed = [], [], []
    deadline = time.monotonic() + limit
    for i, case in enumerate(cases):
        args = copy.deepcopy(case)
        with _forbid(ex.forbidden, answer, hits):
            run = _call(answer, args, deadline - time.monotonic())
        runs.append(run)
        if run.kind == "ok":
            for name, a, b in zip(names, args, pristine[i]):
                path = _changed(a, b)
                if path is not None:
                    changed.append((i, name, path))
                    break
        if run.kind in ("timeout", "exit"):
            break

    # ---- broken contracts, most serious first
    if hits:
        allowed = "" if "emlib" in ex.forbidden else " (other emlib functions are fine unless the exercise says otherwise)"
        return WRONG, (f"your function calls {hits[0]}, which exercise {ex.id} asks you to write yourself{allowed}; "
                       f"the check runs your code with {_join(list(dict.fromkeys(ex.forbidden)))} unavailable")
    for i, run in enumerate(runs):
        if run.kind == "timeout":
            return WRONG, (f"your function did not finish within {limit:g} s ({where(i)}): an endless loop? "
                           "Check the condition that ends each loop")
        if run.kind == "exit":
            return WRONG, f"your function called sys.exit() (SystemExit) on {where(i)}: return the value instead"
    nie = [i for i, r in enumerate(runs) if r.kind == "raised" and isinstance(r.exc, NotImplementedError)]
    if nie and len(nie) == len(runs):
        return NOT_ATTEMPTED, "Your function still raises NotImplementedError."
    if nie:
        ok = [i + 1 for i in range(len(runs)) if i not in nie]
        return WRONG, (f"your function raises NotImplementedError on {where(nie[0])}, but not on test case"
                       f"{'s' if len(ok) > 1 else ''} {_join([str(k) for k in ok])}: partial work; it must handle every case")
    for i, run in enumerate(runs):
        if run.kind == "raised":
            at = f", at {run.where}" if run.where else ""
            return WRONG, f"your function raised {type(run.exc).__name__}: {run.exc} ({where(i)}{at})"
    stubs = [i for i, r in enumerate(runs) if _is_stub(r.value)]
    if stubs and len(stubs) == len(runs) and _is_stub_function(answer):
        return NOT_ATTEMPTED, "Your function returns nothing yet: fill in its body."
    if stubs:
        return WRONG, f"your function returned {runs[stubs[0]].value!r} ({where(stubs[0])}): is a `return` missing?"
    if changed:
        i, name, path = changed[0]
        if path.startswith("."):
            field_name = path[1:].split(".")[0].split("[")[0]
            return WRONG, (f"your function changed its input `{name}` (it wrote into `{name}.{field_name}`; {where(i)}): "
                           f"the notebooks reuse their parameters, so copy before writing (`w = {name}.{field_name}.copy()`) "
                           f"or build new arrays")
        return WRONG, (f"your function changed its input `{name}` ({where(i)}): the notebooks reuse their arrays, "
                       f"so work on a copy (`{name} = {name} - m`, not `{name} -= m`; `np.sort(...)`, not `.sort()`)")
    def ask(*args):
        """The answer on other arguments (for a diagnosis), read like its outputs; None if that fails."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        probe_hits = []
        with _forbid(ex.forbidden, answer, probe_hits):
            run = _call(answer, copy.deepcopy(args), remaining)
        if run.kind != "ok" or probe_hits:
            return None
        try:
            with np.errstate(all="ignore"):
                like = ex.reference(*copy.deepcopy(args))
            return _read(run.value, like, ex.returns)
        except Exception:  # noqa: BLE001  (_Bad included)
            return None

    try:  # reading an odd returned object (an endless __array__, ...) is bounded too
        with _time_limit(max(deadline - time.monotonic(), 0.0) + limit):
            return _judge(ex, [r.value for r in runs], expected, mistakes, alternatives, pristine, where, ask)
    except _TimeUp:
        return WRONG, f"reading and comparing what your function returned took more than {limit:g} s: return plain numbers or arrays"


def _evaluate_value(ex, answer, limit):
    cases = [()]
    expected, mistakes, alternatives = _precompute(ex, cases)
    if callable(answer) and not isinstance(answer, np.ndarray):
        return WRONG, f"exercise {ex.id} asks for a value, not a function: pass the result (you passed {getattr(answer, '__name__', 'a function')})"
    return _judge(ex, [answer], expected, mistakes, alternatives, cases, lambda i: "", None)


def _takes_ask(f):
    try:
        return len(inspect.signature(f).parameters) >= 4
    except (TypeError, ValueError):
        return False


def _judge(ex, raw, expected, mistakes, alternatives, cases, where, ask):
    """Compare the answer's outputs with the reference on every case; the most specific message."""
    suffix = lambda i: f" ({where(i)})" if where(i) else ""  # noqa: E731
    gots = []
    for i, (g, e) in enumerate(zip(raw, expected)):
        try:
            gots.append(_read(g, e, ex.returns))
        except _Bad as bad:
            for outs, message in mistakes:  # a known mistake of another shape or type (an (N, N) matrix, ...)
                if _reproduces_raw(raw, outs, ex):
                    return WRONG, message
            return WRONG, str(bad) + suffix(i)
    notes = []
    if any(np.asarray(p).dtype == np.float32 for g in gots for p in _parts(g)):
        notes.append("Your function computes in float32, so it was compared to float32 precision; compute in float64 for full precision.")
    failing = [i for i, (g, e) in enumerate(zip(gots, expected)) if not _close(g, e, ex.rtol, ex.atol)]
    n = len(expected)
    cases_text = f" on {n} fresh test cases" if ex.kind == "function" and n > 1 else ""
    if not failing:
        return CORRECT, " ".join([f"Your answer agrees with the reference{cases_text}."] + notes)
    for outs, note in alternatives:
        if _reproduces(gots, outs, expected, ex):
            return CORRECT, " ".join([f"Your answer agrees with an accepted alternative{cases_text}: {note}"] + notes)
    for outs, message in mistakes:
        if _reproduces(gots, outs, expected, ex):
            return WRONG, message
    note = (" " + notes[0]) if notes else ""
    if notes and all(_close(g, e, 1e-2, 0.0) for g, e in zip(gots, expected)):
        return WRONG, (f"your function computes in float32, and on {where(failing[0]) or 'this value'} it agrees with the reference "
                       "only to 2 or 3 digits: float32 keeps about 7 significant digits, and this case loses some to "
                       "cancellation or accumulation. Compute in float64 (the default of numpy)")
    if ex.diagnose is not None:
        for i in failing:
            try:
                with np.errstate(all="ignore"):
                    if ask is not None and _takes_ask(ex.diagnose):
                        msg = ex.diagnose(gots[i], expected[i], copy.deepcopy(cases[i]), ask)
                    else:
                        msg = ex.diagnose(gots[i], expected[i], copy.deepcopy(cases[i]))
            except Exception:  # noqa: BLE001  a diagnosis is a courtesy: an odd answer must not break the check
                msg = None
            if msg:
                right_on = [str(k + 1) for k in range(n) if k not in failing]
                also = f"; right on test case{'s' if len(right_on) > 1 else ''} {_join(right_on)}" if right_on and where(i) else ""
                return WRONG, msg + (f" ({where(i)}{also})" if where(i) else "") + note
    try:
        msg = _structural(ex, gots, expected, failing, where)
    except Exception:  # noqa: BLE001
        msg = None
    if msg:
        only = ""
        if ex.kind == "function" and len(failing) < n:
            only = f" (right on {n - len(failing)} of {n} test cases; wrong on {where(failing[0])})"
        elif ex.kind == "function":
            only = f" (on every test case; e.g. {where(failing[0])})" if n > 1 else suffix(failing[0])
        return WRONG, f"your answer: {msg}{only}{note}"
    if ex.kind == "function" and len(failing) < n:
        ok = [str(i + 1) for i in range(n) if i not in failing]
        return WRONG, (f"your answer is right on test case{'s' if len(ok) > 1 else ''} {_join(ok)} but not on "
                       f"{where(failing[0])}: what is special about that case?{note}")
    return WRONG, f"{GENERIC} ({where(failing[0]) or 'your value'}). `hint({ex.id!r})` may help.{note}"


def _flat_numbers(value):
    if isinstance(value, (tuple, list)):
        return [v for part in value for v in _flat_numbers(part)]
    try:
        return list(np.ravel(np.asarray(value, dtype=float)))
    except (TypeError, ValueError):
        return []


def _redact(ex, message):
    """Withhold any number in a message that is (to 3 digits) one of the reference's numbers."""
    try:
        cases = ex.test_cases()
        refs = [ex.reference(*copy.deepcopy(c)) for c in cases] if ex.kind == "function" else [ex.reference()]
    except Exception:  # noqa: BLE001
        return message
    secret = np.array([v for r in refs for v in _flat_numbers(r) if np.isfinite(v) and abs(v) > 1e-3 and not float(v).is_integer()])
    if secret.size == 0:
        return message

    def repl(m):
        x = float(m.group(0))
        return "(a number withheld: it is close to the answer)" if np.any(np.isclose(x, secret, rtol=1e-3, atol=0)) else m.group(0)

    return re.sub(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+", repl, message)


# ---------------------------------------------------------------- the printing API
def check(exercise_id=None, answer=_MISSING):
    """Check an answer and print the outcome: not attempted yet, correct, or wrong with a hint."""
    if exercise_id is None:
        print("? Call check with the exercise and your answer, e.g. check(\"4.5\", responsibilities).")
        return
    print(evaluate(exercise_id, answer))


def hint(exercise_id=None, level=None):
    """Print a hint. Each call without ``level`` gives the next, more explicit one."""
    try:
        _hint(exercise_id, level)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001
        print(f"? hint({exercise_id!r}) failed ({type(exc).__name__}: {exc}); this is a bug in emlib.exercises.")


def _hint(exercise_id, level):
    if exercise_id is None:
        print("? Say which exercise, e.g. hint(\"4.5\").")
        return
    ex, shown, problem = _resolve(exercise_id)
    if ex is None:
        if problem and problem.startswith("exercise "):
            print(f"Exercise {shown} has no graded hints; `solution({shown!r})` shows the model answer.")
        else:
            print(f"? {problem}")
        return
    if not ex.hints:
        print(f"Exercise {ex.id} has no hints; try `solution({ex.id!r})`.")
        return
    n = len(ex.hints)
    if level is None:
        level = min(_HINTS_GIVEN.get(ex.id, 0) + 1, n)
    elif isinstance(level, bool) or not isinstance(level, (int, np.integer)):
        print(f"? The hint level is a whole number from 1 to {n}, e.g. hint({ex.id!r}, 2); you gave {level!r}.")
        return
    if not 1 <= level <= n:
        print(f"? Exercise {ex.id} has hints 1 to {n}; you asked for hint {level}. hint({ex.id!r}) gives the next one.")
        return
    level = int(level)
    _HINTS_GIVEN[ex.id] = max(_HINTS_GIVEN.get(ex.id, 0), level)
    more = " (that is the last hint)" if level == n else f" (call again for hint {level + 1})"
    print(f"Hint {level}/{n} for exercise {ex.id}: {ex.hints[level - 1]}{more}")


def solution(exercise_id=None):
    """Print the model answer of any exercise (check, derive or implement). Only when asked: try the hints first."""
    try:
        _solution(exercise_id)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001
        print(f"? solution({exercise_id!r}) failed ({type(exc).__name__}: {exc}); this is a bug in emlib.exercises.")


def _solution(exercise_id):
    if exercise_id is None:
        print("? Say which exercise, e.g. solution(\"4.5\").")
        return
    ex, shown, problem = _resolve(exercise_id)
    if ex is None and not (problem and problem.startswith("exercise ")):
        print(f"? {problem}")
        return
    ex_id = ex.id if ex is not None else shown
    info = _notebook_exercises().get(ex_id, {})
    title = ex.title if ex is not None else info.get("title", "")
    print(f"Solution to exercise {ex_id}" + (f" ({title})" if title else "") + ":\n")
    prose = info.get("solution")
    if prose:
        print(prose)
    if ex is not None and ex.solution.strip():
        if prose:
            print("\nIn code:\n")
        print(textwrap.dedent(ex.solution).strip())
    if not prose and (ex is None or not ex.solution.strip()):
        where = f"notebook {info['notebook']}" if info.get("notebook") else f"notebook {ex_id.split('.')[0]}"
        print(f"The model answer is in the full edition of {where}, below the exercise (the Solution block); "
              "this copy of the notebooks does not include it.")
