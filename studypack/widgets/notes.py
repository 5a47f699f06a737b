"""NotesViewer: read the study notes, then go straight to their lesson, cards and questions."""
from __future__ import annotations

import html

import ipywidgets as widgets
from IPython.display import Markdown
from ipywidgets.widgets.widget_string import HTMLMathStyle

from studypack.content.exam import topic_title
from studypack.content.generators import generate
from studypack.content.interface_text import interface_text
from studypack.content.lessons import list_lessons
from studypack.content.markdown import markdown_escape, markdown_inline, markdown_to_html
from studypack.content.model import GeneratedNumericQuestion

from . import look
from .answer_input import SharedLooks
from .flashcards import FlashcardDeck
from .progress_overview import fits
from .quiz import Quiz


class NotesViewer(look.RunHint, widgets.VBox):
    """The notes of a content `Pack`, one at a time, each followed by what it links to.

    `note_selector` picks a note (`previous_button`/`next_button` step through them). Each
    note's page is built the first time it is shown and kept (hidden while another note is
    shown), so going back to a note shows it at once, without typesetting its math again:
    `note_view` shows the note's text, `lesson_link` a link to its lesson that JupyterLab opens
    in a tab (Markdown in an Output widget: JupyterLab's own renderer handles its links, where
    a link in an HTML widget would reload the whole page), and `links_view` the fronts of its
    cards and the prompts of its questions (a generated question with the numbers of one
    draw). `cards_button` opens a `FlashcardDeck` of the note's cards and `questions_button` a
    `Quiz` of its questions in `practice_area` (progress goes to `store`, the quiz under the
    id "note:<note id>"); a deck or quiz holding progress it could not save yet stays open
    (its notice says why) when another is opened. The interface speaks the pack's language.
    """

    run_hint = "the study notes"

    def __init__(self, pack, store=None, note_id: str | None = None, seed: int = 0):
        if not pack.notes:
            raise ValueError("the pack has no notes to show")
        self.pack, self.store, self.seed = pack, store, seed
        self.text = text = interface_text(pack.language)
        self.note_selector = widgets.Dropdown(
            options=[(note.title, note.id) for note in pack.notes],
            value=note_id if note_id is not None else pack.notes[0].id,
            description=text["note"], style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", max_width="100%"))
        self.previous_button = widgets.Button(description=text["previous note"],
                                              icon="arrow-left", layout=fits())
        self.next_button = widgets.Button(description=text["next note"], icon="arrow-right",
                                          layout=fits())
        self.pages = widgets.VBox()  # one page per note, only the note shown visible
        self._pages: dict[str, tuple] = {}  # note id -> (page, note view, lesson link, links)
        self._lesson_titles = None
        self._looks = SharedLooks()  # the pages' views share their layouts and styles
        self.cards_button = widgets.Button(icon="clone", button_style="info", layout=fits())
        self.questions_button = widgets.Button(icon="question", button_style="info",
                                               layout=fits())
        self.practice_area = widgets.VBox()

        self.note_selector.observe(lambda _: self._show(), names="value")
        self.previous_button.on_click(lambda _: self._step(-1))
        self.next_button.on_click(lambda _: self._step(+1))
        self.cards_button.on_click(lambda _: self.open_cards())
        self.questions_button.on_click(lambda _: self.open_questions())
        row = dict(flex_flow="row wrap", align_items="center")
        super().__init__([
            widgets.HBox([self.previous_button, self.note_selector, self.next_button],
                         layout=widgets.Layout(**row)),
            self.pages,
            widgets.HBox([self.cards_button, self.questions_button],
                         layout=widgets.Layout(**row)),
            self.practice_area])
        self._build_pages()
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

    @property
    def note_view(self) -> widgets.HTMLMath:
        """The text of the note shown."""
        return self._pages[self.note.id][1]

    @property
    def lesson_link(self) -> widgets.Output:
        """The link to the lesson of the note shown (Markdown, empty without a lesson)."""
        return self._pages[self.note.id][2]

    @property
    def links_view(self) -> widgets.HTMLMath:
        """The cards and questions of the note shown."""
        return self._pages[self.note.id][3]

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
        if tuple(kept) != self.practice_area.children:
            self.practice_area.children = kept

    def _show(self) -> None:
        note, cards, questions = self.note, self.cards, self.questions
        self._close_practice()
        self._show_page(note)
        self.cards_button.description = self.text["review cards"].format(count=len(cards))
        self.questions_button.description = self.text["practise questions"].format(
            count=len(questions))
        self.cards_button.disabled, self.questions_button.disabled = not cards, not questions

    def _show_page(self, note) -> None:
        # unseen pages keep their width (visibility, not display: MathJax measures the text
        # it typesets) at no height
        for note_id, (page, *_) in self._pages.items():
            shown = note_id == note.id
            page.layout.visibility = "visible" if shown else "hidden"
            page.layout.height = None if shown else "0px"
            page.layout.overflow = None if shown else "hidden"

    def _build_pages(self) -> None:
        """Every note's page, built once: the browser typesets them all when the widget is
        first shown, so that Next, Previous and the menu only swap pages (typesetting a
        note's math on a click is what a learner would wait for)."""
        for note in self.pack.notes:
            self._pages[note.id] = self._page(
                note, [self.pack.card(card_id) for card_id in note.cards],
                [self.pack.question(question_id) for question_id in note.questions])
        self.pages.children = tuple(page for page, *_ in self._pages.values())

    def _page(self, note, cards, questions) -> tuple:
        """A note's page: (page, note view, lesson link, links view)."""
        topics = html.escape(", ".join(topic_title(topic, self.text) for topic in note.topics))
        looks = self._looks
        math = dict(layout=looks.layout(), style=looks.style(HTMLMathStyle))
        note_view = widgets.HTMLMath(
            f"<h2>{html.escape(note.title)}</h2>"
            f"<p>{look.muted_html(f'{topics} · {html.escape(note.difficulty)}', escape=False)}"
            f"</p>{markdown_to_html(note.body)}", **math)
        lesson_link = widgets.Output(layout=looks.layout())
        if note.lesson:
            lesson_link.append_display_data(Markdown(self._lesson_markdown(note.lesson)))
        links_view = widgets.HTMLMath(self._links_html(cards, questions), **math)
        return widgets.VBox([note_view, lesson_link, links_view]), note_view, lesson_link, \
            links_view

    def _lesson_markdown(self, lesson: str) -> str:
        """'**Go further** · Lesson: [its title](its file)': a relative link, as the notebooks
        sit side by side in notebooks/."""
        if self._lesson_titles is None:
            try:
                self._lesson_titles = {f"{found.name}.ipynb": found.title
                                       for found in list_lessons()}
            except OSError:  # no lessons folder here: the file name is the link's text
                self._lesson_titles = {}
        title = markdown_escape(self._lesson_titles.get(lesson, lesson))
        link = f"[{title}]({lesson})"
        go_further = markdown_escape(self.text["go further"])
        words = self.text["lesson link"].split("{link}")
        return f"**{go_further}** · " + link.join(markdown_escape(part) for part in words)

    def _links_html(self, cards, questions) -> str:
        text, parts = self.text, []
        for label, items, shown in (("cards on this subject", cards, lambda card: card.front),
                                    ("questions on this subject", questions, self._prompt)):
            if items:
                rows = "".join(f"<li>{markdown_inline(_first_line(shown(item)))}</li>"
                               for item in items)
                parts.append(f"<details><summary>{text[label].format(count=len(items))}"
                             f"</summary><ul>{rows}</ul></details>")
        return "".join(parts)

    def _prompt(self, question) -> str:
        """A question's prompt as the learner will meet it: a generated question with the
        numbers of one draw (its template's {placeholders} mean nothing to a learner)."""
        if isinstance(question, GeneratedNumericQuestion):
            return generate(question, self.seed).prompt
        return question.prompt


def _first_line(text: str) -> str:
    """The first paragraph of a prompt, enough to recognise it in a list."""
    return text.strip().split("\n\n", 1)[0]
