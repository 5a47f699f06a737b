"""The checker's own sentences (not done yet, wrong type, shape, error at line N, too slow, ...)
in the language of the check that is running.

They are data: the keys starting with "checker " in translations/<lang>/interface.yaml, as
`str.format` templates. `check(..., language=)` sets the language for its duration
(`checking_language`), so the catalog's custom checks write `say("checker ...", ...)` and need
no language argument; outside a check the sentences are English.
"""
from __future__ import annotations

import contextlib
import contextvars

from ..content.interface_text import interface_text
from ..content.model import SOURCE_LANGUAGE

_LANGUAGE = contextvars.ContextVar("studypack_check_language", default=SOURCE_LANGUAGE)


@contextlib.contextmanager
def checking_language(language: str):
    """The checker's sentences are in `language` inside this block."""
    token = _LANGUAGE.set(language)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def current_language() -> str:
    return _LANGUAGE.get()


def say(key: str, **values) -> str:
    """The sentence `key` of interface.yaml in the current check's language, filled in."""
    return interface_text(_LANGUAGE.get())[key].format(**values)
