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

    def sort_key(self):
        return (self.path, self.line, self.col, self.code)

    def to_dict(self) -> dict:
        d = asdict(self)
        if self.fix is None:
            d.pop("fix")
        return d


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic]
    meta: dict = field(default_factory=dict)  # era, year, year_source, agency, kind ...
    source_text: str | None = None
    encoding: str = "utf-8"  # of the file, for --fix
    kind: str = "text"  # the reader's kind: text | markdown | html | docx | pdf
    report: Any = field(default=None, repr=False, compare=False)  # the model (None: unreadable), for front ends
