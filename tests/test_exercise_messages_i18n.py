"""The checker's own sentences in the six languages: every status and every kind of sentence,
for real checks, is in the check's language with its placeholders filled in, and English
stays as it was."""
from __future__ import annotations

import dataclasses
import re
import string

import numpy as np
import pytest

from studypack.content.interface_text import interface_text
from studypack.content.model import LANGUAGES
from studypack.engine import Tensor, Value
from studypack.exercises import check, get_exercise
from studypack.exercises.catalog import graphs, networks
from studypack.exercises.messages import checking_language, say

OTHER_LANGUAGES = [language for language in LANGUAGES if language != "en"]
CHECKER_KEYS = [key for key in interface_text("en") if key.startswith("checker ")]

# English words of the checker's sentences that no translation uses (words shared with a
# language are left out: array, zero, an, was, Division, per, zeros, has, also, gradients;
# and Value)
ENGLISH = {"the", "your", "should", "expected", "but", "returned", "shape", "line", "raised",
           "running", "loop", "not", "done", "yet", "right", "case", "cases", "values",
           "number", "numbers", "nearly", "only", "compute", "round", "differs",
           "answer", "contains", "look", "overflow", "nodes", "node", "listed", "times",
           "missing", "starts", "comes", "before", "every", "plain", "match", "mistake",
           "training", "accuracy", "after", "steps", "took", "where", "vectorised",
           "hold", "holds", "inputs", "hidden", "units", "output", "of", "and", "for",
           "with", "is", "it", "still", "function", "takes", "take", "single",
           "infinite", "message", "graphs", "whose", "earlier", "pass", "forget",
           "holding", "four", "one", "from", "replace", "again", "cell"}
CODE = re.compile(r"`[^`]*`|\([^()]*\)|∂\S+|\.\w+|\b\w*_\w*\b")  # code, shapes and signatures


def english_left(text: str, allowed: set[str] = frozenset()) -> set[str]:
    """The English words of `text` outside code, shapes and the learner's own names."""
    words = set(re.findall(r"[A-Za-z]+", CODE.sub(" ", text).lower()))
    return (words & ENGLISH) - allowed


def assert_translated(text: str, language: str, allowed: set[str] = frozenset()) -> None:
    assert text and not re.search(r"\{\w*\}", text), text  # every placeholder filled in
    assert not english_left(text, allowed), (language, english_left(text, allowed), text)


def _short(exercise_id: str):
    return dataclasses.replace(get_exercise(exercise_id), time_limit=0.3)


def _raises(*args):
    x = 1
    raise ValueError("boom")


def _endless(*args):
    while True:
        pass


def _linear(grad_x=None, grad_W=None, grad_b=None):
    def answer(x, W, b, g):
        right = get_exercise("linear-backward").reference(x, W, b, g)
        return tuple(right[i] if new is None else new(x, W, b, g, right[i])
                     for i, new in enumerate((grad_x, grad_W, grad_b)))
    return answer


# (what it shows, exercise, the learner's answer, the status it must get)
ATTEMPTS = [
    ("passed", "mse-backward", get_exercise("mse-backward").reference, "passed"),
    ("not done", "mse-backward", lambda p, t: (_ for _ in ()).throw(NotImplementedError), "not-done"),
    ("error at a line", "mse-backward", _raises, "error"),
    ("timeout", "relu-backward", _endless, "timeout"),
    ("not callable", "mse-backward", 5, "type"),
    ("returned None", "mse-backward", lambda p, t: None, "type"),
    ("a list", "relu-backward", lambda z, g: [1, 2, 3], "type"),
    ("strings", "relu-backward", lambda z, g: np.full(z.shape, "a"), "type"),
    ("a Tensor", "relu-backward", lambda z, g: Tensor(z), "type"),
    ("too few arrays", "linear-backward", lambda x, W, b, g: (g, g), "type"),
    ("parameters", "relu-backward", lambda z: z, "type"),
    ("shape like", "linear-backward", _linear(grad_b=lambda x, W, b, g, r: r[:1]), "shape"),
    ("shape", "relu-backward", lambda z, g: g.ravel(), "shape"),
    ("single number", "neuron-gradients",
     lambda x, w, b, t: (get_exercise("neuron-gradients").reference(x, w, b, t)[0],
                         np.ones(1)), "shape"),
    ("NaN", "relu-backward", lambda z, g: np.full(z.shape, np.nan), "wrong"),
    ("infinite", "relu-backward", lambda z, g: np.full(z.shape, np.inf), "wrong"),
    ("all zeros", "relu-backward", lambda z, g: np.zeros(z.shape), "wrong"),
    ("nearly right", "tanh-backward",
     lambda z, g: (get_exercise("tanh-backward").reference(z, g) * (1 + 1e-4)), "wrong"),
    ("not right", "tanh-backward", lambda z, g: get_exercise("tanh-backward").reference(z, g) + 1,
     "wrong"),
    ("two mistakes", "linear-backward",
     _linear(grad_W=lambda x, W, b, g, r: (g.T @ x), grad_b=lambda x, W, b, g, r: g), "wrong"),
    ("topological type", "topological-order", lambda root: [root, 1], "type"),
    ("topological details", "topological-order",
     lambda root: graphs.engine_order(root) + graphs.engine_order(root)[:1], "wrong"),
    ("recursion", "topological-order", graphs._endless, "error"),
    ("grad not number", "scalar-backward",
     lambda root: setattr(root, "grad", "1") or None, "type"),
    ("wrong grad", "scalar-backward",
     lambda root: [setattr(n, "grad", 0.5) for n in graphs.engine_order(root)] and None, "wrong"),
    ("training type", "train-mlp-moons", lambda *a: None, "type"),
    ("training losses", "train-mlp-moons",
     lambda *a: ((np.zeros((2, 16)), np.zeros(16), np.zeros((16, 1)), np.zeros(1)), [0.0]),
     "type"),
    ("training shape", "train-mlp-moons",
     lambda *a: ((np.zeros((3, 16)), np.zeros(16), np.zeros((16, 1)), np.zeros(1)),
                 [0.0] * 500), "shape"),
]


def _check(exercise_id, answer, language):
    exercise = _short(exercise_id) if exercise_id != "train-mlp-moons" else exercise_id
    return check(exercise, answer, language=language)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("what, exercise_id, answer, status", ATTEMPTS,
                         ids=[attempt[0] for attempt in ATTEMPTS])
def test_every_kind_of_report_is_in_the_checks_language(what, exercise_id, answer, status,
                                                       language):
    english = _check(exercise_id, answer, "en")
    report = _check(exercise_id, answer, language)
    assert report.status == english.status == status, (report, english)
    assert report.mistake == english.mistake
    allowed = {"boom"}  # the learner's own error message
    for sentence, source in [(report.diagnosis, english.diagnosis),
                             (report.details, english.details)]:
        if source is None:
            assert sentence is None
            continue
        assert sentence != source, sentence
        assert_translated(sentence, language, allowed)
    # the numbers and names the English sentence gives are all in the translation too
    for sentence, source in [(report.diagnosis, english.diagnosis),
                             (report.details, english.details)]:
        if source:
            for token in re.findall(r"\(\d[\d, ]*\)|\b\d+(?:\.\d+)?\b|\b\w+_\w+\b", source):
                assert token in sentence, (token, sentence)


def test_the_timeout_and_the_error_name_the_line_in_every_language():
    line_word = {"en": "line", "it": "riga", "fr": "ligne", "pt": "linha", "es": "línea",
                 "de": "Zeile"}
    error_line = _raises.__code__.co_firstlineno + 2
    for language in LANGUAGES:
        report = _check("mse-backward", _raises, language)
        assert f"{line_word[language]} {error_line}" in report.diagnosis
        assert report.details == say_in(language, "checker line", line=error_line,
                                        source='raise ValueError("boom")')
        stopped = _check("mse-backward", _endless, language)
        assert stopped.status == "timeout" and "0.3 s" in stopped.diagnosis
        assert re.search(rf"{line_word[language]} {_endless.__code__.co_firstlineno + 1}\b",
                         stopped.diagnosis)


def say_in(language: str, key: str, **values) -> str:
    with checking_language(language):
        return say(key, **values)


def test_english_is_as_before():
    report = _check("mse-backward", _raises, "en")
    assert report.diagnosis == f"your code raised ValueError at line " \
                               f"{_raises.__code__.co_firstlineno + 2}: boom"
    report = check("relu-backward", lambda z, g: z, language="en")
    assert report.diagnosis.startswith("grad_z is not right for z (5,), grad_out (5,): it differs")
    assert check("mse-backward", lambda p, t: None).diagnosis == (
        "grad_prediction should be a numpy array of numbers, but your function returned None "
        "(did your function forget to `return`?)")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_checker_template_is_translated(language):
    """Also the sentences no attempt above reaches (a timeout without a line, 'no message')."""
    english, words = interface_text("en"), interface_text(language)
    for key in CHECKER_KEYS + ["exercise timed out"]:
        fields = {name: "7" for _, name, _, _ in string.Formatter().parse(english[key]) if name}
        assert words[key] != english[key], key
        assert_translated(words[key].format(**fields), language)


def test_a_mistake_diagnosis_outside_a_check_stays_english_and_inside_follows_the_language():
    exercise = get_exercise("linear-backward")
    assert exercise.diagnosis("transposed") == exercise.texts_in("en").mistakes["transposed"]
    with checking_language("de"):
        assert exercise.diagnosis("transposed") == exercise.texts_in("de").mistakes["transposed"]
    report = check(exercise, _linear(grad_W=lambda x, W, b, g, r: g.T @ x), language="it")
    assert report.diagnosis == exercise.texts_in("it").mistakes["transposed"]


def test_graph_names_are_translated_in_custom_check_details():
    report = check("scalar-backward", lambda root: [setattr(n, "grad", 0.5)
                                                    for n in graphs.engine_order(root)] and None,
                   language="es")
    assert report.diagnosis.startswith("en un grafo en el que un valor se usa tres veces")
    assert report.details == "grafo 1 de 10"


def test_training_summary_is_translated(monkeypatch):
    monkeypatch.setattr(networks, "SLOW_SECONDS", 0.0)
    report = check("train-mlp-moons", networks.train_mlp, language="pt")
    assert report.passed and report.details.startswith("exatidão no treino 9")
    assert "após 500 passos (perda " in report.details and "; demorou " in report.details
    assert_translated(report.details, "pt")
