"""The one-way pipeline for one file: read → normalise → layout (grammar) → report facts → tables → report model."""

from __future__ import annotations

from . import layout, meta, tables
from .model import Report
from .normalize import normalize
from .source import Source


class Memo:
    """What one parse leaves for the next parse of an edited copy of the same document (the language server
    re-parses after every keystroke): the normalisation of each line, the classified tokens of each line, the
    layout trees of the last token sequences and the whitespace-free texts of the last table regions.  Each is
    keyed by the text (or token types) it was computed from, so a hit gives exactly what computing would; each is
    bounded (cleared when it outgrows ``max_entries``, or only the last few kept)."""

    def __init__(self, max_entries: int = 200_000):
        self.max_entries = max_entries
        self.norm_lines: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        self.t2s_lines: dict[str, str] = {}
        self.line_tokens: dict[str, list] = {}
        self.trees: dict[tuple[str, ...], object] = {}
        self.no_space: dict[str, object] = {}  # region text -> tables.anchors.NoSpace

    def trim(self) -> None:
        for cache in (self.norm_lines, self.t2s_lines, self.line_tokens):
            if len(cache) > self.max_entries:
                cache.clear()
        while len(self.trees) > 4:
            del self.trees[next(iter(self.trees))]
        while len(self.no_space) > 8:  # three tables a parse: the last parses' regions
            del self.no_space[next(iter(self.no_space))]


def parse_source(source: Source, memo: Memo | None = None) -> Report:
    norm = normalize(source.text, memo)
    report = Report(path=source.path, text=norm.text, source=source, norm=norm)
    layout.build(report, memo)
    meta.find(report)
    tables.build(report, memo)
    meta.follow_layout(report)
    if memo is not None:
        memo.trim()
    return report


def parse_text(text: str, path: str = "<text>", kind: str = "text", memo: Memo | None = None) -> Report:
    return parse_source(Source(path=path, text=text, kind=kind), memo)
