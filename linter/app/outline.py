"""What the parser understood, for people (``nblint parse``) and machines (``--json``)."""

from __future__ import annotations

from ..model import Report


def _pos(report: Report, offset: int) -> str:
    loc = report.location(offset)
    extra = f" p{loc.page}" if loc.page else ""
    return f"{loc.line}:{loc.col}{extra}"


def outline(report: Report) -> str:
    out = [f"{report.path}"]
    t = report.title
    out.append(f"  title    {_pos(report, t.span[0]) if t else '-'}  {t.text if t else '(none)'}")
    out.append(f"  agency   {report.agency or '(unknown)'}  kind={report.agency_kind or '?'}")
    ys = f" at {_pos(report, report.year_span[0])}" if report.year_span else ""
    out.append(
        f"  year     {report.year or '?'} (from {report.year_source or '-'}{ys})  era={report.era or '?'}"
        + (f"  layout={report.layout}" if report.layout else "")
    )
    for s in report.sections:
        off = f" = {s.official}" if s.official else ""
        out.append(f"  section  {_pos(report, s.heading.span[0])}  {s.heading.text[:40]}{off}")
        for b in s.blocks:
            if b.kind == "heading" and b.heading and b.heading.level == 2:
                out.append(f"    sub    {_pos(report, b.span[0])}  {b.heading.text[:40]}")
    for tid, tb in report.tables.items():
        ncells = sum(len(r.cells) for r in tb.rows if r.id is not None and r.status != "extra")
        out.append(
            f"  table {tid}  {_pos(report, tb.span[0])}  format={tb.format}  rows={sum(1 for r in tb.rows if r.id)}  cells={ncells}"
            + (f"  missing={','.join(tb.missing)}" if tb.missing else "")
        )
        for r in tb.rows:
            status = "" if r.status == "ok" else f"  [{r.status}]"
            vals = " ".join(c.raw if c.kind != "blank" else "_" for c in r.cells)
            out.append(f"    {_pos(report, r.span[0]):>9}  {(r.id or '+'):<8} {r.label[:24]:<24} {vals}{status}")
    return "\n".join(out) + "\n"


def to_json(report: Report) -> dict:
    def loc(o):
        lo = report.location(o)
        d = {"line": lo.line, "col": lo.col}
        d.update(lo.extra())
        return d

    return {
        "path": report.path,
        **report.meta(),
        "title": {"text": report.title.text, **loc(report.title.span[0])} if report.title else None,
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "official": s.official,
                **loc(s.heading.span[0]),
                "blocks": [{"kind": b.kind, **loc(b.span[0])} for b in s.blocks if b.kind != "furniture"],
            }
            for s in report.sections
        ],
        "tables": {
            tid: {
                "format": tb.format,
                **loc(tb.span[0]),
                "missing": tb.missing,
                "rows": [
                    {
                        "id": r.id,
                        "label": r.label,
                        "status": r.status,
                        **loc(r.span[0]),
                        "cells": [
                            {"raw": c.raw, "value": c.value, "kind": c.kind, "column": c.column, **loc(c.span[0])}
                            for c in r.cells
                        ],
                    }
                    for r in tb.rows
                ],
            }
            for tid, tb in report.tables.items()
        },
    }
