"""Kind ``cells``: what each table cell holds.

checks: ``blank`` (NB207: blank, "/", "—", "-", "无" instead of a number; counted as 0 by the arithmetic; one
finding per row, naming its blank columns),
``number`` (NB208: not a non-negative integer, except where the column type allows: ``delta`` may be negative,
``amount`` may have decimals), ``unit`` (NB209: an amount column written in 元 rather than 万元, per
``unit-pattern`` found right after the number), ``zero`` (NB505: listed cells must be 0 for the agency kinds of the
rule, e.g. 规章 for a township).
"""

from __future__ import annotations

import re

from ..ruleset import shape_problems
from ..tables import table_specs
from . import Finding, fmt_num

PARAMS = {
    "check": (str, True),
    "tables": (list, False),
    "cells": (list, False),
    "unit-pattern": (str, False),
}
CHECKS = ("blank", "number", "unit", "zero")


def validate(params):
    shapes = {"tables": [str], "cells": [str]}
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if probs:
        return probs
    for i, ref in enumerate(params.get("cells") or []):
        if len(ref.split(":")) != 3 or not all(ref.split(":")):
            probs.append((("cells", i), f"cell {ref!r} must be table:row:column"))
    if params["check"] == "zero" and not params.get("cells"):
        probs.append(((), "check 'zero' needs 'cells' (table:row:column)"))
    if params["check"] == "unit" and not params.get("unit-pattern"):
        probs.append(((), "check 'unit' needs 'unit-pattern'"))
    return probs


def regexes(params):
    if params.get("unit-pattern"):
        yield ("unit-pattern",), params["unit-pattern"]


def _columns(table):
    spec = table_specs(table.format)[table.id]
    out = {}
    for part in spec.parts:
        for c in part.columns:
            out[c["id"]] = c
    return spec, out


def run(rule, report, ctx):
    p = rule.params
    check = p["check"]
    if check == "zero":
        yield from _zero(rule, report)
        return
    for tid in p.get("tables") or list(report.tables):
        table = report.tables.get(tid)
        if table is None:
            continue
        spec, cols = _columns(table)
        labels = {r.id: r.label for r in spec.rows}
        for row in table.rows:
            if row.status in ("unparseable", "extra"):
                continue
            if check == "blank":
                yield from _blanks(tid, row, cols, labels)
                continue
            for cell in row.cells:
                col = cols.get(cell.column or "")
                if col is None:
                    continue
                where = {"table": tid, "row": labels.get(row.id, row.label), "column": col["label"], "raw": cell.raw}
                if check == "number" and cell.kind != "blank":
                    v = cell.value
                    typ = col.get("type", "count")
                    bad = v is None
                    if not bad and typ == "count":
                        bad = v < 0 or (isinstance(v, float) and not v.is_integer()) or "." in cell.raw
                    elif not bad and typ == "amount":
                        bad = v < 0
                    elif not bad and typ == "delta":
                        bad = isinstance(v, float) and not v.is_integer()
                    if bad:
                        yield Finding(*cell.span, dict(where, type=typ))
                elif check == "unit" and col.get("type") == "amount" and cell.kind == "number":
                    after = report.text[cell.span[1] : cell.span[1] + 4]
                    if re.match(p["unit-pattern"], after):
                        yield Finding(cell.span[0], cell.span[1] + 1, where)


def _blanks(tid, row, cols, labels):
    """Blank cells of one row: one finding for the row (at its first blank cell), naming the columns."""
    blanks = [c for c in row.cells if c.kind == "blank" and (c.column or "") in cols]
    if not blanks:
        return
    first = blanks[0]
    where = {
        "table": tid,
        "row": labels.get(row.id, row.label),
        "column": cols[first.column]["label"],
        "raw": first.raw,
        "count": len(blanks),
        "columns": "、".join(cols[c.column]["label"] for c in blanks),
    }
    if len(blanks) > 1:
        where["variant"] = "many"
    else:
        where["variant"] = "marker" if first.raw else "empty"
    yield Finding(first.span[0], blanks[-1].span[1], where)


def _zero(rule, report):
    for ref in rule.params["cells"]:
        tid, rid, cid = ref.split(":")
        table = report.tables.get(tid)
        if table is None:
            continue
        row = table.row(rid)
        if row is None or row.status != "ok":
            continue
        cell = row.cell(cid)
        if cell is not None and cell.value:
            yield Finding(
                *cell.span,
                {
                    "table": tid,
                    "row": row.label,
                    "column": cid,
                    "value": fmt_num(cell.value),
                    "agency": report.agency or "",
                    "kind": report.agency_kind or "",
                },
            )
