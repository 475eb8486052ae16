"""The layout parse: Lark gets one token per run of lines that the grammar takes whole, and builds the same
sections and blocks as with one token per line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nblint import layout
from nblint.layout import LineTok

TYPES = ["H1", "H2", "H3", "TEXT", "PIPE", "NUMS", "LNUMS", "TLABEL", "FURN", "BLANK"]


def _structure(types: list[str], per_line: bool) -> list:
    """(node, [(block kind, first line, last line), ...]) of the parse of lines of the given types."""
    toks = [LineTok(t, i, i + 1) for i, t in enumerate(types)]
    text = "x" * len(types)
    if per_line:
        tree = layout.parser().parse(types)
        spans = [(t, t) for t in toks]
    else:
        run_types, spans = layout.runs(toks)
        tree = layout.parser().parse(run_types)
    out = []
    for node in tree.children:
        children = node.children if node.data == "preamble" else node.children[1:]
        head = None if node.data == "preamble" else spans[int(node.children[0].value)][0].start
        blocks = layout._blocks(text, children, spans)
        out.append((node.data, head, [(b.kind, b.span, b.heading and b.heading.level) for b in blocks]))
    return out


def test_runs_are_one_token_each():
    types = ["H1", "TEXT", "TEXT", "BLANK", "BLANK", "TEXT", "PIPE", "NUMS", "TLABEL", "FURN", "FURN", "H2", "TEXT"]
    toks = [LineTok(t, i, i + 1) for i, t in enumerate(types)]
    run_types, spans = layout.runs(toks)
    assert run_types == ["H1", "TEXT", "BLANK", "TEXT", "PIPE", "FURN", "FURN", "H2", "TEXT"]
    assert [(a.start, b.end) for a, b in spans][:5] == [(0, 1), (1, 3), (3, 5), (5, 6), (6, 9)]
    assert _structure(types, per_line=False) == _structure(types, per_line=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TYPES), max_size=60))
def test_a_token_per_run_parses_as_a_token_per_line(types):
    assert _structure(types, per_line=False) == _structure(types, per_line=True)
