"""Kind ``consistency``: what the prose says against what the tables say.

check ``number-equals`` (NB501): each claim is a regular expression with a named group ``n`` (a number stated
in the text of ``scope``) and ``cells``: one or more alternative sums of table cells (``table:row:column`` terms);
the claim must equal one of them.  Both positions are given.
check ``zero-when`` (NB405): when one of ``patterns`` occurs in ``scope``, the ``cells`` must all be 0.
"""

from __future__ import annotations

import re

from . import Finding, era_value, fmt_num, joined, scope_span

CHECKS = ("number-equals", "zero-when")
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


def run(rule, report, ctx):
    p = rule.params
    span = scope_span(report, era_value(p.get("scope", "document"), report))
    if span is None:
        return
    j = joined(report, *span)
    text = j.text
    if p["check"] == "number-equals":
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
                yield Finding(
                    *j.span(m, "n"),
                    {
                        "claim": claim["name"],
                        "text": m.group(),
                        "n": fmt_num(n),
                        "table_value": fmt_num(v),
                        "cells": claim.get("cells-name", ""),
                    },
                    related=[(c.span[0], c.span[1], "表格数值") for c in cells[:1]],
                )
                break  # the first statement of a claim is enough
    else:
        rx = re.compile("|".join(f"(?:{q})" for q in p["patterns"]))
        m = rx.search(text)
        if not m:
            return
        for ref in p["cells"]:
            c = _cell(report, ref)
            if c is not None and c.kind == "number" and c.value:
                yield Finding(
                    *c.span,
                    {"statement": m.group(), "value": fmt_num(c.value)},
                    related=[(*j.span(m), "收费说明")],
                )
