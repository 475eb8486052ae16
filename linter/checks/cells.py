"""Kind ``cells``: what each table cell holds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import i18n
from ..model import Cell, Report, Row
from ..ruleset import check_needs, shape_problems
from ..tables import table_specs
from . import Finding, fmt_num

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "check": (str, True),
    "tables": (list, False),
    "cells": (list, False),
    "unit-pattern": (str, False),
    "group-rows": (int, False),
}


def validate(params):
    shapes = {"tables": [str], "cells": [str]}
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if probs:
        return probs
    for i, ref in enumerate(params.get("cells") or []):
        if len(ref.split(":")) != 3 or not all(ref.split(":")):
            probs.append((("cells", i), i18n.t("rulefile.cell", ref=repr(ref))))
    if params["check"] == "zero" and not params.get("cells"):
        probs.append(((), check_needs("zero", what=i18n.t("rulefile.cells-ref"))))
    if params["check"] == "unit" and not params.get("unit-pattern"):
        probs.append(((), check_needs("unit", "unit-pattern")))
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


def _rows(rule: Rule, report: Report) -> Iterator[tuple[str, Row, dict, dict]]:
    """The readable rows of the rule's tables (default: all), with the columns by id and official labels by id."""
    for tid in rule.params.get("tables") or list(report.tables):
        table = report.tables.get(tid)
        if table is None:
            continue
        spec, cols = _columns(table)
        labels = {r.id: r.label for r in spec.rows}
        for row in table.rows:
            if row.status not in ("unparseable", "extra"):
                yield tid, row, cols, labels


def _cells(rule: Rule, report: Report) -> Iterator[tuple[Cell, dict, dict]]:
    """Every cell of an official column, with its column and what to call its place in a message."""
    for tid, row, cols, labels in _rows(rule, report):
        for cell in row.cells:
            col = cols.get(cell.column or "")
            if col is not None:
                where = {"table": tid, "row": labels.get(row.id, row.label), "column": col["label"], "raw": cell.raw}
                yield cell, col, where


def blank(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB207: blank, "/", "—", "-" or "无" instead of a number (counted as 0 by the arithmetic); one finding per
    row, naming its blank columns.  When at least ``group-rows`` rows of a table have blanks (one habit, such as
    leaving every 法人 column empty), one finding for the table names the rows and the columns, at its first blank
    cell, the other rows' first blanks as related positions."""
    group = rule.params.get("group-rows")
    by_table: dict[str, list[tuple[Row, list[Cell], dict, dict]]] = {}
    for tid, row, cols, labels in _rows(rule, report):
        blanks = [c for c in row.cells if c.kind == "blank" and (c.column or "") in cols]
        if blanks:
            by_table.setdefault(tid, []).append((row, blanks, cols, labels))
    for tid, rows in by_table.items():
        if group and len(rows) >= group:
            yield _blank_rows(tid, rows)
            continue
        for row, blanks, cols, labels in rows:
            yield _blank_row(tid, row, blanks, cols, labels)


def _blank_rows(tid: str, rows: list[tuple[Row, list[Cell], dict, dict]]) -> Finding:
    """One finding for the blank cells of many rows of a table: the rows (first and last), the columns."""
    cols = rows[0][2]
    blank_ids = {c.column or "" for _, blanks, _, _ in rows for c in blanks}
    columns = {cid: col["label"] for cid, col in cols.items() if cid in blank_ids}  # in the table's column order
    (r0, b0, _, labels0), (r1, _, _, labels1) = rows[0], rows[-1]
    values = {
        "variant": "rows",
        "table": tid,
        "rows": len(rows),
        "count": sum(len(b) for _, b, _, _ in rows),
        "first": labels0.get(r0.id, r0.label),
        "last": labels1.get(r1.id, r1.label),
        "columns": "、".join(columns.values()),
        "row": labels0.get(r0.id, r0.label),
        "column": columns[b0[0].column or ""],
        "raw": b0[0].raw,
    }
    related = [b[0].span for _, b, _, _ in rows[1:]]
    return Finding(b0[0].span[0], b0[-1].span[1], values, related=related)


def number(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB208: not a non-negative integer, except where the column type allows: ``delta`` may be negative,
    ``amount`` may have decimals."""
    for cell, col, where in _cells(rule, report):
        if cell.kind == "blank":
            continue
        v = cell.value
        typ = col.get("type", "count")
        if v is None:
            bad = True
        elif typ == "count":
            bad = v < 0 or (isinstance(v, float) and not v.is_integer()) or "." in cell.raw
        elif typ == "amount":
            bad = v < 0
        elif typ == "delta":
            bad = isinstance(v, float) and not v.is_integer()
        else:
            bad = False
        if bad:
            yield Finding(*cell.span, dict(where, type=typ))


def unit(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB209: an amount column whose format prescribes a unit (``unit`` of the column: 万元) written in another
    (``unit-pattern`` right after the number); a column without a prescribed unit (2019's 采购总金额) is not judged."""
    for cell, col, where in _cells(rule, report):
        if col.get("type") == "amount" and col.get("unit") and cell.kind == "number":
            after = report.text[cell.span[1] : cell.span[1] + 4]
            if re.match(rule.params["unit-pattern"], after):
                yield Finding(cell.span[0], cell.span[1] + 1, where)


def zero(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB505: the listed ``cells`` (table:row:column) must be 0 for the agency kinds of the rule (e.g. 规章 for a
    township)."""
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


CHECKS = {"blank": blank, "number": number, "unit": unit, "zero": zero}


def _blank_row(tid, row, blanks, cols, labels) -> Finding:
    """Blank cells of one row: one finding for the row (at its first blank cell), naming the columns."""
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
    return Finding(first.span[0], blanks[-1].span[1], where)
