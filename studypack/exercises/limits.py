"""A time limit on the learner's code, so an endless loop cannot hang `check()` (and with it
the Check button and the kernel):

    run_limited(5.0, function, *arguments)  # LearnerTimeout is raised inside it after 5 s

`LearnerTimeout` is a BaseException (like KeyboardInterrupt), so a learner's `except
Exception:` does not swallow it; and it is raised again every `REPEAT_SECONDS` until it gets
out, so a loop around a bare `except:` is stopped too. Two mechanisms, chosen per call:

- **The main thread on Unix** (a script, pytest, a Jupyter kernel, whose cells and widget
  clicks run in the main thread): SIGALRM from `signal.setitimer`. It stops pure-Python
  loops, `time.sleep` and most waiting system calls; a single long numpy call is stopped when
  it returns. Past the deadline it also traces the learner's lines (`sys.settrace`, restored
  after) and raises at the next one, so a bare `except:` loop, whose every call is inside its
  `try`, is interrupted in its `except` part too and stops within a fraction of a second. The previous SIGALRM handler and timer are put back exactly (its remaining time
  counted down), so limits nest and a program that uses alarms itself can call `check()`: an
  alarm of its own that falls due during the learner's code still reaches its handler.
- **Anywhere else** (another thread; Windows, which has no SIGALRM): a watchdog thread raises
  the exception in the learner's thread with CPython's `PyThreadState_SetAsyncExc`. It stops
  pure-Python loops (a bare `except:` loop after some tries, made every 5 ms: each lands where
  the interpreter checks, often inside the `try`), but not `time.sleep` or one long C call, which end before
  it is raised. Python implementations without that API (not CPython) get no limit.

Neither slows the learner's code: nothing runs between the start and the deadline. Neither
raises the interrupt while this module's own code runs (disarming), so it cannot escape the
limit and reach code that would not expect it.
"""
from __future__ import annotations

import ctypes
import signal
import sys
import threading
import time

REPEAT_SECONDS = 0.05  # how often the interrupt is raised again while it has not got out
# the watchdog's, more often: without line tracing, a bare `except:` loop lets only ~1 in 50 out
WATCHDOG_REPEAT_SECONDS = 0.005


class LearnerTimeout(BaseException):
    """Raised inside the learner's code when its time is up (never out of `check()`)."""


def run_limited(seconds: float, function, *args):
    """`function(*args)`, interrupted by LearnerTimeout if it runs longer than `seconds`."""
    limit = _AlarmLimit(seconds) if _alarms_usable() else _WatchdogLimit(seconds)
    limit.start()
    try:
        return function(*args)
    finally:  # in this frame, not a `with`'s __exit__: an interrupt at its entry would escape
        while True:
            try:
                limit.stop()
                break
            except LearnerTimeout:  # raised by the watchdog just before it was stopped
                continue


def _in_this_module(frame) -> bool:
    return frame is not None and frame.f_code.co_filename == __file__


def _alarms_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _AlarmLimit:
    """SIGALRM at the deadline and every REPEAT_SECONDS after it. The enclosing program's own
    timer is kept running in our handler (its handler called when its alarm falls due) and
    put back, counted down, when the block ends."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.active = self.tracing = False

    def start(self) -> None:
        # disarm first: no alarm of the enclosing program may arrive between these calls
        delay, self.outer_interval = signal.setitimer(signal.ITIMER_REAL, 0)
        now = time.monotonic()
        self.deadline = now + self.seconds
        self.outer_due = now + delay if delay > 0 else None
        self.outer_handler = signal.signal(signal.SIGALRM, self._on_alarm)
        self.active = True
        self._arm(now)

    def _arm(self, now: float) -> None:
        due = self.deadline if self.outer_due is None else min(self.deadline, self.outer_due)
        signal.setitimer(signal.ITIMER_REAL, max(due - now, 1e-6), REPEAT_SECONDS)

    def _on_alarm(self, signum, frame) -> None:
        if not self.active:
            return
        now = time.monotonic()
        if now >= self.deadline - 1e-3:
            if _in_this_module(frame):  # disarming, or about to call: the next alarm will do
                return
            self._trace_learners_lines(frame)
            raise LearnerTimeout
        if self.outer_due is not None and now >= self.outer_due - 1e-3:
            # the enclosing program's alarm: its handler runs as it would have without us
            self.outer_due = now + self.outer_interval if self.outer_interval > 0 else None
            self._arm(now)
            if callable(self.outer_handler):
                self.outer_handler(signum, frame)
            elif self.outer_handler != signal.SIG_IGN:  # the default action: stop the process
                self.stop()
                signal.raise_signal(signal.SIGALRM)

    def _trace_learners_lines(self, frame) -> None:
        """Raise again at the next line the learner runs, wherever it is (tracing ends itself
        when the trace function raises; the next alarm starts it again)."""
        if not self.tracing:
            self.outer_trace, self.tracing = sys.gettrace(), True
        sys.settrace(self._raise_on_line)
        while frame is not None and not _in_this_module(frame):
            frame.f_trace = self._raise_on_line
            frame = frame.f_back

    def _raise_on_line(self, frame, event, arg):
        # only at a line: raising at the "exception" event of the alarm's own raise would
        # end the tracing before the learner's `except:` part runs
        if event == "line" and self.active and not _in_this_module(frame):
            raise LearnerTimeout
        return self._raise_on_line

    def stop(self) -> None:
        """Put the enclosing handler, timer and trace function back; an alarm of theirs that
        fell due in the last instant is delivered now (late, but not lost)."""
        if not self.active:
            return
        self.active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        if self.tracing:
            sys.settrace(self.outer_trace)
        # None: a handler not set from Python; the default action is what was in force
        signal.signal(signal.SIGALRM, self.outer_handler if self.outer_handler is not None
                      else signal.SIG_DFL)
        if self.outer_due is None:
            return
        remaining = self.outer_due - time.monotonic()
        if remaining > 0:
            signal.setitimer(signal.ITIMER_REAL, remaining, self.outer_interval)
            return
        if self.outer_interval > 0:
            signal.setitimer(signal.ITIMER_REAL, self.outer_interval, self.outer_interval)
        signal.raise_signal(signal.SIGALRM)


class _WatchdogLimit:
    """A thread that raises LearnerTimeout in this one at the deadline, and again every
    WATCHDOG_REPEAT_SECONDS, until `stop()`."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()  # between "is it still running?" and raising in it
        self.done = self.fired = False
        self.stopped = threading.Event()

    def start(self) -> None:
        if _set_async_exc is None:
            return
        threading.Thread(target=self._watch, name="studypack-time-limit", daemon=True).start()

    def _watch(self) -> None:
        if self.stopped.wait(self.seconds):
            return
        while True:
            with self.lock:
                if self.done:
                    return
                if not _in_this_module(sys._current_frames().get(self.thread_id)):
                    _set_async_exc(ctypes.c_ulong(self.thread_id),
                                   ctypes.py_object(LearnerTimeout))
                    self.fired = True
            if self.stopped.wait(WATCHDOG_REPEAT_SECONDS):
                return

    def stop(self) -> None:
        """No more interrupts; one raised just before must arrive here, where run_limited
        catches it. (Not cleared with SetAsyncExc(NULL): in CPython 3.11 that leaves the
        interpreter's "pending" flag set for good, which slows every thread and makes a
        later SIGALRM handler run again and again.)"""
        with self.lock:
            self.done = True
        if self.fired:
            _deliver_pending()  # a call: the interpreter checks for a pending exception
        self.stopped.set()


def _deliver_pending() -> None:
    """Nothing: calling it lets the interpreter raise a pending asynchronous exception."""


_set_async_exc = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
