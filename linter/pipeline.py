"""The one-way pipeline for one file: read → normalise → layout (grammar) → report facts → tables → report model."""

from __future__ import annotations

from . import layout, meta, tables
from .model import Report
from .normalize import normalize
from .source import Source


def parse_source(source: Source) -> Report:
    norm = normalize(source.text)
    report = Report(path=source.path, text=norm.text, source=source, norm=norm)
    layout.build(report)
    meta.find(report)
    tables.build(report)
    meta.follow_layout(report)
    return report


def parse_text(text: str, path: str = "<text>", kind: str = "text") -> Report:
    return parse_source(Source(path=path, text=text, kind=kind))
