"""`nblint check --fix` / `--diff` on a copy of a defective Markdown report: the diff shows the fixes and writes
nothing, --fix rewrites only the fixable spans, a second --fix changes nothing; HTML, DOCX and PDF files are never
written."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "integrations"
DEFECTIVE = FIXTURES / "defective-2024.md"
SHARED_PDF = ROOT.parent / "shared" / "binaries" / "kirogovcompare_hzq2023_working.pdf"

# the fixture's fixable defects and their official replacements; everything else must stay as it is
FIXES = [
    ("| 规范性文件 | 3 | 1 | 25 |", "| 行政规范性文件 | 3 | 1 | 25 |"),  # NB204 (table 二, 2021 format)
    (
        "| 𠀀 | 2.其他法律行政止公开 |",
        "| 𠀀 | 2.其他法律行政法规禁止公开 |",
    ),  # NB204 (table 三), after an astral character
    ("## 五、存在问题及改进情况", "## 五、存在的主要问题及改进情况"),  # NB103
]
NOT_FIXABLE = "| 行政强制 | — | | |"  # NB207 blank cell: reported, never changed


def nblint(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run(
        [sys.executable, "-m", "nblint", *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=env
    )


def expected(text: str) -> str:
    for old, new in FIXES:
        assert text.count(old) == 1
        text = text.replace(old, new)
    return text


def snapshot(p: Path):
    st = p.stat()
    return p.read_bytes(), st.st_mtime_ns


@pytest.fixture
def report(tmp_path) -> Path:
    p = tmp_path / "报告.md"
    shutil.copy(DEFECTIVE, p)
    os.utime(p, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))  # an mtime a rewrite would change
    return p


def test_diff_prints_a_unified_diff_and_writes_nothing(report):
    before = snapshot(report)
    p = nblint("check", "--diff", report.name, cwd=report.parent)
    assert p.returncode == 1, p.stderr
    out = p.stdout
    assert out.startswith(f"--- {report.name}\n+++ {report.name}\n@@ ")
    for old, new in FIXES:
        assert f"\n-{old}" in out and f"\n+{new}" in out
    assert NOT_FIXABLE not in "".join(ln for ln in out.splitlines(True) if ln.startswith(("-", "+")))
    assert sum(1 for ln in out.splitlines() if ln.startswith("@@")) == 3
    assert snapshot(report) == before
    # the diff, applied, is exactly what --fix writes
    if shutil.which("patch"):
        patched = report.parent / "patched.md"
        shutil.copy(report, patched)
        subprocess.run(["patch", "-s", str(patched)], input=out, text=True, encoding="utf-8", check=True)
        assert patched.read_text(encoding="utf-8") == expected(DEFECTIVE.read_text(encoding="utf-8"))


def test_fix_rewrites_then_is_idempotent(report):
    original = DEFECTIVE.read_text(encoding="utf-8")
    p = nblint("check", "--fix", report.name, cwd=report.parent)
    assert p.returncode == 1  # the NB207 blank cell remains
    fixed = report.read_text(encoding="utf-8")
    assert fixed == expected(original)
    assert NOT_FIXABLE in fixed and "𠀀" in fixed
    # what is printed after fixing is what remains
    assert p.stdout.splitlines()[0].startswith("已修复")
    assert [ln.split(": ", 1)[1][:5] for ln in p.stdout.splitlines()[1:-1]] == ["NB207"]
    assert "发现 1 个问题" in p.stdout
    # a second --fix: nothing to do, the file is not even rewritten
    os.utime(report, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = snapshot(report)
    p = nblint("check", "--fix", report.name, cwd=report.parent)
    assert p.returncode == 1 and snapshot(report) == before
    assert p.stderr == ""
    p = nblint("check", "--diff", report.name, cwd=report.parent)
    assert p.returncode == 0 and p.stdout == ""


def test_fix_keeps_bom_and_crlf(tmp_path):
    p = tmp_path / "r.md"
    text = DEFECTIVE.read_text(encoding="utf-8")
    p.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    nblint("check", "--fix", "-q", p.name, cwd=tmp_path)
    assert p.read_bytes() == b"\xef\xbb\xbf" + expected(text).replace("\n", "\r\n").encode("utf-8")


def test_fix_and_diff_conflict(report):
    p = nblint("check", "--fix", "--diff", report.name, cwd=report.parent)
    assert p.returncode == 2 and "不能同时使用" in p.stderr


def test_fix_keeps_the_file_encoding(tmp_path):
    p = tmp_path / "r.txt"
    text = DEFECTIVE.read_text(encoding="utf-8").replace("𠀀", "　")
    p.write_bytes(text.encode("gb18030"))
    nblint("check", "--fix", "-q", p.name, cwd=tmp_path)
    assert p.read_bytes() == expected(text.replace("　", "𠀀")).replace("𠀀", "　").encode("gb18030")


# ----------------------------------------------------------------------------------------------------------------
# Formats that are read, not written


def markdown_to_html(text: str) -> str:
    out = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8"><title>report</title></head><body>']
    table: list[str] = []

    def flush():
        if table:
            out.append("<table>" + "".join(table) + "</table>")
            table.clear()

    for line in text.split("\n"):
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= {"-"} for c in cells):
                continue
            table.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        flush()
        if line.startswith("# "):
            out.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            out.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    flush()
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def markdown_to_docx(text: str, path: Path) -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    rows: list[list[str]] = []

    def flush():
        if rows:
            width = max(len(r) for r in rows)
            t = doc.add_table(rows=len(rows), cols=width)
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
            rows.clear()

    for line in text.split("\n"):
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-"} for c in cells):
                rows.append(cells)
            continue
        flush()
        if line.strip():
            doc.add_paragraph(line.lstrip("# "))
    flush()
    doc.save(str(path))


def _never_written(path: Path, codes: set[str]):
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = snapshot(path)
    p = nblint("check", "--diff", path.name, cwd=path.parent)
    assert p.stdout == "" and snapshot(path) == before
    p = nblint("check", "--fix", path.name, cwd=path.parent)
    assert snapshot(path) == before
    found = {ln.split(": ", 1)[1][:5] for ln in p.stdout.splitlines() if ": NB" in ln}
    assert codes <= found, p.stdout  # the defects are reported, just not fixed


def test_html_is_never_written(tmp_path):
    p = tmp_path / "r.html"
    p.write_text(markdown_to_html(DEFECTIVE.read_text(encoding="utf-8")), encoding="utf-8")
    _never_written(p, {"NB103", "NB204"})


def test_docx_is_never_written(tmp_path):
    p = tmp_path / "r.docx"
    markdown_to_docx(DEFECTIVE.read_text(encoding="utf-8"), p)
    _never_written(p, {"NB103", "NB204"})


def test_pdf_is_never_written(tmp_path):
    if not SHARED_PDF.is_file():
        pytest.skip(f"{SHARED_PDF} not available")
    p = tmp_path / "r.pdf"
    shutil.copy(SHARED_PDF, p)
    _never_written(p, {"NB204"})


def test_fix_with_extend_rules(report):
    (report.parent / "more-rules").mkdir()
    (report.parent / ".nblint.yaml").write_text("extend-rules: [more-rules]\n", encoding="utf-8")
    p = nblint("check", "--fix", report.name, cwd=report.parent)
    assert "Traceback" not in p.stderr
    assert p.returncode == 1 and report.read_text(encoding="utf-8") == expected(DEFECTIVE.read_text(encoding="utf-8"))


def test_overlapping_fixes_count_only_what_was_applied():
    """Two diagnostics whose edits overlap: the first is applied, the second waits for the next run, and the count
    printed after --fix says one, not two."""
    from types import SimpleNamespace as NS

    from nblint.fixes import apply_edits

    def diag(*edits):
        return NS(fix=NS(edits=[NS(start=a, end=b, text=t) for a, b, t in edits]))

    text = "全年收到申请２４件"
    new, n = apply_edits(text, [diag((6, 7, "2")), diag((6, 8, "24")), diag((0, 2, "全年"))])
    assert (new, n) == ("全年收到申请2４件", 2)
