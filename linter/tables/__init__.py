"""Table assembly: find tables 二 / 三 / 四 in their sections and fill the official grid.

Real tables arrive in many text shapes (pipe rows, a label line then a line of numbers, label and numbers on one
line, whole tables on one line with the cells run together).  What they share is the *official label sequence*,
so rows are found by their labels, in order, used as anchors: the numbers between one row label and the next
belong to the first.  Labels may be interrupted by spaces and line breaks (PDF wrapping), carry their official
numbering (``2.``) glued to the previous row's digits, and be followed by notes.

Digits written without separators are split only when that is unambiguous (as many digits as cells); otherwise
the row is recorded as ``unparseable`` and no rule guesses its values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import budget, formats
from ..model import Report, Table
from .anchors import align_rows, extend_back, out_of_order, scattered
from .cells import Atom, Region, atoms, fill_cells
from .rows import assemble_unlabelled, assign_numbers
from .spec import RowSpec, TableSpec, core, table_specs

if TYPE_CHECKING:
    from ..pipeline import Memo

__all__ = ["build", "assemble", "choose_format", "core", "table_specs", "atoms", "fill_cells", "Atom", "Region"]


def assemble(report: Report, table_id: str, spec: TableSpec, region: Region, section) -> Table | None:
    R = region.text
    table = Table(table_id, spec.format, region.span(0, 0), section)
    ns = region.ns
    for name, sig in spec.signals:
        hit = ns.find(sig) if isinstance(sig, str) else (lambda m: m.span() if m else None)(sig.search(R))
        if hit:
            table.signals.append((name, region.span(*hit)))
    # header labels (captions, column labels): found anywhere in the region
    for part in spec.parts:
        for lab, key in part.header_keys:
            if lab in table.headers_found:  # a label repeated over columns ("结果维持"): found the first time
                continue
            hit = ns.find(key[: max(2, min(len(key), 3))]) if key else None
            if hit:
                table.headers_found.setdefault(lab, region.span(*hit))
            elif key and "|" not in R and scattered(key, ns.text):
                # a header that PDF extraction printed one character group per line ("结 果 / 维持")
                table.headers_found.setdefault(lab, region.span(0, 0))
    # anchors: the official rows in order, at the positions that let most of them be found in sequence
    keyed = [r for r in spec.rows if r.keys is not None]
    chosen = align_rows(keyed, R, ns)
    out_of_order(keyed, chosen, R, ns)
    found: list[tuple[RowSpec, tuple[int, int]]] = []
    prev_end = 0
    for r in sorted((r for r in keyed if r.id in chosen), key=lambda r: chosen[r.id].start):
        m = chosen[r.id]
        found.append((r, extend_back(R, m, r.norm_label, prev_end)))
        prev_end = m.end
    table.missing.extend(r.id for r in keyed if r.id not in chosen and not r.group)
    unkeyed = [r for r in spec.rows if r.keys is None]
    if not found and not unkeyed:
        return None
    assign_numbers(table, spec, found, R, region)
    for r in unkeyed:
        assemble_unlabelled(table, r, spec, region)
    if not _looks_like_table(report, table, spec):
        return None
    first = min(r.span[0] for r in table.rows)
    last = max([r.span[1] for r in table.rows] + [c.span[1] for r in table.rows for c in r.cells])
    table.span = (first, last)
    return table


def _looks_like_table(report: Report, table: Table, spec: TableSpec) -> bool:
    """Enough official rows with values that this is a table, not a few label words met in prose."""
    data_rows = [r for r in spec.rows if not r.group]
    found = [r for r in table.rows if r.id is not None and r.status not in ("extra", "group-with-numbers")]
    if not found:
        return False
    if any(r.keys is None for r in data_rows):  # table 四: one unlabelled row, found after its headers
        return len(table.headers_found) >= 3
    need = 2 if len(data_rows) <= 8 else max(3, len(data_rows) // 4)
    if len(found) < need and len(found) >= 2:
        # a copy that ends inside the table (web excerpts) keeps only its first rows
        end = max(c.span[1] for r in found for c in r.cells) if any(r.cells for r in found) else 0
        return report.ends_after(end)
    return len(found) >= need


def _skips(sec) -> list[tuple[int, int]]:
    return [b.span for b in sec.blocks if b.kind == "furniture"]


def choose_format(report: Report, table_id: str, region: Region) -> str | None:
    """The format whose distinctive labels the table uses (ties go to the report's own era)."""
    candidates = formats.table_eras(report.era)
    best = (candidates[0], -1)
    for fid in candidates:
        spec = table_specs(fid).get(table_id)
        if spec is None:
            continue
        ns = region.ns.text
        score = sum(1 for _, sig in spec.signals if (sig in ns if isinstance(sig, str) else sig.search(region.text)))
        if score > best[1]:
            best = (fid, score)
    return best[0]


def build(report: Report, memo: Memo | None = None) -> None:
    """Find and assemble tables 二, 三, 四 (report.tables).  Reports of an era without fixed tables have none.
    With a ``memo``, a region's whitespace-free text is taken from the parse before when the region is unchanged."""
    if report.era is not None and not formats.has_tables(report.era):
        return
    ids = list(table_specs(formats.table_era(report.era)).keys())
    secs = {t: report.section(t) for t in ids}
    for tid in ids:
        budget.check()
        sec = secs[tid]
        if sec is not None:
            start, end, skip = sec.body[0], sec.body[1], _skips(sec)
        elif any(s.official for s in report.sections):
            continue  # the section itself is missing (NB101 says so); its table is not searched elsewhere
        else:
            # no recognisable section at all (headings lost in a copy): search the whole text
            start, end, skip = (
                0,
                len(report.text),
                [b.span for s in report.sections for b in s.blocks if b.kind == "furniture"],
            )
        # one region for the format's choice and the assembly
        region = Region(report, start, end, skip, memo.no_space if memo is not None else None)
        fid = choose_format(report, tid, region)
        spec = table_specs(fid)[tid]
        table = assemble(report, tid, spec, region, sec)
        if table is not None:
            report.tables[tid] = table
