"""How long does checking take? For every exercise, the median time to check its reference
solution (what a learner's right answer costs), against the issue's budget of 200 ms.

Each exercise is checked once first (its cases and the mistakes' answers are computed and
cached then, once per process), then `--repeats` more times: the median of those is what a
learner feels on every click after the first. `--cold` times the first check instead, with the
caches emptied before each run.

It also prints what the time limit on the learner's code (studypack/exercises/limits.py)
adds to each call of the learner's function: arming and disarming it.

Run from the project root:  python benchmarks/bench_exercises.py  [--repeats N] [--cold]
Exits 1 if an exercise's median is over the budget.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

try:
    import studypack  # noqa: F401
except ImportError:  # run as a script from a checkout without installing: use the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET_MS = 200.0


def check_milliseconds(exercise, repeats: int, cold: bool) -> list[float]:
    from studypack.exercises import check
    from studypack.exercises.checking import _answers, _cases

    if not cold:
        check(exercise, exercise.reference)
    timings = []
    for _ in range(repeats):
        if cold:
            _cases.cache_clear(), _answers.cache_clear()
        start = time.perf_counter()
        report = check(exercise, exercise.reference)
        timings.append((time.perf_counter() - start) * 1e3)
        if not report.passed:
            raise SystemExit(f"{exercise.id}: its reference does not pass: {report}")
    return timings


def limit_overhead_microseconds(calls: int = 2000) -> float:
    """The median cost of `run_limited` around a function that does nothing, per call."""
    from studypack.exercises.limits import run_limited

    def nothing():
        return None

    timings = []
    for _ in range(calls):
        start = time.perf_counter()
        run_limited(5.0, nothing)
        limited = time.perf_counter() - start
        start = time.perf_counter()
        nothing()
        timings.append((limited - (time.perf_counter() - start)) * 1e6)
    return statistics.median(timings)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="time the first check, caches empty")
    options = parser.parse_args(argv)
    from studypack.exercises import list_exercises

    print(f"{'exercise':34} {'median ms':>10} {'of 200 ms':>10}")
    over = []
    for exercise in list_exercises():
        median = statistics.median(check_milliseconds(exercise, options.repeats, options.cold))
        ratio = median / BUDGET_MS
        print(f"{exercise.id:34} {median:10.1f} {ratio:10.2f}" + ("  OVER" if ratio > 1 else ""))
        if ratio > 1:
            over.append(exercise.id)
    print("every exercise within the budget" if not over else f"over the budget: {', '.join(over)}")
    print(f"the time limit adds {limit_overhead_microseconds():.1f} µs per call of the learner's "
          "function")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
