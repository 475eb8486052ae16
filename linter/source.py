"""What a reader produces: the extracted text of one file and how to find its characters in the original.

Every later stage works in character offsets into ``Source.text``; the engine turns an offset into line:col (or
page, paragraph ...) through :meth:`Source.location` when it makes a diagnostic.  Lines and runs are indexed by
:mod:`nblint.spans`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from .i18n import Msg
from .spans import LineIndex, Run, RunIndex, line_starts

__all__ = ["Location", "ReadError", "Run", "Source", "line_starts"]


class ReadError(Exception):
    """The file cannot be read as a report (becomes NB001 with this message).

    ``message`` is an interface string of :mod:`nblint.i18n` (``Msg("read.pdf-no-text")``), rendered in the
    reader's language by :meth:`text`; a plain string is shown as it is.  ``reason`` is the English text (logs,
    the fuzzer)."""

    def __init__(self, message: str | Msg, line: int = 1, col: int = 1):
        super().__init__(str(message))
        self.message = message
        self.reason = str(message)
        self.line = line
        self.col = col

    def text(self, lang: str | None = None) -> str:
        """The reason in ``lang`` (default: the interface language)."""
        return self.message.render(lang) if isinstance(self.message, Msg) else self.message


@dataclass(frozen=True)
class Location:
    """A position for people: 1-based line and column (in code points), plus format-specific context."""

    line: int
    col: int
    page: int | None = None
    block: str | None = None  # e.g. "paragraph 12", "table 2 row 3" for DOCX

    def extra(self) -> dict:
        out: dict[str, int | str] = {}
        if self.page is not None:
            out["page"] = self.page
        if self.block is not None:
            out["block"] = self.block
        return out


@dataclass
class Source:
    """The text of one report as extracted by a reader.

    ``runs``: when the extracted text is not the file itself (HTML), a sorted list of runs mapping text offsets to
    line:col in the original file.  Without runs, line:col are counted in ``text`` itself (plain text, and the
    extracted text of DOCX/PDF, which ``nblint extract`` prints with line numbers).
    ``line_info``: optional per-text-line context (page number of a PDF line, paragraph/table of a DOCX line).
    """

    path: str
    text: str
    kind: str = "text"  # text | markdown | html | docx | pdf
    runs: list[Run] | None = None
    line_info: dict[int, dict] = field(default_factory=dict)  # 1-based text line -> {"page": 3} / {"block": ...}
    original: str | None = None  # the decoded file when it differs from ``text`` (HTML): suppression comments
    # what is known about the document besides its text: "published" (a date string) and "published-origin"
    # (model.PUBLISHED_ORIGINS) from a page's <meta> or a crawl's manifest, "agency" from a manifest
    meta: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"  # of a text file, so that --fix writes it back as it was
    # PDF: one entry per character of ``text``: (page, x0, top, x1, bottom) of the glyph it was read from, in PDF
    # points from the page's top-left corner (pdfplumber's convention), or None for what the reader inserted
    # (line breaks, " | " between table cells, spaces between words).  None for other formats.
    char_boxes: list[tuple[int, float, float, float, float] | None] | None = field(default=None, repr=False)
    # DOCX: for a table row read as one pipe line, the 0-based column in that line where each of its grid cells
    # starts (text line -> starts), so that a position knows its cell.  Empty for other formats.
    cells: dict[int, list[int]] = field(default_factory=dict, repr=False)

    @property
    def editable(self) -> bool:
        """Whether fixes may be written back into the file (text shapes only)."""
        return self.kind in ("text", "markdown")

    @cached_property
    def lines(self) -> LineIndex:
        """Line index of ``text``: the lines diagnostics count when there are no runs."""
        return LineIndex(self.text)

    @cached_property
    def _runs(self) -> RunIndex | None:
        return RunIndex(self.runs) if self.runs else None

    def location(self, offset: int) -> Location:
        line, col = self.lines.line_col(offset)
        info = self.line_info.get(line, {})
        if self._runs is not None:
            at = self._runs.line_col(offset)
            if at is not None:
                return Location(at[0], at[1], info.get("page"), info.get("block"))
        return Location(line, col, info.get("page"), info.get("block"))

    def where(self, start: int, end: int) -> dict:
        """Where a span ``[start, end)`` of ``text`` is for a person looking at the original file: the PDF page, the
        DOCX paragraph or table / row / cell (1-based, as the reader counted them), and a short quote of the text
        (the span itself, or the rest of its line when the span is a point).  Read from the reader's own positions
        (``line_info``, ``cells``), never by searching the text."""
        line, col = self.lines.line_col(start)
        info = self.line_info.get(line, {})
        out = place_of(info.get("page"), info.get("block"))
        if "row" in out:
            starts = self.cells.get(line)
            if starts:
                out["cell"] = max(1, bisect_right(starts, col - 1))
        line_start, line_end = self.lines.line_span(line)
        q = quote(self.text, start, end, line_end)
        if q and len(q) < 4 and start > line_start and " | " in self.text[line_start:line_end]:
            # a number in a table row ("0") says nothing on its own: name the row by its first cell
            first = self.text[line_start:line_end].split(" | ", 1)[0]
            head = quote(first, 0, len(first), limit=12)
            if any(ch.isalpha() for ch in head) and first != self.text[line_start:start]:
                q = f"{head} … {q}"
        if q:
            out["quote"] = q
        return out


# the DOCX reader's block names: "paragraph 12", "table 2 row 3", "table 2" (inside a cell), "chunk 1"
_BLOCK = re.compile(r"(?P<kind>paragraph|table|chunk) (?P<n>[0-9]++)(?: row (?P<row>[0-9]++))?")


def place_of(page: int | None, block: str | None) -> dict[str, int | str]:
    """A reader's page and block name as the ``where`` of a position: ``page``, ``paragraph``, or ``table`` and
    ``row`` (1-based, as the reader counted them)."""
    out: dict[str, int | str] = {}
    if page is not None:
        out["page"] = page
    m = _BLOCK.fullmatch(block or "")
    if m:
        n = int(m.group("n"))
        if m.group("kind") == "paragraph":
            out["paragraph"] = n
        elif m.group("kind") == "table":
            out["table"] = n
            if m.group("row"):
                out["row"] = int(m.group("row"))
    return out


QUOTE_CHARS = 24


def quote(text: str, start: int, end: int, line_end: int | None = None, limit: int = QUOTE_CHARS) -> str:
    """A short quote of ``text[start:end]`` for people: on one line, blanks squeezed, at most ``limit`` characters
    (an ellipsis marks a cut).  A point (an empty span: where something missing belongs) quotes what follows it on
    its line."""
    if end <= start:
        end = line_end if line_end is not None else text.find("\n", start)
        if end < 0:
            end = len(text)
    piece = text[start : min(end, start + limit * 4)]
    piece = " ".join(piece.replace("|", " ").split())
    if len(piece) > limit:
        piece = piece[: limit - 1].rstrip() + "…"
    return piece
