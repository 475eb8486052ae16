"""The document model: report → sections → blocks; tables → rows → cells.  Every node has a span.

Spans are ``(start, end)`` character offsets into the *normalised* text (``Report.text``); ``Report.location``
maps them back to the original file through the normaliser's offset map and the reader's source map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass
class Heading:
    level: int  # 1: 一、  2: (一)  3: 1.
    num: str
    title: str  # the heading's text after its number
    span: Span
    text: str  # the whole heading line


@dataclass
class Block:
    kind: str  # paragraph | table | heading | furniture
    span: Span
    heading: Heading | None = None


@dataclass
class Section:
    heading: Heading
    span: Span  # heading start to the next first-level heading
    body: Span  # after the heading line
    blocks: list[Block] = field(default_factory=list)
    official: str | None = None  # id of the official section it was matched to (一 … 六), if any

    @property
    def number(self) -> str:
        return self.heading.num

    @property
    def title(self) -> str:
        return self.heading.title


@dataclass
class Cell:
    raw: str
    value: float | int | None
    span: Span
    kind: str  # number | blank | invalid
    column: str | None = None  # official column id


@dataclass
class Row:
    id: str | None  # official row id (None for rows not in the format)
    label: str  # the report's own label text
    span: Span  # the label's span
    cells: list[Cell] = field(default_factory=list)
    status: str = "ok"  # ok | unparseable | wrong-count | group-with-numbers
    expected: int = 0  # official number of cells
    part: int = 0  # index of the format part (sub-table) it belongs to
    label_wrapped: bool = False  # the label text ends at a line break: its rest may follow the numbers

    def cell(self, column: str) -> Cell | None:
        for c in self.cells:
            if c.column == column:
                return c
        return None


@dataclass
class Table:
    id: str  # 二 | 三 | 四
    format: str  # id of the format whose labels it was matched with ("2021" / "2019")
    span: Span
    section: Section | None
    rows: list[Row] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # official row ids not found
    headers_found: dict[str, Span] = field(default_factory=dict)  # column/caption label -> span
    signals: list[tuple[str, Span]] = field(default_factory=list)  # format-distinctive labels found

    def row(self, rid: str) -> Row | None:
        for r in self.rows:
            if r.id == rid:
                return r
        return None


Date = tuple[int, int, int]  # year, month, day


@dataclass
class Period:
    """The statistics-period statement ("统计期限为2024年1月1日至2024年12月31日"); parts not written are None."""

    span: Span
    text: str
    year_span: Span | None  # where its (first) year is written
    dated: bool  # False for a statement that gives only the year ("统计期限为2024年度")
    start: tuple[int | None, int | None, int | None]  # year, month, day
    end: tuple[int | None, int | None, int | None]


# Where a publication date comes from, most trusted first: a crawl's manifest, the portal page (an HTML <meta>, a
# 发布日期/发布时间 field, a crawler's header line), the report itself (成文日期, the date under the signature).
PUBLISHED_ORIGINS = ("manifest", "page", "report")


@dataclass(frozen=True)
class Published:
    """A publication date and where it was read; ``span`` is where it is written in the text (for a manifest date
    or a page's <meta>, the report's anchor: nothing in the text shows it)."""

    date: Date
    span: Span
    origin: str  # one of PUBLISHED_ORIGINS


@dataclass
class Report:
    path: str
    text: str  # normalised text
    source: Any  # nblint.source.Source
    norm: Any  # nblint.normalize.Normalized
    title: Heading | None = None
    agency: str | None = None
    agency_kind: str | None = None  # government | township | subdistrict | department
    agency_source: str | None = None  # where the agency was read: title | header | statement | manifest
    level: str | None = None  # administrative level when a manifest gives it (province, city, county, township …)
    year: int | None = None
    year_source: str | None = None  # title | statistics-period | body
    year_span: Span | None = None
    era: str | None = None  # "2021" | "2019" | "2008": the format the report is judged by
    layout: str | None = None  # the format its layout follows, when that differs (a 2019 report in the 2008 layout)
    period: Period | None = None  # the statistics-period statement
    empty_period: Span | None = None  # a statistics-period statement without its dates (when there is no period)
    published: list[Published] = field(default_factory=list)  # publication dates, most trusted origin first
    recognisable: bool = True  # the text shows itself an annual report (a title, a known section, a statement)
    truncated: Span | None = None  # (tail, end): the text was cut off at end; content ending at/after tail is its last
    head_missing: bool = False  # the copy opens at a section heading, without the report's title or preamble
    preamble: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    cache: dict = field(default_factory=dict, repr=False)  # derived views shared by rules (see checks.joined)

    def meta(self) -> dict:
        """What the report is (for JSON output, parse output and audits)."""
        return {
            "title": self.title.text if self.title else None,
            "agency": self.agency,
            "agency_kind": self.agency_kind,
            "agency_source": self.agency_source,
            "level": self.level,
            "year": self.year,
            "year_source": self.year_source,
            "era": self.era,
            "layout": self.layout,
            "published": self._published_meta(),
            "tables": {t: tb.format for t, tb in self.tables.items()},
        }

    def publication(self) -> Published | None:
        """The publication date evaluators use: the first date of the most trusted origin that falls after the
        report year (a date inside the report year is when it was written, not when it was published)."""
        for p in self.published:
            if self.year is None or p.date[0] > self.year:
                return p
        return None

    def _published_meta(self) -> dict | None:
        p = self.publication()
        if p is None:
            return None
        y, m, d = p.date
        return {"date": f"{y:04d}-{m:02d}-{d:02d}", "origin": p.origin}

    # -- positions -------------------------------------------------------------------------------------------
    def location(self, offset: int):
        return self.source.location(self.norm.map.to_outer(offset))

    def source_span(self, span: Span) -> Span:
        return self.norm.map.span_to_outer(*span)

    # -- navigation ------------------------------------------------------------------------------------------
    def section(self, official: str) -> Section | None:
        for s in self.sections:
            if s.official == official:
                return s
        return None

    def ends_after(self, offset: int) -> bool:
        """Whether the text was cut off right after ``offset`` (the judgement is made once, at parse time)."""
        return self.truncated is not None and offset >= self.truncated[0]

    def cut_within(self, span: Span) -> bool:
        """Whether the text was cut off inside ``span`` (or before its end): whatever ``span`` should hold may have
        been in the part the copy lost, so no rule asserts it absent there."""
        return self.truncated is not None and span[1] >= self.truncated[1]

    def anchor(self) -> int:
        """Where a diagnostic about the whole report points: the title, else the first heading, else 0."""
        if self.title:
            return self.title.span[0]
        if self.sections:
            return self.sections[0].heading.span[0]
        return 0
