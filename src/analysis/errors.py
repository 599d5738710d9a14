"""The package's own, user-facing errors.

Why: an analyst must get a plain-language message (Vietnamese first) telling what to do with a file the
toolkit refuses, while the JSON report and ``--debug`` keep a stable code and an English technical detail.
Messages live in ``vocab/messages.csv`` so they can be reworded without touching code.
"""

from __future__ import annotations

import csv
from functools import lru_cache
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


class _SafeDict(dict):
    """Leave unknown ``{placeholders}`` as they are instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=1)
def _messages() -> dict[str, dict[str, str]]:
    """Load ``code → {lang: template}`` once; a missing file leaves only the built-in fallback."""
    table: dict[str, dict[str, str]] = {}
    try:
        with MESSAGES_CSV.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = (row.get("code") or "").strip()
                if code:
                    table[code] = {"vi": row.get("message_vi") or "", "en": row.get("message_en") or ""}
    except OSError:
        pass
    return table


_BUILTIN = {
    "vi": "Không đọc được tệp {path}. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại.",
    "en": "Could not read file {path}. Open it in Excel, save it as .xlsx and try again.",
}


class FileRefused(KhuyenCongError):
    """A file the reader will not (or cannot safely) read; ``code`` is a stable slug for reports."""

    def __init__(self, code: str, path: str | Path, detail: str = "") -> None:
        super().__init__(code, str(path), detail)
        self.code = code
        self.path = str(path)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code}: {self.path}" + (f" ({self.detail})" if self.detail else "")

    def message(self, lang: str = "vi") -> str:
        """Plain-language message the analyst can act on (``lang`` 'vi' or 'en')."""
        lang = "en" if lang.lower().startswith("en") else "vi"
        table = _messages()
        template = (table.get(self.code) or table.get(_FALLBACK_CODE) or _BUILTIN).get(lang) or _BUILTIN[lang]
        return template.format_map(_SafeDict(path=self.path, name=Path(self.path).name, detail=self.detail))


class InputError(KhuyenCongError):
    """Bad user input (usage), e.g. a path given on the command line does not exist."""
