"""The closed set of check kinds.  Each module declares ``PARAMS`` (its YAML keys: name -> (type, required)),
optionally ``validate(params) -> [problems]``, and ``run(rule, report, ctx) -> Iterator[Finding]``.

Checks read the model only.  They yield findings in offsets of the normalised text; the engine turns them into
diagnostics (message template, severity, position in the original file, fix edits).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .. import formats
from ..model import Report


@dataclass
class Finding:
    start: int
    end: int
    values: dict = field(default_factory=dict)
    fix: list[tuple[int, int, str]] | None = None  # (start, end, replacement) in normalised offsets
    fix_description: str | None = None
    related: list[tuple[int, int, str]] = field(default_factory=list)


def fmt_num(v) -> str:
    if v is None:
        return "?"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:g}"
    return str(v)


def report_format(report: Report) -> dict:
    return formats.get(report.layout or report.era or formats.default_era())


def era_value(value, report: Report):
    """A parameter that may be given per era: {<era>: x, "default": y}."""
    if isinstance(value, dict):
        era = report.layout or report.era
        return value.get(era, value.get("default"))
    return value


def scope_span(report: Report, scope: str | None) -> tuple[int, int] | None:
    if scope in (None, "document"):
        return 0, len(report.text)
    sec = report.section(scope)
    if sec is None:
        return None
    return sec.span


def where_missing(report: Report, section_id: str | None) -> int:
    """Where a diagnostic about something missing from a section points: its heading; else the heading of the
    next official section present; else the report title."""
    if section_id and section_id != "document":
        sec = report.section(section_id)
        if sec is not None:
            return sec.heading.span[0]
        ids = [s["id"] for s in report_format(report)["sections"]]
        if section_id in ids:
            for later in ids[ids.index(section_id) + 1 :]:
                s = report.section(later)
                if s is not None:
                    return s.heading.span[0]
    return report.anchor()


def joined(report: Report, start: int, end: int) -> tuple[str, list[int]]:
    """The text of [start, end) with line breaks removed (PDF wrapping splits words), and for each character its
    offset in the normalised text."""
    key = ("joined", start, end)
    hit = report.cache.get(key)
    if hit is not None:
        return hit
    text = report.text
    parts = []
    starts = []  # run start in joined text, canonical offset
    jlen = 0
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        if stop > pos:
            starts.append((jlen, pos))
            parts.append(text[pos:stop])
            jlen += stop - pos
        pos = stop + 1
    out = ("".join(parts), starts)
    report.cache[key] = out
    return out


def joined_to_canon(starts: list, i: int) -> int:
    if not starts:
        return 0
    k = bisect_right(starts, i, key=lambda s: s[0]) - 1
    k = max(k, 0)
    return starts[k][1] + (i - starts[k][0])
