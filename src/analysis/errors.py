"""The package's own, user-facing errors.

Why: an analyst must get a plain-language message (Vietnamese first) telling what to do with a file the
toolkit refuses, while the JSON report and ``--debug`` keep a stable code and an English technical detail.
Messages live in ``vocab/messages.csv`` so they can be reworded without touching code.
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import VOCAB_DIR

MESSAGES_CSV: Path = VOCAB_DIR / "messages.csv"
_FALLBACK_CODE = "corrupt"


class KhuyenCongError(Exception):
    """Base of the package's own errors (user-facing)."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows in a notebook: the message an analyst can act on, not a Python traceback."""
        message = getattr(self, "message", None)
        return [f"⚠ {message('vi') if callable(message) else self}"]


def _messages() -> dict[str, dict[str, str]]:
    """``code → {lang: template}`` of ``vocab/messages.csv`` (kept here for the tests that read it)."""
    from .messages import templates

    return templates()


def printable(text: str) -> str:
    """``text`` safe to print and to write as UTF-8: bytes of a file name that are not UTF-8 (which Python keeps
    as lone surrogates) become U+FFFD. Why: one such name used to abort the whole run at the first write."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape" if os.name != "nt" else "replace").decode("utf-8", "replace") \
            if _only_escapes(text) else text.encode("utf-8", "replace").decode("utf-8")


def _only_escapes(text: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in text)


def render(code: str, lang: str = "vi", **fields: object) -> str:
    """The ``vocab/messages.csv`` template of ``code`` in ``lang`` ('vi' or 'en'), filled with ``fields``.

    Why: every user-facing sentence (file refusals, output-folder problems, khuyencong.yaml problems, warnings,
    reject reasons) comes from the same table through one renderer, :func:`analysis.messages.render`.
    """
    from .messages import render as render_message

    return render_message(code, lang, **fields)


class FileRefused(KhuyenCongError):
    """A file the reader will not (or cannot safely) read; ``code`` is a stable slug for reports."""

    def __init__(self, code: str, path: str | Path, detail: str = "") -> None:
        super().__init__(code, printable(str(path)), printable(detail))
        self.code = code
        self.path = printable(str(path))  # shown and written as UTF-8: a non-UTF-8 name gets U+FFFD
        self.detail = printable(detail)

    def __str__(self) -> str:
        return f"{self.code}: {self.path}" + (f" ({self.detail})" if self.detail else "")

    def message(self, lang: str = "vi") -> str:
        """Plain-language message the analyst can act on (``lang`` 'vi' or 'en')."""
        return render(self.code, lang, path=self.path, detail=self.detail)


class InputError(KhuyenCongError):
    """Bad user input (usage), e.g. a path given on the command line does not exist."""


class OutputError(KhuyenCongError):
    """The output folder cannot take a new set (not a folder, not writable, disk full, held by another run).

    Raised before any work starts when it can be known then; the previous outputs are always left as they were.
    ``code`` selects the vi/en message in ``vocab/messages.csv``; ``fields`` fill its placeholders.
    """

    def __init__(self, code: str, path: str | Path, **fields: object) -> None:
        super().__init__(code, str(path))
        self.code = code
        self.path = str(path)
        self.fields = fields

    def __str__(self) -> str:
        return self.message("en")

    def message(self, lang: str = "vi") -> str:
        """Plain-language message with the path and what to do (``lang`` 'vi' or 'en')."""
        return render(self.code, lang, path=self.path, **self.fields)


class OverridesError(InputError):
    """A ``khuyencong.yaml`` that does not follow its schema: every problem, each with file, entry and key."""

    def __init__(self, path: str | Path, problems: list[tuple[str, dict[str, object]]]) -> None:
        super().__init__(str(path), problems)
        self.path = str(path)
        self.problems = problems  # (message code, fields) pairs, rendered in the reader's language

    def __str__(self) -> str:
        return self.message("en")

    def lines(self, lang: str = "vi") -> list[str]:
        """One sentence per problem."""
        return [render(code, lang, path=self.path, **fields) for code, fields in self.problems]

    def message(self, lang: str = "vi") -> str:
        """The heading and every problem, one per line."""
        head = render("yaml_invalid", lang, path=self.path, count=len(self.problems))
        return "\n".join([head, *(f"  - {line}" for line in self.lines(lang))])
