"""The layout parse: Lark gets one token per run of lines that the grammar takes whole, and builds the same
sections and blocks as with one token per line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nblint import layout
from nblint.layout import LineTok

TYPES = ["H1", "H2", "H3", "TEXT", "PIPE", "NUMS", "LNUMS", "TLABEL", "FURN", "BLANK"]


def _structure(types: list[str]) -> list:
    """(node, heading line, [(block kind, span, heading level), ...]) of the layout parse of lines of the given
    types: :func:`layout.runs`, Lark, :func:`layout._blocks`."""
    toks = [LineTok(t, i, i + 1) for i, t in enumerate(types)]
    text = "x" * len(types)
    run_types, spans = layout.runs(toks)
    tree = layout.parser().parse(run_types)
    out = []
    for node in tree.children:
        children = node.children if node.data == "preamble" else node.children[1:]
        head = None if node.data == "preamble" else spans[int(node.children[0].value)][0].start
        blocks = layout._blocks(text, children, spans)
        out.append((node.data, head, [(b.kind, b.span, b.heading and b.heading.level) for b in blocks]))
    return out


_TABLE_LINE = {"PIPE", "NUMS", "LNUMS", "TLABEL"}


def _expected(types: list[str]) -> list:
    """The layout language, written out line by line (what grammar/layout.lark means): a first-level heading opens
    a section (what comes before it is the preamble); a paragraph is a longest run of TEXT lines, a table block a
    longest run of table lines; a blank line makes no block and ends a run; H2 and H3 lines are headings, FURN lines
    furniture."""
    out: list = [("preamble", None, [])]
    i = 0
    while i < len(types):
        t = types[i]
        if t == "H1":
            out.append(("section", i, []))
            i += 1
            continue
        blocks = out[-1][2]
        j = i + 1
        if t == "TEXT" or t in _TABLE_LINE:
            same = {"TEXT"} if t == "TEXT" else _TABLE_LINE
            while j < len(types) and types[j] in same:
                j += 1
            blocks.append(("paragraph" if t == "TEXT" else "table", (i, j), None))
        elif t in ("H2", "H3"):
            blocks.append(("heading", (i, j), 2 if t == "H2" else 3))
        elif t == "FURN":
            blocks.append(("furniture", (i, j), None))
        i = j
    return out


def test_runs_are_one_token_each():
    types = ["H1", "TEXT", "TEXT", "BLANK", "BLANK", "TEXT", "PIPE", "NUMS", "TLABEL", "FURN", "FURN", "H2", "TEXT"]
    toks = [LineTok(t, i, i + 1) for i, t in enumerate(types)]
    run_types, spans = layout.runs(toks)
    assert run_types == ["H1", "TEXT", "TEXT", "PIPE", "FURN", "FURN", "H2", "TEXT"]  # no token for blank lines
    assert [(a.start, b.end) for a, b in spans][:4] == [(0, 1), (1, 3), (5, 6), (6, 9)]
    assert _structure(types) == _expected(types)
    # two paragraphs, not one: the blank lines between them end the first
    assert [b[0] for b in _structure(types)[1][2]][:2] == ["paragraph", "paragraph"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TYPES), max_size=60))
def test_the_parse_of_runs_is_the_layout_language(types):
    assert _structure(types) == _expected(types)
