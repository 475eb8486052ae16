"""Plain-text reports in the encodings they are published in, detected without being told."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

TEXT = (EXAMPLES / "compliant-2024.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "encoding,prefix",
    [
        ("utf-8", b""),
        ("utf-8-sig", b""),
        ("gb18030", b""),
        ("gbk", b""),
        ("utf-16", b""),
    ],
)
def test_encodings_detected(tmp_path, engine, encoding, prefix):
    p = tmp_path / "report.md"
    p.write_bytes(prefix + TEXT.encode(encoding))
    res = engine.lint_path(str(p))
    assert res.diagnostics == [], [d.message for d in res.diagnostics]
    assert res.meta["year"] == 2024


def test_gb18030_positions_are_characters(tmp_path, engine):
    p = tmp_path / "report.txt"
    p.write_bytes(TEXT.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | 0 | / | 0 |").encode("gb18030"))
    d = engine.lint_path(str(p)).diagnostics
    assert [(x.code, x.line, x.col) for x in d] == [("NB207", 24, 12)]


def test_undecodable_bytes_are_nb001(tmp_path, engine):
    p = tmp_path / "x.txt"
    p.write_bytes(bytes([0x81, 0x00, 0xFE, 0x01]) * 400)
    d = engine.lint_path(str(p)).diagnostics
    assert [x.code for x in d] == ["NB001"]
    assert "编码" in d[0].message or "二进制" in d[0].message


def test_any_reader_failure_is_a_read_error():
    from nblint.readers import bad_input
    from nblint.source import ReadError

    with pytest.raises(ReadError, match="corrupt PDF: KeyError"):
        with bad_input("PDF"):
            {}["xref"]
    with pytest.raises(ReadError, match="nested too deeply"):
        with bad_input("HTML"):
            raise RecursionError


def test_a_text_of_more_lines_than_any_report_is_nb001_with_the_count(tmp_path):
    """A heading pasted 50,000 times (a fuzz input) is refused as not one report, like a text over MAX_CHARS, and
    quickly: laying out 50,000 headings took seconds."""
    import time

    from nblint.engine import Engine
    from nblint.readers import MAX_LINES

    f = tmp_path / "r.md"
    f.write_text("一、总体情况\n" * (MAX_LINES + 1), encoding="utf-8")
    t = time.thread_time()
    res = Engine().lint_path(str(f))
    assert time.thread_time() - t < 1.0
    [d] = res.diagnostics
    assert d.code == "NB001" and f"{MAX_LINES + 2:,} 行" in d.message and f"上限 {MAX_LINES:,} 行" in d.message
    f.write_text("一、总体情况\n" * (MAX_LINES - 2), encoding="utf-8")
    assert "NB001" not in {d.code for d in Engine().lint_path(str(f)).diagnostics}
