"""Clear errors about the run's environment (issue 14): the output folder refused before any work with the
path and what to do, a disk that fills mid-run, calamine's panic text kept off the console, and a
khuyencong.yaml validated as a whole."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import ingest_fixtures as fx
import pytest

import analysis.ingest
import analysis.ingest.process
import analysis.ingest.readers
import analysis.safe_export
from analysis import outputs
from analysis.errors import FileRefused, OutputError, OverridesError
from analysis.ingest import ingest


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    fx.summary_by_source(raw)
    return raw


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any file parsed from here on fails the test: the refusal must come before the work."""

    def parsed(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was parsed before the output folder was checked")

    monkeypatch.setattr(analysis.ingest.process, "process_file", parsed)


def test_out_that_is_a_file_is_refused_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _raw(tmp_path)
    target = tmp_path / "funding_out"
    target.write_text("a file, not a folder", encoding="utf-8")
    _no_parsing(monkeypatch)
    with pytest.raises(OutputError) as caught:
        ingest([raw], out_dir=target, jobs=0)
    assert caught.value.code == "out_not_folder"
    assert str(target) in caught.value.message("vi") and "--out" in caught.value.message("vi")
    with pytest.raises(OutputError):
        ingest([raw], out_dir=target / "sub", jobs=0)  # below a file: the file is named
    assert target.read_text(encoding="utf-8") == "a file, not a folder"


def test_out_that_is_a_file_through_the_command_line(tmp_path: Path) -> None:
    raw = _raw(tmp_path)
    target = tmp_path / "funding_out"
    target.write_text("x", encoding="utf-8")
    for lang, words in (("vi", "không phải thư mục"), ("en", "is a file, not a folder")):
        done = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(raw), "--out", str(target),
                               "--lang", lang], capture_output=True, text=True, timeout=90)
        assert done.returncode == 1, done.stderr
        assert words in done.stderr and str(target) in done.stderr
        assert "Traceback" not in done.stderr and "FileExistsError" not in done.stderr


def test_out_not_writable_is_refused_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _raw(tmp_path)
    out = tmp_path / "readonly"
    out.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make creating a file there fail as it does for a user
        import tempfile

        real = tempfile.mkstemp

        def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
            if Path(str(kwargs.get("dir", ""))) == out:
                raise PermissionError(errno.EACCES, "Permission denied", str(out))
            return real(*args, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    else:
        out.chmod(0o555)
    _no_parsing(monkeypatch)
    try:
        with pytest.raises(OutputError) as caught:
            ingest([raw], out_dir=out, jobs=0)
    finally:
        out.chmod(0o755)
    assert caught.value.code == "out_not_writable"
    assert str(out) in caught.value.message("en") and "quyền ghi" in caught.value.message("vi")
    assert ".staging" not in caught.value.message("en")


def test_full_disk_is_refused_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _raw(tmp_path)
    monkeypatch.setenv("KHUYENCONG_MIN_FREE_MB", str(10**12))  # more than any disk has free
    _no_parsing(monkeypatch)
    with pytest.raises(OutputError) as caught:
        ingest([raw], out_dir=tmp_path / "out", jobs=0)
    assert caught.value.code == "out_disk_full"
    assert "MB" in caught.value.message("vi") and str(tmp_path / "out") in caught.value.message("vi")


def test_disk_filling_mid_run_keeps_previous_set_and_a_clean_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _raw(tmp_path)
    out = tmp_path / "out"
    ingest([raw], out_dir=out, jobs=0)
    before = outputs.read_pointer(out)
    fx.two_row_header(raw)  # new input: the next run writes a new set …
    real_write_csv = analysis.safe_export.write_csv

    def write_csv(frame: object, path: Path, *args: object, **kwargs: object) -> None:
        real_write_csv(frame, path, *args, **kwargs)
        if Path(path).name == "rejects.csv":  # … and the disk fills up half-way through it
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(analysis.safe_export, "write_csv", write_csv)
    with pytest.raises(OutputError) as caught:
        ingest([raw], out_dir=out, jobs=0)
    assert caught.value.code == "out_disk_full_during"
    assert "được giữ nguyên" in caught.value.message("vi")
    assert outputs.read_pointer(out) == before and outputs.verify(out, before)
    assert [p.name for p in (out / outputs.GENERATIONS).iterdir()] == [before["generation"]]
    assert not [p for p in (out / ".cache").iterdir() if p.suffix != ".pkl"]
    monkeypatch.setattr(analysis.safe_export, "write_csv", real_write_csv)
    dead = out / ".cache" / f".{'ab' * 32}.{2**22 + 17}.tmp"  # half an entry of a worker killed meanwhile
    dead.write_bytes(b"\x80\x05half")
    again = ingest([raw], out_dir=out, jobs=0)  # space again: the next run works, from the per-file cache
    assert not dead.exists()
    assert again.ok and outputs.read_pointer(out)["generation"] != before["generation"]


def test_rust_panic_text_is_captured_not_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capfd: pytest.CaptureFixture[str]) -> None:
    raw = _raw(tmp_path)
    panic = (b"\nthread '<unnamed>' panicked at src/cfb.rs:349:34:\nindex out of bounds\n"
             b"stack backtrace:\n   0: rust_begin_unwind\n")

    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    def read_calamine(*args: object, **kwargs: object) -> None:
        os.write(2, panic)  # native code writes to the file descriptor, not to sys.stderr
        raise PanicException("index out of bounds")

    monkeypatch.setattr(analysis.ingest.readers, "_read_calamine", read_calamine)
    result = ingest([raw], out_dir=tmp_path / "out", jobs=0, cache=False)
    err = capfd.readouterr().err
    assert "panicked" not in err and "backtrace" not in err
    [entry] = result.report["files"]
    assert entry["code"] == "corrupt" and "bị hỏng" in entry["message"]
    with pytest.raises(FileRefused) as caught:
        analysis.ingest.readers.read_workbook(next(raw.iterdir()))
    assert "panicked at src/cfb.rs:349:34" in caught.value.detail  # kept for the report and --debug
    capfd.readouterr()
    monkeypatch.setenv("KHUYENCONG_DEBUG", "1")
    with pytest.raises(FileRefused):
        analysis.ingest.readers.read_workbook(next(raw.iterdir()))
    assert "panicked at src/cfb.rs:349:34" in capfd.readouterr().err  # --debug shows it


@pytest.mark.parametrize(("text", "codes"), [
    ("- match: '*.xlsx'\n  year: 2019\n", ["yaml_top"]),
    ("files: 5\n", ["yaml_files"]),
    ("files:\n  - '*.xlsx'\n", ["yaml_entry"]),
    ("files:\n  - match: '*.xlsx'\n    header_rows: abc\n", ["yaml_value"]),
    ("files:\n  - match: a.xlsx\n    year: nineteen\n    stage: done\n    colour: red\n  - 7\n"
     "  - match: b.xlsx\n    columns: {B: titel}\n", ["yaml_value", "yaml_value", "yaml_key", "yaml_entry", "yaml_value"]),
    ("files: [unclosed\n", ["yaml_unreadable"]),
])
def test_bad_yaml_names_every_problem(text: str, codes: list[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _raw(tmp_path)
    (raw / "khuyencong.yaml").write_text(text, encoding="utf-8")
    _no_parsing(monkeypatch)
    with pytest.raises(OverridesError) as caught:
        ingest([raw], out_dir=tmp_path / "out", jobs=0)
    assert [code for code, _ in caught.value.problems] == codes
    vi, en = caught.value.message("vi"), caught.value.message("en")
    assert "khuyencong.yaml" in vi and "khuyencong.yaml" in en
    if "header_rows" in text:
        assert "mục số 1, khoá 'header_rows'" in vi and "entry 1, key 'header_rows'" in en
    if "colour" in text:
        assert "mục số 1: khoá 'colour'" in vi and "mục số 2" in vi and "mục số 3, khoá 'columns'" in vi


def test_bad_yaml_through_the_command_line(tmp_path: Path) -> None:
    raw = _raw(tmp_path)
    (raw / "khuyencong.yaml").write_text("files:\n  - match: '*.xlsx'\n    header_rows: abc\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analysis", "ingest", str(raw), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 2
    assert "khuyencong.yaml" in done.stderr and "header_rows" in done.stderr
    assert "Traceback" not in done.stderr and "AttributeError" not in done.stderr


def test_good_yaml_still_applies(tmp_path: Path) -> None:
    raw = _raw(tmp_path)
    (raw / "khuyencong.yaml").write_text(
        "files:\n  - match: 'ket_qua*'\n    year: 2021\n    province: 'Bình Dương'\n    header_rows: [3]\n",
        encoding="utf-8")
    result = ingest([raw], out_dir=tmp_path / "out", jobs=0)
    assert result.ok and set(result.table["year"]) == {2021} and set(result.table["province"]) == {"Bình Dương"}


def test_every_message_code_used_has_vietnamese_and_english_wording() -> None:
    """Codes are rendered from vocab/messages.csv: one missing would fall back to 'file is damaged'."""
    import re

    from analysis.errors import _messages

    table = _messages()
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(analysis.ingest.__file__).parent.glob("*.py"))
    used = set(re.findall(r'(?:OutputError|FileRefused|InputProblem)\(\s*"([a-z_]+)"', source))
    used |= set(re.findall(r'(?:notices\.append|say)\(\s*\(?"([a-z_]+)"', source))
    used |= set(re.findall(r'_problem\("([a-z_]+)"', source))
    used |= {"folder_unreadable", "special_file", "dangling_link", "link_loop", "out_waiting"}
    assert len(used) > 20
    missing = sorted(code for code in used if code not in table)
    assert missing == []
    for code in used:
        vi, en = table[code]["vi"], table[code]["en"]
        assert vi and en and vi != en, code
        assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]", vi), code


def test_a_worker_crashing_in_native_code_is_a_damaged_file_not_memory(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader library that aborts (as calamine did on a mutated .xls) kills its worker: the file is refused
    as damaged, the other files are read, and the run goes on."""
    raw = _raw(tmp_path)
    fx.two_row_header(raw)
    real = analysis.ingest.process.process_file

    def process_file(path: Path, label: str, *args: object, **kwargs: object) -> object:
        if "ket_qua" in label:
            import faulthandler

            faulthandler.disable()  # pytest's dump of the abort is noise here
            os.abort()  # the worker process dies with SIGABRT
        return real(path, label, *args, **kwargs)

    monkeypatch.setattr(analysis.ingest.process, "process_file", process_file)  # workers are forked: they inherit it
    result = ingest([raw], out_dir=tmp_path / "out", jobs=1, cache=False)
    codes = {Path(f["path"]).name: f["code"] for f in result.report["files"]}
    assert codes["ket_qua_nguon_2019.xlsx"] == "corrupt"
    assert [c for name, c in codes.items() if name != "ket_qua_nguon_2019.xlsx"] == [""]
