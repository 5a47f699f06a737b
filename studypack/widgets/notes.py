"""NotesViewer: read the study notes, then go straight to their lesson, cards and questions."""
from __future__ import annotations

import html

import ipywidgets as widgets

from .flashcards import FlashcardDeck
from studypack.content.interface_text import interface_text
from studypack.content.markdown import markdown_inline, markdown_to_html
from .quiz import Quiz


class NotesViewer(widgets.VBox):
    """The notes of a content `Pack`, one at a time, each followed by what it links to.

    `note_selector` picks a note (`previous_button`/`next_button` step through them);
    `note_view` shows its text and `links_view` its lesson and the fronts of its cards and
    prompts of its questions. `cards_button` opens a `FlashcardDeck` of the note's cards and
    `questions_button` a `Quiz` of its questions in `practice_area` (progress goes to `store`,
    the quiz under the id "note:<note id>"); a deck or quiz holding progress it could not
    save yet stays open (its notice says why) when another is opened. The interface speaks
    the pack's language.
    """

    def __init__(self, pack, store=None, note_id: str | None = None, seed: int = 0):
        if not pack.notes:
            raise ValueError("the pack has no notes to show")
        self.pack, self.store, self.seed = pack, store, seed
        self.text = text = interface_text(pack.language)
        self.note_selector = widgets.Dropdown(
            options=[(note.title, note.id) for note in pack.notes],
            value=note_id if note_id is not None else pack.notes[0].id,
            description=text["note"], layout=widgets.Layout(width="auto"))
        self.previous_button = widgets.Button(description=text["previous note"],
                                              icon="arrow-left")
        self.next_button = widgets.Button(description=text["next note"], icon="arrow-right")
        self.note_view = widgets.HTMLMath()
        self.links_view = widgets.HTMLMath()
        self.cards_button = widgets.Button(icon="clone", button_style="info")
        self.questions_button = widgets.Button(icon="question", button_style="info")
        self.practice_area = widgets.VBox()

        self.note_selector.observe(lambda _: self._show(), names="value")
        self.previous_button.on_click(lambda _: self._step(-1))
        self.next_button.on_click(lambda _: self._step(+1))
        self.cards_button.on_click(lambda _: self.open_cards())
        self.questions_button.on_click(lambda _: self.open_questions())
        super().__init__([
            widgets.HBox([self.previous_button, self.note_selector, self.next_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.note_view, self.links_view,
            widgets.HBox([self.cards_button, self.questions_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.practice_area])
        self._show()

    @property
    def note(self):
        return self.pack.note(self.note_selector.value)

    @property
    def cards(self):
        return [self.pack.card(card_id) for card_id in self.note.cards]

    @property
    def questions(self):
        return [self.pack.question(question_id) for question_id in self.note.questions]

    def open_cards(self) -> None:
        """Show a flashcard deck of this note's cards below it."""
        if self.cards:
            self._close_practice()
            self.practice_area.children += (FlashcardDeck(self.cards, store=self.store,
                                                          seed=self.seed,
                                                          language=self.pack.language),)

    def open_questions(self) -> None:
        """Show a quiz of this note's questions below it."""
        if self.questions:
            self._close_practice()
            self.practice_area.children += (Quiz(self.questions, store=self.store,
                                                 quiz_id=f"note:{self.note.id}", seed=self.seed,
                                                 language=self.pack.language),)

    def _step(self, step: int) -> None:
        ids = [note.id for note in self.pack.notes]
        position = ids.index(self.note_selector.value)
        self.note_selector.value = ids[(position + step) % len(ids)]

    def _close_practice(self) -> None:
        """Close the deck or quiz shown, unless it still holds progress it cannot save."""
        kept = []
        for child in self.practice_area.children:
            if child.save_pending():
                child.close()
            else:
                kept.append(child)
        self.practice_area.children = kept

    def _show(self) -> None:
        note, cards, questions = self.note, self.cards, self.questions
        self._close_practice()
        topics = html.escape(", ".join(note.topics))
        self.note_view.value = (f"<h2>{html.escape(note.title)}</h2>"
                                f'<p style="color:gray">{topics} · {html.escape(note.difficulty)}'
                                f"</p>{markdown_to_html(note.body)}")
        self.links_view.value = self._links_html(note, cards, questions)
        self.cards_button.description = self.text["review cards"].format(count=len(cards))
        self.questions_button.description = self.text["practise questions"].format(
            count=len(questions))
        self.cards_button.disabled, self.questions_button.disabled = not cards, not questions

    def _links_html(self, note, cards, questions) -> str:
        text = self.text
        parts = [f"<h3>{text['go further']}</h3>"]
        if note.lesson:
            lesson = html.escape(note.lesson, quote=True)
            # A relative link: the notebooks sit side by side in notebooks/.
            link = f'<a href="{lesson}">{lesson}</a>'
            parts.append(f'<p>{text["lesson link"].format(link=link)}</p>')
        for label, items, shown in (("cards on this subject", cards, lambda card: card.front),
                                    ("questions on this subject", questions,
                                     lambda question: question.prompt)):
            if items:
                rows = "".join(f"<li>{markdown_inline(_first_line(shown(item)))}</li>"
                               for item in items)
                parts.append(f"<details><summary>{text[label].format(count=len(items))}"
                             f"</summary><ul>{rows}</ul></details>")
        return "".join(parts)


def _first_line(text: str) -> str:
    """The first paragraph of a prompt, enough to recognise it in a list."""
    return text.strip().split("\n\n", 1)[0]
