"""Every real report in ../shared goes through `parse` and `check` without a traceback, and what the parser
found in each is pinned (tests/expectations/parse.yaml: year and where it came from, era, the official sections
matched in order, and per table: format, rows found, numeric cells read).  Each expectation was written after
reading the file; a change in these numbers is a change in what nblint understands and must be looked at."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SHARED
from ruamel.yaml import YAML

EXPECT = ROOT / "tests" / "expectations" / "parse.yaml"


def summary(report) -> dict:
    tables = {}
    for tid, tb in report.tables.items():
        rows = [r for r in tb.rows if r.id is not None and r.status != "extra"]
        cells = sum(len(r.cells) for r in rows if r.status not in ("unparseable", "group-with-numbers"))
        bad = [r.id for r in rows if r.status == "unparseable"]
        tables[tid] = f"{tb.format} rows={len(rows)} cells={cells}" + (f" unparseable={','.join(bad)}" if bad else "")
    out = {
        "year": f"{report.year} ({report.year_source})" if report.year else None,
        "era": report.era + (f"/{report.layout}" if report.layout else "") if report.era else None,
        "sections": "".join(s.official or "?" for s in report.sections)
        if (report.layout or report.era) != "2008"
        else len(report.sections),
        "tables": tables,
    }
    return out


def corpus_files():
    files = []
    for sub in ("seeds", "corpus", "binaries"):
        d = SHARED / sub
        if d.is_dir():
            files += sorted(p for p in d.iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx"))
    return files


def _key(p: Path) -> str:
    return f"{p.parent.name}/{p.name}"


def test_expectations_cover_shared_material():
    if not SHARED.is_dir():
        pytest.skip("../shared not available")
    want = YAML(typ="safe", pure=True).load(EXPECT.read_text(encoding="utf-8"))
    missing = [_key(p) for p in corpus_files() if _key(p) not in want]
    assert not missing, f"no expectation for {missing}"


@pytest.mark.parametrize("path", corpus_files(), ids=_key)
def test_parse_pinned(path):
    from nblint.engine import parse
    from nblint.readers import read_path
    from nblint.source import ReadError

    want = YAML(typ="safe", pure=True).load(EXPECT.read_text(encoding="utf-8")).get(_key(path))
    try:
        got = summary(parse(read_path(str(path))))
    except ReadError as e:
        got = {"unreadable": e.text("zh")}
    assert got == want, f"{_key(path)}: {got}"


def test_check_whole_corpus_no_traceback():
    if not SHARED.is_dir():
        pytest.skip("../shared not available")
    for sub in ("seeds", "corpus", "binaries"):
        proc = subprocess.run(
            [sys.executable, "-m", "nblint", "check", str(SHARED / sub), "--output-format", "json"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr


def test_parse_whole_corpus_no_traceback():
    if not SHARED.is_dir():
        pytest.skip("../shared not available")
    for sub in ("seeds", "corpus", "binaries"):
        proc = subprocess.run(
            [sys.executable, "-m", "nblint", "parse", str(SHARED / sub)], capture_output=True, text=True, timeout=300
        )
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr, proc.stderr
