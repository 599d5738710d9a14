"""What a reader sees in each output of a report build, as plain text — for the English-word scan.

Why a helper of its own: the scan must judge every kind of file a build writes (HTML pages, Markdown briefs,
Excel sheets without their hidden code columns, the Word report, the deck with its charts and speaker notes,
SVG figures whose text is kept as text) by what a person reads, not by markup, embedded images or hidden
columns meant for tools.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

# English words and code identifiers that must not reach a Vietnamese output. Whole words, case-sensitive
# where case matters (TRUE/None), so Vietnamese text and proper names ("Bình Dương") never match.
ENGLISH_WORDS: tuple[str, ...] = (
    "the", "and", "of", "with", "without", "for", "meeting", "plan", "actual", "support", "total", "totals",
    "source", "sources", "unspecified", "counterpart", "national", "local", "share", "year", "years",
    "province", "provinces", "southern", "district", "programme", "program", "stage", "formula", "cell",
    "cells", "cached", "value", "values", "warning", "warnings", "Illustrative", "illustrative", "data",
    "figure", "figures", "chart", "million", "billion", "Source", "Unit", "Page", "Change", "Plan", "Actual",
    "TRUE", "FALSE", "True", "False", "None", "NaN", "nan", "NaT", "<NA>",
    "base_year", "funding_source", "amount_vnd", "n_projects", "published_n_projects", "computed_n_projects",
    "published_vnd", "computed_vnd", "record_type", "source_file", "source_sheet", "source_row", "program_label",
    "support_vnd", "World Bank", "FP.CPI.TOTL.ZG",
)
_WORD_RE = re.compile(
    r"(?<![\w./-])(" + "|".join(re.escape(w) for w in sorted(ENGLISH_WORDS, key=len, reverse=True)) + r")(?![\w])"
)
# File and sheet names are data (a province's own file names), not prose: left out of the scan.
_FILE_NAME_RE = re.compile(r"[\w ().,\-–]+\.(?:xlsx|xlsm|xlsb|xls|ods|csv|tsv|txt|docx|pptx|md|png|svg|zip)\b")


def _html_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+", " ", page)
    page = re.sub(r"\b[0-9a-f]{64}\b", " ", page)  # SHA-256 of the raw files in the provenance footer
    page = re.sub(r"<code\b[^>]*>[^<]*[/.][^<]*</code>", " ", page)  # file paths (data, not prose)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(text)


def _xlsx_text(path: Path) -> str:
    from analysis.excel import visible_cells

    parts: list[str] = []
    for name, rows in visible_cells(path).items():
        parts.append(name)
        parts.extend(str(v) for row in rows for v in row if v is not None)
    return "\n".join(parts)


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.first_page_header.paragraphs)
    return "\n".join(parts)


def _pptx_text(path: Path) -> str:
    from pptx import Presentation

    parts: list[str] = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts.extend(c.text for row in shape.table.rows for c in row.cells)
            if getattr(shape, "has_chart", False) and shape.has_chart:
                plot = shape.chart.plots[0]
                parts.extend(str(c) for c in plot.categories)
                parts.extend(s.name for s in plot.series)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def _svg_text(path: Path) -> str:
    return " ".join(html.unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", path.read_text("utf-8"), re.S))


def visible_text(path: Path) -> str:
    """The text a reader sees in ``path`` (empty for kinds that hold no text, e.g. PNG)."""
    suffix = path.suffix.lower()
    if suffix == ".html":
        text = _html_text(path.read_text(encoding="utf-8"))
    elif suffix == ".md":
        text = path.read_text(encoding="utf-8")
    elif suffix == ".xlsx":
        text = _xlsx_text(path)
    elif suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".pptx":
        text = _pptx_text(path)
    elif suffix == ".svg":
        text = _svg_text(path)
    else:
        return ""
    return _FILE_NAME_RE.sub(" ", text)


def english_words(text: str) -> list[str]:
    """The listed English words and code identifiers found in ``text``, each once, in order of appearance."""
    return list(dict.fromkeys(m.group(1) for m in _WORD_RE.finditer(text)))


def scan(folder: Path, skip: tuple[str, ...] = ("notebooks/", "en/")) -> dict[str, list[str]]:
    """Every output under ``folder`` (and inside its zip bundles) with the English words found in it."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(skip) or path.name.startswith("."):
            continue
        if path.suffix == ".zip":
            continue  # its members are the files scanned here (tested to be the same set)
        words = english_words(visible_text(path))
        if words:
            found[rel] = words
    return found


def bundle_links(bundle: Path) -> list[str]:
    """Links of the HTML pages inside ``bundle`` that do not resolve to a member of the bundle."""
    broken: list[str] = []
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        folders = {n.rsplit("/", 1)[0] + "/" for n in names} | {
            "/".join(n.split("/")[:i]) + "/" for n in names for i in range(1, n.count("/") + 1)
        }
        for name in names:
            if not name.endswith(".html"):
                continue
            page = archive.read(name).decode("utf-8")
            base = name.rsplit("/", 1)[0]
            for href in re.findall(r'(?:href|src)="([^"#]+)"', page):
                if href.startswith(("http://", "https://", "mailto:", "data:")):
                    continue
                parts = [*base.split("/"), *href.split("/")]
                stack: list[str] = []
                for part in parts:
                    if part == "..":
                        if not stack:
                            stack.append("..")
                            break
                        stack.pop()
                    elif part not in ("", "."):
                        stack.append(part)
                target = "/".join(stack) + ("/" if href.endswith("/") else "")
                if ".." in stack or (target not in names and target not in folders):
                    broken.append(f"{name} → {href}")
    return broken
