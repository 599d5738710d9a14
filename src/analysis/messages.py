"""Every sentence the package says to a person is a code with parameters, worded in ``vocab/messages.csv``.

Why: a warning, a reject reason or a reconciliation line is stored as ``{"code": …, "params": …}`` next to its
English text (kept for tools), and shown in Vietnamese or English by rendering the template — never by parsing
the English back. A parameter may itself be a message (a reason inside "… (column E 'KCQG')"), rendered in the
same language. Numbers with a ``,`` format get the reader's separators (1,234 / 1.234).
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

from . import vocab
from .errors import printable

Message = dict[str, Any]  # {"code": str, "params": {name: value or Message}}

_FALLBACK_CODE = "corrupt"
_BUILTIN = {
    "vi": "Không đọc được tệp {path}. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại.",
    "en": "Could not read file {path}. Open it in Excel, save it as .xlsx and try again.",
}


def message(code: str, **params: Any) -> Message:
    """A message as stored (JSON-friendly)."""
    return {"code": code, "params": params}


def is_message(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("code"), str) and "params" in value


@cache
def templates() -> dict[str, dict[str, str]]:
    """``code → {"vi": …, "en": …}`` from ``vocab/messages.csv``."""
    try:
        rows = vocab.rows("messages")
    except OSError:  # a damaged install: the built-in sentence still says a file could not be read
        return {}
    return {r["code"].strip(): {"vi": r["message_vi"], "en": r["message_en"]} for r in rows
            if (r.get("code") or "").strip()}


def has(code: str) -> bool:
    return code in templates()


class _Formatter(string.Formatter):
    """``{n:,}`` with the language's thousands separator; a message parameter rendered in the language; an
    unknown ``{placeholder}`` left as it is."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return _Missing(key)
        return super().get_value(key, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _Missing):
            return "{" + value.key + (":" + format_spec if format_spec else "") + "}"
        if is_message(value):
            return render(value, self.lang)
        text = format(value, format_spec)
        if self.lang == "vi" and "," in format_spec and isinstance(value, int | float):
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text


class _Missing:
    def __init__(self, key: str) -> None:
        self.key = key


def render(item: Message | str, lang: str = "vi", **fields: Any) -> str:
    """The sentence of a message (or of ``code`` with ``fields``) in 'vi' or 'en'.

    An unknown code renders the fallback sentence (a file that could not be read); ``path`` also gives
    ``name`` (the file name alone).
    """
    lang = "en" if lang.lower().startswith("en") else "vi"
    if isinstance(item, str):
        code, params = item, fields
    else:
        code, params = item["code"], {**item.get("params", {}), **fields}
    table = templates()
    template = (table.get(code) or table.get(_FALLBACK_CODE) or _BUILTIN).get(lang) or _BUILTIN[lang]
    values = {k: (v if is_message(v) or isinstance(v, int | float) else printable(str(v))) for k, v in params.items()}
    if "path" in values and "name" not in values:
        values["name"] = Path(str(values["path"])).name
    return _Formatter(lang).format(template, **values)


def english(item: Message) -> str:
    """The stored English of a message (stable for tools reading JSON and CSV)."""
    return render(item, "en")


class Problem(str):
    """Why a cell cannot be read, as a code with parameters that also *is* its English text.

    Why a ``str``: ``numbers.parse_amount`` and ``parse_count`` have always returned the English reason, which
    tools read in ``rejects.csv``; a ``Problem`` keeps that (equality, printing, JSON) and adds the code, so the
    Vietnamese is rendered from the template instead of recovered from the English.
    """

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Problem:
        self = super().__new__(cls, render(code, "en", **params))
        self.code = code
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # pickled across worker processes with its code
        return (_problem, (self.code, self.params))

    @property
    def message(self) -> Message:
        return message(self.code, **self.params)


def _problem(code: str, params: dict[str, Any]) -> Problem:
    return Problem(code, **params)


def as_message(value: object) -> object:
    """A ``Problem`` as its stored message; anything else as it is."""
    return value.message if isinstance(value, Problem) else value
