"""What a reader produces: the extracted text of one file and how to find its characters in the original.

Every later stage works in character offsets into ``Source.text``; only formatters turn an offset into
line:col (or page, paragraph ...) through :meth:`Source.location`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


class ReadError(Exception):
    """The file cannot be read as a report (becomes NB001 with this message)."""

    def __init__(self, reason: str, line: int = 1, col: int = 1):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.col = col


def line_starts(text: str) -> list[int]:
    """Offset of the first character of every line of ``text`` (lines end with "\\n")."""
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


@dataclass(frozen=True)
class Location:
    """A position for people: 1-based line and column (in code points), plus format-specific context."""

    line: int
    col: int
    page: int | None = None
    block: str | None = None  # e.g. "paragraph 12", "table 2 row 3" for DOCX

    def extra(self) -> dict:
        out = {}
        if self.page is not None:
            out["page"] = self.page
        if self.block is not None:
            out["block"] = self.block
        return out


@dataclass(frozen=True)
class Run:
    """From ``start`` (offset in Source.text) on, text characters continue the original at line:col."""

    start: int
    line: int
    col: int


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
    encoding: str = "utf-8"  # of a text file, so that --fix writes it back as it was
    # PDF: one entry per character of ``text``: (page, x0, top, x1, bottom) of the glyph it was read from, in PDF
    # points from the page's top-left corner (pdfplumber's convention), or None for what the reader inserted
    # (line breaks, " | " between table cells, spaces between words).  None for other formats.
    char_boxes: list[tuple[int, float, float, float, float] | None] | None = field(default=None, repr=False)
    _line_starts: list[int] | None = field(default=None, repr=False)
    _run_starts: list[int] | None = field(default=None, repr=False)

    @property
    def editable(self) -> bool:
        """Whether fixes may be written back into the file (text shapes only)."""
        return self.kind in ("text", "markdown")

    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = line_starts(self.text)
        return self._line_starts

    def text_line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset`` within ``text``."""
        offset = max(0, min(offset, len(self.text)))
        starts = self.line_starts()
        i = bisect_right(starts, offset) - 1
        return i + 1, offset - starts[i] + 1

    def location(self, offset: int) -> Location:
        line, col = self.text_line_col(offset)
        info = self.line_info.get(line, {})
        if self.runs:
            if self._run_starts is None:
                self._run_starts = [r.start for r in self.runs]
            k = bisect_right(self._run_starts, offset) - 1
            if k >= 0:
                r = self.runs[k]
                return Location(r.line, r.col + (offset - r.start), info.get("page"), info.get("block"))
        return Location(line, col, info.get("page"), info.get("block"))

    def offset_of(self, line: int, col: int) -> int:
        """Inverse of :meth:`text_line_col` (for fixes and LSP edits on text sources)."""
        starts = self.line_starts()
        line = max(1, min(line, len(starts)))
        return min(starts[line - 1] + col - 1, len(self.text))
