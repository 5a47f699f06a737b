"""How quickly does each lesson widget respond? Time from a control change to the finished re-render.

ipywidgets runs observers synchronously in the kernel, so setting `slider.value` (or calling
`button.click()`) returns only when the widget has recomputed and re-rendered its output:
the time that assignment takes is the in-kernel response time. Each scenario changes one
control back and forth many times; the script prints the median and 90th percentile per
scenario and checks them against the targets (median ≤ 100 ms for every widget, ≤ 30 ms for
a BackpropStepper step).

Run from the project root:  python benchmarks/bench_widgets.py  [--repeats N] [--json PATH]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

try:
    import studypack  # noqa: F401
except ImportError:  # run as a script from a checkout without installing: use the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WIDGET_TARGET_MS = 100.0
STEPPER_TARGET_MS = 30.0


def time_actions(actions: list[Callable[[], object]], repeats: int) -> list[float]:
    """Milliseconds per action, cycling through `actions` (so every call changes something)."""
    actions[0]()  # the first render may build caches: not what a learner feels on each move
    timings = []
    for i in range(repeats):
        action = actions[(i + 1) % len(actions)]
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1e3)
    return timings


def setter(control, value) -> Callable[[], None]:
    def set_value():
        control.value = value
    return set_value


def clicker(button) -> Callable[[], None]:
    return button.click


def two_layer_net_loss():
    """The lesson-03 sized graph: 2 inputs → 2 tanh neurons → 1 output, squared error."""
    from studypack import Value

    x = [Value(2.0, label="x1"), Value(-1.0, label="x2")]
    hidden = []
    for j, (w1, w2, b) in enumerate([(0.5, -0.3, 0.1), (-0.8, 0.6, 0.2)], start=1):
        h = (x[0] * Value(w1, label=f"w1{j}") + x[1] * Value(w2, label=f"w2{j}")
             + Value(b, label=f"b{j}")).tanh()
        h.label = f"h{j}"
        hidden.append(h)
    output = hidden[0] * Value(1.2, label="v1") + hidden[1] * Value(-0.7, label="v2") + Value(0.05, label="c")
    loss = (output - 1.0) ** 2
    loss.label = "L"
    return loss


def scenarios() -> list[tuple[str, float, list[Callable[[], object]]]]:
    """(name, target in ms, actions) for every widget control worth measuring."""
    from studypack.widgets.backprop_stepper import BackpropStepper
    from studypack.widgets.gradient_flow import GradientFlowExplorer
    from studypack.widgets.graph_explorer import GraphExplorer
    from studypack.widgets.lr_explorer import LearningRateExplorer
    from studypack.widgets.neuron_explorer import NeuronExplorer
    from studypack.widgets.training_lab import TrainingLab

    found = []
    neuron = NeuronExplorer()
    found += [
        ("NeuronExplorer: weight slider", WIDGET_TARGET_MS,
         [setter(neuron.weight_slider, v) for v in (-1.0, 0.5, 1.5, 2.5, 0.0)]),
        ("NeuronExplorer: bias slider", WIDGET_TARGET_MS,
         [setter(neuron.bias_slider, v) for v in (-1.0, 0.5, 1.0, -0.5)]),
        ("NeuronExplorer: loss selector", WIDGET_TARGET_MS,
         [setter(neuron.loss_selector, v) for v in neuron.loss_selector.options]),
    ]

    explorer = GraphExplorer(lambda a, b: (a * b + a ** 2).tanh(), {"a": 2.0, "b": -3.0})
    found.append(("GraphExplorer: input slider", WIDGET_TARGET_MS,
                  [setter(explorer.sliders["a"], v) for v in (-1.0, 0.3, 1.2, 2.5)]))

    stepper = BackpropStepper(two_layer_net_loss())
    walk = [clicker(stepper.next_button)] * len(stepper.steps) + [clicker(stepper.reset_button)]
    found += [
        ("BackpropStepper: Next (2-layer net)", STEPPER_TARGET_MS, walk),
        ("BackpropStepper: Previous/Next", STEPPER_TARGET_MS,
         [clicker(stepper.next_button), clicker(stepper.previous_button)]),
    ]

    for problem in ("1-D parabola", "2-D ill-conditioned bowl"):
        lr = LearningRateExplorer(problem=problem, steps=200)
        found += [
            (f"LearningRateExplorer ({problem}): learning rate", WIDGET_TARGET_MS,
             [setter(lr.learning_rate_slider, v) for v in (1e-3, 0.05, 0.09, 0.12, 2.0)]),
            (f"LearningRateExplorer ({problem}): momentum", WIDGET_TARGET_MS,
             [setter(lr.momentum_slider, v) for v in (0.0, 0.5, 0.9)]),
            (f"LearningRateExplorer ({problem}): start point", WIDGET_TARGET_MS,
             [setter(lr.start_x_slider, v) for v in (-3.0, 1.0, 3.0)]),
        ]
    lr = LearningRateExplorer(steps=200)
    found.append(("LearningRateExplorer: problem selector", WIDGET_TARGET_MS,
                  [setter(lr.problem_selector, v) for v in lr.problem_selector.options]))

    lab = TrainingLab()
    found += [
        ("TrainingLab: +1 epoch (moons, 16-16 relu)", WIDGET_TARGET_MS, [clicker(lab.step_button)]),
        ("TrainingLab: learning rate", WIDGET_TARGET_MS,
         [setter(lab.learning_rate_slider, v) for v in (0.01, 0.1, 1.0)]),
        ("TrainingLab: dataset", WIDGET_TARGET_MS,
         [setter(lab.dataset_dropdown, v) for v in lab.dataset_dropdown.options]),
        ("TrainingLab: reset", WIDGET_TARGET_MS, [clicker(lab.reset_button)]),
        ("TrainingLab: run epochs (the epoch axis follows)", WIDGET_TARGET_MS,
         [setter(lab.epochs_slider, v) for v in (30, 200, 500)]),
        ("TrainingLab: held out (legend, rings)", WIDGET_TARGET_MS,
         [setter(lab.held_out_dropdown, v) for v in (0.0, 0.3)]),
    ]
    # a Run's frame: ~20 ms of training, then the frame; ≤ 50 ms is 20 frames a second
    running = TrainingLab()
    frames = running._train_in_chunks(10_000)
    found.append(("TrainingLab: one frame of a Run (train + draw)", 50.0, [lambda: next(frames)]))

    flow = GradientFlowExplorer(depth=20)
    found += [
        ("GradientFlowExplorer: depth", WIDGET_TARGET_MS,
         [setter(flow.depth_slider, v) for v in (5, 20, 30, 12)]),
        ("GradientFlowExplorer: activation (depth 30)", WIDGET_TARGET_MS,
         [setter(flow.depth_slider, 30)] + [setter(flow.activation_selector, v)
                                            for v in flow.activation_selector.options]),
        ("GradientFlowExplorer: weight scale", WIDGET_TARGET_MS,
         [setter(flow.weight_scale_slider, v) for v in (0.5, 1.0, 2.0, 4.0)]),
    ]
    found += lesson_07_08_scenarios()
    found += study_scenarios()
    return found


def option_values(control) -> list:
    """A selection widget's values (its options may be (label, value) pairs)."""
    return [option[1] if isinstance(option, tuple) else option for option in control.options]


def lesson_07_08_scenarios() -> list[tuple[str, float, list[Callable[[], object]]]]:
    """The layer view (07), the optimiser race and the mini-batch noise plot (08)."""
    import numpy as np

    from studypack.viz.race import per_example_gradients
    from studypack.widgets.layer_view import LayerView
    from studypack.widgets.optimiser_race import MiniBatchNoise, OptimiserRace

    layer, examples = LayerView(), LayerView(batch_size=4)
    race = OptimiserRace()
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=64)
    noise = MiniBatchNoise(per_example_gradients(inputs, 2 * inputs + 1 + rng.normal(size=64),
                                                 w=0.0, b=0.0))
    first_rate = next(iter(race.learning_rate_sliders.values()))
    return [
        ("LayerView: batch size", WIDGET_TARGET_MS,
         [setter(layer.batch_size_slider, v) for v in (1, 4, 8, 2)]),
        ("LayerView: example k", WIDGET_TARGET_MS,
         [setter(examples.sample_slider, v) for v in (0, 1, 2, 3)]),
        ("LayerView: Next/Previous", WIDGET_TARGET_MS,
         [clicker(layer.next_button), clicker(layer.previous_button)]),
        ("OptimiserRace: Step", WIDGET_TARGET_MS,
         [clicker(race.step_button)] * 20 + [clicker(race.reset_button)]),
        ("OptimiserRace: surface", WIDGET_TARGET_MS,
         [setter(race.surface_selector, v) for v in option_values(race.surface_selector)]),
        ("OptimiserRace: a learning rate", WIDGET_TARGET_MS,
         [setter(first_rate, v) for v in option_values(first_rate)[2:5]]),
        ("MiniBatchNoise: batch size", WIDGET_TARGET_MS,
         [setter(noise.batch_size_slider, v) for v in option_values(noise.batch_size_slider)[:4]]),
    ]


def study_scenarios() -> list[tuple[str, float, list[Callable[[], object]]]]:
    """Flashcards, quiz and notes over the pack's real content, progress in a temp folder."""
    import tempfile

    from studypack.content import load_pack
    from studypack.progress import ProgressStore
    from studypack.widgets.flashcards import FlashcardDeck
    from studypack.widgets.notes import NotesViewer
    from studypack.widgets.quiz import Quiz

    pack = load_pack()
    folder = tempfile.mkdtemp(prefix="studypack-bench-")
    store = ProgressStore("bench", directory=folder)
    deck = FlashcardDeck(pack.cards, store=store)
    # a rating writes the progress file (lock, fsync, replace) and shows the next card
    flip_and_rate = [clicker(deck.flip_button), clicker(deck.good_button)]
    quiz = Quiz(pack.questions, store=store, seed=0)

    def answer_next() -> None:
        panel = quiz.current_panel
        if panel.choice is not None:
            panel.choice.value = 0
        elif panel.checkboxes is not None:
            panel.checkboxes[0].value = True
        else:
            panel.number_box.value = "1"
        panel.check_button.click()
        quiz.next_button.click()

    notes = NotesViewer(pack, store)
    return [
        ("FlashcardDeck: flip", WIDGET_TARGET_MS, [clicker(deck.flip_button)] * 2),
        ("FlashcardDeck: flip + rate Good (writes progress)", WIDGET_TARGET_MS, flip_and_rate),
        ("FlashcardDeck: next card", WIDGET_TARGET_MS, [clicker(deck.next_button)]),
        ("FlashcardDeck: due-now mode", WIDGET_TARGET_MS,
         [setter(deck.mode_selector, v) for v in ("due now", "all cards")]),
        ("Quiz: answer, check, next", WIDGET_TARGET_MS, [answer_next]),
        (f"Quiz: new attempt ({quiz.count} questions)", WIDGET_TARGET_MS,
         [clicker(quiz.retry_button)]),
        ("NotesViewer: next note", WIDGET_TARGET_MS, [clicker(notes.next_button)]),
        ("NotesViewer: open the note's quiz", WIDGET_TARGET_MS, [clicker(notes.questions_button)]),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40, help="timed changes per scenario")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    options = parser.parse_args(argv)

    rows = []
    for name, target, actions in scenarios():
        timings = time_actions(actions, options.repeats)
        median = statistics.median(timings)
        p90 = statistics.quantiles(timings, n=10)[-1]
        rows.append({"scenario": name, "median_ms": median, "p90_ms": p90, "target_ms": target,
                     "passed": median <= target})

    width = max(len(row["scenario"]) for row in rows)
    print(f"{'scenario':<{width}}  {'median ms':>9}  {'p90 ms':>7}  {'target':>7}  result")
    for row in rows:
        print(f"{row['scenario']:<{width}}  {row['median_ms']:9.1f}  {row['p90_ms']:7.1f}  "
              f"≤{row['target_ms']:5.0f}  {'PASS' if row['passed'] else 'MISS'}")
    if options.json:
        Path(options.json).write_text(json.dumps(rows, indent=2))
    return 0 if all(row["passed"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
