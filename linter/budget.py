"""Time budgets that work in any thread.

A lint must end in bounded time whoever calls it: the command line, the pre-commit hook, the language server (which
lints off its message loop, in a worker thread), the audit's worker processes and any program that calls the Python API
from its own threads.  Signals (SIGALRM) only reach the main thread, so the budget is cooperative instead: the caller
opens a :func:`limit` around one file's work, and the stages that can take long (a reader's page loop, the line
classifier, the rule loop) call :func:`check` between steps.  Each step is itself bounded (no line pattern backtracks
super-linearly; the readers cap pages, objects and characters), so the deadline is never overshot by more than one step.

``check`` raises :class:`Timeout` when the deadline has passed or when the budget was cancelled (the language server
cancels a stale lint when the next change arrives).  The engine turns a ``Timeout`` into an NB001 diagnostic that says
it was a time-out, at the file's first position.  ``Timeout`` derives from ``BaseException`` (like
``asyncio.CancelledError`` and ``KeyboardInterrupt``): the "any failure of a reader is NB001" nets and libraries'
own ``except Exception`` blocks must not turn a time-out into "corrupt file".

Some steps cannot call ``check``: one regular expression from a rule file, one page of a PDF inside pdfminer.  In the
main thread (the command line, an audit worker process) the outermost budget therefore also arms a backstop, a
``SIGALRM`` shortly after its deadline that raises ``Timeout`` wherever the work is (Python's ``re`` and most
C-level waits let a signal handler run).  Off the main thread only the cooperative checks apply.

    with budget.limit(30):          # seconds; None = no limit (but still cancellable)
        result = engine.lint_path(path)
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Budget", "Timeout", "check", "limit", "remaining", "DEFAULT_SECONDS"]

# The default budget for one file in `nblint check`, the pre-commit hook, the Python API and the language server.
DEFAULT_SECONDS = 60.0
# The backstop alarm fires this long after the deadline, so that the cooperative checks normally come first.
BACKSTOP_GRACE = 1.0


class Timeout(BaseException):
    """The work for one file ran past its budget (``cancelled`` is true when it was stopped by a newer request)."""

    def __init__(self, seconds: float | None, cancelled: bool = False):
        self.seconds = seconds
        self.cancelled = cancelled
        super().__init__("cancelled" if cancelled else f"time limit of {seconds:g} s exceeded")


@dataclass
class Budget:
    seconds: float | None
    deadline: float | None
    cancel: threading.Event = field(default_factory=threading.Event)
    parent: Budget | None = None
    # this budget's cancel event and its parents', in one tuple: check() is called between all small steps
    events: tuple[threading.Event, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.events = (self.cancel,) + (self.parent.events if self.parent is not None else ())

    def cancelled(self) -> bool:
        return any(e.is_set() for e in self.events)

    def expired(self) -> bool:
        return self.cancelled() or (self.deadline is not None and time.monotonic() > self.deadline)

    def check(self) -> None:
        for e in self.events:
            if e.is_set():
                raise Timeout(self.seconds, cancelled=True)
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise Timeout(self.seconds)

    def remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())


_current: ContextVar[Budget | None] = ContextVar("nblint_budget", default=None)


@contextmanager
def limit(seconds: float | None, cancel: threading.Event | None = None) -> Iterator[Budget]:
    """Run the body under a budget of ``seconds`` (``None``: no deadline) in this thread (context).

    A budget nested inside another never extends it: the earlier deadline wins, and either cancel event stops both."""
    outer = _current.get()
    deadline = None if seconds is None else time.monotonic() + seconds
    if outer is not None and outer.deadline is not None and (deadline is None or outer.deadline < deadline):
        deadline, seconds = outer.deadline, outer.seconds
    b = Budget(seconds, deadline, cancel or threading.Event(), outer)
    token = _current.set(b)
    backstop = _Backstop(b) if deadline is not None else None
    try:
        if backstop is not None:
            backstop.arm()
        yield b
    finally:
        if backstop is not None:
            backstop.disarm()
        _current.reset(token)


class _Backstop:
    """A ``SIGALRM`` just after the budget's deadline, in the main thread on POSIX, when no other alarm is armed (an
    outer budget's, the caller's own): it raises :class:`Timeout` inside steps that never call :func:`check`."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self.previous: Any = None
        self.armed = False

    def arm(self) -> None:
        if (
            not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()
            or signal.getitimer(signal.ITIMER_REAL)[0] != 0
            or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None)
        ):
            return
        budget = self.budget

        def on_alarm(signum, frame):
            raise Timeout(budget.seconds)

        self.previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, (budget.remaining() or 0.0) + BACKSTOP_GRACE)
        self.armed = True

    def disarm(self) -> None:
        if self.armed:
            self.armed = False
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
            finally:  # even when the alarm went off just now: the caller's handler comes back
                signal.signal(signal.SIGALRM, self.previous if self.previous is not None else signal.SIG_DFL)


def check() -> None:
    """Raise :class:`Timeout` if the current budget (if any) has run out or was cancelled.  Cheap: call it often."""
    b = _current.get()
    if b is not None:
        b.check()


def remaining() -> float | None:
    """Seconds left in the current budget (``None`` when there is none or it has no deadline)."""
    b = _current.get()
    return None if b is None else b.remaining()
