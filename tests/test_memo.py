"""The language server's quick re-lint (nblint.pipeline.Memo): normalised lines, classified lines and layout trees
kept from the last parse of a document give exactly what parsing from scratch gives, after any edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED

from nblint.app.lsp import DocumentLinter
from nblint.normalize import _chunks, normalize
from nblint.pipeline import Memo, parse_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.md"))


def _shape(report):
    return (
        report.text,
        report.norm.map.inner,
        report.norm.map.outer,
        [(b.kind, b.span) for b in report.preamble],
        [(s.heading.title, s.span, [(b.kind, b.span) for b in s.blocks]) for s in report.sections],
        report.meta(),
        [(t.id, [(r.id, r.span, [c.value for c in r.cells]) for r in t.rows]) for t in report.tables.values()],
    )


def _edits(text: str):
    """A keystroke in the middle, a deleted line, a new first-level heading, a joined pair of lines."""
    mid = len(text) // 2
    yield text[:mid] + "字" + text[mid:]
    nl = text.find("\n", mid)
    if nl > 0:
        yield text[:mid] + text[nl:]
        yield text[:nl] + "\n七、其他需要报告的事项\n" + text[nl:]
        yield text[:nl] + text[nl + 1 :]


def _texts():
    out = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        out += [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))[:12]]
    return out


@pytest.mark.parametrize("i", range(len(_texts())))
def test_memo_gives_the_parse_from_scratch(i):
    text = _texts()[i]
    memo = Memo()
    assert _shape(parse_text(text, memo=memo)) == _shape(parse_text(text))
    for edited in _edits(text):
        assert _shape(parse_text(edited, memo=memo)) == _shape(parse_text(edited))


def test_comments_across_lines_traditional_text_and_carriage_returns():
    text = (
        "某某縣2023年政府信息公開工作年度報告\r\n\r\n一、總體情況\r\n<!-- nblint: disable=NB301\n說明 -->本年度公開(kāi)"
        "信息 12 条。\n<!-- 未闭合\n二、主动公开政府信息情况\n"
    )
    memo = Memo()
    for t in (text, text.replace("說明", "说明文字"), text + "三、收到和处理政府信息公开申请情况\n"):
        a, b = normalize(t, memo), normalize(t)
        assert (a.text, a.map.inner, a.map.outer, a.map.end) == (b.text, b.map.inner, b.map.outer, b.map.end)


def test_chunks_keep_a_comment_whole():
    text = "a\n<!-- x\ny -->b\nc <!-- d --> e\nf"
    assert [text[s:e] for s, e in _chunks(text)] == ["a", "<!-- x\ny -->b", "c <!-- d --> e", "f"]


def test_document_linter_keeps_one_memo_per_open_document():
    dl = DocumentLinter()
    text = EXAMPLES[0].read_text(encoding="utf-8")
    first = [p.diag.to_dict() for p in dl.lint("file:///tmp/a.md", text, 1).items]
    again = [p.diag.to_dict() for p in dl.lint("file:///tmp/a.md", text + "\n", 2).items]
    assert first == again and "file:///tmp/a.md" in dl.memos
    dl.forget("file:///tmp/a.md")
    assert "file:///tmp/a.md" not in dl.memos and "file:///tmp/a.md" not in dl.docs


def test_table_regions_are_kept_in_the_memo_only(monkeypatch):
    """A region's whitespace-free text comes from the memo when the region is unchanged (an edit in another
    section), and from nowhere else: a parse without a memo builds its own (no cache keyed by a report's text
    makes a second lint of the same file free)."""
    from nblint.tables import anchors

    made: list[str] = []

    class Counting(anchors.NoSpace):
        def __init__(self, text: str):
            made.append(text)
            super().__init__(text)

    monkeypatch.setattr(anchors, "NoSpace", Counting)
    text = next(t for t in _texts() if "本年新收政府信息公开申请数量" in t)
    parse_text(text)
    once = list(made)
    parse_text(text)
    assert once and made == once + once
    memo = Memo()
    made.clear()
    parse_text(text, memo=memo)
    assert made == once
    made.clear()
    head = text.index("\n") + 1
    parse_text(text[:head] + "字" + text[head:], memo=memo)  # an edit in the title line, outside the tables
    assert made == []
