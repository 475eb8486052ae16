"""The table assembler's text tools: the whitespace-free text and its map, a pipe row's atoms read from the
cells split once per line (also for a piece of a line that starts or ends inside a cell), and the row-label chain
(a header cell that repeats a row word does not take the row's place; among equal chains the earliest wins)."""

from __future__ import annotations

import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from nblint.spans import OffsetMap
from nblint.tables.anchors import NoSpace, align_rows
from nblint.tables.cells import BLANK, NL, NUM, TEXT, Region, atoms
from nblint.tables.spec import RowSpec

# words, digits, pipes and every kind of white space str.split and \s know (ideographic, no-break, line separator,
# the information separators, NEL)
CHARS = st.sampled_from(["规章", "a", "1", "|", " ", "\n", "\t", "\u3000", "\xa0", "\u2028", "\x1c", "\x85", "\r\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(CHARS, max_size=30).map("".join))
def test_no_space_map_is_the_map_of_the_words(text):
    ns = NoSpace(text)
    ref = OffsetMap.keeping(text, re.compile(r"\S+"))
    assert ns.text == "".join(m.group() for m in re.finditer(r"\S+", text))
    assert (ns.map.inner, ns.map.outer, ns.map.length, ns.map.end) == (ref.inner, ref.outer, ref.length, ref.end)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["规章", "a", "1", "|", " ", "\n", "  ", "\n\n"]), max_size=30).map("".join))
def test_no_space_map_of_spaces_and_line_breaks(text):
    # white space of spaces and line breaks only: the map is made from the pieces between them, no regular
    # expression; it must be the map of the words all the same
    ns = NoSpace(text)
    ref = OffsetMap.keeping(text, re.compile(r"\S+"))
    assert ns.text == "".join(m.group() for m in re.finditer(r"\S+", text))
    assert (ns.map.inner, ns.map.outer, ns.map.length, ns.map.end) == (ref.inner, ref.outer, ref.length, ref.end)


def _region(text: str) -> Region:
    return Region(SimpleNamespace(text=text), 0, len(text), [])  # type: ignore[arg-type]


def _atoms(region: Region, s: int, e: int, mid_cell: bool = False) -> list[tuple[str, str, int, int]]:
    return [(a.kind, a.text, a.start, a.end) for a in atoms(region, s, e, mid_cell=mid_cell)]


def test_pipe_row_atoms_whole_lines_and_pieces():
    # table 二 of a portal page (015.html), as the HTML reader writes it, and the same row in Markdown
    text = "规章 | 13 | 13 |  | 524\n| 规范性文件 | 60 | 60 |  | 368 |\n"
    region = _region(text)
    row = [(TEXT, "规章", 0, 2), (NUM, "13", 5, 7), (NUM, "13", 10, 12), (BLANK, "", 14, 16), (NUM, "524", 18, 21)]
    assert _atoms(region, 0, 21) == row  # the whole row: every cell, the empty one a blank
    # after the row label (inside its cell): the rest of that cell is empty and left out
    assert _atoms(region, 2, 22, mid_cell=True) == row[1:] + [(NL, "\n", 21, 22)]
    # pieces ending inside a cell or at its pipe: the last cell is cut there
    assert _atoms(region, 0, 11) == row[:2] + [(NUM, "1", 10, 11)]
    assert _atoms(region, 0, 7) == row[:2]
    # the Markdown row: its outer empty cells are not cells, also in the pieces before and after its label
    md = [
        (TEXT, "规范性文件", 24, 29),
        (NUM, "60", 32, 34),
        (NUM, "60", 37, 39),
        (BLANK, "", 41, 43),
        (NUM, "368", 45, 48),
    ]
    assert _atoms(region, 22, 50) == md
    assert _atoms(region, 22, 24) == []  # "| " before the label
    assert _atoms(region, 29, 50, mid_cell=True) == md[1:]
    # the lines read again (their cells split once and kept by the region) give the same atoms
    assert _atoms(region, 0, 21) == row and _atoms(region, 22, 50) == md


def test_pipe_row_pieces_that_cut_a_cell():
    # a label cell with a note after the label, a number with its unit, a negative number, a blank marker
    text = "1.属于国家秘密(注) | 2件 | -3 | / | 14\n"
    region = _region(text)
    whole = [
        (TEXT, "1.属于国家秘密(注)", 0, 11),
        (NUM, "2", 14, 15),
        (NUM, "-3", 19, 21),
        (BLANK, "/", 24, 25),
        (NUM, "14", 28, 30),
    ]
    assert _atoms(region, 0, 30) == whole
    # after the label, inside its cell: the note left in the cell is text
    assert _atoms(region, 8, 30, mid_cell=True) == [(TEXT, "(注)", 8, 11)] + whole[1:]
    # bounds that take off only the spaces around a cell's text keep the cell as it is
    assert _atoms(region, 13, 30) == whole[1:]
    assert _atoms(region, 0, 16) == whole[:2]
    # bounds inside a cell's text read the part inside: a number without its unit, a label's first characters
    assert _atoms(region, 0, 15) == whole[:2]
    assert _atoms(region, 4, 16) == [(TEXT, "国家秘密(注)", 4, 11), whole[1]]
    assert _atoms(region, 20, 30) == [(NUM, "3", 20, 21)] + whole[3:]
    # a cut that leaves only spaces is a blank cell from the cut to the cell's end
    assert _atoms(region, 11, 30) == [(BLANK, "", 11, 12)] + whole[1:]
    assert _atoms(region, 11, 30, mid_cell=True) == whole[1:]


def _row(rid: str, key: str, group: bool = False) -> RowSpec:
    return RowSpec(rid, key, key, (key,), group, 0, [], [])


def test_row_chain_skips_a_header_that_repeats_a_row_word():
    # table 三's header names 总计 before any row; the real 总计 row comes last
    text = "申请人情况 自然人 总计\n一、本年新收政府信息公开申请数量 3 0 3\n二、上年结转政府信息公开申请数量 0 0 0\n总计 3 0 3\n"
    rows = [
        _row("new", "本年新收政府信息公开申请数量"),
        _row("carried", "上年结转政府信息公开申请数量"),
        _row("total", "总计"),
    ]
    chosen = align_rows(rows, text, NoSpace(text))
    assert [chosen[r].start for r in ("new", "carried", "total")] == [
        text.index("本年新收"),
        text.index("上年结转"),
        text.rindex("总计"),
    ]


def test_row_chain_takes_the_earliest_of_equal_chains():
    # a label printed twice (a page break repeated the row): both give chains of the same score; the first wins
    text = "规章 0 0 0\n规章 0 0 0\n行政规范性文件 0 5 5\n"
    rows = [_row("rules", "规章"), _row("norms", "行政规范性文件")]
    chosen = align_rows(rows, text, NoSpace(text))
    assert chosen["rules"].start == 0
    assert chosen["norms"].start == text.index("行政规范性文件")
    # a group label (weighing half a data row) is chained the same way
    rows = [_row("group", "规章", group=True), _row("norms", "行政规范性文件")]
    chosen = align_rows(rows, text, NoSpace(text))
    assert chosen["group"].start == 0 and chosen["norms"].start == text.index("行政规范性文件")


def test_plain_line_atoms():
    # rows of a text report (corpus 001) run the label and the numbers together; a blank marker stands alone
    assert _atoms(_region("行政事业性收费96171.6\n"), 0, 15) == [
        (TEXT, "行政事业性收费", 0, 7),
        (NUM, "96171.6", 7, 14),
        (NL, "\n", 14, 15),
    ]
    assert _atoms(_region("规章1 0 11"), 0, 8) == [
        (TEXT, "规章", 0, 2),
        (NUM, "1", 2, 3),
        (NUM, "0", 4, 5),
        (NUM, "11", 6, 8),
    ]
    # a sign and thousands separators belong to the number; "1,23" is not one number; "/" alone is a blank cell
    assert _atoms(_region("本年增/减 -3 1,234 1,23 / 0"), 0, 23) == [
        (TEXT, "本年增/减", 0, 5),
        (NUM, "-3", 6, 8),
        (NUM, "1,234", 9, 14),
        (NUM, "1", 15, 16),
        (TEXT, ",", 16, 17),
        (NUM, "23", 17, 19),
        (BLANK, "/", 20, 21),
        (NUM, "0", 22, 23),
    ]
