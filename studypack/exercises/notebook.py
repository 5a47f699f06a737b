"""The cells of each exercise, in one place: its section in a lesson, right after the idea it
practises, and the exercises notebook, all of them in course order.

An exercise's section is a short heading with the signature and a sentence or two tying it to
the idea (`exercise_cells`), the learner's starting cell (the stub) and its Check widget,
which checks the stub at once, so a learner who has written nothing sees "not done yet".

In a lesson, the cell that teaches the idea carries the tag `idea:<exercise id>`;
`place_exercises` puts (or puts back) each tagged exercise's section right after that cell.
The committed notebooks are these, executed; tests compare their sources with these functions,
so a changed stub or text cannot leave a notebook behind.
"""
from __future__ import annotations

import json
from typing import Optional

from studypack.content.notebooks import notebook_text

from .catalog import get_exercise, list_exercises
from .model import Exercise

IDEA_TAG = "idea:"  # idea:<exercise id>, on the lesson cell after which the exercise sits
_SECTION_ID = "exercise-"  # the ids of a section's cells: exercise-<exercise id>-<part>

# One or two sentences per exercise tying it to the idea it practises. They must read well
# both in the lesson, right after that idea, and in the exercises notebook.
LEAD_INS = {
    "mse-backward":
        "Training needs more than the loss's value: it needs its gradient, how $L$ changes when "
        "each prediction moves. Derive it for the mean squared error by hand and write it with "
        "numpy; lessons 2 and 3 show how the engine finds such gradients by itself.",
    "local-derivative":
        "In the backward pass every operation sends each operand the upstream gradient times its "
        "local derivative. Do it for an operation the engine does not have: find its two local "
        "derivatives, then multiply each by `grad_out`.",
    "tanh-backward":
        r"In the single neuron's backward pass, the first step went through $\tanh$: "
        r"$\partial o/\partial n = 1 - o^2$, written with the output $o$. Write that step for "
        "a whole array: the upstream gradient times tanh's local derivative.",
    "neuron-gradients":
        "Now a whole neuron with a loss, $L = (o - y)^2$ for a target $y$ (`target` in the "
        r"code): the pass starts at $\partial L/\partial o = 2(o - y)$, then goes back through "
        r"$\tanh$, the sum and the products, as the backprop stepper does.",
    "topological-order":
        "The backward pass reaches a node only when its gradient is complete: after every node "
        "that uses it. Turned around, that is a *topological order*, each node after its inputs; "
        "write the function that finds it, the first half of `backward()`.",
    "scalar-backward":
        "With the order in hand, the backward pass is one loop over the stepper's chain-rule "
        "steps: from the output (gradient 1) back to the inputs, each node adds "
        "upstream × local to each of its operands' gradients. Write it.",
    "sgd-momentum-step":
        r"Write SGD with momentum, $v \leftarrow \mu v + g$ and $w \leftarrow w - \eta v$, as "
        r"one function of numpy arrays: `momentum` is $\mu$, `learning_rate` is $\eta$ and "
        r"`velocity` is $v$.",
    "adam-step":
        "You have just watched Adam's $\\hat m$ and $\\hat v$ at work: now write one step of it "
        "yourself, bias correction included. The statement gives every formula.",
    "two-layer-backward":
        "Step 3 of the training loop, `loss.backward()`, did all the calculus. Do it yourself "
        "for a smaller network (one tanh hidden layer, one output, the mean squared error): "
        "go back through the forward pass one line at a time, with numpy.",
    "train-mlp-moons":
        "Then do without the engine altogether: train that network on 200 points of the two "
        "moons by full-batch gradient descent with your `two_layer_backward`, until at least "
        "95% of the points are classified correctly.",
    "sigmoid-backward":
        "Each factor of the product of local derivatives is one backward step through an "
        "activation: the upstream "
        r"gradient times the activation's derivative. Write the sigmoid's, whose derivative "
        r"$\sigma(z)(1 - \sigma(z))$ is at most $1/4$.",
    "relu-backward":
        "Write ReLU's backward step: its derivative is exactly 1 where the unit is active and 0 "
        "where it is not, so active units pass the gradient on undiminished.",
    "numerical-gradient":
        "`gradcheck` compares backprop with central differences. Write that estimate yourself: "
        r"move one coordinate at a time by $\pm\varepsilon$, in an array of any shape, and leave "
        "`x` as you found it.",
    "linear-backward":
        r"A dense layer computes a whole batch at once, $\mathrm{out} = xW + b$; its backward "
        "pass gives three gradients, each the shape of what it belongs to. Write them with "
        "numpy, and let the shapes guide you.",
    "softmax-cross-entropy-backward":
        "Softmax followed by the cross-entropy, the loss of a classifier, has a remarkably "
        "simple gradient with respect to the logits. Write it for a batch of rows.",
}

INTRODUCTION = """\
# Exercises: write backprop yourself

Each exercise is one function for you to write. Replace the `raise NotImplementedError` in its
cell with your code, run the cell (Shift+Enter), then press **Check** below it. The check runs
your function on several cases (different shapes, batches of one and more, negative numbers),
compares it with the engine's own gradients and, when something is wrong, says in one sentence
which mistake explains it.

Every exercise also sits in its lesson, right after the idea it practises; this notebook
gathers them all. Stuck? **Hint** shows one hint at a time. After a real attempt you may open
a worked solution. The exercises you solve are saved with your progress (see `00_start_here`).
"""

SETUP = """\
from studypack.exercises import check, list_exercises
from studypack.progress import ProgressStore
from studypack.widgets import ExerciseWidget

store = ProgressStore()  # your progress file: the exercises you solve are recorded there
"""

SUMMARY = """\
# every exercise and the state of your function for it
for exercise in list_exercises():
    function = globals().get(exercise.function_name)
    status = check(exercise, function).status if callable(function) else "not defined"
    print(f"{exercise.id:32} {status}")
"""


def exercise_cells(exercise: Exercise | str, number: Optional[int] = None) -> list[tuple]:
    """The section of one exercise, as ("markdown" | "code", source) pairs: a heading with the
    signature and its lead-in, the stub, and the Check widget (which expects `ExerciseWidget`
    and a `store` defined earlier in the notebook).

    In a lesson (no `number`) the heading names the function to write; in the exercises
    notebook it is numbered, with the exercise's title and a link to its lesson.
    """
    exercise = get_exercise(exercise) if isinstance(exercise, str) else exercise
    if number is None:
        heading = f"### Exercise: write `{exercise.function_name}`"
        source = ""
    else:
        heading = f"## {number}. {exercise.title}"
        lesson_number = int(exercise.lesson[:2])
        source = f"\n\nThe idea it practises is in [lesson {lesson_number}]({exercise.lesson})."
    lead_in = LEAD_INS.get(exercise.id)
    text = f"{heading}\n\n`{exercise.signature}`\n" + (f"\n{lead_in}" if lead_in else "") + source
    widget = (f'exercise = ExerciseWidget("{exercise.id}", store=store)\n'
              'exercise.check()  # your function as it is now: "not done yet" until you write it\n'
              "exercise\n")
    return [("markdown", text.rstrip("\n") + "\n"),
            ("code", exercise.stub.rstrip("\n") + "\n"),
            ("code", widget)]


def exercises_notebook() -> str:
    """The exercises notebook's text (nbformat 4.4, no outputs)."""
    cells: list[tuple] = [("markdown", INTRODUCTION), ("code", SETUP)]
    for number, exercise in enumerate(list_exercises(), start=1):
        cells += exercise_cells(exercise, number)
    cells += [("markdown", "## Where you stand\n"),
              ("code", SUMMARY, ("nbval-check-output",))]
    return notebook_text(cells)


def ideas_of(cell: dict) -> list[str]:
    """The ids of the exercises whose idea this (nbformat) cell teaches, from its tags."""
    return [tag[len(IDEA_TAG):] for tag in cell.get("metadata", {}).get("tags", [])
            if tag.startswith(IDEA_TAG)]


def place_exercises(notebook: dict) -> dict:
    """A lesson notebook (nbformat 4.5 JSON) with each exercise's section right after the cell
    tagged `idea:<exercise id>`, in the order of the tags; sections already in it are taken
    out first, so it also re-makes them after a stub or a text changed. New cells have no
    outputs: execute the notebook afterwards."""
    cells = []
    for cell in notebook["cells"]:
        if cell.get("id", "").startswith(_SECTION_ID):
            continue
        cells.append(cell)
        for exercise_id in ideas_of(cell):
            cells += _section(get_exercise(exercise_id))
    return {**notebook, "cells": cells}


def _section(exercise: Exercise) -> list[dict]:
    """The section's cells as nbformat cells, with stable ids (so re-making changes nothing)."""
    cells = json.loads(notebook_text(exercise_cells(exercise)))["cells"]
    for part, cell in zip(("text", "stub", "check"), cells):
        cell["id"] = f"{_SECTION_ID}{exercise.id}-{part}"
    return cells
