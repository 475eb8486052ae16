"""The per-file time budget (nblint.budget) in every front end: check, the Python API (also in threads), audit.

A slow step is simulated (the real slow inputs are fixed elsewhere, so they cannot be relied on to stay slow): a
cooperative one (the line classifier sleeping per line: only the budget checks between lines can stop it) and one
that never checks (a stage sleeping: in the main thread the budget's backstop alarm stops it)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

import nblint
from nblint import budget, layout, pipeline
from nblint.app import cli
from nblint.engine import DEFAULT_TIMEOUT, Engine
from nblint.source import Source

REPORT = "# 某某市人民政府2024年政府信息公开工作年度报告\n\n一、总体情况\n\n" + "本机关坚持公开为常态。\n" * 200


@pytest.fixture
def slow_lines(monkeypatch):
    """Every classified line takes 20 ms: a 200-line text takes 4 s unless the budget stops it."""
    real = layout._classify_line

    def slow(text, s, e, P):
        time.sleep(0.02)
        return real(text, s, e, P)

    monkeypatch.setattr(layout, "_classify_line", slow)


@pytest.fixture
def stuck_stage(monkeypatch):
    """Parsing a file whose name contains "slow" sleeps 30 s without ever checking the budget."""
    real = pipeline.parse_source

    def stuck(source, *args):
        if "slow" in source.path:
            time.sleep(30)
        return real(source, *args)

    monkeypatch.setattr(pipeline, "parse_source", stuck)


def codes(diags):
    return [(d["code"], d["line"], d["col"]) for d in diags]


def test_defaults_agree():
    assert DEFAULT_TIMEOUT == budget.DEFAULT_SECONDS == nblint._DEFAULT_TIMEOUT
    assert cli.build_parser("check").parse_args(["check"]).timeout == budget.DEFAULT_SECONDS


def test_cooperative_timeout_in_a_thread(slow_lines):
    """No signals off the main thread: the checks between lines stop the work, and it says it timed out."""
    out: dict = {}

    def work():
        t0 = time.monotonic()
        out["diags"] = nblint.lint_text(REPORT, path="r.md", timeout=0.3)
        out["en"] = nblint.lint_text(REPORT, path="r.md", timeout=0.3, lang="en")
        out["elapsed"] = time.monotonic() - t0

    t = threading.Thread(target=work)
    t.start()
    t.join(10)
    assert not t.is_alive()
    assert out["elapsed"] < 1.5, out["elapsed"]
    assert codes(out["diags"]) == [("NB001", 1, 1)]
    assert out["diags"][0]["message"] == "无法读取文件：处理超时（超过 0.3 秒）"
    assert out["en"][0]["message"] == "cannot read the file: timed out after 0.3 s"


def test_api_lint_path_in_threads(tmp_path, slow_lines):
    p = tmp_path / "r.md"
    p.write_text(REPORT, encoding="utf-8")
    results: list = [None] * 3

    def work(i):
        results[i] = nblint.lint_path(p, timeout=0.2 if i < 2 else None, select=["NB001"])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads[:2]:
        t.join(10)
    assert time.monotonic() - t0 < 2
    assert [codes(r) for r in results[:2]] == [[("NB001", 1, 1)]] * 2
    threads[2].join(30)
    assert results[2] == []  # no limit: the slow lint finishes (and the file is readable)


def test_no_timeout_means_no_limit():
    assert nblint.lint_text(REPORT, path="r.md", timeout=0, select=["NB001"]) == []
    assert nblint.lint_text(REPORT, path="r.md", timeout=None, select=["NB001"]) == []


def test_backstop_in_the_main_thread(stuck_stage):
    """A step that never checks (one long regular expression, one PDF page) is stopped by the alarm."""
    t0 = time.monotonic()
    diags = nblint.lint_text(REPORT, path="slow.md", timeout=0.3)
    assert time.monotonic() - t0 < 3
    assert codes(diags) == [("NB001", 1, 1)] and "处理超时" in diags[0]["message"]
    # and the alarm is gone afterwards: a normal lint is not interrupted
    assert "NB001" not in {d["code"] for d in nblint.lint_text(REPORT, path="r.md", timeout=0.3)}


def test_a_reader_net_does_not_turn_a_timeout_into_corrupt(monkeypatch, tmp_path):
    """Readers turn any exception into "corrupt …" (NB001); a time-out passes through as a time-out."""
    from nblint.readers import text as text_reader

    def stuck(path, data):
        budget.check()
        time.sleep(0.3)
        budget.check()
        raise AssertionError("not reached")

    monkeypatch.setattr(text_reader, "read", stuck)
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    res = Engine().lint_path(str(p), timeout=0.1)
    assert [(d.code, d.message) for d in res.diagnostics] == [("NB001", "无法读取文件：处理超时（超过 0.1 秒）")]
    assert res.meta == {"readable": False, "timed_out": True}


def test_cancel_raises_instead_of_reporting(slow_lines):
    """A cancelled lint (the language server's stale one) has no result: Timeout(cancelled) reaches the caller."""
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    t0 = time.monotonic()
    with pytest.raises(budget.Timeout) as e:
        Engine().lint_source(Source(path="r.md", text=REPORT, kind="markdown"), cancel=cancel, timeout=None)
    assert e.value.cancelled and time.monotonic() - t0 < 1.5


def test_check_times_out_one_file_and_goes_on(tmp_path, stuck_stage, capsys):
    (tmp_path / "a-slow.md").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b.md").write_text(REPORT, encoding="utf-8")
    t0 = time.monotonic()
    rc = cli.main(["check", str(tmp_path), "--timeout", "0.5", "--color", "never", "--output-format", "text"])
    out = capsys.readouterr().out
    assert time.monotonic() - t0 < 5
    assert rc == 1  # as for any NB001, not an internal error
    assert f"{tmp_path / 'a-slow.md'}:1:1: NB001 错误 无法读取文件：处理超时（超过 0.5 秒）" in out
    assert f"{tmp_path / 'b.md'}:" in out  # the other file was linted


@pytest.mark.parametrize("bad", ["-1", "x", "nan", "inf"])
def test_check_rejects_a_bad_timeout(bad, capsys):
    assert cli.main(["check", "--timeout", bad, "nothing.md"]) == 2
    assert "--timeout" in capsys.readouterr().err


def test_audit_rejects_a_negative_timeout(tmp_path, capsys):
    assert cli.main(["audit", str(tmp_path), "--timeout", "-1"]) == 2


def test_check_on_a_backtracking_line_ends(tmp_path):
    """The review's F1 reproducer, through the real command line (also the pre-commit hook): bounded by --timeout
    even while a line pattern still backtracks; with the pattern fixed it is simply linted."""
    p = tmp_path / "redos.txt"
    p.write_text("某某市人民政府2024年政府信息公开工作年度报告\n收到申请" + "1" * 40 + ",5\n", encoding="utf-8")
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "nblint", "check", "--timeout", "2", str(p)], capture_output=True, text=True, timeout=60
    )
    assert time.monotonic() - t0 < 15
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
