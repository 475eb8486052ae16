"""Every writer survives a file name that is not UTF-8 (review F2), and a writer error costs one row, never the run.

On Linux a file name is bytes; a GBK name unpacked from a zip archive reaches Python as a str with lone surrogates.
The reproducer creates such a file with a bytes name, then runs the audit (JSONL, CSV, HTML) and `check` in every
output format as real processes, and checks that every output is valid UTF-8 and names the file."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nblint.app import audit as auditmod
from nblint.app.cli import main
from nblint.formatters.sarif import artifact_uri
from nblint.paths import display, uri_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "audit"
SHOWN = "bad-\\xff\\xfe-name.md"  # how the name is written: the two bytes that are not UTF-8 as \xNN escapes

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="file names are bytes on POSIX only")


@pytest.fixture
def bad_names(tmp_path) -> Path:
    d = tmp_path / "bn"
    d.mkdir()
    try:
        with open(os.fsencode(d) + b"/bad-\xff\xfe-name.md", "wb") as fh:
            fh.write((FIXTURES / "escaping.md").read_bytes())  # a report with diagnostics
    except OSError:  # a file system that refuses such names (macOS): nothing to test there
        pytest.skip("the file system does not accept non-UTF-8 names")
    shutil.copy(FIXTURES / "escaping.md", d / "好.md")
    return d


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUTF8": "0", "LC_ALL": "C.UTF-8", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "nblint", *map(str, args)], capture_output=True, cwd=cwd, env=env, timeout=120
    )


def test_display_and_uri():
    name = os.fsdecode(b"dir/bad-\xff\xfe-name.md")
    assert "\udcff" in name
    assert display(name) == "dir/bad-\\xff\\xfe-name.md"
    assert display(name).encode("utf-8")  # always encodable
    assert display("报告 1.md") == "报告 1.md"  # valid names unchanged
    assert display("x\ud800") == "x\\ud800"  # a lone surrogate that did not come from the file system
    assert uri_path(name) == "dir/bad-%FF%FE-name.md"  # the real bytes, percent-encoded
    assert uri_path("报告 1.md") == "%E6%8A%A5%E5%91%8A%201.md"
    assert artifact_uri(name) == "dir/bad-%FF%FE-name.md"
    assert artifact_uri("/r/" + name) == "file:///r/dir/bad-%FF%FE-name.md"


def test_audit_writes_every_output(bad_names, tmp_path):
    r = run("audit", bad_names, "--jobs", 1, "--csv", tmp_path / "o.csv", "--jsonl", tmp_path / "o.jsonl", "--html",
            tmp_path / "o.html")  # fmt: skip
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in r.stderr
    rows = list(csv.DictReader((tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(Path(row["文件"]).name for row in rows) == [SHOWN, "好.md"]
    recs = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {Path(x["file"]).name for x in recs} == {SHOWN, "好.md"}
    page = (tmp_path / "o.html").read_text(encoding="utf-8")  # strict: valid UTF-8
    assert json.dumps(SHOWN)[1:-1] in page and "好.md" in page


@pytest.mark.parametrize("fmt", ["text", "full", "json", "sarif", "github"])
def test_check_writes_every_format(bad_names, fmt):
    r = run("check", ".", "--output-format", fmt, cwd=bad_names)
    assert r.returncode == 1, r.stderr.decode("utf-8", "replace")  # diagnostics found, no crash
    out = r.stdout.decode("utf-8")  # strict: valid UTF-8
    if fmt == "json":
        assert {Path(f["path"]).name for f in json.loads(out)["files"]} == {SHOWN, "好.md"}
    elif fmt == "sarif":
        uris = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in json.loads(out)["runs"][0]["results"]}  # fmt: skip
        assert "bad-%FF%FE-name.md" in uris and "%E5%A5%BD.md" in uris
    else:
        assert SHOWN in out and "好.md" in out


def test_a_writer_error_costs_one_row(tmp_path, capsys, monkeypatch):
    d = tmp_path / "r"
    d.mkdir()
    for name in ("a.md", "b.md", "c.md"):
        shutil.copy(FIXTURES / "escaping.md", d / name)  # a report with diagnostics
    real = auditmod.CsvWriter.add

    def broken(self, rep):
        if rep["file"].endswith("b.md"):
            raise ValueError("cannot write this row")
        real(self, rep)

    monkeypatch.setattr(auditmod.CsvWriter, "add", broken)
    rc = main(["audit", str(d), "--jobs", "1", "--csv", str(tmp_path / "o.csv"), "--jsonl", str(tmp_path / "o.jsonl"),
               "--html", str(tmp_path / "o.html"), "-q"])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 2  # an internal error, reported after the whole run
    assert "while writing the row of" in err and "b.md" in err and "ValueError: cannot write this row" in err
    rows = list(csv.DictReader((tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(Path(row["文件"]).name for row in rows) == ["a.md", "c.md"]  # only that row of that output
    recs = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {Path(x["file"]).name for x in recs} == {"a.md", "b.md", "c.md"}  # the other outputs are complete
    assert (tmp_path / "o.html").exists()
