"""One problem type for every output: a diagnostic with a resolved position (1-based line/column in code points)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass
class Edit:
    """Replace ``source.text[start:end]`` (offsets in the reader's text) with ``text``."""

    start: int
    end: int
    text: str


@dataclass
class Fix:
    description: str
    edits: list[Edit]


@dataclass
class Diagnostic:
    path: str
    code: str
    name: str
    severity: str
    message: str
    line: int = 1
    col: int = 1
    end_line: int = 1
    end_col: int = 1
    offset: int = 0  # in the reader's text (Source.text)
    end_offset: int = 0
    extra: dict = field(default_factory=dict)  # page / block / related positions
    fix: Fix | None = None
    # a position a person can use in the original file: page (PDF), paragraph or table/row/cell (DOCX), and a
    # short quote of the text pointed at; see Source.where and where_text
    where: dict = field(default_factory=dict)

    def sort_key(self):
        return (self.path, self.line, self.col, self.code)

    def to_dict(self) -> dict:
        d = asdict(self)
        if self.fix is None:
            d.pop("fix")
        if not self.where:
            d.pop("where")
        return d

    def where_text(self, lang: str = "zh") -> str:
        """The human position as a phrase (see :func:`where_text`)."""
        return where_text(self.where, lang)


def place_text(where: dict, lang: str = "zh") -> str:
    """The page, paragraph or table cell of a ``where`` in words: 「第3页」, 「第12段」, 「第2个表格第9行第3格」
    (``page 3``, ``paragraph 12``, ``table 2, row 9, cell 3``); "" when it has none."""
    zh = lang != "en"
    place = _place(where, zh)
    if place and where.get("form"):
        place += f"，表{where['form']}" if zh else f", report table {where['form']}"
    return place


def _place(where: dict, zh: bool) -> str:
    if "page" in where:
        return f"第{where['page']}页" if zh else f"page {where['page']}"
    if "paragraph" in where:
        return f"文档第{where['paragraph']}段" if zh else f"paragraph {where['paragraph']}"
    if "table" in where:
        parts = [f"文档第{where['table']}个表格" if zh else f"table {where['table']}"]
        if "row" in where:
            parts.append(f"第{where['row']}行" if zh else f"row {where['row']}")
        if "cell" in where:
            parts.append(f"第{where['cell']}格" if zh else f"cell {where['cell']}")
        return "".join(parts) if zh else ", ".join(parts)
    return ""


def where_text(where: dict, lang: str = "zh") -> str:
    """The part a text line shows after the message: 「（第3页，原文：“2.其他法律行政止公开”）」 / `` (page 3, text:
    "…")``; "" when the diagnostic has no page, paragraph or table (line:col say it all for a text file)."""
    place = place_text(where, lang)
    if not place:
        return ""
    q = where.get("quote")
    if lang == "en":
        return f' ({place}, text: "{q}")' if q else f" ({place})"
    return f"（{place}，原文：“{q}”）" if q else f"（{place}）"


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic]
    meta: dict = field(default_factory=dict)  # era, year, year_source, agency, kind ...
    source_text: str | None = None
    encoding: str = "utf-8"  # of the file, for --fix
    kind: str = "text"  # the reader's kind: text | markdown | html | docx | pdf
    report: Any = field(default=None, repr=False, compare=False)  # the model (None: unreadable), for front ends
    only: frozenset | None = None  # the rules whose diagnostics these are (Engine.lint_source's ``only``; None: all)
