"""Kind ``consistency``: what the prose says against what the tables say.

Claims and cells are data (rule parameters); ``scope`` is ``document`` or an official section id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Report
from . import Finding, era_value, fmt_num, joined, joined_to_canon, scope_span

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "check": (str, True),
    "scope": ((str, dict), False),
    "claims": (list, False),
    "patterns": (list, False),
    "cells": (list, False),
}


def validate(params):
    probs = []
    for c in params.get("claims") or []:
        if not isinstance(c, dict) or "pattern" not in c or "cells" not in c or "name" not in c:
            probs.append("each claim needs 'name', 'pattern' (with a group named n) and 'cells'")
            continue
        try:
            if "n" not in re.compile(c["pattern"]).groupindex:
                probs.append(f"claim pattern {c['pattern']!r} has no group named n")
        except re.error as e:
            probs.append(f"bad regular expression {c['pattern']!r}: {e}")
    return probs


def _cell(report, ref):
    tid, rid, cid = ref.split(":")
    table = report.tables.get(tid)
    if table is None:
        return None
    row = table.row(rid)
    if row is None or row.status != "ok":
        return None
    return row.cell(cid)


def _sum(report, refs):
    total = 0
    cells = []
    for ref in refs:
        c = _cell(report, ref)
        if c is None or c.kind == "invalid":
            return None, []
        total += c.value if c.kind == "number" else 0
        cells.append(c)
    return total, cells


def number_equals(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB501: each claim is a regular expression with a named group ``n`` (a number stated in the text of
    ``scope``) and ``cells``: one or more alternative sums of table cells (``table:row:column`` terms); the claim
    must equal one of them.  Both positions are given."""
    p = rule.params
    span = scope_span(report, era_value(p.get("scope", "document"), report))
    if span is None:
        return
    text, starts = joined(report, *span)
    for claim in p["claims"]:
        alts = claim["cells"]
        if alts and isinstance(alts[0], str):
            alts = [alts]
        sums = [_sum(report, refs) for refs in alts]
        if any(v is None for v, _ in sums) or not sums:
            continue
        for m in re.finditer(claim["pattern"], text):
            try:
                n = float(m.group("n"))
            except (TypeError, ValueError):
                continue
            if any(abs(n - v) < 1e-9 for v, _ in sums):
                continue
            v, cells = sums[0]
            s = joined_to_canon(starts, m.start("n"))
            e = joined_to_canon(starts, m.end("n") - 1) + 1
            yield Finding(
                s,
                e,
                {
                    "claim": claim["name"],
                    "text": m.group(),
                    "n": fmt_num(n),
                    "table_value": fmt_num(v),
                    "cells": claim.get("cells-name", ""),
                },
                related=[c.span for c in cells[:1]],
            )
            break  # the first statement of a claim is enough


def zero_when(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB405: when one of ``patterns`` occurs in ``scope`` (a statement that no fee was charged), the ``cells``
    must all be 0."""
    p = rule.params
    span = scope_span(report, era_value(p.get("scope", "document"), report))
    if span is None:
        return
    text, starts = joined(report, *span)
    rx = re.compile("|".join(f"(?:{q})" for q in p["patterns"]))
    m = rx.search(text)
    if not m:
        return
    for ref in p["cells"]:
        c = _cell(report, ref)
        if c is not None and c.kind == "number" and c.value:
            s = joined_to_canon(starts, m.start())
            yield Finding(
                c.span[0],
                c.span[1],
                {"statement": m.group(), "value": fmt_num(c.value)},
                related=[(s, s + len(m.group()))],
            )


CHECKS = {"number-equals": number_equals, "zero-when": zero_when}
