"""Build the report set an analyst emails or puts on the intranet: offline HTML, slide figures, Excel tables.

``python -m analysis report`` → :func:`build_reports`: ingest (cached by the ingest itself) → every notebook run
with papermill in parallel (parameters injected, figures written into the build through
``KHUYENCONG_REPORTS_DIR``) → one self-contained HTML page per notebook (our own nbconvert template: no code,
no prompts, charts as base64, nothing loaded from the network, every HTML fragment sanitised) → an index page
with the meeting brief of the latest year → ``tables/summary.xlsx``.

Why it is built this way: reports travel by email and on intranets without internet, so a page must never
reference an outside resource; a half-finished build must never replace a good one, so everything is built in
a temporary folder next to the output and swapped in with renames; re-running with nothing changed must be
instant, so a build key (inputs, notebooks, parameters, code) is stored in ``.build.json``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, config, outputs, vocab
from .kernels import KernelPool, NotebookKernel
from .safe_export import atomic_path as atomic_path_bytes
from .safe_export import atomic_write_text, default_mode

try:  # the package's error base, when the lead's module is there
    from .errors import KhuyenCongError as _ErrorBase
except ImportError:  # pragma: no cover - only before analysis.errors exists
    _ErrorBase = Exception  # type: ignore[misc,assignment]

LANGS: tuple[str, ...] = ("vi", "en")
TEMPLATES_DIR: Path = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "khuyencong"
TEMPLATE_DIR: Path = TEMPLATES_DIR / TEMPLATE_NAME
BUILD_FILE = ".build.json"
ILLUSTRATIVE_MARKER = "Dữ liệu minh họa"
PRIVATE_KERNEL = "khuyencong-python3"
# Top-level entries of a build folder that a new build owns and replaces; anything else found in an existing
# output folder (OUT/en, a README, .gitkeep) is carried over by the swap.
PRODUCT_DIRS: tuple[str, ...] = ("html", "figures", "tables", "notebooks", "slides")
# Files at the top of a build folder that a build owns: briefs, Word reports, the zip bundle.
PRODUCT_FILES: tuple[tuple[str, str], ...] = (("tom_tat_", ".md"), ("bao_cao_", ".docx"), ("goi_bao_cao_", ".zip"))

# The words of the report pages and the terminal line ('site.*' in labels.csv), per language.
LABELS: dict[str, Mapping[str, str]] = {lang: vocab.LabelFamily("site", lang) for lang in LANGS}


class ReportError(_ErrorBase):
    """A report build failed; the message names the notebook and cell. The previous output is untouched."""

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell_index: int | None = None,
        cell_source: str | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.cell_index = cell_index
        self.cell_source = cell_source
        self.ename = ename
        self.evalue = evalue


@dataclass(frozen=True)
class RawFile:
    """One raw input file as recorded in the provenance footer."""

    path: str
    sha256: str
    size: int
    rows: int | None = None
    status: str = "ok"


@dataclass(frozen=True)
class NotebookPage:
    """One exported notebook: where its page is and what the index says about it."""

    name: str
    title: str
    summary: str
    html: Path
    illustrative: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class ReportResult:
    """What :func:`build_reports` did (or found up to date)."""

    out_dir: Path
    lang: str
    skipped: bool
    build_key: str
    pages: tuple[NotebookPage, ...]
    index_html: Path
    brief_md: Path | None = None
    summary_xlsx: Path | None = None
    figures: tuple[Path, ...] = ()
    seconds: float = 0.0
    warnings: tuple[str, ...] = field(default_factory=tuple)
    briefs: tuple[Path, ...] = ()
    reports: tuple[Path, ...] = ()
    decks: tuple[Path, ...] = ()
    bundle: Path | None = None

    @property
    def ok(self) -> bool:
        """A result only exists for a successful (or skipped) build: failures raise ReportError."""
        return True

    def summary(self, lang: str | None = None) -> str:
        """One line for the terminal."""
        labels = LABELS[lang or self.lang]
        if self.skipped:
            return f"{labels['up_to_date']}: {self.out_dir}"
        from .fmt import format_number

        seconds = format_number(self.seconds, 1, lang or self.lang)  # 17,0 giây / 17.0 s
        return labels["done"].format(n=len(self.pages), s=seconds, out=self.out_dir)


# ---------------------------------------------------------------------------------------------- parameters


def parse_years(text: str | int | Iterable[int] | None) -> list[int] | None:
    """'2015-2018' → [2015, 2016, 2017, 2018]; also '2017', '2015,2017', '2015–2016,2018' and lists.

    Why: the CLI takes a range, notebooks want the explicit list (papermill injects JSON-able values).
    """
    if text is None:
        return None
    if isinstance(text, int):
        values = [text]
    elif isinstance(text, str):
        values = []
        for part in re.split(r"[,;\s]+", text.strip()):
            if not part:
                continue
            match = re.fullmatch(r"(\d{4})\s*[-–—]\s*(\d{4})", part) or re.fullmatch(r"(\d{4})", part)
            if not match:
                raise ValueError(f"năm không hợp lệ / invalid years: {text!r} (expected e.g. 2015-2018)")
            start = int(match.group(1))
            end = int(match.group(match.lastindex or 1))
            if end < start:
                raise ValueError(f"khoảng năm ngược / reversed year range: {part!r}")
            values.extend(range(start, end + 1))
    else:
        values = [int(v) for v in text]
    for year in values:
        if not 1990 <= year <= 2100:
            raise ValueError(f"năm ngoài khoảng 1990–2100 / year out of range: {year}")
    return sorted(set(values)) or None


def _years_text(years: Sequence[int] | None) -> str:
    if not years:
        return ""
    if len(years) > 1 and list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


# ---------------------------------------------------------------------------------------------- hashing


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def scan_raw_files(raw_dir: Path) -> list[RawFile]:
    """Every input file under ``raw_dir`` (spreadsheets, overrides, published figures) with its SHA-256.

    Hidden files and Office lock files (``~$…``) are left out: they change without the data changing.
    """
    files: list[RawFile] = []
    for dirpath, dirnames, filenames in os.walk(raw_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            path = Path(dirpath, name)
            if not path.is_file():
                continue
            files.append(
                RawFile(path.relative_to(raw_dir).as_posix(), _sha256_file(path), path.stat().st_size)
            )
    return files


@functools.cache
def _code_fingerprint() -> str:
    """Hash of the package code (subpackages too: the ingest makes the rows), templates and reference tables:
    a new report look, metric or cleaning rule means a rebuild."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    patterns = ("**/*.py", "templates/**/*", "reference/*", "vocab/*", "style/*", "*.csv")
    found = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    for path in sorted(p for p in found if "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_key(raw_files: Sequence[RawFile], notebooks: Sequence[Path], params: Mapping[str, Any]) -> str:
    """The identity of a build: raw bytes, notebook bytes, parameters, package version and code."""
    payload = {
        "version": __version__,
        "code": _code_fingerprint(),
        "raw": [(f.path, f.sha256) for f in raw_files],
        "notebooks": [(p.name, _sha256_file(p)) for p in notebooks],
        "params": dict(params),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _read_build_info(target: Path) -> dict[str, Any] | None:
    try:
        return json.loads((target / BUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _up_to_date(target: Path, key: str) -> dict[str, Any] | None:
    info = _read_build_info(target)
    if not info or info.get("key") != key:
        return None
    expected = [target / "html" / "index.html", *(target / p["html"] for p in info.get("pages", []))]
    return info if all(p.is_file() for p in expected) else None


# ---------------------------------------------------------------------------------------------- sanitising


_ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup "
    "table tbody td tfoot th thead tr u ul".split()
)
_ALLOWED_CSS = frozenset(
    "text-align vertical-align white-space color background-color font-weight font-style text-decoration "
    "width min-width max-width border border-collapse border-bottom border-top padding margin".split()
)
_DROP_WITH_CONTENT_RE = re.compile(
    r"<(script|style|iframe|object|embed|noscript|template|frameset|frame|applet)\b.*?</\1\s*>|"
    r"<(script|style|iframe|object|embed|link|meta|base)\b[^>]*/?>",
    re.IGNORECASE | re.DOTALL,
)


# A table cell holding only a number ("1.850", "-5", "12,5 %", "14,1 lần", "14.1×") or the missing-value dash
# ("–"): right-aligned, text stays left-aligned, so a column of figures with gaps lines up. Works for bare
# pandas cells and for Styler cells (which carry id/class and lose their <style> to the sanitiser).
_NUMERIC_TD_RE = re.compile(
    r"<td(\s[^>]*)?>(\s*(?:[-+−]?\d[\d.,\u00a0\u202f]*(?:\s?(?:%|lần|×))?|[–—])\s*)</td>"
)
_CLASS_RE = re.compile(r'\bclass="([^"]*)"')


def _mark_numeric_cells(fragment: str) -> str:
    def mark(match: re.Match[str]) -> str:
        attrs = match.group(1) or ""
        if _CLASS_RE.search(attrs):
            attrs = _CLASS_RE.sub(lambda m: f'class="{m.group(1)} num"', attrs, count=1)
        else:
            attrs += ' class="num"'
        return f"<td{attrs}>{match.group(2)}</td>"

    return _NUMERIC_TD_RE.sub(mark, fragment)


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    low = value.strip().lower()
    if name in ("class", "id", "title", "lang", "dir"):
        return True
    if tag == "a" and name == "href":
        return not low.startswith(("data:", "javascript:", "vbscript:", "file:"))
    if tag == "a" and name == "name":
        return True
    if tag == "img":
        if name == "src":
            return low.startswith("data:image/")  # embedded only: an outside image is a network request
        return name in ("alt", "width", "height")
    if tag in ("td", "th") and name in ("colspan", "rowspan", "align"):
        return True
    if tag == "ol" and name in ("start", "type"):
        return True
    return name == "style"


def sanitize_html(fragment: str) -> str:
    """Allow-list sanitiser for HTML coming from notebooks (markdown, DataFrame and other rich outputs).

    Why our own: nbconvert's ``sanitize_html=True`` (7.x) escapes headings, paragraphs and table heads, which
    wrecks every report. Here scripts, styles, frames and event handlers are removed, images must be embedded
    (``data:image/…``) and links may not run code; pandas already escapes cell text, so a title such as
    ``<script>alert(1)</script>`` stays visible text.
    """
    import bleach
    from bleach.css_sanitizer import CSSSanitizer

    cleaned = _DROP_WITH_CONTENT_RE.sub("", fragment)
    safe = bleach.clean(
        cleaned,
        tags=_ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=frozenset({"http", "https", "mailto", "data"}),
        strip=True,
        strip_comments=True,
        css_sanitizer=CSSSanitizer(allowed_css_properties=_ALLOWED_CSS),
    )
    return _mark_numeric_cells(safe)


_RESOURCE_ATTRS: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
_REMOTE_RE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_REMOTE_RE = re.compile(r"@import|url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class _ResourceParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in _RESOURCE_ATTRS.get(tag, ()) and _REMOTE_RE.match(value):
                self.found.append(f"<{tag} {name}={value}>")
            elif name == "style" and _CSS_REMOTE_RE.search(value):
                self.found.append(f"<{tag} style={value}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _CSS_REMOTE_RE.search(data):
            self.found.append(f"<style>{data.strip()[:80]}")


def external_resources(page: str) -> list[str]:
    """Every reference in ``page`` that a browser would fetch from the network (scripts, styles, images…).

    Plain ``<a href="https://…">`` links to cited sources are not resources and are allowed.
    """
    parser = _ResourceParser()
    parser.feed(page)
    parser.close()
    return parser.found


# ---------------------------------------------------------------------------------------------- notebooks


_H1_RE = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s")
_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK_RE = re.compile(r"(\*\*|__|\*|`|~~)")


def _plain(markdown: str) -> str:
    """Markdown → one line of plain text (links keep their text)."""
    text = _MD_LINK_RE.sub(r"\1", markdown)
    text = _MD_MARK_RE.sub("", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", text).strip()


def notebook_title_and_summary(nb: Any, fallback: str) -> tuple[str, str, bool]:
    """Title (metadata title or first ``# heading``), the first paragraph of the first markdown cell, and
    whether the title came from that heading (so the page can move it into its header band)."""
    first_md = next((c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()), None)
    title = str(nb.metadata.get("title") or "").strip()
    from_heading = False
    paragraphs: list[str] = []
    if first_md is not None:
        lines = first_md.source.strip().splitlines()
        match = _H1_RE.match(lines[0]) if lines else None
        if match:
            from_heading = not title
            title = title or _plain(match.group(1))
            lines = lines[1:]
        for block in re.split(r"\n\s*\n", "\n".join(lines)):
            if block.strip() and not _HEADING_RE.match(block.strip()):
                paragraphs.append(_plain(block))
    summary = paragraphs[0] if paragraphs else ""
    if len(summary) > 300:
        summary = summary[:297].rsplit(" ", 1)[0] + "…"
    return title or fallback, summary, from_heading


def _is_illustrative(nb: Any) -> bool:
    """The notebook says its data are illustrative: metadata flag or the marker in an output."""
    from .text import fold

    meta = nb.metadata.get("khuyencong", {}) or {}
    if meta.get("illustrative") or nb.metadata.get("illustrative"):
        return True
    marker = fold(ILLUSTRATIVE_MARKER)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")]
            texts.extend(v for k, v in output.get("data", {}).items() if k.startswith("text/"))
            for text in texts:
                joined = "".join(text) if isinstance(text, list) else str(text)
                if marker in fold(joined):
                    return True
    return False


def _prepare_for_html(nb: Any, strip_title: bool) -> Any:
    """Copy of the executed notebook without what a reader must not see: warnings on stderr, cells tagged
    ``remove-cell``/``remove-output``, and the title heading (shown in the page header instead)."""
    nb = copy.deepcopy(nb)
    kept = []
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & {"remove-cell", "remove_cell"}:
            continue
        if cell.cell_type == "code":
            if tags & {"remove-output", "remove_output"}:
                cell.outputs = []
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
        kept.append(cell)
    nb.cells = kept
    if strip_title:
        first_md = next((c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()), None)
        if first_md is not None:
            lines = first_md.source.strip().splitlines()
            if lines and _H1_RE.match(lines[0]):
                first_md.source = "\n".join(lines[1:]).strip()
    return nb


class _HeadingParser(HTMLParser):
    """Collect (level, id, text) of h1–h3 that carry an id (markdown headings), skipping the ¶ anchor."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str]] = []
        self._current: tuple[int, str] | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("h1", "h2", "h3") and values.get("id"):
            self._current, self._text = (int(tag[1]), str(values["id"])), []
        elif tag == "a" and "anchor-link" in (values.get("class") or "") and self._current:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._skip:
            self._skip -= 1
        elif self._current and tag == f"h{self._current[0]}":
            text = re.sub(r"\s+", " ", "".join(self._text)).strip()
            if text:
                self.headings.append((self._current[0], self._current[1], text))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current and not self._skip:
            self._text.append(data)


def table_of_contents(page: str, title: str) -> str:
    """A nested ``<nav>`` list of the page's markdown headings (empty when there are fewer than two)."""
    parser = _HeadingParser()
    parser.feed(page)
    heads = parser.headings
    if len(heads) < 2:
        return ""
    out = [
        f'<nav class="kc-toc" aria-label="{html.escape(title)}"><p class="kc-toc-title">{html.escape(title)}</p>'
    ]
    stack: list[int] = []
    for level, anchor, text in heads:
        if not stack or level > stack[-1]:
            out.append("<ol>")
            stack.append(level)
        else:
            out.append("</li>")
            while len(stack) > 1 and level < stack[-1]:
                out.append("</ol></li>")
                stack.pop()
        out.append(f'<li><a href="#{html.escape(anchor)}">{html.escape(text)}</a>')
    out.append("</li>")
    while stack:
        stack.pop()
        out.append("</ol></li>" if stack else "</ol>")
    out.append("</nav>")
    return "".join(out)


def _page_context(
    labels: Mapping[str, str],
    lang: str,
    scope: str,
    built_at: str,
    raw_files: Sequence[RawFile],
    params: Sequence[tuple[str, str]],
    illustrative: bool,
) -> dict[str, Any]:
    css = (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")
    return {
        "lang": lang,
        "labels": dict(labels),
        "css": css,
        "scope": scope,
        "built_at": built_at,
        "version": __version__,
        "illustrative": illustrative,
        "params": list(params),
        "raw_files": [
            {
                "path": f.path,
                "sha256": f.sha256,
                "size_text": labels["bytes"].format(n=_int_text(max(1, round(f.size / 1024)), lang)),
                "rows_text": "—" if f.rows is None else _int_text(f.rows, lang),
                "ok": f.status == "ok",
            }
            for f in raw_files
        ],
    }


def _int_text(value: int, lang: str) -> str:
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def localize_markdown(nb: Any, lang: str) -> Any:
    """The notebook with its narrative in ``lang``: a markdown cell's translation is kept in its metadata
    (``khuyencong.<lang>``), the Vietnamese text being the cell itself.

    Why in the metadata: one notebook serves both editions, the analyst edits one file, and a cell without a
    translation is easy to find (a test checks that every markdown cell has its English text).
    """
    if lang == "vi":
        return nb
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = (cell.metadata.get("khuyencong") or {}).get(lang)
        if text:
            cell.source = text
    return nb


_EXPORTERS = threading.local()


def _html_exporter() -> Any:
    """This thread's HTML exporter, made once: building one compiles its seven Jinja templates, which cost
    more than exporting a page (each kernel's thread exports its own notebooks)."""
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        exporter.register_filter("kc_clean", sanitize_html)
        _EXPORTERS.html = exporter
    return exporter


def export_notebook_html(
    nb: Any, dest: Path, context: Mapping[str, Any], resources_path: Path
) -> NotebookPage:
    """Write one executed notebook as a self-contained page and return what the index needs about it."""
    nb = localize_markdown(nb, str(context.get("lang", "vi")))
    title, summary, from_heading = notebook_title_and_summary(nb, dest.stem)
    illustrative = bool(context.get("illustrative")) or _is_illustrative(nb)
    kc = {**context, "title": title, "illustrative": illustrative, "back_href": "index.html"}
    exporter = _html_exporter()
    resources = {"metadata": {"name": title, "path": str(resources_path)}, "kc": kc}
    page, _ = exporter.from_notebook_node(_prepare_for_html(nb, from_heading), resources=resources)
    page = page.replace("<!--kc:toc-->", table_of_contents(page, context["labels"]["toc"]), 1)
    remote = external_resources(page)
    if remote:
        raise ReportError(
            f"{dest.stem}: the page would load from the network: {remote[:3]}", notebook=dest.stem
        )
    atomic_write_text(dest, page)
    return NotebookPage(dest.stem, title, summary, dest, illustrative)


# ---------------------------------------------------------------------------------------------- executing


@functools.cache
def kernel_name() -> str:
    """The kernel that runs this interpreter: 'python3' when it resolves here, else a private spec.

    Why: papermill starts kernels by name; a user-wide 'python3' spec pointing at another Python would run
    the notebooks without this package. jupyter_client maps argv[0] 'python'/'python3' to sys.executable.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    aliases = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}

    def runs_here(manager: KernelSpecManager, name: str) -> bool:
        try:
            argv = manager.get_kernel_spec(name).argv
        except NoSuchKernel:
            return False
        argv0 = argv[0] if argv else ""
        return argv0 in aliases or (bool(argv0) and Path(argv0).resolve() == Path(sys.executable).resolve())

    manager = KernelSpecManager()
    for name in ("python3", PRIVATE_KERNEL):
        if runs_here(manager, name):
            return name
    from ipykernel.kernelspec import install

    try:
        install(kernel_name=PRIVATE_KERNEL, display_name="Python (khuyencong)", prefix=sys.prefix)
    except OSError:
        install(kernel_name=PRIVATE_KERNEL, display_name="Python (khuyencong)", user=True)
    if runs_here(KernelSpecManager(), PRIVATE_KERNEL):
        return PRIVATE_KERNEL
    raise ReportError(
        f"no Jupyter kernel runs {sys.executable}: remove the kernelspec '{PRIVATE_KERNEL}' that points "
        "elsewhere (jupyter kernelspec list) and retry"
    )


def _kernel_manager_class(extra_env: Mapping[str, str]) -> type:
    """An AsyncKernelManager that starts its kernel with ``extra_env`` on top of os.environ (see kernels)."""
    from .kernels import kernel_manager_class

    return kernel_manager_class(extra_env)


def _cell_error(src: Path, exc: Any) -> ReportError:
    """Turn papermill's error into a message naming the notebook and the cell as the author numbers it."""
    import nbformat

    index = int(exc.cell_index)
    source = str(exc.source or "")
    try:  # papermill inserted the injected-parameters cell right after the 'parameters' cell
        original = nbformat.read(src, as_version=4)
        tags = [set(c.metadata.get("tags", [])) for c in original.cells]
        params_at = next((i for i, t in enumerate(tags) if "parameters" in t), None)
        if params_at is not None and not any("injected-parameters" in t for t in tags):
            if index > params_at + 1:
                index -= 1
            elif index == params_at + 1:
                source = "# injected parameters\n" + source
    except (OSError, ValueError):
        pass
    first_line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    if len(first_line) > 100:
        first_line = first_line[:97] + "…"
    evalue = str(exc.evalue or "")
    message = (
        f"notebook {src.name} failed at cell {index} (first line: {first_line!r}): {exc.ename}: {evalue}"
    )
    return ReportError(
        message, notebook=src.name, cell_index=index, cell_source=source, ename=str(exc.ename), evalue=evalue
    )


def execute_notebook(
    src: Path,
    dest: Path,
    parameters: Mapping[str, Any],
    env: Mapping[str, str],
    cwd: Path,
    timeout: float | None = None,
    kernel: NotebookKernel | None = None,
) -> Any:
    """Run one notebook with papermill into ``dest``; raise ReportError naming the failing cell.

    ``kernel`` is a long-lived kernel (see :mod:`analysis.kernels`), reset to a fresh kernel's state before
    the run; without one, a kernel is started for this notebook alone and shut down after it.
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from .kernels import NotebookKernel

    source_nb = nbformat.read(src, as_version=4)
    # A notebook without a 'parameters' cell does not read them: injecting would only print warnings.
    takes_parameters = any("parameters" in c.metadata.get("tags", []) for c in source_nb.cells)
    own = kernel is None
    runner = NotebookKernel(kernel_name()) if kernel is None else kernel
    try:
        runner.run(src, dest, parameters if takes_parameters else {}, env, cwd, timeout)
    except PapermillExecutionError as exc:
        raise _cell_error(src, exc) from exc
    except Exception as exc:
        raise ReportError(
            f"notebook {src.name} could not run: {type(exc).__name__}: {exc}", notebook=src.name
        ) from exc
    finally:
        if own:
            runner.close()
    return nbformat.read(dest, as_version=4)


# ---------------------------------------------------------------------------------------------- swap


def _is_product(name: str) -> bool:
    return (
        name in PRODUCT_DIRS
        or name == BUILD_FILE
        or any(name.startswith(head) and name.endswith(tail) for head, tail in PRODUCT_FILES)
    )


def swap_in(build: Path, target: Path) -> Path | None:
    """Replace ``target`` by ``build`` in one step, carrying over what builds don't own.

    Readers see the old report or the new one, never a mix: where the OS can, the two folders are exchanged
    atomically (:func:`outputs.exchange`); elsewhere (Windows) two renames, and a kill between them is
    repaired by :func:`recover_swap` at the next build. An existing folder that no build wrote (no
    ``.build.json``) is kept as ``<target>.previous-<time>`` instead of being deleted; its path is returned.
    """
    if not target.exists():
        os.rename(build, target)
        return None
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    # Under the name of an old report first: a kill now leaves the new build to be settled (dropped) by
    # recover_swap; once exchanged, the same name holds the old report, settled the same way.
    os.rename(build, old)
    outputs.pause_point("report-staged")
    if outputs.exchange(old, target):  # one step: target is the new build, ``old`` the old report
        outputs.pause_point("report-exchanged")
    else:
        os.rename(old, build)
        os.rename(target, old)
        outputs.pause_point("report-between-renames")
        try:
            os.rename(build, target)
        except OSError:
            os.rename(old, target)
            raise
    outputs.pause_point("report-swapped")
    return _settle_old(old, target)


def _settle_old(old: Path, target: Path) -> Path | None:
    """After a swap: move what builds don't own from the old report into the new one, then drop the old one
    (or keep it as ``<target>.previous-<time>`` when no build made it)."""
    ours = (old / BUILD_FILE).is_file()
    for entry in sorted(old.iterdir()):
        if not _is_product(entry.name) and not (target / entry.name).exists():
            os.rename(entry, target / entry.name)
    if ours or not any(old.iterdir()):
        shutil.rmtree(old, ignore_errors=True)
        return None
    keep = target.with_name(f"{target.name}.previous-{datetime.now():%Y%m%d-%H%M%S}")
    os.rename(old, keep)
    return keep


def recover_swap(target: Path) -> None:
    """Finish or undo what an interrupted build left beside ``target`` (call under the report lock).

    A kill between the two renames of the fallback swap left no ``target`` and the old report aside: it is
    put back. An old report left after a completed swap is settled; build folders of runs that are no longer
    alive are removed.
    """
    parent = target.parent
    if not parent.is_dir():
        return
    for old in sorted(parent.glob(f".{target.name}.old-*")):
        if not old.is_dir():
            continue
        if not target.exists():
            os.rename(old, target)
        else:
            _settle_old(old, target)
    for build in parent.glob(f".{target.name}.build-*"):
        match = re.match(rf"\.{re.escape(target.name)}\.build-(\d+)-", build.name)
        if build.is_dir() and (match is None or not outputs.pid_alive(int(match.group(1)))):
            shutil.rmtree(build, ignore_errors=True)


def publish_build(build: Path, target: Path, lang: str = "vi") -> Path | None:
    """Swap a finished build into ``target`` under the report folder's lock, repairing leftovers first."""
    with outputs.OutputLock(target.parent, say=outputs.stderr_say(lang), name=f".{target.name}.lock", remove=True):
        outputs.pause_point("report-locked")
        recover_swap(target)
        return swap_in(build, target)


# ---------------------------------------------------------------------------------------------- index


def _markdown_html(text: str) -> str:
    import mistune

    render = mistune.create_markdown(escape=True, plugins=["strikethrough", "table"])
    return sanitize_html(str(render(text)))


def _default_ingest() -> Callable[..., Any]:
    try:
        from .ingest import ingest
    except ImportError as exc:  # pragma: no cover - depends on the lead's module
        raise ReportError(f"analysis.ingest is not available: {exc}") from exc
    return ingest


def _default_published(raw_dir: Path) -> pd.DataFrame | None:
    try:
        from .reference_data import published_figures
    except ImportError:
        return None
    local = raw_dir / "published" / "published_figures.csv"
    try:
        return published_figures(local if local.is_file() else None)
    except (OSError, ValueError, KeyError):
        return None


def _default_brief() -> Callable[..., Any] | None:
    try:
        from .brief import meeting_brief
    except ImportError:
        return None
    return meeting_brief


def _latest_year(table: pd.DataFrame, province: str | None, years: Sequence[int] | None) -> int | None:
    """The year a review meeting is about: the latest year in scope with actual figures, else the latest year.

    Why: a brief for year N reports N's results and N+1's plan; the newest year usually has only a plan.
    """
    part = _in_scope(table, province, years)
    if part is None or part.empty:
        return max(years) if years else None
    actual = part[part["stage"] == "actual"]
    return int((actual if not actual.empty else part)["year"].max())


def _raw_provenance(
    raw_files: Sequence[RawFile], ingest_result: Any, table: pd.DataFrame, whole: pd.DataFrame | None = None
) -> list[RawFile]:
    """The files the ingest read (path, SHA-256, status) with their number of data rows in the table.

    With ``whole`` (the table before the report's scope was applied), files whose rows all lie outside the
    scope — another province's workbooks — are left out: a province's pages list its own sources.
    """
    counts: dict[str, int] = {}
    if table is not None and "source_file" in getattr(table, "columns", ()):
        counts = {str(k): int(v) for k, v in table["source_file"].value_counts().items()}
    elsewhere: set[str] = set()
    if whole is not None and "source_file" in getattr(whole, "columns", ()):
        elsewhere = {str(f) for f in whole["source_file"].dropna().unique()} - set(counts)
    report = getattr(ingest_result, "report", None) or {}
    by_path = {f.path: f for f in raw_files}
    listed = report.get("files") if isinstance(report, dict) else None
    if listed:
        out = []
        for entry in listed:
            path = str(entry.get("path", ""))
            if path in elsewhere:
                continue
            known = by_path.get(path) or next(
                (f for f in raw_files if path.endswith(f.path) or f.path.endswith(path)), None
            )
            out.append(
                RawFile(
                    path,
                    str(entry.get("sha256") or (known.sha256 if known else "")),
                    known.size if known else 0,
                    counts.get(path, 0),
                    str(entry.get("status", "ok")),
                )
            )
        return out
    return [RawFile(f.path, f.sha256, f.size, counts.get(f.path)) for f in raw_files if f.path not in elsewhere]


# ---------------------------------------------------------------------------------------------- build


@dataclass
class _SetSpec:
    """One report set, resolved: where from and to, which notebooks, parameters and injected helpers."""

    raw: Path
    target: Path
    processed: Path
    nb_dir: Path
    notebooks: list[Path]
    lang: str
    params: dict[str, Any]
    province: str | None
    year_list: list[int] | None
    base_year: int | None
    illustrative: bool | None
    up_href: str | None
    brief_fn: Callable[..., Any] | None
    published_fn: Callable[[], pd.DataFrame | None] | None
    cell_timeout: float | None
    progress: bool
    jobs: int

    @property
    def labels(self) -> Mapping[str, str]:
        return LABELS[self.lang]

    def key(self, raw_files: Sequence[RawFile], rows: str = "") -> str:
        """The build key of this set from the given inputs (``rows``: digest of the rows in scope, if known)."""
        extra = {"illustrative": self.illustrative, "up_href": self.up_href}
        if rows:
            extra["rows"] = rows
        return build_key(raw_files, self.notebooks, {**self.params, **extra})


def _set_spec(
    raw_dir: str | os.PathLike[str] | None,
    out_dir: str | os.PathLike[str] | None,
    lang: str,
    province: str | None,
    years: str | Iterable[int] | None,
    jobs: int,
    notebooks_dir: str | os.PathLike[str] | None,
    progress: bool,
    processed_dir: str | os.PathLike[str] | None,
    base_year: int | None,
    illustrative: bool | None,
    brief_fn: Callable[..., Any] | None,
    published_fn: Callable[[], pd.DataFrame | None] | None,
    cell_timeout: float | None,
    up_href: str | None,
) -> _SetSpec:
    if lang not in LANGS:
        raise ReportError(f"lang must be one of {LANGS}, got {lang!r}")
    raw = Path(raw_dir).resolve() if raw_dir is not None else config.RAW_DIR
    out = Path(out_dir).resolve() if out_dir is not None else config.REPORTS_DIR
    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir is not None else config.NOTEBOOKS_DIR
    processed = Path(processed_dir).resolve() if processed_dir is not None else config.PROCESSED_DIR
    if not raw.is_dir():
        raise ReportError(f"raw data folder not found: {raw}")
    notebooks = sorted(p for p in nb_dir.glob("*.ipynb") if not p.name.startswith((".", "_")))
    if not notebooks:
        raise ReportError(f"no notebooks (*.ipynb) in {nb_dir}")
    year_list = parse_years(years)
    params: dict[str, Any] = {"lang": lang, "data_dir": str(processed)}
    if province:
        params["province"] = province
    if year_list:
        params["years"] = year_list
    if base_year is not None:
        params["base_year"] = int(base_year)
    return _SetSpec(
        raw=raw, target=out / "en" if lang == "en" else out, processed=processed, nb_dir=nb_dir,
        notebooks=notebooks, lang=lang, params=params, province=province, year_list=year_list,
        base_year=base_year, illustrative=illustrative, up_href=up_href, brief_fn=brief_fn,
        published_fn=published_fn, cell_timeout=cell_timeout, progress=progress, jobs=max(1, int(jobs)),
    )


def build_reports(
    raw_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    lang: str = "vi",
    province: str | None = None,
    years: str | Iterable[int] | None = None,
    jobs: int = 2,
    notebooks_dir: str | os.PathLike[str] | None = None,
    ingest_fn: Callable[..., Any] | None = None,
    progress: bool = True,
    *,
    processed_dir: str | os.PathLike[str] | None = None,
    base_year: int | None = None,
    illustrative: bool | None = None,
    brief_fn: Callable[..., Any] | None = None,
    published_fn: Callable[[], pd.DataFrame | None] | None = None,
    cell_timeout: float | None = 1800,
    force: bool = False,
    up_href: str | None = None,
    kernels: KernelPool | None = None,
) -> ReportResult:
    """Ingest, run every notebook, export the offline report set into ``out_dir`` (``out_dir/en`` for English).

    Returns at once ('up to date') when raw files, notebooks, parameters and code are unchanged. Raises
    :class:`ReportError` naming the notebook and cell when a notebook fails; the previous output stays as it was.
    ``illustrative`` puts the "Dữ liệu minh họa" banner on every page; ``None`` (default) decides from the
    data: on when the rows in scope come from the bundled ``samples/`` folder or the ingest report says so.
    ``up_href`` links the index page to a page above it (the province list of ``build_reports_by_province``).
    The notebooks run on ``jobs`` kernels, each reused notebook after notebook from a clean state (or on the
    kernels of ``kernels``, a pool the caller keeps across builds); the tables, briefs, Word reports and
    decks are written meanwhile.
    """
    started = time.perf_counter()
    spec = _set_spec(raw_dir, out_dir, lang, province, years, jobs, notebooks_dir, progress, processed_dir,
                     base_year, illustrative, brief_fn, published_fn, cell_timeout, up_href)
    raw_files = scan_raw_files(spec.raw)
    key = spec.key(raw_files)
    if not force:
        info = _up_to_date(spec.target, key)
        if info is not None:
            print(f"{spec.labels['up_to_date']}: {spec.target}", file=sys.stderr)
            return _result_from_info(spec.target, info, time.perf_counter() - started)
    ingest_result = (ingest_fn or _default_ingest())([spec.raw], out_dir=spec.processed)
    own_pool = kernels is None
    pool = KernelPool(spec.jobs, kernel_name()) if kernels is None else kernels
    try:
        one = _SetBuild(spec, ingest_result, raw_files, key, started)
        try:
            one.start(pool)
            one.write_products()
        except BaseException:
            one.abort()
            raise
        return one.finish()
    finally:
        if own_pool:
            pool.close()


class _SetBuild:
    """One report set on its way: a build folder next to the target, the notebooks queued on the kernel pool,
    the tables, briefs and meeting pack written meanwhile, then the index, the bundle and the swap.

    Why in steps: ``build_reports_by_province`` starts the next province's notebooks before it finishes the
    previous set, so the kernels never wait for the building process.
    """

    def __init__(
        self, spec: _SetSpec, ingest_result: Any, raw_files: Sequence[RawFile], key: str, started: float
    ) -> None:
        self.spec = spec
        self.started = started
        self.key = key
        self.warnings: list[str] = []
        self.futures: dict[Future[NotebookPage], Path] = {}
        self.product_error: BaseException | None = None
        self.products: dict[str, Any] = {}
        self.bar: Any = None
        labels = spec.labels
        table = getattr(ingest_result, "table", None)
        if table is None:
            table = pd.DataFrame()
        report = getattr(ingest_result, "report", None) or {}
        province = spec.province
        if not province:
            # the pages are about one province: name the one in the data (the notebooks' own default may be
            # another), and never label one province's pages 'all provinces'
            province = _only_province(table)
            if province:
                spec.params["province"] = province
        self.province = province
        self.table = table
        self.in_scope = _in_scope(table, province, spec.year_list)
        illustrative = spec.illustrative
        if illustrative is None:
            from .notebook import is_illustrative

            illustrative = bool(isinstance(report, dict) and report.get("illustrative")) or is_illustrative(
                self.in_scope
            )
        self.illustrative = bool(illustrative)
        self.illustrative_param = illustrative
        self.published = spec.published_fn() if spec.published_fn is not None else _default_published(spec.raw)
        self.provenance = _raw_provenance(raw_files, ingest_result, self.in_scope, table if province else None)
        scope_parts = [province or labels["all_provinces"]]
        if spec.year_list:
            scope_parts.append(_years_text(spec.year_list))
        self.built_at = datetime.now().strftime("%d/%m/%Y %H:%M" if spec.lang == "vi" else "%Y-%m-%d %H:%M")
        footer_params = [(labels["province"], province or labels["all_provinces"])]
        if spec.year_list:
            footer_params.append((labels["years"], _years_text(spec.year_list)))
        if spec.base_year is not None:
            footer_params.append((labels["base_year"], str(spec.base_year)))
        footer_params.append((labels["lang"], spec.lang))
        self.context = _page_context(labels, spec.lang, " · ".join(scope_parts), self.built_at, self.provenance,
                                     footer_params, illustrative)
        target = spec.target
        target.parent.mkdir(parents=True, exist_ok=True)
        self.build = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-{os.getpid()}-", dir=target.parent))
        os.chmod(self.build, default_mode(directory=True))  # mkdtemp makes 0700; the report is shared
        (self.build / "notebooks").mkdir()
        (self.build / "html").mkdir()

    # -- notebooks

    def start(self, pool: KernelPool) -> None:
        """Queue every notebook on the pool; each is executed, then exported, by a kernel's thread."""
        spec, build = self.spec, self.build
        env = {
            "KHUYENCONG_REPORTS_DIR": str(build),
            "KHUYENCONG_RAW_DIR": str(spec.raw),
            "KHUYENCONG_PROCESSED_DIR": str(spec.processed),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        params = dict(spec.params)
        context = self.context

        def one(src: Path, kernel: NotebookKernel) -> NotebookPage:
            t0 = time.perf_counter()
            executed = execute_notebook(src, build / "notebooks" / src.name, params, env, spec.nb_dir,
                                        spec.cell_timeout, kernel=kernel)
            page = export_notebook_html(executed, build / "html" / f"{src.stem}.html", context, spec.nb_dir)
            return NotebookPage(
                page.name, page.title, page.summary, page.html, page.illustrative, time.perf_counter() - t0
            )

        if spec.progress:
            from tqdm import tqdm

            self.bar = tqdm(total=len(spec.notebooks), desc=spec.labels["progress"], unit="nb", file=sys.stderr)
        for src in spec.notebooks:
            future = pool.submit(functools.partial(one, src))
            self.futures[future] = src
            future.add_done_callback(self._done)

    def _done(self, future: Future[NotebookPage]) -> None:
        """A notebook ended: on a failure, the set's queued notebooks never start (running ones finish)."""
        if not future.cancelled() and future.exception() is not None:
            self.cancel()
        if self.bar is not None and not future.cancelled():
            self.bar.set_postfix_str(self.futures.get(future, Path("")).stem, refresh=False)
            self.bar.update(1)

    def cancel(self) -> None:
        """Queued notebooks of this set never start."""
        for future in list(self.futures):
            future.cancel()

    def _wait(self) -> list[NotebookPage]:
        """Every notebook's page, or the first failure by notebook order (naming the others that failed)."""
        from concurrent.futures import CancelledError, wait

        wait(list(self.futures))
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        results: dict[Path, NotebookPage] = {}
        errors: dict[Path, BaseException] = {}
        for future, src in self.futures.items():
            try:
                results[src] = future.result()
            except CancelledError:
                continue
            except Exception as exc:
                errors[src] = exc
        if errors:
            first_src = min(errors)
            first = errors[first_src]
            others = [p.name for p in sorted(errors) if p != first_src]
            if isinstance(first, ReportError):
                if others:
                    first.args = (f"{first.args[0]} (also failed: {', '.join(others)})",)
                raise first
            raise ReportError(
                f"notebook {first_src.name}: {type(first).__name__}: {first}", notebook=first_src.name
            ) from first
        if len(results) != len(self.spec.notebooks):  # cancelled by a failure of the products
            raise ReportError("the report build was stopped before every notebook ran")
        return [results[nb] for nb in self.spec.notebooks]

    # -- products of the building process

    def write_products(self) -> None:
        """Tables, briefs, Word reports and decks (while the kernels run the notebooks). A failure stops the
        set's queued notebooks and is raised by :meth:`finish`, after a notebook's own failure if any."""
        spec, build = self.spec, self.build
        try:
            self.products["summary"] = _write_summary(build, self.in_scope, self.published, spec.lang,
                                                      self.warnings, self.illustrative)
            made: dict[int, Any] = {}
            self.products["brief"] = _write_brief(
                build, self.table, self.published, self.province, spec.year_list, spec.lang,
                spec.brief_fn or _default_brief(), self.warnings, illustrative=self.illustrative, made=made,
            )
            self.products["briefs"] = sorted(build.glob("tom_tat_*.md"))
            # the index's briefs are the decks' when both are the real brief of the same rows (no year filter)
            shared = made if spec.brief_fn is None and not spec.year_list else None
            self.products["meeting"] = _write_meeting_pack(
                build, self.in_scope, self.published, self.province, spec.lang, self.illustrative,
                self.built_at, self.warnings, spec.brief_fn is None, briefs=shared,
            )
        except BaseException as exc:
            self.product_error = exc
            self.cancel()

    # -- end

    def finish(self) -> ReportResult:
        """Wait for the notebooks, write the index and the bundle, swap the set in; on any failure remove the
        build folder (the published set stays as it was) and raise."""
        spec, build = self.spec, self.build
        try:
            pages = self._wait()
            if self.product_error is not None:
                raise self.product_error
            summary_path = self.products["summary"]
            brief_md, brief_html, brief_title = self.products["brief"]
            briefs, meeting = self.products["briefs"], self.products["meeting"]
            figures = (
                sorted(p for p in (build / "figures").rglob("*") if p.is_file())
                if (build / "figures").is_dir()
                else []
            )
            bundle = bundle_path(build, self.province, _latest_year(self.in_scope, None, None))
            _write_index(
                build / "html" / "index.html",
                {**self.context, "up_href": spec.up_href},
                pages,
                brief_html,
                brief_title,
                summary_path,
                brief_md,
                figures,
                build,
                briefs=briefs,
                reports=meeting["reports"],
                decks=meeting["decks"],
            )
            write_bundle(build, bundle)
            info = {
                "key": self.key,
                "version": __version__,
                "built_at": self.built_at,
                "lang": spec.lang,
                "params": spec.params,
                "illustrative": self.illustrative_param,
                "raw_files": [f.__dict__ for f in self.provenance],
                "pages": [
                    {
                        "name": p.name,
                        "title": p.title,
                        "summary": p.summary,
                        "html": p.html.relative_to(build).as_posix(),
                        "illustrative": p.illustrative,
                    }
                    for p in pages
                ],
                "brief_md": brief_md.relative_to(build).as_posix() if brief_md else None,
                "summary_xlsx": summary_path.relative_to(build).as_posix() if summary_path else None,
                "figures": [p.relative_to(build).as_posix() for p in figures],
                "warnings": self.warnings,
                "briefs": [p.relative_to(build).as_posix() for p in briefs],
                "reports": [p.relative_to(build).as_posix() for p in meeting["reports"]],
                "decks": [p.relative_to(build).as_posix() for p in meeting["decks"]],
                "bundle": bundle.relative_to(build).as_posix() if bundle.is_file() else None,
            }
            atomic_write_text(build / BUILD_FILE, json.dumps(info, ensure_ascii=False, indent=1))
            kept = publish_build(build, spec.target, spec.lang)
        except BaseException:
            self.abort()
            raise
        if kept is not None:
            self.warnings.append(
                f"the folder {spec.target} was not made by a report build; its old content is in {kept}"
            )
        for message in self.warnings:
            print(f"warning: {message}", file=sys.stderr)
        return _result_from_info(spec.target, info, time.perf_counter() - self.started, skipped=False)

    def abort(self) -> None:
        """Stop queued notebooks, let running ones end (they write into the build folder), remove it."""
        from concurrent.futures import wait

        self.cancel()
        wait(list(self.futures))
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        shutil.rmtree(self.build, ignore_errors=True)


def province_folder(province: str) -> str:
    """The folder of one province's report set: 'Quảng Ninh' → 'quang_ninh' (as data/raw/<province>/)."""
    from .text import fold

    return re.sub(r"[^a-z0-9]+", "_", fold(province)).strip("_") or "tinh"


def _rows_digest(table: pd.DataFrame) -> str:
    """A digest of a province's rows (values and column names): its set is rebuilt when they change, whatever
    changed them (a file, an override, the ingest itself)."""
    if table is None or table.empty:
        return "empty"
    digest = hashlib.sha256(json.dumps([str(c) for c in table.columns]).encode())
    digest.update(pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()


def province_inputs(raw_files: Sequence[RawFile], table: pd.DataFrame, province: str) -> list[RawFile]:
    """The raw files one province's set depends on: every file except those whose rows all belong to other
    provinces (so also the published figures, overrides and files without rows, which every set shows).

    Why: a province's key, pages and footer name its own inputs; an edit to another province's workbook
    must not rebuild it.
    """
    from .notebook import files_elsewhere

    # the ingest labels a file relative to the raw folder's parent ('raw/quang_ninh/a.xlsx') unless the folder
    # is the configured one; a raw file is its label or a tail of it
    tails: set[str] = set()
    for label in files_elsewhere(table, province):
        parts = label.split("/")
        tails.update("/".join(parts[i:]) for i in range(len(parts)))
    return [f for f in raw_files if f.path not in tails]


def build_reports_by_province(
    raw_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    lang: str = "vi",
    years: str | Iterable[int] | None = None,
    jobs: int = 2,
    progress: bool = True,
    *,
    processed_dir: str | os.PathLike[str] | None = None,
    ingest_fn: Callable[..., Any] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    base_year: int | None = None,
    illustrative: bool | None = None,
    brief_fn: Callable[..., Any] | None = None,
    published_fn: Callable[[], pd.DataFrame | None] | None = None,
    cell_timeout: float | None = 1800,
    force: bool = False,
    kernels: KernelPool | None = None,
) -> list[ReportResult]:
    """One report set per province in the data, in ``out_dir/<province folder>/``, and a landing page
    ``out_dir/index.html`` (English: ``out_dir/index_en.html``) that links them.

    Why: a ministry or multi-province analyst's data hold many provinces, while every page set (brief,
    published-figure check, districts) is about one. The ingest runs once; each set has its own build key
    (its own raw files, its rows, the notebooks, parameters and code), so an unchanged province is not
    rebuilt; the others are built on ``jobs`` kernels kept for the whole run — a province's notebooks are
    queued before the previous set is finished — and each is swapped in whole, as ``build_reports`` does.
    """
    from . import metrics

    started = time.perf_counter()
    if lang not in LANGS:
        raise ReportError(f"lang must be one of {LANGS}, got {lang!r}")
    labels = LABELS[lang]
    raw = Path(raw_dir).resolve() if raw_dir is not None else config.RAW_DIR
    out = Path(out_dir).resolve() if out_dir is not None else config.REPORTS_DIR
    processed = Path(processed_dir).resolve() if processed_dir is not None else config.PROCESSED_DIR
    if not raw.is_dir():
        raise ReportError(f"raw data folder not found: {raw}")
    ingest = ingest_fn or _default_ingest()
    ingest_result = ingest([raw], out_dir=processed)
    table = getattr(ingest_result, "table", None)
    if table is None:
        table = pd.DataFrame()
    provinces = metrics.provinces_in(table)
    if not provinces:
        raise ReportError(f"no records in {raw}: nothing to report on")
    folders = {p: province_folder(p) for p in provinces}
    if len(set(folders.values())) != len(folders):
        raise ReportError(f"two provinces share a folder name: {sorted(folders.items(), key=lambda x: x[1])}")
    raw_files = scan_raw_files(raw)
    up_href = "../../" + ("index.html" if lang == "vi" else "../index_en.html")
    results: dict[str, ReportResult] = {}
    failed: dict[str, str] = {}
    todo: list[tuple[str, _SetSpec, list[RawFile], str]] = []
    for province in provinces:
        try:
            spec = _set_spec(raw, out / folders[province], lang, province, years, jobs, notebooks_dir, False,
                             processed, base_year, illustrative, brief_fn, published_fn, cell_timeout, up_href)
            inputs = province_inputs(raw_files, table, province)
            key = spec.key(inputs, _rows_digest(_in_scope(table, province, spec.year_list)))
            info = None if force else _up_to_date(spec.target, key)
        except ReportError as exc:
            failed[province] = str(exc)
            continue
        if info is not None:
            results[province] = _result_from_info(spec.target, info, 0.0)
        else:
            todo.append((province, spec, inputs, key))
    if todo:
        own_pool = kernels is None
        pool = KernelPool(jobs, kernel_name()) if kernels is None else kernels
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc=labels["progress_provinces"], unit="", file=sys.stderr)
        running: list[tuple[str, _SetBuild]] = []  # started, not yet finished (at most two)
        try:
            for province, spec, inputs, key in todo:
                current: _SetBuild | None = None
                try:
                    current = _SetBuild(spec, ingest_result, inputs, key, time.perf_counter())
                    running.append((province, current))
                    current.start(pool)
                    current.write_products()
                except ReportError as exc:
                    failed[province] = str(exc)
                    if current is not None:
                        running.pop()
                        current.abort()
                while len(running) > 1:  # the previous set's notebooks were queued first: mostly done by now
                    _finish_province(running.pop(0), results, failed, bar)
            while running:
                _finish_province(running.pop(0), results, failed, bar)
        finally:
            for _, left in running:  # interrupted: nothing half-built stays
                left.abort()
            if bar is not None:
                bar.close()
            if own_pool:
                pool.close()
    built = [p for p in provinces if p in results]
    if built:
        _write_province_index(out, lang, labels, built, folders, [results[p] for p in built], raw,
                              ingest_result, table)
    if failed:
        lines = "; ".join(f"{p}: {m}" for p, m in failed.items())
        raise ReportError(f"{len(failed)} of {len(provinces)} province report sets failed (the others are built): "
                          f"{lines}")
    skipped = len(provinces) - len(todo)
    if skipped and progress:
        print(f"{labels['up_to_date']}: {skipped}/{len(provinces)} ({time.perf_counter() - started:.1f} s)",
              file=sys.stderr)
    return [results[p] for p in built]


def _finish_province(
    item: tuple[str, _SetBuild], results: dict[str, ReportResult], failed: dict[str, str], bar: Any
) -> None:
    province, one = item
    try:
        results[province] = one.finish()
    except ReportError as exc:  # one province's failure does not stop the others
        failed[province] = str(exc)
    if bar is not None:
        bar.set_postfix_str(province, refresh=False)
        bar.update(1)


def _write_province_index(
    out: Path,
    lang: str,
    labels: Mapping[str, str],
    provinces: Sequence[str],
    folders: Mapping[str, str],
    results: Sequence[ReportResult],
    raw: Path,
    ingest_result: Any,
    table: pd.DataFrame,
) -> None:
    from . import fmt, metrics

    built_at = datetime.now().strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M")
    provenance = _raw_provenance(scan_raw_files(raw), ingest_result, table)
    context = _page_context(labels, lang, labels["all_provinces"], built_at, provenance,
                            [(labels["province"], labels["all_provinces"]), (labels["lang"], lang)],
                            any(r.pages and any(p.illustrative for p in r.pages) for r in results))
    overview = metrics.province_overview(table).set_index("province")
    reports = []
    for province, result in zip(provinces, results, strict=True):
        years = sorted(int(y) for y in metrics.for_province(table, province)["year"].dropna().unique())
        summary = labels["province_summary"].format(n=len(result.pages), years=_years_text(years))
        row = overview.loc[province] if province in overview.index else None
        for stage in ("actual", "plan"):
            if row is not None and not pd.isna(row[f"{stage}_year"]):
                summary += " · " + labels[f"province_{stage}"].format(
                    year=int(row[f"{stage}_year"]), amount=fmt.format_vnd(row[f"{stage}_support_vnd"], "trieu", lang))
        reports.append({
            "href": result.index_html.relative_to(out).as_posix(),
            "title": province,
            "summary": summary,
            "illustrative": any(p.illustrative for p in result.pages),
        })
    kc = {**context, "title": labels["provinces_title"], "illustrative_build": False, "brief_html": "",
          "brief_heading": "", "reports": reports, "downloads": [],
          "labels": {**context["labels"], "reports": labels["provinces_heading"]}}
    _render_index(out / ("index.html" if lang == "vi" else "index_en.html"), kc)


def _only_province(table: pd.DataFrame) -> str | None:
    """notebook.only_province, with the command-line way out when the data hold several provinces."""
    from .notebook import ScopeError, only_province, province_list

    try:
        return only_province(table)
    except ScopeError as exc:
        found = exc.provinces
        raise ReportError(
            f"dữ liệu có {len(found)} tỉnh ({province_list(found)}): chọn một tỉnh cho bộ báo cáo, ví dụ --province \"{found[0]}\", "
            f"hoặc lập cho từng tỉnh bằng --all-provinces (the data covers {len(found)} provinces: choose one with "
            f"--province, or build one set per province with --all-provinces)"
        ) from None


def _in_scope(table: pd.DataFrame, province: str | None, years: Sequence[int] | None) -> pd.DataFrame:
    """The rows the report is about: one province (matched without diacritics) and the requested years."""
    if table is None or table.empty:
        return table
    if province:
        from .metrics import for_province

        table = for_province(table, province)
    if years:
        table = table[table["year"].isin(list(years))]
    return table


def _write_summary(
    build: Path,
    table: pd.DataFrame,
    published: pd.DataFrame | None,
    lang: str,
    warnings: list[str],
    illustrative: bool = False,
) -> Path | None:
    from .excel import write_summary_xlsx

    path = write_summary_xlsx(table, published, build / "tables" / "summary.xlsx", lang, illustrative)
    if path is None:
        warnings.append("no data rows: tables/summary.xlsx not written")
    return path


def _brief_years(table: pd.DataFrame, province: str, years: Sequence[int] | None, latest: int) -> list[int]:
    """Every year with results (and the reference meeting's year) in scope; at least the index's year."""
    from .brief import REFERENCE_YEAR
    from .pack import report_years

    part = _in_scope(table, province, years)
    found = report_years(part, REFERENCE_YEAR) if part is not None and not part.empty else []
    return sorted({*found, latest})


def _marked_text(text: str, lang: str) -> str:
    """A brief's plain text with the sample-data mark under its title (first two lines: title, underline)."""
    from .charts import label

    lines = text.rstrip().split("\n")
    mark = f"[{label('mark.illustrative', lang)} — {label('xlsx.mark_note', lang)}]"
    head = 2 if len(lines) > 1 and set(lines[1]) == {"="} else 0
    return "\n".join([*lines[:head], "", mark, *lines[head:]]).strip("\n") + "\n"


def _write_brief(
    build: Path,
    table: pd.DataFrame,
    published: pd.DataFrame | None,
    province: str | None,
    years: Sequence[int] | None,
    lang: str,
    brief_fn: Callable[..., Any] | None,
    warnings: list[str],
    *,
    illustrative: bool = False,
    made: dict[int, Any] | None = None,
) -> tuple[Path | None, str, str]:
    """The meeting briefs: ``tom_tat_<year>.md`` (plain text for tools) for every year with results and the
    reference meeting's year, with the sample-data mark on sample data; the latest year's brief as sanitised
    HTML and heading for the index. Returns (latest brief's path, its HTML, its heading); ``made`` collects
    the brief of each year (the decks reuse them)."""
    labels = LABELS[lang]
    year = _latest_year(table, province, years)
    if brief_fn is None:
        warnings.append("analysis.brief is not available: the index has no meeting brief")
        return None, "", ""
    if year is None:
        warnings.append("no data year: the index has no meeting brief")
        return None, "", ""
    if province is None:
        provinces = table["province"].dropna().unique() if table is not None and not table.empty else []
        if len(provinces) != 1:
            warnings.append("several provinces and no --province: the index has no meeting brief")
            return None, "", ""
        province = str(provinces[0])
    path: Path | None = None
    brief: Any = None
    for one in _brief_years(table, province, years, year):
        try:
            written = brief_fn(table, published, province, one, lang)
        except Exception as exc:
            raise ReportError(f"meeting brief for {province} {one} failed: {type(exc).__name__}: {exc}") from exc
        if made is not None:
            made[one] = written
        text = written.to_text().rstrip() + "\n"
        target = build / f"tom_tat_{one}.md"
        atomic_write_text(target, _marked_text(text, lang) if illustrative else text)
        if one == year:
            path, brief = target, written
    title = str(
        getattr(brief, "title", "") or labels["brief_heading"].format(scope=f"{province} ", year=year)
    )
    markdown = brief.to_markdown().strip()
    lines = markdown.splitlines()
    if lines and _H1_RE.match(lines[0]):  # the title is the section heading on the index
        markdown = "\n".join(lines[1:])
    return path, _markdown_html(markdown), title


def _write_meeting_pack(
    build: Path,
    table: pd.DataFrame,
    published: pd.DataFrame | None,
    province: str | None,
    lang: str,
    illustrative: bool,
    built_at: str,
    warnings: list[str],
    enabled: bool = True,
    briefs: Mapping[int, Any] | None = None,
) -> dict[str, list[Path]]:
    """The Word report ``bao_cao_<year>.docx`` and the deck ``slides/hop_tong_ket_<year>.pptx`` of every year
    with results (and the reference meeting's year), from the rows in scope.

    ``enabled`` is False when the caller injected its own brief (tests with fake data): the pack is written
    from the real brief and metrics only. ``briefs`` are the index's briefs by year when they are the decks'
    too (the real brief on the same rows): each is then computed once.
    """
    from .brief import REFERENCE_YEAR
    from .docx_report import build_report, report_path
    from .pack import report_years
    from .slides import build_deck, deck_path

    out: dict[str, list[Path]] = {"reports": [], "decks": []}
    if not enabled or table is None or table.empty or not province:
        return out
    figures: dict[tuple[str, int | None], bytes | None] = {}
    for year in report_years(table, REFERENCE_YEAR):
        try:
            out["reports"].append(build_report(table, published, province, year, report_path(build, year), lang,
                                               illustrative=illustrative, built_at=built_at,
                                               figure_cache=figures))
            out["decks"].append(build_deck(table, published, province, year, deck_path(build, year), lang,
                                           illustrative=illustrative, built_at=built_at,
                                           brief=(briefs or {}).get(year)))
        except Exception as exc:
            raise ReportError(f"meeting pack for {province} {year} failed: {type(exc).__name__}: {exc}") from exc
    return out


def bundle_path(build: Path, province: str | None, year: int | None) -> Path:
    """``goi_bao_cao_<province>_<year>.zip`` at the top of the report set."""
    return build / f"goi_bao_cao_{province_folder(province or 'tinh')}_{year or 'tat_ca'}.zip"


def bundle_members(build: Path) -> list[Path]:
    """What the bundle holds: pages, figures, tables, slides, Word reports and briefs — everything the index
    links to — and nothing else (not the executed notebooks, nor the build record)."""
    members: list[Path] = []
    for name in ("html", "figures", "tables", "slides"):
        folder = build / name
        if folder.is_dir():
            members.extend(sorted(p for p in folder.rglob("*") if p.is_file()))
    for head, tail in PRODUCT_FILES:
        if tail != ".zip":
            members.extend(sorted(build.glob(f"{head}*{tail}")))
    return members


def write_bundle(build: Path, dest: Path) -> Path:
    """One zip to email: the report set under one folder, so every link of the index works once unzipped.

    Why: the index links ``../tables``, ``../figures``, the Word report and the deck next to ``html/``;
    zipping ``html/`` alone broke them. The zip keeps the set's layout under ``<zip name>/``.
    """
    import zipfile

    root = dest.stem
    with atomic_path_bytes(dest) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in bundle_members(build):
            archive.write(path, f"{root}/{path.relative_to(build).as_posix()}")
    return dest


def _write_index(
    dest: Path,
    context: Mapping[str, Any],
    pages: Sequence[NotebookPage],
    brief_html: str,
    brief_title: str,
    summary_path: Path | None,
    brief_md: Path | None,
    figures: Sequence[Path],
    build: Path,
    *,
    briefs: Sequence[Path] = (),
    reports: Sequence[Path] = (),
    decks: Sequence[Path] = (),
) -> None:
    """The report set's index page. Every link stays inside the set (the bundle zip holds all of it), so
    the zip itself is not linked: a link to it would leave the unzipped folder."""
    labels = context["labels"]
    downloads = []
    for path in sorted(reports, reverse=True):
        year = re.sub(r"\D", "", path.stem)
        downloads.append({"href": "../" + path.relative_to(build).as_posix(),
                          "label": labels["report_docx"].format(year=year), "note": path.name})
    for path in sorted(decks, reverse=True):
        year = re.sub(r"\D", "", path.stem)
        downloads.append({"href": "../" + path.relative_to(build).as_posix(),
                          "label": labels["deck"].format(year=year), "note": path.name})
    if summary_path is not None:
        downloads.append(
            {"href": "../" + summary_path.relative_to(build).as_posix(), "label": labels["xlsx"], "note": ""}
        )
    for path in sorted(briefs or ([brief_md] if brief_md is not None else []), reverse=True):
        year = re.sub(r"\D", "", path.stem)
        downloads.append(
            {"href": "../" + path.relative_to(build).as_posix(), "label": labels["brief_file"].format(year=year),
             "note": ""}
        )
    if figures:
        downloads.append(
            {
                "href": "../figures/",
                "label": labels["figures"],
                "note": labels["figures_note"].format(n=len(figures)),
            }
        )
    kc = {
        **context,
        "title": labels["index_title"],
        "illustrative": bool(context.get("illustrative")) or any(p.illustrative for p in pages),
        "illustrative_build": bool(context.get("illustrative")),  # then every page has the banner: no flags
        "brief_html": brief_html,
        "brief_heading": brief_title,
        "reports": [
            {"href": p.html.name, "title": p.title, "summary": p.summary, "illustrative": p.illustrative}
            for p in pages
        ],
        "downloads": downloads,
    }
    if context.get("up_href"):
        kc["labels"] = {**labels, "back": labels["provinces_back"]}
    _render_index(dest, kc)


def _render_index(dest: Path, kc: Mapping[str, Any]) -> None:
    """Render reports_index.html.j2 (a report set's index or the province list), refuse anything that would
    load from the network, and write it atomically."""
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    page = env.get_template("reports_index.html.j2").render(kc=kc)
    remote = external_resources(page)
    if remote:
        raise ReportError(f"index page {dest.name} would load from the network: {remote[:3]}")
    atomic_write_text(dest, page)


def _result_from_info(
    target: Path, info: Mapping[str, Any], seconds: float, skipped: bool = True
) -> ReportResult:
    pages = tuple(
        NotebookPage(p["name"], p["title"], p["summary"], target / p["html"], bool(p.get("illustrative")))
        for p in info.get("pages", [])
    )
    return ReportResult(
        out_dir=target,
        lang=str(info.get("lang", "vi")),
        skipped=skipped,
        build_key=str(info.get("key", "")),
        pages=pages,
        index_html=target / "html" / "index.html",
        brief_md=target / info["brief_md"] if info.get("brief_md") else None,
        summary_xlsx=target / info["summary_xlsx"] if info.get("summary_xlsx") else None,
        figures=tuple(target / f for f in info.get("figures", [])),
        seconds=seconds,
        warnings=tuple(info.get("warnings", [])),
        briefs=tuple(target / f for f in info.get("briefs", [])),
        reports=tuple(target / f for f in info.get("reports", [])),
        decks=tuple(target / f for f in info.get("decks", [])),
        bundle=target / info["bundle"] if info.get("bundle") else None,
    )
