"""Adversarial answers to the checked exercises, written by someone trying to fool the checks.

One module per notebook (``nb01.py`` ... ``nb10.py``). Each registers answers with the two
decorators below; ``tests/test_exercises_adversarial.py`` runs every one through
``emlib.exercises.evaluate`` and holds the checks to the bar of issue 19 (README.md here).
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

VERDICTS = ("wrong", "right")


@dataclass(frozen=True)
class Answer:
    """One adversarial answer.

    exercise : the exercise id, e.g. "4.5"
    verdict  : "wrong" (the check must say wrong) or "right" (it must say correct)
    why      : one line: what the answer does, and why it is wrong or valid
    make     : the answer itself (a function exercise), or a function of no arguments that
               returns the answer (a value exercise: ``value=True``)
    value    : True for a value exercise
    expect   : for a wrong answer, a phrase its message must contain (optional)
    module   : the notebook module that registered it ("nb04")
    """

    exercise: str
    verdict: str
    why: str
    make: Callable
    value: bool = False
    expect: str | None = None
    module: str = ""

    @property
    def name(self):
        return f"{self.exercise}-{self.verdict}-{self.make.__name__}"

    def answer(self):
        """What a student would pass to ``check``."""
        return self.make() if self.value else self.make


ANSWERS: list[Answer] = []


def _register(exercise, verdict, why, value, expect):
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, got {verdict!r}")
    if not why.strip():
        raise ValueError("say why the answer is wrong or valid")

    def decorate(fn):
        module = fn.__module__.rsplit(".", 1)[-1]
        ANSWERS.append(Answer(str(exercise), verdict, why, fn, value, expect, module))
        return fn

    return decorate


def wrong(exercise, why, *, value=False, expect=None):
    """Register a wrong answer: ``@wrong("4.5", "normalises over n")`` above the function."""
    return _register(exercise, "wrong", why, value, expect)


def right(exercise, why, *, value=False):
    """Register a valid alternative: ``@right("4.5", "scipy's logsumexp")`` above the function."""
    return _register(exercise, "right", why, value, None)


def load():
    """Import every nbXX module of this folder and return all their answers, in order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("nb"):
            importlib.import_module(f"{__name__}.{info.name}")
    key = lambda a: (tuple(int(p) for p in a.exercise.split(".")), a.verdict, a.make.__name__)  # noqa: E731
    return sorted(ANSWERS, key=key)
