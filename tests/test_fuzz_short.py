"""The project's fuzzer (nblint.fuzz): its machinery finds what it must find, and a short run over every format and
the whole pipeline (a few seconds, fixed seed) finds nothing.  The long run is documented in docs/fuzzing.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from nblint import fuzz


def _pool():
    return fuzz.load_seeds(shared=False)


def test_every_format_has_seeds_without_shared():
    pool = _pool()
    assert set(pool) == set(fuzz.FORMATS)
    # the made-up PDF carries Chinese text through its ToUnicode map, so the PDF path reaches the linter
    from nblint.readers import read_bytes

    pdf = next(s for s in pool["pdf"] if s.name.endswith("compliant-2024.md→pdf"))
    text = read_bytes("x.pdf", pdf.data).text
    assert "政府信息公开" in text and "行政规范性文件" in text
    docx = next(s for s in pool["docx"] if s.name.endswith("compliant-2024.md→docx"))
    assert "行政规范性文件" in read_bytes("x.docx", docx.data).text


def test_inputs_depend_on_seed_and_index_only():
    pool, labels = _pool(), fuzz.row_labels()
    a = [fuzz.make_input(7, i, pool, labels) for i in range(30)]
    again = _pool()
    b = [fuzz.make_input(7, i, again, labels) for i in range(30)]
    assert a == b
    c = [fuzz.make_input(8, i, pool, labels) for i in range(30)]
    assert [x[1] for x in a] != [x[1] for x in c]
    assert {x[2]["format"] for x in a} == set(fuzz.FORMATS)  # formats take turns


def test_an_exception_is_a_finding_deduplicated_and_saved(tmp_path):
    def target(name, data, timeout):
        out = fuzz.Outcome("ok", check_s=0.001)
        try:
            if name.endswith(".md"):
                raise ValueError("boom")
        except ValueError as e:
            out.status, out.error, out.location = "exception", f"ValueError: {e}", fuzz._location(e.__traceback__)
        return out

    stats = fuzz.fuzz(seed=1, runs=25, jobs=0, target=target, outdir=tmp_path, shared=False)
    assert stats.exceptions == 5 and len(stats.findings) == 1
    f = next(iter(stats.findings.values()))
    assert f.kind == "exception" and f.hits == 5 and f.fmt == "md" and "target" in f.location
    saved = tmp_path / f.key
    rec = json.loads((saved / "finding.json").read_text(encoding="utf-8"))
    inp = saved / "input.md"
    assert rec["size"] == len(inp.read_bytes()) == f.size  # the smallest of the five inputs is kept
    pool, labels = _pool(), fuzz.row_labels()
    assert f.size == min(len(fuzz.make_input(1, i, pool, labels)[1]) for i in range(2, 25, 5))
    assert rec["reproduce"].endswith(str(inp))


def test_a_backtracking_regex_is_stopped_at_the_timeout_and_located():
    def target(name, data, timeout):
        t0 = time.perf_counter()
        if name.endswith(".txt"):
            re.match(r"(\d+)+$", "1" * 40 + "a")  # 2^40 steps: only the alarm ends it
        return fuzz.Outcome("ok", check_s=time.perf_counter() - t0)

    t0 = time.monotonic()
    stats = fuzz.fuzz(seed=0, runs=5, jobs=0, target=target, slow=0.2, timeout=0.6, shared=False)
    assert time.monotonic() - t0 < 10
    [f] = stats.findings.values()
    assert f.kind == "hang" and f.fmt == "txt" and 0.5 < f.seconds < 3
    assert f.location and "match" in f.location  # where the main thread was at --slow


def test_a_slow_input_is_a_finding():
    def target(name, data, timeout):
        t0 = time.perf_counter()
        if name.endswith(".html"):
            time.sleep(0.3)
        return fuzz.Outcome("ok", check_s=time.perf_counter() - t0)

    stats = fuzz.fuzz(seed=0, runs=10, jobs=0, target=target, slow=0.1, timeout=5, shared=False, clock="wall")
    [f] = stats.findings.values()
    assert f.kind == "slow" and f.fmt == "html" and f.hits == 2 and "target" in f.location


@pytest.mark.parametrize("clock, findings", [("cpu", 0), ("wall", 1)])
def test_the_cpu_clock_does_not_count_time_spent_waiting(clock, findings):
    """A machine shared with other work makes inputs slow by the wall clock only; CPU time is what the input cost."""

    def target(name, data, timeout):
        t0, c0 = time.perf_counter(), time.process_time()
        if name.endswith(".html"):
            time.sleep(0.3)  # waiting, as a process does when the other processes have the cores
        return fuzz.Outcome("ok", check_s=time.perf_counter() - t0, check_cpu=time.process_time() - c0)

    stats = fuzz.fuzz(seed=0, runs=10, jobs=0, target=target, slow=0.1, timeout=5, shared=False, clock=clock)
    assert len(stats.findings) == findings and stats.slow_wall == 2


def test_short_run_over_every_format_has_no_findings(tmp_path):
    stats = fuzz.fuzz(seed=0, runs=100, jobs=0, slow=2.0, timeout=3.0, outdir=tmp_path)
    assert sum(stats.execs.values()) == 100 and set(stats.execs) == set(fuzz.FORMATS)
    assert stats.exceptions == 0, fuzz.summary(stats)
    assert not stats.findings, fuzz.summary(stats)


def test_command_line_with_a_worker_process(tmp_path):
    p = subprocess.run(
        [sys.executable, "-m", "nblint.fuzz", "--runs", "6", "--jobs", "1", "--formats", "md,docx", "--seed", "3"]
        + ["--no-shared", "--json", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode in (0, 1), p.stderr
    res = json.loads(p.stdout)
    assert res["executions"] == {"docx": 3, "md": 3} and res["exceptions"] == 0
    assert p.returncode == (1 if res["findings"] else 0)


def test_command_line_rejects_an_unknown_format():
    p = subprocess.run([sys.executable, "-m", "nblint.fuzz", "--runs", "1", "--formats", "rtf"], capture_output=True)
    assert p.returncode == 2 and b"unknown format" in p.stderr


def test_the_library_floor_is_not_counted_as_slow():
    """A 20-page PDF whose PDFium page loading alone takes most of the limit is judged by nblint's time above that
    floor; the summary still counts it as over the limit in all."""

    def target(name, data, timeout):
        c0 = time.process_time()
        while time.process_time() - c0 < 0.15:  # burns CPU: over the 0.1 s limit in all …
            pass
        out = fuzz.Outcome("ok", check_s=0.15, check_cpu=time.process_time() - c0)
        out.floor_cpu = 0.1 if name.endswith(".pdf") else 0.0  # … but a PDF's library took 0.1 s of it
        return out

    stats = fuzz.fuzz(seed=0, runs=10, jobs=0, target=target, slow=0.1, timeout=5, shared=False, clock="cpu")
    assert stats.slow_floor == 2 and stats.slow == 8  # the two PDFs of the ten inputs are not findings


def test_library_floor_measures_each_format():
    """The floor is what the format's library alone costs on the same bytes: measured for PDF, DOCX and HTML,
    nothing for plain text, and a broken file costs what the library took to give up, without an exception."""
    pool = _pool()
    for fmt in fuzz.FORMATS:
        seed = pool[fmt][0]
        floor = fuzz.library_floor(f"x.{fmt}", seed.data)
        assert 0.0 <= floor < 2.0
        if fmt in ("txt", "md"):
            assert floor < 0.001
    for name, junk in (("x.pdf", b"%PDF-1.4 broken"), ("x.docx", b"PK\x03\x04 broken"), ("x.html", b"\x00" * 10)):
        assert fuzz.library_floor(name, junk) >= 0.0
