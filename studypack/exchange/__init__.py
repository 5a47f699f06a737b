"""Other tools' formats: Anki decks, jupyterquiz and jupytercards JSON, Markdown, new packs.

- `anki`: the flashcards as an Anki deck (.apkg), with stable ids so a re-export updates.
- `jupyterquiz`: questions exported to jupyterquiz JSON and imported back from it.
- `jupytercards`, `markdown_import`: cards imported from jupytercards JSON or Markdown.
- `items`: what they share: text no file can hold, what an import returns, ids from text,
  imported items validated by the content models and written as the pack's YAML.
- `html_markdown`: the HTML (with MathJax math) those tools hold → the pack's Markdown.
- `scaffold`: `new_pack()`, a new pack's folders with one working sample of each item.

Built on `studypack.content`; files are written through `studypack.progress.atomic` only.
"""
from .anki import anki_package
from .items import ExportProblem, Imported, ImportProblem, item_problems, items_yaml
from .jupytercards import import_jupytercards
from .jupyterquiz import import_jupyterquiz, jupyterquiz_questions
from .markdown_import import import_markdown
from .scaffold import new_pack

__all__ = ["ExportProblem", "ImportProblem", "Imported", "anki_package", "import_jupytercards",
           "import_jupyterquiz", "import_markdown", "item_problems", "items_yaml",
           "jupyterquiz_questions", "new_pack"]
