"""Exchange with real clients: jupytercards and jupyterquiz files as their authors write them,
our own exports coming back unchanged, hostile or huge input, and text no file can hold.

(The basic export/import commands are in test_cli.py.) Fixtures in tests/data/ follow the real
formats: `jupytercards_math.json` is written in the style of the jupytercards author's own
example (HTML fronts, `\\begin{align}` outside any delimiter, a "topic" field),
`jupyterquiz_real.json` uses the jupyterquiz 2.9 fields (precision, several correct answers,
wrong-answer ranges, code, answer_cols, hide, string and match questions).
"""
import html
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, strategies as st

from helpers import studypack
from studypack import cli
from studypack.content import LANGUAGES, load_pack
from studypack.content.markdown import ANKI_MATH, markdown_to_html
from studypack.content.model import Card, PackSettings
from studypack.exchange import (ExportProblem, anki_package, import_jupytercards,
                                import_jupyterquiz, import_markdown, jupyterquiz_questions)
from studypack.exchange.html_markdown import markdown_from_html
from studypack.exchange.items import unique_ids

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def fresh_pack(tmp_path_factory):
    """An empty pack (made by `studypack new`) with the checkout's topics, to import into."""
    folder = tmp_path_factory.mktemp("packs") / "fresh"
    topics = [arg for topic in load_pack().settings.topics for arg in ("--topic", topic)]
    studypack("new", folder, "--title", "Fresh", *topics, cwd=folder.parent, expect=0)
    return folder


def _copy(pack: Path, tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(pack, target)
    return target


_MARKERS = ("\u27e8", "\u27e9", "\u27ea", "\u27eb")  # ⟨inline⟩ ⟪display⟫, not in content
_SPAN = re.compile("\u27e8(?P<inline>.*?)\u27e9|\u27ea(?P<display>.*?)\u27eb", re.DOTALL)


def _math_found(text: str) -> list[tuple[str, bool]]:
    """(body, is display) of each math span our renderer finds in `text`, in order."""
    return [(html.unescape(match.group("display") if match.group("display") is not None
                           else match.group("inline")), match.group("display") is not None)
            for match in _SPAN.finditer(markdown_to_html(text, _MARKERS))]


def _outside_math(text: str) -> str:
    """`text` as our renderer shows it, with every math span removed."""
    return _SPAN.sub(" ", markdown_to_html(text, _MARKERS))


# ---- jupytercards: math is kept, as our renderer expects it ----

def test_jupytercards_math_survives_in_our_delimiters():
    data = json.loads((DATA / "jupytercards_math.json").read_text())
    result = import_jupytercards(data, ["loss"], "easy")
    cards = {card["id"]: card for card in result.items}
    assert len(cards) == len(data) and not result.left_out
    gradient = cards["gradient-of-a-loss"]["back"]
    assert "$$\\begin{align} \\nabla L" in gradient and gradient.endswith("\\end{align}$$")
    rate = cards["learning-rate-or-step-size-of-gradient-descent"]
    assert rate["front"] == "*learning rate* (or *step size*) of gradient descent"
    assert rate["back"] == ("The factor $\\eta > 0$ that scales each step: "
                            "$$w \\leftarrow w - \\eta \\, \\frac{\\partial L}{\\partial w}.$$")
    chain = cards["chain-rule-one-variable"]
    assert chain["front"] == "chain rule\\\n(one variable)"  # <br> → a Markdown line break
    assert chain["back"].startswith("$$\\begin{equation*}")
    sigmoid = cards["sigmoid-and-its-derivative"]["back"]
    assert sigmoid.startswith("$\\sigma(x) = 1/(1 + e^{-x})$ and") and "—" in sigmoid
    assert cards["epoch"]["back"].count("\n\n") == 1  # <br><br>: a new paragraph
    for card in result.items:
        for text in (card["front"], card["back"]):
            # every LaTeX command is inside math our renderer finds; no delimiter is left over
            assert not re.search(r"\\[a-zA-Z]", _outside_math(text)), text
            assert "\\(" not in text and "\\[" not in text
            html = markdown_to_html(text)
            assert "<em>" not in html or card["front"] == text  # no _ read as emphasis in math
    assert "card 1, card 2, card 3: field 'topic' left out" in " ".join(result.notes)
    assert any("card 4: field 'name' left out" in note for note in result.notes)


def test_jupytercards_cli_import_validates(fresh_pack, tmp_path):
    pack = _copy(fresh_pack, tmp_path)
    result = studypack("import", "jupytercards", DATA / "jupytercards_math.json", "--topic",
                       "loss", "--out", "flashcards/imported.yaml", cwd=pack, expect=0)
    assert "field 'topic' left out" in result.stderr
    cards = yaml.safe_load((pack / "flashcards/imported.yaml").read_text())
    assert "$$\\begin{align}" in cards[0]["back"]
    studypack("validate", cwd=pack, expect=0)


_BODY = st.text(st.sampled_from("abxy012+-=^_{}() \\,"), min_size=1, max_size=12).filter(
    lambda body: body.strip() and not body.endswith("\\") and "\\(" not in body
    and "\\)" not in body and "\\[" not in body and "\\]" not in body)
_DELIMITERS = [("\\(", "\\)", False), ("$", "$", False), ("\\[", "\\]", True),
               ("$$", "$$", True), ("\\begin{align}", "\\end{align}", True)]


@given(st.lists(st.tuples(st.sampled_from(range(len(_DELIMITERS))), _BODY), min_size=1,
                max_size=5))
def test_every_math_delimiter_becomes_dollar_math(spans):
    """Whatever delimiters a card uses, each span comes out as one math span of our renderer,
    in order, with the same LaTeX (inline math trimmed of the spaces our renderer refuses)."""
    text = " and ".join(f"{_DELIMITERS[kind][0]}{body}{_DELIMITERS[kind][1]}"
                        for kind, body in spans)
    converted, dropped = markdown_from_html(f"Text {text} end.")
    expected = []
    for kind, body in spans:
        opening, closing, display = _DELIMITERS[kind]
        if opening.startswith("\\begin"):
            expected.append((f"{opening}{body}{closing}", True))
        elif display:
            expected.append((body.strip(), True))
        else:
            expected.append((re.sub(r"\s+", " ", body).strip(), False))
    assert _math_found(converted) == expected and not dropped, converted


# ---- HTML → Markdown: what our own exports (and simple HTML) become ----

_WORD = st.sampled_from(["loss", "weight", "the", "gradient", "a_b", "x", "Rate", "42", "step"])
_INLINE = st.one_of(
    _WORD, _WORD.map(lambda w: f"*{w}*"), _WORD.map(lambda w: f"**{w}**"),
    _WORD.map(lambda w: f"`{w}`"), st.sampled_from(["$x_1 w_1$", "$a<b$", "$\\eta$",
                                                    "$$\\frac{1}{2}$$", "[link](http://x.y)"]))
_LINE = st.lists(_INLINE, min_size=1, max_size=6).map(" ".join)
_BLOCK = st.one_of(
    st.lists(_LINE, min_size=1, max_size=3).map("\n".join),
    st.lists(_LINE, min_size=1, max_size=3).map(lambda lines: "\n".join(f"- {l}" for l in lines)),
    st.lists(_LINE, min_size=1, max_size=3).map(
        lambda lines: "\n".join(f"{n}. {l}" for n, l in enumerate(lines, 1))),
    st.lists(_LINE, min_size=2, max_size=2).map(lambda lines: "  \n".join(lines)))


@given(st.lists(_BLOCK, min_size=1, max_size=4).map("\n\n".join))
def test_markdown_survives_html_and_back(markdown):
    html = markdown_to_html(markdown)
    back, dropped = markdown_from_html(html)
    assert markdown_to_html(back) == html and not dropped
    assert not re.search(r"</?(p|em|strong|code|ul|ol|li|br|a)\b", back)  # no HTML left


def test_html_without_markdown_equivalent_is_named():
    text, dropped = markdown_from_html(
        "<span style='color:red'>red</span> x<sup>2</sup> <script>if (a<b) go()</script>ok")
    assert text == "red x2 ok"
    assert dropped == ["<script> (with its content)", "<span>'s style", "<sup>"]


# ---- jupyterquiz: a real file, imported as far as it can be, everything else named ----

def test_real_jupyterquiz_file_imports_what_it_can_and_names_the_rest():
    result = import_jupyterquiz(json.loads((DATA / "jupyterquiz_real.json").read_text()),
                                ["loss"], "medium")
    by_number = dict(zip([1, 2, 3, 5, 6, 7, 9], result.items))
    assert len(result.items) == 7
    assert [by_number[n]["kind"] for n in (1, 2, 3)] == ["multiple_choice", "single_choice",
                                                        "multiple_choice"]
    assert by_number[1]["prompt"] == "Choose all of the following that are **activation " \
                                     "functions**."
    assert by_number[2]["prompt"].endswith("```\nx = [1, 2]\nprint(x * 2)\n```")
    assert by_number[2]["options"][2]["text"] == "`TypeError`"
    # precision = significant digits: 0.7864477 to 3 digits is 0.786, ± half a unit (0.0005)
    assert (by_number[5]["answer"], by_number[5]["tolerance"]) == (0.786, 0.0005)
    # a wrong value's feedback becomes a mistake; a wrong range's and the default feedback
    # are kept in the explanation, each saying which answers it is for
    assert by_number[5]["mistakes"] == [{"answer": 0.462, "feedback": "That is $\\tanh(0.5)$, "
                                                                      "not its derivative."}]
    why = by_number[5]["explanation"]
    assert "0.462" not in why
    assert "For answers in [-10, 0): The slope of tanh is never negative." in why
    assert "For any other answer: Use $\\tanh'(x)" in why
    assert (by_number[9]["answer"], by_number[9]["tolerance"]) == (1200.0, 50.0)
    assert by_number[9]["prompt"].startswith("![a loss curve that flattens](loss-curve.png)")
    # the alternative correct answers studypack cannot hold are named, their feedback kept
    assert "Also accepted by the original quiz (the answer -0.5)" in by_number[7]["explanation"]
    notes = "\n".join(result.notes)
    assert "question 6: answer 2, also correct (answers in [3.142857, 3.142858)), left out" in notes
    assert "question 7: answer 2, also correct (the answer -0.5), left out" in notes
    assert "question 1: field 'answer_cols' left out" in notes
    assert "question 3: type multiple_choice with 2 correct answers" in notes
    left = "\n".join(result.left_out)
    assert "question 4: type 'string' is not imported" in left
    assert "question 8: type 'match' is not imported" in left
    assert "question 10: no answer is marked correct" in left
    assert "hide" not in notes  # question 10 is left out whole: its fields are not listed


def test_unsupported_items_do_not_refuse_the_file(fresh_pack, tmp_path):
    pack = _copy(fresh_pack, tmp_path)
    result = studypack("import", "jupyterquiz", DATA / "jupyterquiz_real.json", "--topic",
                       "loss", "--out", "quizzes/imported.yaml", cwd=pack, expect=1)
    for number in (4, 8, 10):
        assert f"jupyterquiz_real.json: question {number}: " in result.stderr
    assert "left out 3, listed above" in result.stderr
    written = (pack / "quizzes/imported.yaml").read_text()
    assert "# Left out (not imported):" in written and "question 4: type 'string'" in written
    assert len(yaml.safe_load(written)) == 7
    studypack("validate", cwd=pack, expect=0)


def _jupyterquiz_accepts(typed: float, value: float, digits: int) -> bool:
    """jupyterquiz ≥ 2.8: Number(typed.toPrecision(p)) == value.toPrecision(p)."""
    return float(f"{typed:.{digits - 1}e}") == float(f"{value:.{digits - 1}e}")


@given(st.floats(1e-4, 1e6).map(lambda v: float(f"{v:.6g}")), st.integers(1, 6),
       st.floats(-3.0, 3.0))
def test_precision_is_significant_digits(value, digits, offset):
    """Every number jupyterquiz accepts is accepted by the imported question, and numbers
    two units of the last digit away are refused by both."""
    question = {"question": "?", "type": "numeric", "precision": digits,
                "answers": [{"type": "value", "value": value, "correct": True,
                             "feedback": "ok"}]}
    [item] = import_jupyterquiz([question], ["loss"], "easy").items
    unit = 2 * item["tolerance"]
    typed = item["answer"] + offset * unit
    if _jupyterquiz_accepts(typed, value, digits):
        assert abs(typed - item["answer"]) <= item["tolerance"] * (1 + 1e-9)
    if abs(offset) >= 2:
        assert not _jupyterquiz_accepts(typed, value, digits)
        assert abs(typed - item["answer"]) > item["tolerance"]


@pytest.mark.parametrize("bad, why", [
    ({"question": "?", "type": "numeric", "answers": [{"value": 10 ** 400, "correct": True}]},
     "not a finite number"),
    ({"question": "?", "type": "numeric", "precision": 0,
      "answers": [{"value": 1.5, "correct": True}]}, "precision 0 left out"),
    ({"question": "?", "type": "numeric", "answers": [{"range": [0, "x"], "correct": True}]},
     "is not [low, high]"),
    ({"question": "?", "type": "many_choice", "answers": [{"answer": "a", "correct": "yes"}]},
     "correct must be true or false"),
    ({"question": "\ud800?", "type": "many_choice",
      "answers": [{"answer": "a", "correct": True}, {"answer": "b", "correct": False}]},
     "lone surrogate"),
    ("just a string", "expected an object"),
])
def test_bad_items_are_named_and_the_rest_imported(bad, why):
    good = {"question": "Fine?", "type": "multiple_choice",
            "answers": [{"answer": "yes", "correct": True, "feedback": "Yes."},
                        {"answer": "no", "correct": False, "feedback": "No."}]}
    result = import_jupyterquiz([bad, good], ["loss"], "easy")
    assert [item["prompt"] for item in result.items][-1] == "Fine?"
    assert why in "\n".join(result.notes + result.left_out)


# ---- our own export comes back unchanged ----

def _compare(original, item) -> None:
    """A question read back from our jupyterquiz export, field by field."""
    assert item["id"] == original.id
    if original.kind == "generated_numeric":
        assert item["kind"] == "numeric"
        return
    assert item["kind"] == original.kind
    assert item["prompt"] == original.prompt  # no <p>, no HTML entities
    assert item["explanation"] == original.explanation
    if original.kind == "numeric":
        assert (item["answer"], item["tolerance"]) == (original.answer, original.tolerance)
        assert item.get("unit") == original.unit
        assert item.get("decimals") == getattr(original, "decimals", None)
        assert item.get("mistakes", []) == [{"answer": mistake.answer,
                                             "feedback": mistake.feedback}
                                            for mistake in original.mistakes]
    else:
        assert item["options"] == [{"text": option.text, "correct": option.correct,
                                    "feedback": option.feedback}
                                   for option in original.options]


@pytest.mark.parametrize("language", LANGUAGES)
def test_jupyterquiz_round_trip_of_the_whole_pack(language):
    pack = load_pack(language=language)
    exported = json.loads(json.dumps(jupyterquiz_questions(pack.questions, seed=5)))
    for question in exported:  # still plain jupyterquiz: only its fields and ours
        assert set(question) <= {"question", "type", "answers", "studypack"}
    result = import_jupyterquiz(exported, ["loss"], "easy")
    assert len(result.items) == len(pack.questions) and not result.left_out
    for original, item in zip(pack.questions, result.items):
        _compare(original, item)
        assert "<p>" not in item["prompt"] and not item["id"].startswith("p-")


def test_jupyterquiz_round_trip_through_the_command(fresh_pack, tmp_path):
    pack = _copy(fresh_pack, tmp_path)
    studypack("export", "jupyterquiz", "--out", tmp_path / "all.json", "--seed", "2",
              cwd=tmp_path, expect=0)
    studypack("import", "jupyterquiz", tmp_path / "all.json", "--topic", "loss", "--out",
              "quizzes/back.yaml", cwd=pack, expect=0)
    back = yaml.safe_load((pack / "quizzes/back.yaml").read_text())
    original = load_pack().questions
    assert len(back) == len(original)
    for question, item in zip(original, back):
        _compare(question, item)
    # into the pack they came from, the ids are taken: each new id is named
    result = studypack("import", "jupyterquiz", tmp_path / "all.json", "--topic", "loss",
                       cwd=pack, expect=0)
    first = original[0].id
    assert f"id {first!r} is taken in the pack: question 1 → '{first}-2'" in result.stderr


def test_edits_made_in_the_jupyterquiz_file_win_over_our_metadata():
    question = next(q for q in load_pack().questions if q.kind == "numeric")
    [exported] = jupyterquiz_questions([question])
    exported["answers"][0] = {"type": "value", "value": 7, "correct": True,
                              "feedback": "Seven."}
    [item] = import_jupyterquiz([exported], ["loss"], "easy").items
    assert (item["answer"], item["tolerance"], item["id"]) == (7.0, 0.0, question.id)
    assert item["explanation"].startswith("Seven.")


def test_anki_fields_come_back_as_the_cards_text():
    """What can come back from Anki: its fields are our HTML with \\( \\) math; reading them as
    jupytercards-style HTML gives the card's Markdown (the same rendering)."""
    for card in load_pack().cards:
        for text in (card.front, card.back):
            back, dropped = markdown_from_html(markdown_to_html(text, ANKI_MATH))
            assert markdown_to_html(back) == markdown_to_html(text) and not dropped, text


# ---- text no file can hold ----

def test_exports_refuse_a_lone_surrogate_naming_the_item():
    card = Card(id="broken", topics=["loss"], difficulty="easy", front="ok",
                back="half a pair: \ud83d")
    settings = PackSettings(name="p", title="P", topics=["loss"])
    with pytest.raises(ExportProblem) as problem:
        anki_package([card], settings, "en")
    assert problem.value.problems == [
        "card 'broken': back: character 14 (U+D83D) is half of a UTF-16 pair (a lone "
        "surrogate) that no file can hold: fix the text in the pack"]
    question = next(q for q in load_pack().questions if q.kind == "single_choice")
    broken = question.model_copy(update={"prompt": "\udc00"})
    with pytest.raises(ExportProblem, match=f"question '{question.id}': prompt: character 1"):
        jupyterquiz_questions([broken])


def test_export_commands_never_traceback_on_a_lone_surrogate(fresh_pack, tmp_path):
    """The loader refuses such text first; if it ever gets through, the export refuses it:
    either way one clear message per problem, exit 1, nothing written."""
    pack = _copy(fresh_pack, tmp_path)
    (pack / "flashcards/cards.yaml").write_text(
        "- id: how-to-write-a-card\n  topics: [loss]\n  difficulty: easy\n"
        "  front: A front\n  back: \"half a pair: \\ud83d\"\n")
    for command, out in ((["export", "anki", "--out", "deck.apkg"], "deck.apkg"),
                         (["export", "jupyterquiz", "--out", "quiz.json"], "quiz.json")):
        result = studypack(*command, cwd=pack, expect=1)
        assert "how-to-write-a-card" in result.stderr and "surrogate" in result.stderr
        assert not (pack / out).exists()


# ---- command-line paths ----

def test_input_that_is_not_a_file_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    result = studypack("import", "jupytercards", "pipe.json", "--topic", "loss", cwd=tmp_path,
                       expect=1, timeout=30)
    assert "pipe.json is not a regular file" in result.stderr
    assert "is not a regular file" in studypack("import", "markdown", "/dev/zero", "--topic",
                                                "loss", cwd=tmp_path, expect=1).stderr
    (tmp_path / "folder").mkdir()
    assert "folder is a folder" in studypack("import", "markdown", "folder", "--topic", "loss",
                                             cwd=tmp_path, expect=2).stderr


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe not utf-8", "is not UTF-8 text (byte 1"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b"[1, 2", "is not valid JSON"),
    (b"[]", "holds no questions"),
])
def test_unreadable_input_is_one_line(tmp_path, content, message):
    (tmp_path / "in.json").write_bytes(content)
    result = studypack("import", "jupyterquiz", "in.json", "--topic", "loss", "--out",
                       "out.yaml", cwd=tmp_path, expect=1)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.yaml").exists()


def test_output_is_never_overwritten_without_force(tmp_path, monkeypatch, capsys):
    (tmp_path / "out.yaml").write_text("mine\n")
    monkeypatch.chdir(tmp_path)
    code = cli.main(["import", "markdown", str(DATA / "glossary.md"), "--topic", "loss",
                     "--out", "out.yaml"])
    assert code == 2 and "out.yaml exists" in capsys.readouterr().err
    assert (tmp_path / "out.yaml").read_text() == "mine\n"
    assert cli.main(["import", "markdown", str(DATA / "glossary.md"), "--topic", "loss",
                     "--out", "out.yaml", "--force", "-q"]) == 0
    assert "- id: epoch" in (tmp_path / "out.yaml").read_text()
    monkeypatch.setattr(cli.commands, "MAX_INPUT_BYTES", 10)
    assert cli.main(["import", "markdown", str(DATA / "glossary.md"), "--topic", "loss"]) == 1
    assert "is over 0 MiB" in capsys.readouterr().err


# ---- big and hostile input stays linear ----

def test_unique_ids_continue_counting_instead_of_recounting():
    assert unique_ids(["a", "a", "a-2", "a", "b"], taken=["b"]) == ["a", "a-2", "a-2-2", "a-3",
                                                                   "b-2"]
    ids = unique_ids(["same"] * 20_000)
    assert len(set(ids)) == 20_000 and ids[-1] == "same-20000"


def test_markdown_import_with_20000_identical_headings_is_linear():
    text = "# Same heading\n\nSame back.\n\n" * 20_000
    started = time.perf_counter()
    result = import_markdown(text, ["loss"], "easy")
    elapsed = time.perf_counter() - started
    assert len(result.items) == 20_000 and result.items[-1]["id"] == "same-heading-20000"
    assert elapsed < 10, elapsed  # about 0.4 s; it was over 30 s (quadratic)
    long_line = "# a" + " " * 200_000 + "b\n\nback"  # the old heading regex was cubic here
    started = time.perf_counter()
    [card] = import_markdown(long_line, ["loss"], "easy").items
    assert card["front"].endswith("b") and time.perf_counter() - started < 5


@pytest.mark.parametrize("unit", ["<a ", "<ul><li>", "<b>", "&", "$", "\\(", "\\[",
                                  "\\begin{align}", "<br>", "<code>`", "<table><tr><td>",
                                  "<!--", "<script>", "a  \n"])
def test_html_conversion_of_hostile_text_is_linear(unit):
    started = time.perf_counter()
    markdown_from_html(unit * 40_000)
    assert time.perf_counter() - started < 10  # quadratic parsing took minutes at this size


# ---- any JSON at all: an import result or a clear problem, never a crash ----

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 400, 10 ** 400),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                     st.sampled_from(["numeric", "many_choice", "multiple_choice", "string",
                                      "default", "$x$", "<b>", "\\(x\\)", "\ud800"]))
_KEYS = st.sampled_from(["question", "type", "answers", "answer", "correct", "feedback",
                         "value", "range", "precision", "code", "front", "back", "topic",
                         "studypack", "id", "explanation", "answer_cols", "hide"])
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=6)), max_leaves=30)


@given(_JSON)
def test_any_json_gives_a_result_or_a_named_problem(data):
    from studypack.exchange import ImportProblem, item_problems

    for convert, kind in ((import_jupyterquiz, "question"), (import_jupytercards, "card")):
        try:
            result = convert(data, ["loss"], "easy")
        except ImportProblem as problem:
            assert problem.problems
            continue
        item_problems(result.items, kind, ["loss"], "out.yaml")  # never raises
        for item in result.items:
            json.dumps(item, ensure_ascii=False).encode("utf-8")  # every text can be written


_PIECES = st.sampled_from(list("<>/&;$\\()[]{}`*_ \n\tabp#-1.") + [
    "<b>", "</b>", "<br>", "<li>", "<ul>", "</ul>", "<pre>", "\\begin{align}", "\\end{align}",
    "<!--", "&lt;", "<script>", "<a href='x'>", "</a>"])


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_text_converts(text):
    markdown, dropped = markdown_from_html(text)
    assert "\ue000" not in markdown and "\ue001" not in markdown
    assert all(isinstance(name, str) for name in dropped)
    markdown_to_html(markdown)


def test_import_into_another_pack_uses_that_packs_topics_and_ids(tmp_path):
    """--out inside another pack: its own topics and ids count, not the pack we stand in."""
    studypack("new", tmp_path / "biology", "--topic", "photosynthesis", cwd=tmp_path, expect=0)
    (tmp_path / "terms.md").write_text("# Chlorophyll\n\nThe green pigment.\n", encoding="utf-8")
    out = tmp_path / "biology" / "flashcards" / "terms.yaml"
    studypack("import", "markdown", tmp_path / "terms.md", "--topic", "photosynthesis",
              "--out", out, cwd=Path(__file__).parent.parent, expect=0)
    assert [card["id"] for card in yaml.safe_load(out.read_text(encoding="utf-8"))] == \
        ["chlorophyll"]
    studypack("validate", tmp_path / "biology", cwd=tmp_path, expect=0)


def test_export_into_another_packs_folder_still_exports_the_pack_we_stand_in(tmp_path):
    """Only import looks at where --out points; an export's pack is --pack or the one here."""
    studypack("new", tmp_path / "biology", "--topic", "photosynthesis", cwd=tmp_path, expect=0)
    checkout = Path(__file__).parent.parent
    out = tmp_path / "biology" / "export.json"
    studypack("export", "jupyterquiz", "--out", out, cwd=checkout, expect=0)
    assert len(json.loads(out.read_text(encoding="utf-8"))) == len(load_pack().questions)
