"""The package's error types: refusal codes rendered in vi/en, picklable, shown without a traceback."""

from __future__ import annotations

import pickle
from pathlib import Path

from analysis.errors import FileRefused, InputError, KhuyenCongError


def test_file_refused_contract() -> None:
    exc = FileRefused("encrypted", "/data/Bình Dương 2016.xlsx", "OOXML EncryptionInfo stream")
    assert isinstance(exc, KhuyenCongError) and issubclass(InputError, KhuyenCongError)
    vi, en = exc.message("vi"), exc.message("en")
    assert "Bình Dương 2016.xlsx" in vi and "mật khẩu" in vi and "Tệp > Thông tin" in vi
    assert "password" in en
    again = pickle.loads(pickle.dumps(exc))  # crosses process boundaries (pebble workers)
    assert (again.code, again.path, again.detail) == (exc.code, exc.path, exc.detail)
    assert FileRefused("no_such_code", "a.xlsx").message("en")  # unknown codes fall back, never crash


def test_package_errors_show_their_message_in_a_notebook_not_a_traceback(tmp_path: Path) -> None:
    refused = FileRefused("encrypted", tmp_path / "kh.xlsx", "")
    assert refused._render_traceback_() == [f"⚠ {refused.message('vi')}"] and "mật khẩu" in refused.message("vi")
    assert InputError("không tìm thấy: x")._render_traceback_() == ["⚠ không tìm thấy: x"]
