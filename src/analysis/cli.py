"""Command line: argument parsing, exit codes and messages only (no business logic).

Imports are lazy so that ``--help`` answers instantly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__

EXIT_OK, EXIT_FILE_ERROR, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Khuyến công: làm sạch bảng tính, phân tích và xuất báo cáo. "
        "Cleans khuyến công spreadsheets into one tidy table and builds the reports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ing = sub.add_parser(
        "ingest",
        help="đọc bảng tính gốc → data/processed/funding.parquet (read raw spreadsheets into the tidy table)",
        description="Đọc mọi bảng tính trong PATH (mặc định data/raw) và ghi bảng dữ liệu sạch, "
        "danh sách dòng bị loại và báo cáo nhập liệu vào --out.",
    )
    ing.add_argument("paths", nargs="*", metavar="PATH", help="tệp hoặc thư mục, mặc định data/raw (files or folders)")
    ing.add_argument("--out", metavar="DIR", help="thư mục kết quả, mặc định data/processed (output folder)")
    ing.add_argument("--province", metavar="NAME", help="tỉnh, khi tiêu đề và tên tệp không ghi (province)")
    ing.add_argument("--year", metavar="YYYY", type=int, help="năm, khi tiêu đề và tên tệp không ghi (year)")
    ing.add_argument("--stage", choices=("plan", "actual"), help="kế hoạch (plan) hay thực hiện (actual)")
    ing.add_argument("--xlsx", action="store_true", default=None, help="ghi funding.xlsx cả khi bảng rất lớn (write funding.xlsx for large tables too)")
    ing.add_argument("--jobs", type=int, metavar="N", help="số tiến trình đọc tệp, mặc định số lõi CPU (worker processes)")
    ing.add_argument("--no-cache", action="store_true", help="đọc lại mọi tệp, không dùng bộ nhớ đệm (re-read every file)")
    ing.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ của thông báo (language of messages)")
    ing.add_argument("--verbose", action="store_true",
                     help="liệt kê từng dòng bị loại hoặc không khớp (list every rejected or unreconciled row)")
    ing.add_argument("--debug", action="store_true", help="hiện chi tiết lỗi Python (show Python tracebacks)")

    rep = sub.add_parser(
        "report",
        help="chạy các sổ tay và xuất báo cáo HTML, hình, bảng Excel (build offline HTML, figures, Excel)",
        description="Nhập dữ liệu (nếu có thay đổi), chạy mọi sổ tay và xuất báo cáo vào --out.",
    )
    rep.add_argument("--raw", metavar="DIR", help="thư mục số liệu gốc, mặc định data/raw (raw data folder)")
    rep.add_argument("--out", metavar="DIR", help="thư mục báo cáo, mặc định reports (reports folder)")
    rep.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ của báo cáo (language of the reports)")
    rep.add_argument("--province", metavar="NAME", help="tỉnh cần lập báo cáo (province to report on)")
    rep.add_argument("--all-provinces", action="store_true",
                     help="mỗi tỉnh trong dữ liệu một bộ báo cáo (OUT/<tỉnh>/) và trang OUT/index.html (one set per province)")
    rep.add_argument("--years", metavar="YYYY-YYYY", help="các năm cần lập báo cáo, ví dụ 2015-2018 (years)")
    rep.add_argument("--jobs", type=int, default=2, metavar="N", help="số sổ tay chạy song song (notebooks run in parallel)")
    rep.add_argument("--debug", action="store_true", help="hiện chi tiết lỗi Python (show Python tracebacks)")
    return parser


def _ingest(args: argparse.Namespace) -> int:
    from .ingest import ingest

    result = ingest(
        args.paths or None,
        out_dir=args.out,
        province=args.province,
        year=args.year,
        stage=args.stage,
        xlsx=args.xlsx,
        jobs=args.jobs,
        cache=not args.no_cache,
        progress=None,
        lang=args.lang,
    )
    from .ingest.report_page import console_lines

    for line in console_lines(result.report, args.lang, verbose=args.verbose):
        print(line, file=sys.stderr)
    for line in result.report.get("validation_failures", []):
        print(f"schema: {line}", file=sys.stderr)
    for line in result.notice_lines(args.lang):
        print(line, file=sys.stderr)
    where = result.out_dir or ""
    print(f"{result.summary(args.lang)} → {where}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FILE_ERROR


def _report(args: argparse.Namespace) -> int:
    from .ingest import year_range
    from .report import build_reports

    years = year_range(args.years) if args.years else None
    if args.all_provinces:
        if args.province:
            print("Lỗi: --province và --all-provinces không dùng cùng nhau (use one of them).", file=sys.stderr)
            return EXIT_USAGE
        from .report import build_reports_by_province

        results = build_reports_by_province(
            raw_dir=args.raw, out_dir=args.out, lang=args.lang, years=years, jobs=args.jobs
        )
        for one in results:
            if not one.skipped:
                print(one.summary(args.lang), file=sys.stderr)
        return EXIT_OK if all(getattr(r, "ok", True) for r in results) else EXIT_FILE_ERROR
    result = build_reports(
        raw_dir=args.raw,
        out_dir=args.out,
        lang=args.lang,
        province=args.province,
        years=years,
        jobs=args.jobs,
    )
    if not result.skipped:
        print(result.summary(args.lang), file=sys.stderr)
    return EXIT_OK if getattr(result, "ok", True) else EXIT_FILE_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 a file could not be read or a build failed, 2 usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    debug = bool(getattr(args, "debug", False))
    if debug:
        os.environ["KHUYENCONG_DEBUG"] = "1"
    handlers = {"ingest": _ingest, "report": _report}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        print("Đã dừng (interrupted).", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        from .errors import InputError, KhuyenCongError

        lang = getattr(args, "lang", "vi")
        if isinstance(exc, InputError):
            text = exc.message(lang) if callable(getattr(exc, "message", None)) else str(exc)
            print(f"{'Error' if lang == 'en' else 'Lỗi'}: {text}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, KhuyenCongError):
            text = exc.message(lang) if hasattr(exc, "message") and callable(exc.message) else str(exc)
            print(f"{'Error' if lang == 'en' else 'Lỗi'}: {text}", file=sys.stderr)
            return EXIT_FILE_ERROR
        print(f"Lỗi không mong đợi: {type(exc).__name__}: {exc} (chạy lại với --debug để xem chi tiết)",
              file=sys.stderr)
        return EXIT_FILE_ERROR
