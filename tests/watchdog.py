"""A time limit per example for fuzz tests: a hang fails its test instead of hanging CI.

hypothesis's ``deadline`` cannot do this: it judges an example only after the example returns,
so a hang is never judged (and a deadline near the real times fails slow-but-finished examples
on a busy machine). ``@time_limit(seconds)`` under ``@given`` guards every example:

- the limit: ``SIGALRM`` (``setitimer``) raises ``ExampleTimeout`` in the test, with the
  example's arguments and a traceback of where it was stuck. It is a ``BaseException``: the
  loader's and evaluate's catch-all ``except Exception`` nets must not turn a hang into an
  ordinary error message, and hypothesis lets it through at once instead of shrinking a hang
  for minutes (each try could hang again);
- the backstop, for a hang in C code (a regex, a huge integer), where no Python signal handler
  runs until it returns: after ``hard`` seconds ``faulthandler`` prints every thread's stack
  and ends the process with exit status 1. It writes where pytest's own faulthandler writes
  (fd 2 itself is captured, and a process that ends that way never prints its capture): add
  the ``real_stderr`` fixture to the module.

Without ``SIGALRM`` (Windows) or off the main thread only the backstop runs. The backstop
shares faulthandler's one timer with pytest's ``faulthandler_timeout`` (unset here).
Standard library only; the cost is two system calls per example.
"""

from __future__ import annotations

import faulthandler
import functools
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import pytest

__all__ = ["ExampleTimeout", "real_stderr", "time_limit"]

F = TypeVar("F", bound=Callable[..., Any])

_stderr: list[int | TextIO] = []
"""Where the backstop writes: the real stderr's fd, once ``real_stderr`` has run."""


class ExampleTimeout(BaseException):
    """One example ran over its time limit (see the module docstring for why BaseException)."""


@pytest.fixture(autouse=True, scope="module")
def real_stderr(pytestconfig: pytest.Config) -> None:
    """Point the backstop at pytest's copy of the real stderr (import it into the module)."""
    try:  # pytest's faulthandler plugin keeps the copy under a private key: fall back quietly
        from _pytest.faulthandler import fault_handler_stderr_fd_key

        _stderr[:] = [pytestconfig.stash[fault_handler_stderr_fd_key]]
    except (ImportError, KeyError):
        _stderr[:] = []


def _short(args: tuple, kwargs: dict[str, Any], limit: int = 400) -> str:
    text = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def time_limit(
    seconds: float = 10.0, hard: float = 60.0, context: Callable[[], str] | None = None
) -> Callable[[F], F]:
    """Fail an example that runs over ``seconds``; end the process after ``hard`` seconds.

    ``context()`` adds to the message what the arguments do not show (hypothesis prints no
    example for a ``BaseException``, and ``st.data()`` draws are not arguments)."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            def expired(_signum: int, _frame: Any) -> None:
                extra = f"; {context()}" if context is not None else ""
                raise ExampleTimeout(
                    f"{fn.__name__}: one example ran over {seconds:g} s "
                    f"(tests/watchdog.py): {_short(args, kwargs)}{extra}"
                )

            use_alarm = (hasattr(signal, "SIGALRM")
                         and threading.current_thread() is threading.main_thread())
            faulthandler.dump_traceback_later(
                hard, exit=True, file=_stderr[0] if _stderr else sys.stderr
            )
            if use_alarm:
                previous = signal.signal(signal.SIGALRM, expired)
                signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                return fn(*args, **kwargs)
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, previous)
                faulthandler.cancel_dump_traceback_later()

        return guarded  # type: ignore[return-value]

    return decorate
