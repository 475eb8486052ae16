"""Only regular files are read (issue 11, F3/F4): a FIFO, a device, a socket or a directory with a report's suffix is
NB001 "不是普通文件" at once, never a hang or an unbounded read; file discovery lists such entries so that they become
rows instead of silent gaps; reads are bounded by the bytes actually read, not by the size the file claims."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import nblint.readers as readers
from nblint import budget
from nblint.app.cli import discover
from nblint.engine import Engine
from nblint.readers import bad_input, read_path
from nblint.source import ReadError

REPORT = "某某市人民政府2024年政府信息公开工作年度报告\n一、总体情况\n本机关依法公开政府信息。\n"
unix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and devices (POSIX)")


def read_in_thread(path: Path, seconds: float = 10.0):
    """read_path in a daemon thread: a blocking open or read fails the test instead of hanging it."""
    box: list = []

    def run():
        try:
            box.append(read_path(path))
        except ReadError as e:
            box.append(e)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(seconds)
    assert not th.is_alive(), f"reading {path} blocked"
    return box[0]


@unix_only
def test_a_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    err = read_in_thread(fifo)
    assert isinstance(err, ReadError)
    assert "不是普通文件" in err.text("zh") and "命名管道" in err.text("zh") and "FIFO" in err.reason


@unix_only
def test_a_link_to_a_device_is_not_read(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    err = read_in_thread(link)
    assert isinstance(err, ReadError)
    assert "不是普通文件" in err.text("zh") and "character device" in err.reason


def test_a_directory_with_a_report_suffix_is_not_read(tmp_path):
    d = tmp_path / "x.txt"
    d.mkdir()
    err = read_in_thread(d)
    assert isinstance(err, ReadError) and "不是普通文件" in err.text("zh") and "directory" in err.reason


@unix_only
def test_a_socket_is_not_read(tmp_path):
    path = tmp_path / "s.md"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(str(path))
    except OSError:
        pytest.skip("cannot bind a unix socket here")
    try:
        err = read_in_thread(path)
        assert isinstance(err, ReadError) and "socket" in err.reason
    finally:
        s.close()


def test_broken_links_and_loops_are_nb001(tmp_path):
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    for name in ("dangling.txt", "loop.txt"):
        err = read_in_thread(tmp_path / name)
        assert isinstance(err, ReadError) and err.reason.startswith("cannot open file")


def test_reads_are_bounded_by_the_bytes_read_not_the_claimed_size(monkeypatch):
    # files under /proc claim a size of 0 and hold more: the bound must hold on what is read
    proc = Path("/proc/self/status")
    if not proc.is_file():
        pytest.skip("no /proc")
    assert proc.stat().st_size == 0
    monkeypatch.setattr(readers, "MAX_BYTES", 16)
    with pytest.raises(ReadError, match="larger than"):
        read_path(proc)
    monkeypatch.undo()
    assert read_path(proc).text.startswith("Name:")


def test_regular_files_still_read(tmp_path, monkeypatch):
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    assert read_path(f).text == REPORT
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 100)
    monkeypatch.setattr(readers, "MAX_BYTES", 99)
    with pytest.raises(ReadError, match="larger than"):
        read_path(big)


@unix_only
def test_discover_lists_special_entries(tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "dir.txt" / "inner.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "plain-dir").mkdir()
    (tmp_path / "notes.bin").write_bytes(b"x")
    found = [os.path.relpath(p, tmp_path) for p in discover([str(tmp_path)])]
    assert found == ["a.txt", "dangling.md", "dir.txt", "pipe.txt", os.path.join("dir.txt", "inner.txt")]


@unix_only
def test_engine_reports_special_files_as_nb001(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    res = Engine().lint_path(str(tmp_path / "pipe.txt"))
    assert [d.code for d in res.diagnostics] == ["NB001"]
    assert "不是普通文件" in res.diagnostics[0].message


@unix_only
def test_check_does_not_hang_on_a_directory_with_a_fifo(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    if os.path.exists("/dev/zero"):
        (tmp_path / "z.txt").symlink_to("/dev/zero")
    out = subprocess.run(
        [sys.executable, "-m", "nblint", "check", str(tmp_path), "--output-format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1, out.stderr
    assert out.stdout.count("不是普通文件") == (2 if os.path.exists("/dev/zero") else 1)


def test_a_time_out_passes_through_the_reader_guard():
    with pytest.raises(budget.Timeout), bad_input("HTML"):
        raise budget.Timeout(1.0)
    with pytest.raises(ReadError), bad_input("HTML"):
        raise ValueError("broken")
