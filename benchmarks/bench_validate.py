"""How fast does a big pack validate? `validate_pack` on 1,000 / 10,000 / 50,000 questions.

What is measured (median of several runs, each in a fresh process so that peak memory is the
run's own): the wall time and peak resident memory of `validate_pack(root)` on a generated
pack (half single-choice, half numeric questions, ~280 bytes of YAML each), and as the
reference, in the same way, PyYAML's libyaml loader (`yaml.load(..., Loader=CSafeLoader)`)
reading the same file: the least any YAML-based loader must do. The ratio says what
checking (lines, ids, models) costs on top of parsing. Target: 50,000 questions in ≲ 10 s
and ≲ 300 MB, time linear in the size.

Run from the project root:

    python benchmarks/bench_validate.py            # 1k, 10k, 50k; 3 runs each, ~2-3 min
    python benchmarks/bench_validate.py --quick    # 1k, 10k; 1 run each
    python benchmarks/bench_validate.py --json out.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CARD = """- id: a-card
  topics: [loss]
  difficulty: easy
  front: What does a loss measure?
  back: How far the predictions are from the targets.
"""

SINGLE_CHOICE = """- id: question-{index}
  topics: [loss, backprop]
  difficulty: medium
  kind: single_choice
  prompt: "Question {index}: which of these is $x_{{{index}}}$?"
  options:
    - text: The first
      correct: true
      feedback: Right, because of reason {index}.
    - text: The second
      correct: false
      feedback: No, because of another reason.
  explanation: The first is $x_{{{index}}}$ by definition.
"""

NUMERIC = """- id: question-{index}
  topics: [loss]
  difficulty: easy
  kind: numeric
  prompt: What is {index} + 1?
  answer: {answer}
  tolerance: 0.01
  explanation: Add one.
"""


def write_question_pack(root: Path, count: int) -> Path:
    """A valid pack under `root` with one card and `count` questions in one file."""
    (root / "flashcards").mkdir(parents=True, exist_ok=True)
    (root / "quizzes").mkdir(exist_ok=True)
    (root / "flashcards/cards.yaml").write_text(CARD, encoding="utf-8")
    with open(root / "quizzes/questions.yaml", "w", encoding="utf-8") as file:
        for index in range(count):
            template = SINGLE_CHOICE if index % 2 else NUMERIC
            file.write(template.format(index=index, answer=index + 1))
    return root


# Each measurement runs in its own process: ru_maxrss is a process's peak, never reset.
MEASURE = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
what, pack = sys.argv[1], sys.argv[2]
if what == "validate":
    from studypack.content import validate_pack
    started = time.perf_counter()
    errors = validate_pack(pack)
    assert errors == [], errors[:3]
else:
    import yaml
    started = time.perf_counter()
    with open(pack + "/quizzes/questions.yaml", encoding="utf-8") as file:
        yaml.load(file.read(), Loader=yaml.CSafeLoader)
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(what: str, pack: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", MEASURE.format(root=str(ROOT)), what,
                             str(pack)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k, one run each")
    parser.add_argument("--runs", type=int, default=None, help="runs per size (default 3)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 50_000]
    runs = args.runs or (1 if args.quick else 3)
    results = []
    print(f"{'questions':>10} {'validate s':>11} {'peak MB':>8} {'libyaml s':>10} "
          f"{'peak MB':>8} {'time ratio':>11}")
    with tempfile.TemporaryDirectory(prefix="bench_validate_") as folder:
        for size in sizes:
            pack = write_question_pack(Path(folder) / str(size), size)
            ours, reference = [], []
            for _ in range(runs):  # interleaved: a busy machine slows both alike
                ours.append(measure("validate", pack))
                reference.append(measure("reference", pack))
            row = {"questions": size, "runs": runs,
                   "validate_seconds": statistics.median(r["seconds"] for r in ours),
                   "validate_peak_mb": statistics.median(r["peak_mb"] for r in ours),
                   "libyaml_seconds": statistics.median(r["seconds"] for r in reference),
                   "libyaml_peak_mb": statistics.median(r["peak_mb"] for r in reference)}
            row["ratio"] = row["validate_seconds"] / row["libyaml_seconds"]
            results.append(row)
            print(f"{size:>10} {row['validate_seconds']:>11.2f} {row['validate_peak_mb']:>8.0f} "
                  f"{row['libyaml_seconds']:>10.2f} {row['libyaml_peak_mb']:>8.0f} "
                  f"{row['ratio']:>10.2f}×")
    print("medians of", runs, "run(s); ratio = validate time / libyaml parse time")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
