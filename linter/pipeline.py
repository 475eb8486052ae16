"""The one-way pipeline for one file: read → normalise → layout (grammar) → tables → report model."""

from __future__ import annotations

from . import layout, tables
from .model import Report
from .normalize import normalize
from .source import Source


def parse_source(source: Source) -> Report:
    norm = normalize(source.text)
    report = Report(path=source.path, text=norm.text, source=source, norm=norm)
    layout.build(report)
    layout.find_title(report)
    formats = layout.load_formats()
    # sections first matched with the 2021 titles (the same six in 2019), so the body year can come from 一
    layout.match_sections(report, formats["2021"])
    layout.find_meta(report)
    if report.era == "2008":
        layout.match_sections(report, formats["2008"])
    tables.build(report)
    if report.year == 2019 and not report.tables and _old_layout(report, formats["2008"]):
        # 2019 reports could still "参照" the new format: judge a report in the old layout by the 2008 items
        report.layout = "2008"
        layout.match_sections(report, formats["2008"])
    return report


def _old_layout(report: Report, fmt2008: dict) -> bool:
    """The report's headings follow the 2008 content items (grammar/formats/2008.yaml) more than 2019's."""
    from .normalize import normalize_label

    keys = [normalize_label(k) for s in fmt2008["sections"] for k in s["keys"]]
    hits = sum(1 for s in report.sections if any(k in s.title for k in keys))
    signals = [normalize_label(k) for k in fmt2008.get("layout-signals", [])]
    return hits >= 4 and any(any(k in s.title for k in signals) for s in report.sections)


def parse_text(text: str, path: str = "<text>", kind: str = "text") -> Report:
    return parse_source(Source(path=path, text=text, kind=kind))
