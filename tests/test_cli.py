"""The `studypack` command driven as a subprocess: validate, new, export, import, help.

(Assign → answers → grade is in test_cli_assign.py.) Every run starts a fresh Python, so these
tests also check what a user sees: exit codes, stdout/stderr, never a traceback.
"""
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
import yaml

from helpers import studypack
from studypack.cli import build_parser
from studypack.content import load_pack, validate_pack
from studypack.exchange.anki import anki_id

DATA = Path(__file__).parent / "data"
CHECKOUT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def new_pack_folder(tmp_path_factory):
    """A pack made by `studypack new`, shared (read-only) by the tests of this module."""
    folder = tmp_path_factory.mktemp("packs") / "photosynthesis"
    studypack("new", folder, "--title", "Photosynthesis", "--topic", "light", "--topic",
              "chlorophyll", cwd=folder.parent, expect=0)
    return folder


# ---- help and usage ----

SUBCOMMANDS = [["validate"], ["assign"], ["grade"], ["export", "anki"],
               ["export", "jupyterquiz"], ["import", "jupyterquiz"], ["import", "jupytercards"],
               ["import", "markdown"], ["new"]]


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_help_with_a_runnable_example(words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*words, "--help"])
    assert exit_info.value.code == 0
    shown = capsys.readouterr().out
    example = shown.split("example:")[1]
    assert f"studypack {' '.join(words)}" in example
    assert "exit codes: 0 done; 1 content or data invalid; 2" in shown


def test_help_and_usage_errors_as_a_subprocess(tmp_path):
    result = studypack("--help", cwd=tmp_path, expect=0)
    for command in ("validate", "assign", "grade", "export", "import", "new"):
        assert command in result.stdout
    assert "unrecognized arguments: --bogus" in studypack("validate", "--bogus", cwd=tmp_path,
                                                          expect=2).stderr
    studypack(cwd=tmp_path, expect=2)  # no command
    studypack("export", cwd=tmp_path, expect=2)  # no format
    studypack("grade", "key.json", cwd=tmp_path, expect=2)  # no responses, no --csv


# ---- validate ----

def test_validate_the_checkout_from_outside_any_pack(tmp_path):
    result = studypack("validate", cwd=tmp_path, expect=0)
    assert result.stdout == ""
    assert "no problems" in result.stderr
    assert studypack("validate", "-q", cwd=tmp_path, expect=0).stderr == ""


def test_validate_lists_every_problem_as_file_line_id_field_message(new_pack_folder, tmp_path):
    pack = tmp_path / "pack"
    _copy_pack(new_pack_folder, pack)
    questions = pack / "quizzes/questions.yaml"
    questions.write_text(questions.read_text().replace("difficulty: easy", "difficulty: simple")
                         .replace("correct: true", "correct: yes please"))
    with (pack / "flashcards/cards.yaml").open("a") as cards:
        cards.write("\n- id: Second-Card\n  topics: [light]\n  difficulty: easy\n"
                    "  front: A second card\n  back: with a bad id\n")
    result = studypack("validate", cwd=pack / "notes", expect=1)  # found from a subfolder
    where = pack.resolve()  # outside the current folder: shown in full
    assert result.stdout.splitlines() == [
        f"{where}/flashcards/cards.yaml:13: Second-Card: id: 'Second-Card' is not a valid id: "
        "use lowercase kebab-case (letters a-z, digits, single hyphens between words), e.g. "
        "'what-is-backpropagation'",
        f"{where}/quizzes/questions.yaml:7: how-many-correct-options: difficulty: unknown "
        "difficulty 'simple'; use easy, medium or hard",
        f"{where}/quizzes/questions.yaml:12: how-many-correct-options: options[0].correct: "
        "expected true or false, got the text 'yes please'"]
    assert "3 problem(s)" in result.stderr
    assert studypack("validate", cwd=pack, expect=1).stdout.startswith(
        "flashcards/cards.yaml:13: Second-Card: id:")  # inside it: relative


def test_validate_paths_bad_yaml_and_usage_errors(new_pack_folder, tmp_path):
    pack = tmp_path / "pack"
    _copy_pack(new_pack_folder, pack)
    (pack / "quizzes/questions.yaml").write_text("- id: x\n  prompt: [unclosed\n")
    result = studypack("validate", pack / "quizzes/questions.yaml", new_pack_folder,
                       cwd=tmp_path, expect=1)
    assert result.stdout.startswith("pack/quizzes/questions.yaml:3: YAML syntax error")
    assert len(result.stdout.splitlines()) == 1  # the other pack is clean
    assert "no problems" in result.stderr
    assert "no file or folder" in studypack("validate", tmp_path / "missing", cwd=tmp_path,
                                            expect=2).stderr
    assert "is not in a pack" in studypack("validate", tmp_path, cwd=tmp_path, expect=2).stderr


def _copy_pack(source: Path, target: Path) -> None:
    shutil.copytree(source, target)


# ---- new ----

def test_new_pack_validates_and_has_its_own_topics(new_pack_folder, tmp_path):
    for part in ("pack.yaml", "flashcards/cards.yaml", "quizzes/questions.yaml",
                 "notes/getting-started.md", "notebooks/study.ipynb", "README.md"):
        assert (new_pack_folder / part).is_file(), part
    studypack("validate", new_pack_folder, cwd=tmp_path, expect=0)
    studypack("validate", cwd=new_pack_folder, expect=0)
    pack = load_pack(new_pack_folder)
    assert pack.settings.topics == ["light", "chlorophyll"] and pack.settings.name == "photosynthesis"
    assert pack.topics() == ["light"]
    assert [note.cards for note in pack.notes] == [[card.id for card in pack.cards]]

    changed = tmp_path / "changed"
    _copy_pack(new_pack_folder, changed)
    cards = changed / "flashcards/cards.yaml"
    cards.write_text(cards.read_text().replace("topics: [light]", "topics: [backprop]"))
    [error] = validate_pack(changed)  # the built-in vocabulary does not apply to this pack
    assert "unknown topic 'backprop'; use one of (the topics listed in pack.yaml): light, " \
           "chlorophyll" in error.message

    settings = changed / "pack.yaml"
    settings.write_text(settings.read_text().replace("name: photosynthesis", "name: Photo Synthesis"))
    result = studypack("validate", cwd=changed, expect=1)
    assert result.stdout.startswith("pack.yaml:2: name: 'Photo Synthesis' is not a valid id")


def test_new_refuses_a_folder_with_files_and_bad_topics(tmp_path):
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    result = studypack("new", folder, cwd=tmp_path, expect=2)
    assert "exists and is not empty" in result.stderr
    assert [path.name for path in folder.iterdir()] == ["keep.txt"]
    assert "not a valid id" in studypack("new", tmp_path / "x", "--topic", "Bad Topic",
                                         cwd=tmp_path, expect=2).stderr
    assert not (tmp_path / "x").exists()


# ---- export anki ----

def _anki_notes(apkg: Path) -> tuple[list[tuple], dict]:
    with zipfile.ZipFile(apkg) as archive:
        collection = apkg.with_suffix(".anki2")
        collection.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(collection) as db:
        notes = db.execute("select guid, mid, flds, tags from notes order by id").fetchall()
        decks = json.loads(db.execute("select decks from col").fetchone()[0])
    return notes, decks


def test_export_anki_opens_as_a_collection_with_stable_ids(tmp_path):
    studypack("export", "anki", "--out", "deck.apkg", cwd=tmp_path, expect=0)
    notes, decks = _anki_notes(tmp_path / "deck.apkg")
    cards = load_pack().cards
    assert len(notes) == len(cards)
    model_id = anki_id("studypack", "model", "v1")
    assert {mid for _, mid, _, _ in notes} == {model_id}
    deck_id = anki_id("studypack", "deck", "backprop", "en")
    assert decks[str(deck_id)]["name"] == "Backpropagation and gradient descent"
    by_id = {fields.split("\x1f")[2]: (guid, fields, tags) for guid, _, fields, tags in notes}
    assert set(by_id) == {card.id for card in cards}
    guid, fields, tags = by_id["what-is-backpropagation"]
    front, back, _ = fields.split("\x1f")
    assert front == "<p>What is backpropagation?</p>"
    assert r"\(\partial L/\partial w\)" in back and "$" not in back  # Anki's MathJax delimiters
    assert tags.split() == ["backprop", "backward-pass"]

    # exported again (after --force is required): the same GUIDs and ids, so Anki updates
    assert "exists" in studypack("export", "anki", "--out", "deck.apkg", cwd=tmp_path,
                                 expect=2).stderr
    studypack("export", "anki", "--out", "deck.apkg", "--force", cwd=tmp_path, expect=0)
    again, decks_again = _anki_notes(tmp_path / "deck.apkg")
    assert [(guid, mid) for guid, mid, _, _ in again] == [(guid, mid) for guid, mid, _, _ in notes]
    assert str(deck_id) in decks_again

    studypack("export", "anki", "--language", "de", "--topic", "loss", "--out", "de.apkg",
              cwd=tmp_path, expect=0)
    german, german_decks = _anki_notes(tmp_path / "de.apkg")
    assert len(german) == sum("loss" in card.topics for card in cards)
    assert not {guid for guid, *_ in german} & {guid for guid, *_ in notes}
    assert str(anki_id("studypack", "deck", "backprop", "de")) in german_decks


def test_anki_text_is_escaped(new_pack_folder, tmp_path):
    pack = tmp_path / "pack"
    _copy_pack(new_pack_folder, pack)
    cards = pack / "flashcards/cards.yaml"
    cards.write_text(cards.read_text().replace("front: What goes on the back of a flashcard?",
                                               "front: 'Is <script>alert(1)</script> $a<b$?'"))
    studypack("export", "anki", "--out", "deck.apkg", cwd=pack, expect=0)
    [(_, _, fields, _)], decks = _anki_notes(pack / "deck.apkg")
    assert fields.split("\x1f")[0] == r"<p>Is &lt;script&gt;alert(1)&lt;/script&gt; \(a&lt;b\)?</p>"
    assert any(deck["name"] == "Photosynthesis" for deck in decks.values())


# ---- export jupyterquiz ----

def test_export_jupyterquiz_json(tmp_path):
    result = studypack("export", "jupyterquiz", "--seed", "3", cwd=tmp_path, expect=0)
    exported = json.loads(result.stdout)
    questions = load_pack().questions
    assert len(exported) == len(questions)
    kinds = {"single_choice": "multiple_choice", "multiple_choice": "many_choice",
             "numeric": "numeric", "generated_numeric": "numeric"}
    assert [item["type"] for item in exported] == [kinds[q.kind] for q in questions]
    for item, question in zip(exported, questions):
        if question.kind in ("single_choice", "multiple_choice"):
            assert [a["correct"] for a in item["answers"]] == [o.correct for o in question.options]
        elif question.kind == "numeric":
            right = item["answers"][0]
            low, high = right.get("range", [right.get("value")] * 2)
            assert low <= question.answer <= high and right["correct"] is True
            assert item["answers"][-1]["type"] == "default"
    assert "generated" in result.stderr and "seed 3" in result.stderr
    same = studypack("export", "jupyterquiz", "--seed", "3", "--out", "q.json", cwd=tmp_path,
                     expect=0)
    assert json.loads((tmp_path / "q.json").read_text()) == exported and same.stdout == ""
    other = json.loads(studypack("export", "jupyterquiz", "--seed", "4", cwd=tmp_path,
                                 expect=0).stdout)
    assert other != exported  # generated questions draw other numbers


# ---- import ----

def _import_into_pack(new_pack_folder, tmp_path, fmt, sample, target, *options):
    """Import `sample` into a copy of the new pack, then validate that pack."""
    pack = tmp_path / "pack"
    _copy_pack(new_pack_folder, pack)
    result = studypack("import", fmt, DATA / sample, "--topic", "light", *options, "--out",
                       target, cwd=pack, expect=0)
    items = yaml.safe_load((pack / target).read_text())
    studypack("validate", cwd=pack, expect=0)
    return items, result


def test_import_jupyterquiz_sample(new_pack_folder, tmp_path):
    questions, result = _import_into_pack(new_pack_folder, tmp_path, "jupyterquiz",
                                          "jupyterquiz_sample.json", "quizzes/imported.yaml")
    assert [q["kind"] for q in questions] == ["single_choice", "multiple_choice", "numeric",
                                              "numeric"]
    assert [o["correct"] for o in questions[1]["options"]] == [True, True, False, False]
    assert questions[1]["options"][3]["text"] == "`torch.optim.SGD`"
    assert (questions[2]["answer"], questions[2]["tolerance"]) == (1.0, 0.05)  # 2 significant digits
    assert (questions[3]["answer"], questions[3]["tolerance"]) == (0.5, 0.5)  # range [0, 1]
    assert questions[0]["id"] == "which-operation-does-gradient-descent-perform-on"
    assert all(q["topics"] == ["light"] and q["difficulty"] == "medium" for q in questions)
    assert "placeholder text for answer 3's feedback" in result.stderr


def test_import_jupytercards_sample(new_pack_folder, tmp_path):
    cards, _ = _import_into_pack(new_pack_folder, tmp_path, "jupytercards",
                                 "jupytercards_sample.json", "flashcards/imported.yaml",
                                 "--difficulty", "easy")
    assert [card["id"] for card in cards] == ["what-is-the-chain-rule", "what-is-a-learning-rate",
                                              "what-is-a-learning-rate-2"]
    assert cards[0]["back"].startswith("For $y = f(g(x))$")
    assert {card["difficulty"] for card in cards} == {"easy"}


def test_import_markdown_headings_become_fronts(new_pack_folder, tmp_path):
    cards, result = _import_into_pack(new_pack_folder, tmp_path, "markdown", "glossary.md",
                                      "flashcards/glossary.yaml")
    assert [(card["id"], card["front"]) for card in cards] == [
        ("epoch", "Epoch"), ("mini-batch", "Mini-batch"), ("saddle-point", "Saddle point")]
    assert "# not a heading: this is inside a code fence" in cards[1]["back"]
    assert cards[2]["back"].endswith("at the origin.")
    assert "text before the first heading was left out" in result.stderr


def test_import_mistakes(tmp_path):
    result = studypack("import", "markdown", DATA / "glossary.md", cwd=tmp_path, expect=2)
    assert "--topic is required" in result.stderr and "gradient-descent" in result.stderr
    assert "unknown topic 'photosynthesis'" in studypack(
        "import", "markdown", DATA / "glossary.md", "--topic", "photosynthesis", cwd=tmp_path,
        expect=2).stderr
    assert "no input file" in studypack("import", "jupytercards", "missing.json", "--topic",
                                        "loss", cwd=tmp_path, expect=2).stderr
    (tmp_path / "broken.json").write_text("[{\"front\": \"only a front\"}, 3]")
    result = studypack("import", "jupytercards", "broken.json", "--topic", "loss", "--out",
                       "cards.yaml", cwd=tmp_path, expect=1)
    assert "broken.json: card 1: back: expected text, got None" in result.stderr
    assert "broken.json: card 2: expected an object with front and back" in result.stderr
    assert not (tmp_path / "cards.yaml").exists()
    (tmp_path / "quiz.json").write_text(json.dumps([{
        "question": "Which?", "type": "multiple_choice",
        "answers": [{"answer": "a", "correct": True}, {"answer": "b", "correct": True}]}]))
    assert "jupyterquiz grades it as pick-all-correct" in studypack(
        "import", "jupyterquiz", "quiz.json", "--topic", "loss", cwd=tmp_path, expect=0).stderr
    (tmp_path / "quiz.json").write_text(json.dumps([{
        "question": "Name it", "type": "string", "answers": [{"answer": "x", "correct": True}]}]))
    assert "type 'string' is not imported" in studypack("import", "jupyterquiz", "quiz.json",
                                                        "--topic", "loss", cwd=tmp_path,
                                                        expect=1).stderr
    (tmp_path / "notjson.json").write_text("{nope")
    assert "is not valid JSON" in studypack("import", "jupyterquiz", "notjson.json", "--topic",
                                            "loss", cwd=tmp_path, expect=1).stderr


def test_jupyterquiz_export_imports_back(tmp_path):
    studypack("export", "jupyterquiz", "--topic", "learning-rate", "--out", "lr.json",
              cwd=tmp_path, expect=0)
    result = studypack("import", "jupyterquiz", "lr.json", "--topic", "learning-rate",
                       cwd=tmp_path, expect=0)
    imported = yaml.safe_load(result.stdout)
    exported = json.loads((tmp_path / "lr.json").read_text())
    assert len(imported) == len(exported)
    for question, item in zip(imported, exported):
        if "options" in question:
            assert [o["correct"] for o in question["options"]] == \
                   [a["correct"] for a in item["answers"]]


def test_an_output_place_that_cannot_be_written_is_explained(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for command in (["export", "anki", "--out", blocker / "deck.apkg"],
                    ["assign", "questions", "--count", "2", "--out", blocker / "week1"]):
        result = studypack(*command, cwd=tmp_path, expect=2)
        assert "a-file" in result.stderr and "nothing was written" in result.stderr
    assert blocker.read_text() == "not a folder"
