"""Kind ``table``: the three fixed tables against the official grid of the format they use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import formats, i18n
from ..model import Report, Row, Table
from ..ruleset import check_needs, shape_problems
from ..tables import core, table_specs
from ..tables.spec import RowSpec, TableSpec
from . import Finding, grouped

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "check": (str, True),
    "tables": (list, False),
    "group": (str, False),
    "exclude-tags": (list, False),
    "header-tables": (list, False),  # columns: the tables whose column headers are checked (default: all)
    "group-rows": (int, False),  # extra-rows, unparseable: this many rows of a table are one finding
}


def validate(params):
    shapes = {"tables": [str], "exclude-tags": [str], "header-tables": [str]}
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if params["check"] == "group-complete" and not params.get("group"):
        probs.append(((), check_needs("group-complete", what=i18n.t("rulefile.group-tag"))))
    return probs


def _spec(table: Table) -> TableSpec:
    return table_specs(table.format)[table.id]


def _era_format(report: Report) -> str | None:
    return report.layout or report.era


def _tids(rule: Rule, report: Report) -> list[str]:
    """The tables a rule looks at: its ``tables``, or every table of the report's format."""
    return rule.params.get("tables") or list(table_specs(formats.table_era(_era_format(report))))


def _tables(rule: Rule, report: Report) -> Iterator[tuple[str, Table, TableSpec, dict[str, RowSpec]]]:
    """The tables of the rule that the report holds, with their official grid and rows by id."""
    for tid in _tids(rule, report):
        table = report.tables.get(tid)
        if table is not None:
            spec = _spec(table)
            yield tid, table, spec, {r.id: r for r in spec.rows}


def _official_rows(table: Table, rows_by_id: dict[str, RowSpec]) -> Iterator[tuple[Row, RowSpec]]:
    """Rows matched to an official row (not extras), with their official row."""
    for row in table.rows:
        if row.id is not None and row.status != "extra":
            yield row, rows_by_id[row.id]


def present(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB201: the table's section exists but holds no table text (unless the text was cut off inside the section:
    the table may be in the part the copy lost)."""
    for tid in _tids(rule, report):
        sec = report.section(tid)
        if sec is not None and report.tables.get(tid) is None and not report.cut_within(sec.span):
            yield Finding(*sec.heading.span, {"table": tid, "section": sec.heading.text})


def rows(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB202: an official row is missing (rows tagged with ``exclude-tags`` are left to NB206), reported where it
    should be.  When the text was cut off right after the table's last row, the rows after it are missing as one
    block (variant ``truncated``)."""
    excl = set(rule.params.get("exclude-tags") or [])
    for tid, table, spec, rows_by_id in _tables(rule, report):
        anchor = _anchor_for_missing(table)
        cut = _cut_off(report, table, spec)
        # rows after the point where the text ends are missing as one block, whatever group they are in
        tail = [rid for rid in table.missing if cut and _after(spec, rid, cut[0])]
        missing = [rid for rid in table.missing if not (excl & set(rows_by_id[rid].tags))]
        for rid in missing:
            if rid in tail:
                continue
            r = rows_by_id[rid]
            pos = _next_row_pos(table, spec, rid) or anchor
            yield Finding(pos, pos, {"table": tid, "row": r.label})
        if tail and cut:
            last_id, end = cut
            yield Finding(
                end,
                end,
                {
                    "variant": "truncated",
                    "table": tid,
                    "last": rows_by_id[last_id].label,
                    "count": len(tail),
                    "row": rows_by_id[tail[0]].label,
                },
            )


def group_complete(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB206: rows of the tag ``group`` missing (one finding naming them all; rows after a cut-off are not)."""
    for tid, table, spec, _ in _tables(rule, report):
        members = [r for r in spec.rows if rule.params["group"] in r.tags]
        if not members:
            continue
        cut = _cut_off(report, table, spec)
        missing = [r for r in members if r.id in table.missing and not (cut and _after(spec, r.id, cut[0]))]
        if missing:
            pos = _next_row_pos(table, spec, missing[0].id) or _anchor_for_missing(table)
            yield Finding(
                pos,
                pos,
                {
                    "table": tid,
                    "missing": "、".join(r.label for r in missing),
                    "count": len(members) - len(missing),
                    "total": len(members),
                },
            )


def columns(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB203: a row with the wrong number of cells (variant ``count``), or a column header absent from a table of
    ``header-tables`` (variant ``header``, once per label).  Nothing is reported of a row the text was cut off in,
    nor of the headers of a table the text was cut off in (its other parts may be in the part the copy lost)."""
    header_tables = rule.params.get("header-tables")
    for tid, table, spec, rows_by_id in _tables(rule, report):
        for row in table.rows:
            if row.status == "wrong-count" and row.id is not None:
                r = rows_by_id[row.id]
                n = len(row.cells)
                span = (row.span[0], row.cells[-1].span[1]) if row.cells else row.span
                if report.cut_within(span):
                    continue
                yield Finding(
                    *span,
                    {
                        "variant": "count",
                        "table": tid,
                        "row": r.label,
                        "found": n,
                        "expected": row.expected,
                        "columns": "、".join(c["label"] for c in r.columns),
                    },
                )
        if header_tables is not None and tid not in header_tables or report.cut_within(table.span):
            continue
        reported = set()
        for part in spec.parts:
            for col in part.columns:
                if col["label"] not in table.headers_found and col["label"] not in reported:
                    reported.add(col["label"])
                    pos = table.span[0]
                    yield Finding(pos, pos, {"variant": "header", "table": tid, "column": col["label"]})


def labels(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB204: a row label with other words than the official one (numbering, notes and punctuation aside); a
    label cut by line wrapping is not a different label.  Fixable."""
    for tid, table, _, rows_by_id in _tables(rule, report):
        for row, r in _official_rows(table, rows_by_id):
            have, want = core(row.label), core(r.norm_label)
            # a label cut by line wrapping (PDF: the rest follows after the numbers) is not a different label
            wrapped = row.label_wrapped and len(have) >= 4 and want.startswith(have)
            if row.label and have != want and not wrapped:
                yield Finding(
                    *row.span,
                    {"table": tid, "label": row.label, "official": r.label},
                    fix=[(row.span[0], row.span[1], r.label)],
                )


def label_width(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB212: a row label with the official words but other punctuation as written in the source (half-width
    brackets, 1、 for 1., quotes).  Fixable."""
    for tid, table, _, rows_by_id in _tables(rule, report):
        for row, r in _official_rows(table, rows_by_id):
            a, b = report.source_span(row.span)
            written = report.source.text[a:b]
            if "\n" in written or written == r.label or core(row.label) != core(r.norm_label):
                continue
            if written.replace(" ", "") == r.label:
                continue
            yield Finding(
                *row.span,
                {"table": tid, "label": written, "official": r.label},
                fix=[(row.span[0], row.span[1], r.label)],
            )


def extra_rows(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB210: a row that is not in the official grid, or a group label holding numbers that are not the sum of
    its group (an added subtotal is tolerated).  When at least ``group-rows`` rows of a table are (a table pasted
    twice, a block of rows of one's own), one finding for the table names the first and last."""
    for tid, table, spec, _ in _tables(rule, report):
        found = []
        for row in table.rows:
            if row.status == "extra" or (
                row.status == "group-with-numbers" and _subtotal(table, spec, row) is not True
            ):
                values = " ".join(c.raw for c in row.cells)
                variant = "default" if row.label or row.status != "extra" else "unlabelled"
                # a row without a label is named by its numbers
                name = row.label or f"（{values}）"
                found.append(Finding(*row.span, {"table": tid, "label": name, "variant": variant, "values": values}))
        yield from grouped(found, rule.params.get("group-rows"), "label")


def unparseable(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB211: digits run together so that the row's cells cannot be told apart.  When at least ``group-rows`` rows
    of a table are (a copy that lost the table's cell borders), one finding for the table names the first and last,
    the others as related positions."""
    group = rule.params.get("group-rows")
    for tid, table, _, rows_by_id in _tables(rule, report):
        found = []
        for row in table.rows:
            if row.status == "unparseable":
                label = rows_by_id[row.id].label if row.id in rows_by_id else row.label
                raw = " ".join(c.raw for c in row.cells)
                span = (row.cells[0].span[0], row.cells[-1].span[1]) if row.cells else row.span
                found.append(Finding(*span, {"table": tid, "row": label, "raw": raw, "expected": row.expected}))
        yield from grouped(found, group, "row")


def format_(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB205: tables written in another era's format: one diagnostic per report, at the first distinctive label
    found."""
    tids = _tids(rule, report)
    era = _era_format(report)
    if era is None or not formats.has_tables(era):
        return
    first = None
    for tid in tids:
        table = report.tables.get(tid)
        if table is None or table.format == era:
            continue
        for name, span in table.signals:
            if first is None or span[0] < first[1][0]:
                first = (name, span, table.format)
    if first:
        name, span, used = first
        yield Finding(
            *span,
            {
                "label": name,
                "used": formats.get(used)["name"],
                "required": formats.get(era)["name"],
                "year": report.year,
            },
        )


def _cut_off(report, table, spec):
    """(last row id, end offset) when the text ends right after the table's last row found, or later in the table's
    section: a copy cut short (web excerpts), so the rows after it are missing from the text as one block, not one
    by one."""
    rows = [r for r in table.rows if r.id is not None and r.status != "extra"]
    if not rows:
        return None
    order = [r.id for r in spec.rows]
    last = max(rows, key=lambda r: order.index(r.id))
    end = max([last.span[1]] + [c.span[1] for c in last.cells])
    if report.ends_after(end):
        return last.id, end
    if table.section is not None and report.cut_within(table.section.span) and report.truncated is not None:
        # the text stops later in the table's section (inside the next part's header): still cut after this row
        return last.id, report.truncated[1]
    return None


def _after(spec, rid, last_id):
    order = [r.id for r in spec.rows]
    return order.index(rid) > order.index(last_id)


def _anchor_for_missing(table):
    if table.rows:
        return min(r.span[0] for r in table.rows)
    return table.span[0]


def _next_row_pos(table, spec, rid):
    """Where a missing row should have been: the next official row that is present."""
    ids = [r.id for r in spec.rows]
    present = {r.id: r for r in table.rows if r.id}
    for later in ids[ids.index(rid) + 1 :]:
        if later in present:
            return present[later].span[0]
    return None


def _subtotal(table, spec, row):
    """A group label with numbers: True when they equal the sum of the group's rows (an added subtotal)."""
    ids = [r.id for r in spec.rows]
    i = ids.index(row.id)
    members = []
    for r in spec.rows[i + 1 :]:
        if r.group or not r.id.startswith(row.id):
            break
        members.append(table.row(r.id))
    if not members or any(m is None or m.status != "ok" for m in members):
        return None
    for k, cell in enumerate(row.cells):
        total = sum((m.cells[k].value or 0) for m in members if k < len(m.cells))
        if cell.value is None or abs(cell.value - total) > 1e-9:
            return False
    return True


CHECKS = {
    "present": present,
    "rows": rows,
    "columns": columns,
    "labels": labels,
    "label-width": label_width,
    "format": format_,
    "group-complete": group_complete,
    "extra-rows": extra_rows,
    "unparseable": unparseable,
}
