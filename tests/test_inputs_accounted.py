"""Every input accounted for (issue 14): what is not read is listed with its reason and never opened; a run
that finds or reads nothing keeps the previous outputs; same-named sheets and non-UTF-8 names are read."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import ingest_fixtures as fx
import pytest

from analysis import outputs
from analysis.errors import OutputError
from analysis.ingest import ingest

pytestmark = [
    pytest.mark.timeout(120),  # a hang on a pipe or a device must fail, not stall the suite
    pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, Unix sockets and /dev/zero are POSIX"),
]


def _good_csv(path: Path | bytes) -> None:
    rows = [
        ["KẾ HOẠCH KHUYẾN CÔNG NĂM 2020 TỈNH BÌNH DƯƠNG"],
        ["ĐVT: triệu đồng"],
        ["STT", "Tên đề án", "KCĐP"],
        [1, "Đề án A", 100],
        [2, "Đề án B", 50],
    ]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _by_code(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in result.report["files"]:
        found.setdefault(f["code"] or f["status"], []).append(f["path"])
    return found


def test_pipes_devices_sockets_and_broken_links_are_listed_never_opened(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _good_csv(raw / "ke_hoach_2020.csv")
    os.mkfifo(raw / "pipe.csv")  # opening it for reading would block forever
    (raw / "zero.xlsx").symlink_to("/dev/zero")  # reading it never ends
    (raw / "gone.xlsx").symlink_to(raw / "missing.xlsx")
    (raw / "loop_a.xlsx").symlink_to(raw / "loop_b.xlsx")
    (raw / "loop_b.xlsx").symlink_to(raw / "loop_a.xlsx")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(raw / "sock.csv"))
        result = ingest([raw], out_dir=tmp_path / "out", jobs=0)
    finally:
        sock.close()
    codes = _by_code(result)
    assert sorted(Path(p).name for p in codes["special_file"]) == ["pipe.csv", "sock.csv", "zero.xlsx"]
    assert [Path(p).name for p in codes["dangling_link"]] == ["gone.xlsx"]
    assert sorted(Path(p).name for p in codes["link_loop"]) == ["loop_a.xlsx", "loop_b.xlsx"]
    assert len(result.table) == 2 and not result.ok  # the good file is read; the others make exit 1
    messages = {f["path"].rsplit("/", 1)[-1]: f["message"] for f in result.report["files"]}
    assert "không phải là tệp thông thường" in messages["pipe.csv"]
    assert "không còn tồn tại" in messages["gone.xlsx"] and "trỏ vòng" in messages["loop_a.xlsx"]
    assert "khoá" not in messages["gone.xlsx"]  # no longer 'no permission or locked'


def test_fifo_through_the_command_line_does_not_hang(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _good_csv(raw / "ke_hoach_2020.csv")
    os.mkfifo(raw / "pipe.csv")
    done = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(raw), "--out", str(tmp_path / "out"),
                           "--jobs", "0"], capture_output=True, text=True, timeout=90)
    assert done.returncode == 1
    assert "pipe.csv" in done.stderr and "Traceback" not in done.stderr


def test_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    (raw / "locked").mkdir(parents=True)
    _good_csv(raw / "ke_hoach_2020.csv")
    _good_csv(raw / "locked" / "ke_hoach_2021.csv")
    locked = raw / "locked"
    if os.geteuid() == 0:  # root reads a chmod-000 folder: make listing it fail as it does for a user
        real_scandir = os.scandir

        def scandir(path: object = ".") -> object:
            if Path(os.fsdecode(path)) == locked:
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        locked.chmod(0)
    try:
        result = ingest([raw], out_dir=tmp_path / "out", jobs=0)
    finally:
        locked.chmod(0o755)
    codes = _by_code(result)
    assert [Path(p).name for p in codes["folder_unreadable"]] == ["locked"]
    assert not result.ok and len(result.table) == 2


def test_file_name_that_is_not_utf8_is_read_and_shown(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    name = os.fsencode(raw) + b"/ke_hoach_2020_\xff\xfe.csv"  # e.g. a name in a legacy code page
    _good_csv(name)
    out = tmp_path / "out"
    result = ingest([raw], out_dir=out, jobs=0)
    assert result.ok and len(result.table) == 2
    label = result.table["source_file"].iloc[0]
    assert "\ufffd" in label and label.endswith(".csv")
    assert "\ufffd" in (out / "ingest_report.json").read_text(encoding="utf-8")
    assert os.path.exists(name)  # read by its real bytes, never renamed


def test_same_named_sheets_are_each_read(tmp_path: Path) -> None:
    rows_a = [["KẾ HOẠCH KHUYẾN CÔNG NĂM 2020 TỈNH BÌNH DƯƠNG"], ["ĐVT: triệu đồng"], ["STT", "Tên đề án", "KCĐP"],
              [1, "Đề án A", 100], [2, "Đề án B", 50]]
    rows_b = [["KẾ HOẠCH KHUYẾN CÔNG NĂM 2020 TỈNH BÌNH DƯƠNG"], ["ĐVT: triệu đồng"], ["STT", "Tên đề án", "KCĐP"],
              [1, "Đề án C", 7], [2, "Đề án D", 3], [3, "Đề án E", 1]]
    plain = fx.write_xlsx(tmp_path / "two.xlsx", {"Sheet": rows_a, "Sheetzz": rows_b})
    raw = tmp_path / "raw"
    raw.mkdir()
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(raw / "dup.xlsx", "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'name="Sheetzz"', b'name="Sheet"')
            zout.writestr(info, data)
    result = ingest([raw], out_dir=tmp_path / "out", jobs=0)
    assert sorted(result.table["title"]) == ["Đề án A", "Đề án B", "Đề án C", "Đề án D", "Đề án E"]
    assert int(result.table["amount_vnd"].sum()) == 161_000_000
    sheets = [s["sheet"] for s in result.report["files"][0]["sheets"]]
    assert sheets == ["Sheet", "Sheet (2)"]
    assert set(result.table["source_sheet"]) == {"Sheet", "Sheet (2)"}


def test_unique_sheet_labels_are_stable() -> None:
    from analysis.ingest.readers import unique_sheet_labels

    assert unique_sheet_labels(["Sheet", "Sheet", "Sheet (2)", "A", "a"]) == [
        "Sheet", "Sheet (3)", "Sheet (2)", "A", "a (2)"]
    assert unique_sheet_labels(["KH", "TH"]) == ["KH", "TH"]


def _published_hashes(out: Path) -> dict[str, str]:
    pointer = outputs.read_pointer(out)
    assert pointer is not None and outputs.verify(out, pointer)
    return {name: info["sha256"] for name, info in pointer["outputs"].items()}


def test_no_spreadsheet_found_keeps_previous_outputs(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    out = tmp_path / "out"
    ingest([raw], out_dir=out, jobs=0)
    before = _published_hashes(out)
    empty = tmp_path / "foo.xlsx"  # a folder named like a workbook, with nothing in it
    empty.mkdir()
    with pytest.raises(OutputError) as caught:
        ingest([empty], out_dir=out, jobs=0)
    assert caught.value.code == "no_input_files"
    assert "được giữ nguyên" in caught.value.message("vi") and "are kept" in caught.value.message("en")
    assert _published_hashes(out) == before
    done = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(empty), "--out", str(out)],
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 1 and "Không tìm thấy bảng tính nào" in done.stderr
    assert _published_hashes(out) == before


def test_nothing_readable_keeps_previous_outputs(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    out = tmp_path / "out"
    ingest([raw], out_dir=out, jobs=0)
    before = _published_hashes(out)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (broken / "b.xlsx").write_bytes(b"")
    result = ingest([broken], out_dir=out, jobs=0)
    assert not result.ok and result.report.get("kept_previous")
    assert "no_file_readable" in [code for code, _ in result.notices]
    assert any("được giữ nguyên" in line for line in result.notice_lines("vi"))
    assert _published_hashes(out) == before
    assert len(ingest([raw], out_dir=out, jobs=0).table) == 4  # the kept set is still the one answered


def test_hashing_is_bounded_in_time_and_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that never returns (a stalled share) or a file above the size limit never stalls the run."""
    import threading

    import analysis.ingest.runner
    from analysis.config import Limits

    raw = tmp_path / "raw"
    raw.mkdir()
    _good_csv(raw / "ke_hoach_2020.csv")
    _good_csv(raw / "stalled.csv")
    (raw / "huge.csv").write_bytes(b"x," * 4096)
    real = analysis.ingest.runner.hash_file
    stuck = threading.Event()

    def sha256(path: Path, label: str = "", limits: object = None) -> str:
        if Path(path).name == "stalled.csv":
            stuck.wait(60)  # the read hangs
        return real(path, label, limits)

    monkeypatch.setattr(analysis.ingest.runner, "hash_file", sha256)
    started = __import__("time").perf_counter()
    try:
        result = ingest([raw], out_dir=tmp_path / "out", jobs=0,
                        limits=Limits(seconds_per_file=1.0, max_file_bytes=4096))
    finally:
        stuck.set()
    assert __import__("time").perf_counter() - started < 30
    codes = {Path(f["path"]).name: f["code"] for f in result.report["files"]}
    assert codes == {"ke_hoach_2020.csv": "", "stalled.csv": "timeout", "huge.csv": "too_large"}
    assert len(result.table) == 2


def test_same_named_tables_of_an_ods_are_each_read(tmp_path: Path) -> None:
    from analysis.ingest.readers import read_workbook

    sample = next((Path(__file__).resolve().parents[1] / "data" / "raw" / "samples").rglob("*.ods"))
    raw = tmp_path / "dup.ods"
    with zipfile.ZipFile(sample) as zin, zipfile.ZipFile(raw, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "content.xml":  # the same table twice, under one name
                start = data.index(b"<table:table ")
                end = data.index(b"</table:table>") + len(b"</table:table>")
                second = data[start:end].replace(b"<text:p>", b"<text:p>B2 ")  # its own text
                data = data[:end] + second + data[end:]
            zout.writestr(info, data)
    workbook = read_workbook(raw)
    names = [s.name for s in workbook.sheets]
    assert len(names) == 2 and names[1] == f"{names[0]} (2)"
    first = [c for row in workbook.sheets[0].rows for c in row if isinstance(c, str)]
    second = [c for row in workbook.sheets[1].rows for c in row if isinstance(c, str)]
    assert first and second == ["B2 " + c for c in first]  # the second table read, not the first twice


def test_same_named_sheets_of_an_xls_are_each_read(tmp_path: Path) -> None:
    import io

    import xlwt

    from analysis.ingest.readers import read_workbook

    book = xlwt.Workbook()
    head = [["KẾ HOẠCH KHUYẾN CÔNG NĂM 2020 TỈNH BÌNH DƯƠNG"], ["ĐVT: triệu đồng"], ["STT", "Tên đề án", "KCĐP"]]
    for name, extra in (("Sheet", [1, "Đề án A", 100]), ("Shee2", [1, "Đề án C", 7])):
        ws = book.add_sheet(name)
        for r, row in enumerate([*head, extra]):
            for c, value in enumerate(row):
                ws.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "dup.xls"
    path.write_bytes(buffer.getvalue().replace(b"Shee2", b"Sheet"))  # xlwt refuses two equal names
    workbook = read_workbook(path)
    assert [(s.name, s.rows[3][1]) for s in workbook.sheets] == [("Sheet", "Đề án A"), ("Sheet (2)", "Đề án C")]
