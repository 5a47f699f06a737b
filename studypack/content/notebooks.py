"""The text of a new Jupyter notebook, from its cells.

Two notebooks are written from cells: a new pack's lesson (`exchange.scaffold`) and a class's
quiz (`classroom.assignments`). Both stand on content, so the writer lives here.
"""
from __future__ import annotations

import json
from typing import Sequence


def notebook_text(cells: Sequence[tuple]) -> str:
    """An nbformat 4.4 notebook without outputs, from ("markdown" | "code", source) pairs, or
    ("code", source, tags) for a cell with tags (e.g. nbval's "nbval-check-output").

    Written as JSON the way Jupyter writes it (`nbformat` would do the same, but importing
    it costs a second: the command must start fast). 4.4 has no random cell ids, so the
    same cells always give the same file.
    """
    def cell(kind: str, source: str, tags: Sequence[str] = ()) -> dict:
        lines = source.splitlines(keepends=True)
        metadata = {"tags": list(tags)} if tags else {}
        if kind == "markdown":
            return {"cell_type": "markdown", "metadata": metadata, "source": lines}
        return {"cell_type": "code", "execution_count": None, "metadata": metadata,
                "outputs": [], "source": lines}

    notebook = {"cells": [cell(*entry) for entry in cells],
                "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                            "name": "python3"},
                             "language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 4}
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
