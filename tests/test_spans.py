"""The position spine (nblint.spans): offset maps compose and round-trip, every character maps back to itself,
span ends are never short; the line index round-trips in code points, UTF-16 and UTF-8, with astral characters
and CRLF.  Plus the two bugs a shared spine ended: NB409 ends one character short across a line break, and
``nblint extract`` counting different lines from ``nblint check``."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import EXAMPLES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import nblint
from nblint.normalize import normalize
from nblint.spans import Joined, LineIndex, OffsetMap, width

ENCODINGS = ("utf-16", "utf-8", "utf-32")
# ASCII, Chinese, astral (two UTF-16 units, four UTF-8 bytes), CR, LF, and what normalisation deletes
CHARS = st.sampled_from(list("ab 1一二中。\t") + ["𠀀", "😀", "\r\n", "\n", "\r", "<!--\n-->", "\u200b", "報(bào)"])
TEXTS = st.lists(CHARS, max_size=40).map("".join)


@st.composite
def pieces(draw, length: int):
    """Sorted, disjoint (start, end) pieces of [0, length), some empty, some touching."""
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=12)))
    out = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        out.append((a, b))
    return out


@st.composite
def derived(draw):
    """A text, a map made of pieces of it, and the derived text."""
    text = draw(TEXTS)
    ps = draw(pieces(len(text)))
    m = OffsetMap.from_pieces(ps, origin=draw(st.integers(0, len(text))))
    return text, m, "".join(text[a:b] for a, b in ps)


def check_faithful(outer: str, m: OffsetMap, inner: str):
    assert m.length == len(inner)
    prev = -1
    for i, ch in enumerate(inner):
        o = m.to_outer(i)
        assert o > prev  # order kept, no outer character used twice
        assert outer[o] == ch  # every character maps back to itself
        assert m.to_inner(o) == i  # and back again
        prev = o
    # runs are canonical: no run continues the previous one
    for k in range(1, len(m.inner)):
        assert m.outer[k] != m.outer[k - 1] + (m.inner[k] - m.inner[k - 1])
    assert m.to_outer(len(inner)) == m.end


@settings(max_examples=300, deadline=None)
@given(derived())
def test_offset_map_round_trip(case):
    outer, m, inner = case
    check_faithful(outer, m, inner)
    # to_inner is monotone over every outer offset and lands on the next kept character
    last = 0
    for o in range(len(outer) + 1):
        i = m.to_inner(o)
        assert last <= i <= m.length
        last = i
        if i < m.length:
            assert m.to_outer(i) >= o
        if i > 0:
            assert m.to_outer(i - 1) < o


@settings(max_examples=300, deadline=None)
@given(derived(), st.data())
def test_span_ends_never_short(case, data):
    outer, m, inner = case
    s = data.draw(st.integers(0, len(inner)))
    e = data.draw(st.integers(s, len(inner)))
    a, b = m.span_to_outer(s, e)
    if s == e:
        assert a == b == m.to_outer(s)
        return
    # the span covers every character of the inner span and ends right after the last one
    assert all(a <= m.to_outer(k) < b for k in range(s, e))
    assert b == m.to_outer(e - 1) + 1
    assert outer[b - 1] == inner[e - 1]


@settings(max_examples=300, deadline=None)
@given(derived(), st.data())
def test_composition(case, data):
    outer, m1, mid = case
    ps = data.draw(pieces(len(mid)))
    m2 = OffsetMap.from_pieces(ps, origin=data.draw(st.integers(0, len(mid))))
    inner = "".join(mid[a:b] for a, b in ps)
    both = m2.then(m1)
    for i in range(len(inner) + 1):
        assert both.to_outer(i) == m1.to_outer(m2.to_outer(i))
    check_faithful(outer, both, inner)
    # composition is associative
    m3 = OffsetMap.from_pieces(data.draw(pieces(len(inner))))
    left, right = m3.then(m2).then(m1), m3.then(both)
    assert (left.inner, left.outer, left.length, left.end) == (right.inner, right.outer, right.length, right.end)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.data())
def test_joined_and_normalised_spans_reach_the_source(src, data):
    """Normalisation, then a check's joined view: a match in the joined text maps through both maps (or their
    composition) to the source characters it was made of."""
    n = normalize(src)
    check_faithful(n.text, OffsetMap.identity(len(n.text)), n.text)
    j = Joined(n.text)
    assert j.text == n.text.replace("\n", "")
    check_faithful(n.text, j.map, j.text)
    to_src = j.map.then(n.map)
    s = data.draw(st.integers(0, len(j.text)))
    e = data.draw(st.integers(s, len(j.text)))
    a, b = to_src.span_to_outer(s, e)
    assert (a, b) == n.map.span_to_outer(*j.map.span_to_outer(s, e)) or s == e
    if s < e:
        assert b == n.map.to_outer(j.map.to_outer(e - 1)) + 1
        assert n.text[j.map.to_outer(e - 1)] == j.text[e - 1]


def test_joined_match_across_a_line_break():
    text = "一是公开不及时；三\n是解读不够深入。"
    j = Joined(text)
    m = re.search("三是", j.text)
    assert j.span(m) == (text.index("三"), text.index("是解") + 1)
    m = re.search("(?P<y>不及时；三是解)", j.text)
    assert text[slice(*j.span(m, "y"))] == "不及时；三\n是解"
    empty = Joined("\n\n", 1, 2)
    assert (empty.text, empty.to_outer(0)) == ("", 1)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_line_index_round_trips(text):
    idx = LineIndex(text)
    assert len(idx) == text.count("\n") + 1
    assert "".join(idx.line_text(n) + "\n" for n in range(1, len(idx) + 1)) == text + "\n"
    for o in range(len(text) + 1):
        line, col = idx.line_col(o)
        assert idx.offset(line, col) == o
        assert text[:o].count("\n") == line - 1
        prefix = text[o - col + 1 : o]
        assert "\n" not in prefix
        for enc in ENCODINGS:
            line0, ch = idx.position(o, enc)
            assert line0 == line - 1
            assert (
                ch
                == {"utf-16": len(prefix.encode("utf-16-le")) // 2, "utf-8": len(prefix.encode()), "utf-32": col - 1}[
                    enc
                ]
            )
            assert idx.offset_at(line0, ch, enc) == o


def test_line_index_clamps_and_splits_characters():
    text = "一、总体\r\n𠀀a中𠀀b\n\nend"
    idx = LineIndex(text)
    assert idx.line_col(-5) == (1, 1)
    assert idx.line_col(10_000) == (4, 4)
    assert idx.line_text(1) == "一、总体\r"  # CR is a character of its line
    assert idx.offset(1, 99) == text.index("\n")  # beyond the line: its end
    assert idx.offset(99, 1) == text.index("end")
    line2 = text.index("𠀀")
    assert idx.offset_at(1, 1, "utf-16") == line2  # inside a surrogate pair: that character
    assert idx.offset_at(1, 3, "utf-8") == line2  # inside a UTF-8 sequence: that character
    assert idx.offset_at(1, 99, "utf-16") == text.index("\n\n")
    assert idx.position(text.index("b"), "utf-16") == (1, 6)
    assert idx.position(text.index("b"), "utf-8") == (1, 12)
    assert width("𠀀中a", "utf-16") == 4 and width("𠀀中a", "utf-8") == 8 and width("𠀀中a", "utf-32") == 3


def test_nb409_span_ends_after_the_marker_across_a_line_break():
    text = "某某镇人民政府2024年政府信息公开工作年度报告\n五、存在的主要问题及改进情况\n主要问题：一是公开不及时；三\n是解读不够深入。\n"
    (d,) = nblint.lint_text(text, select=["NB409"])
    assert (d["line"], d["col"], d["end_line"], d["end_col"]) == (3, 14, 4, 2)
    assert text[d["offset"] : d["end_offset"]] == "三\n是"


def _cli(*args):
    p = subprocess.run([sys.executable, "-m", "nblint", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    return p.stdout


def test_extract_shows_the_lines_diagnostics_count(tmp_path):
    """Normalisation deletes a multi-line HTML comment with its line breaks; ``nblint extract`` still numbers
    the reader's lines, so a diagnostic's line shows the text it is about."""
    text = (EXAMPLES / "compliant-2024.md").read_text(encoding="utf-8")
    heading = "## 二、主动公开政府信息情况"
    assert heading in text
    text = text.replace(heading, "<!-- 第一行\n第二行\n第三行 -->\n## 二、主动公开信息情况")
    p = tmp_path / "report.md"
    p.write_text(text, encoding="utf-8")
    (d,) = json.loads(_cli("check", "--select", "NB103", "--output-format", "json", p))["files"][0]["diagnostics"]
    lines = {}
    for row in _cli("extract", p).splitlines():
        no, _, rest = row.strip().partition("  ")
        lines[int(no)] = rest
    assert lines[d["line"]] == "## 二、主动公开信息情况"
    assert lines[d["line"] - 2] == ""  # inside the deleted comment
    assert len(lines) == text.count("\n") + 1
    assert [ln.partition("  ")[2] for ln in _cli("extract", "--raw", p).splitlines()][d["line"] - 1] == (
        "## 二、主动公开信息情况"
    )


def test_span_to_outer_is_the_two_ends_mapped():
    """span_to_outer (one bisection when both ends lie in one run) is to_outer of the first character and of the
    last, plus one, on random maps and spans."""
    import random

    rng = random.Random(4)
    for _ in range(3000):
        pieces, pos = [], rng.randrange(3)
        for _ in range(rng.randrange(5)):
            a = pos + rng.randrange(3)
            b = a + rng.randrange(4)
            pieces.append((a, b))
            pos = b
        m = OffsetMap.from_pieces(pieces, origin=rng.randrange(3))
        for _ in range(10):
            s = rng.randrange(-1, m.length + 2)
            e = rng.randrange(-1, m.length + 3)
            want = (m.to_outer(s), m.to_outer(s)) if e <= s else (m.to_outer(s), m.to_outer(e - 1) + 1)
            assert m.span_to_outer(s, e) == want, (pieces, s, e)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\n年", max_size=40), st.data())
def test_joined_map_is_the_map_of_its_lines(text, data):
    """Joined builds its map from the lines' lengths: the map OffsetMap.from_pieces makes of each line's span."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    j = Joined(text, start, end)
    want = OffsetMap.from_pieces((m.span() for m in re.compile(r"[^\n]+").finditer(text, start, end)), origin=start)
    assert (j.map.inner, j.map.outer, j.map.length, j.map.end) == (want.inner, want.outer, want.length, want.end)
    assert j.text == text[start:end].replace("\n", "")
