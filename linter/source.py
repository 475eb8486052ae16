"""What a reader produces: the extracted text of one file and how to find its characters in the original.

Every later stage works in character offsets into ``Source.text``; the engine turns an offset into line:col (or
page, paragraph ...) through :meth:`Source.location` when it makes a diagnostic.  Lines and runs are indexed by
:mod:`nblint.spans`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .spans import LineIndex, Run, RunIndex, line_starts

__all__ = ["Location", "ReadError", "Run", "Source", "line_starts"]


class ReadError(Exception):
    """The file cannot be read as a report (becomes NB001 with this message)."""

    def __init__(self, reason: str, line: int = 1, col: int = 1):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.col = col


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
