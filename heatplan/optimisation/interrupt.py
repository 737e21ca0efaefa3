"""Stop a HiGHS run within moments of Ctrl-C (SIGINT) or SIGTERM.

While HiGHS runs, Python's own signal handlers wait until it returns, which on the full model is
minutes. ``stop_on_signal`` replaces the SIGINT and SIGTERM handlers for the length of one run by
handlers that only note the signal; HiGHS's interrupt callbacks (simplex, interior point and MIP,
called every iteration or node) read the note and stop the run. When the run has returned, the
handlers that were there before are put back and the signal is raised again, so the caller sees
what it would have seen without HiGHS: ``KeyboardInterrupt`` for Ctrl-C, the program's own
SIGTERM handler (or the default: the process ends) for SIGTERM.

Signal handlers can only be set in the main thread; elsewhere (e.g. a Dask worker's thread) the
run is left as it is, and so is an ignored signal.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import highspy

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _interrupt_callbacks(h: highspy.Highs) -> list[Any]:
    return [h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt]


@contextmanager
def stop_on_signal(h: highspy.Highs) -> Iterator[None]:
    """Within the body, SIGINT/SIGTERM stop ``h``'s run; the signal is raised again after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        caught.append(signum)

    def stop(event: Any) -> None:
        if caught:
            event.interrupt()

    before = {s: signal.signal(s, note) for s in SIGNALS if signal.getsignal(s) not in (signal.SIG_IGN, None)}
    for cb in _interrupt_callbacks(h):
        cb.subscribe(stop)
    try:
        yield
    finally:
        for cb in _interrupt_callbacks(h):
            cb.unsubscribe(stop)
        for s, handler in before.items():
            signal.signal(s, handler)
        if caught:
            signal.raise_signal(caught[0])
