"""The German interface speaks to the learner as "du", like the German cards, questions, notes and
exercises: no formal "Sie"/"Ihr…" anywhere, and "du"/"dein…" lower-case except at a sentence start.

"Sie"/"Ihr…" as a pronoun for a feminine noun ("Deine Bewertung … Sie bleibt hier erhalten") is
German too; it can only start a sentence, so a capital "Sie" is allowed there and nowhere else.
"""
import re

import pytest

from studypack.content.interface_text import interface_text

# where a sentence (or a full sentence after a colon) may begin: start of text, or after . ! ? :
# followed by spaces, possibly behind a verdict mark (✔ ✘) or an opening tag such as <b>
SENTENCE_START = r"(?:^|[.!?:]\s+)(?:[✔✘]\s*)?(?:<[^>]+>)*"
FORMAL_POSSESSIVE = re.compile(r"\b(?:Ihnen|Ihr(?:e|en|em|er|es)?)\b")
FORMAL_IMPERATIVE = re.compile(r"\b\w+en Sie\b")  # "Geben Sie", "Schauen Sie", "lesen Sie"
CAPITAL_SIE = re.compile(r"\bSie\b")
INFORMAL = re.compile(r"\b(?:Du|Dein\w*|Dir|Dich)\b")


def _mid_sentence(text: str, match: re.Match) -> bool:
    return re.search(SENTENCE_START + r"$", text[:match.start()]) is None


def formal_address(text: str) -> list[str]:
    """The words of `text` that address the reader formally or capitalise "du" mid-sentence."""
    found = [m.group() for m in FORMAL_IMPERATIVE.finditer(text)]
    found += [m.group() for m in FORMAL_POSSESSIVE.finditer(text)]
    found += [m.group() for m in CAPITAL_SIE.finditer(text) if _mid_sentence(text, m)]
    found += [m.group() for m in INFORMAL.finditer(text) if _mid_sentence(text, m)]
    return found


@pytest.mark.parametrize("formal", [
    "Schauen Sie später wieder vorbei.",
    "Geben Sie `{responses}` ab.",
    "Die Antwort ist 1; Ihre Antwort war 2.",
    "eine richtige Option, die Sie nicht gewählt haben",
    "von Ihnen gewählt",
    "Übungsprüfung (führen Sie diese Zelle aus)",
    "Nicht in Ihrem Code.",
    "Gut gemacht! Du kannst Dein Ergebnis speichern.",
    "mit <i>Neuer Versuch</i> übst Du erneut",
])
def test_the_check_finds_formal_address_and_a_capital_du_mid_sentence(formal):
    assert formal_address(formal)


@pytest.mark.parametrize("informal", [
    "Deine Bewertung ist noch nicht gespeichert. Sie bleibt hier erhalten.",
    "Deine Fortschrittsdatei war beschädigt. Sie wurde beiseitegelegt.",
    "Noch nicht erledigt: Definiere f, führe sie aus und drück dann Prüfen.",
    "✘ Deine f ist mit einem Fehler abgebrochen.",
    "<b>Jetzt ist nichts fällig.</b> Gut gemacht! Schau später wieder vorbei.",
    "Du darfst deine Fortschrittsdatei oder ihren Ordner nicht beschreiben.",
])
def test_the_check_lets_informal_text_and_pronouns_through(informal):
    assert formal_address(informal) == []


def test_every_german_interface_word_says_du():
    german = interface_text("de")
    assert german.keys() == interface_text("en").keys()
    formal = {key: found for key, text in german.items() if (found := formal_address(text))}
    assert formal == {}


def test_the_german_interface_addresses_the_learner_somewhere():
    """Not vacuous: the entries that speak to the learner really use du/dein/dir."""
    german = interface_text("de")
    assert german["your answer"] == "Deine Antwort"
    assert german["nothing due"].count("Schau später wieder vorbei") == 1
    assert "du" in german["exam review"].split()
    assert german["nbgrader type a number"].startswith("Gib eine Zahl ein")
