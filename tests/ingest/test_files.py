"""Discovery: which inputs a run reads, which it lists without opening and why, and how files are named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis import config
from analysis.errors import InputError
from analysis.ingest.files import (
    NOT_USED,
    OVERRIDE_SKIPPED,
    SAMPLES_SKIPPED,
    InputProblem,
    collect_files,
    discover,
    label,
    labels,
    samples_beside_own_files,
)


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_folders_are_searched_recursively_and_sorted_leaving_out_what_is_not_data(raw: Path) -> None:
    wanted = [_touch(raw / "b.xlsx"), _touch(raw / "a" / "kh.csv"), _touch(raw / "a" / "z" / "th.ods")]
    for name in (".hidden.xlsx", "~$b.xlsx", "README.xlsx", "notes.docx", "khuyencong.yaml", "published/figures.csv", ".git/x.xlsx"):
        _touch(raw / name)
    files, problems = discover([raw])
    assert files == sorted((p, raw.resolve()) for p in [p.resolve() for p in wanted])
    assert problems == [] and collect_files([raw]) == files


def test_a_file_named_directly_is_read_under_its_own_folder(raw: Path) -> None:
    path = _touch(raw / "sub" / "one.xlsx")
    assert discover([path]) == ([(path.resolve(), path.resolve().parent)], [])


def test_a_missing_path_is_an_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope"):
        discover([tmp_path / "nope"])


def test_pipes_and_broken_or_looping_links_are_listed_never_opened(raw: Path) -> None:
    _touch(raw / "good.xlsx")
    os.mkfifo(raw / "pipe.xlsx")
    (raw / "broken.csv").symlink_to(raw / "gone.csv")
    (raw / "loop.xlsx").symlink_to(raw / "loop.xlsx")
    files, problems = discover([raw])
    assert [p.name for p, _ in files] == ["good.xlsx"]
    assert {(p.path.name, p.code) for p in problems} == {
        ("broken.csv", "dangling_link"), ("loop.xlsx", "link_loop"), ("pipe.xlsx", "special_file")}
    assert next(p for p in problems if p.code == "special_file").detail == "fifo"
    assert all(isinstance(p, InputProblem) and p.root == raw.resolve() for p in problems)


def test_an_unreadable_folder_is_listed(raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = raw / "locked"
    _touch(locked / "a.xlsx")
    _touch(raw / "b.xlsx")
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:  # as chmod 0 would, also for root
        if Path(os.fsdecode(path)) == locked.resolve():
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, problems = discover([raw])
    assert [p.name for p, _ in files] == ["b.xlsx"]
    assert [(p.path.name, p.code, p.detail) for p in problems] == [("locked", "folder_unreadable", "Permission denied")]


def test_samples_step_aside_only_beside_own_files(raw: Path) -> None:
    root = raw.resolve()
    sample = (root / config.SAMPLES_FOLDER / "kh.xlsx", root)
    own = (root / "dak_lak" / "kh.xlsx", root)
    assert samples_beside_own_files([sample]) == set()
    assert samples_beside_own_files([sample, own]) == {sample[0]}
    other_root = (raw.parent / "other" / "kh.xlsx", raw.parent / "other")  # own files under another root
    assert samples_beside_own_files([sample, other_root]) == set()
    assert {SAMPLES_SKIPPED, OVERRIDE_SKIPPED} == NOT_USED


def test_labels_are_relative_to_the_folder_given(raw: Path) -> None:
    root = raw.resolve()
    assert label(root / "a" / "kh.xlsx", root) == "raw/a/kh.xlsx"
    assert label(config.RAW_DIR / "samples" / "kh.xlsx", config.RAW_DIR) == "samples/kh.xlsx"
    assert labels([(root / "x.csv", root), (root / "y.csv", root)]) == ["raw/x.csv", "raw/y.csv"]
    odd = root / os.fsdecode(b"b\xe1o_c\xe1o.xlsx")  # a name in Windows-1258 bytes, not UTF-8
    assert label(odd, root) == "raw/b\ufffdo_c\ufffdo.xlsx"
