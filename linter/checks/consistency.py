"""Kind ``consistency``: what the prose says against what the tables say.

Claims and cells are data (rule parameters); ``scope`` is ``document`` or an official section id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Report
from ..ruleset import shape_problems
from . import Finding, era_value, fmt_num, joined, scope_span

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
    shapes = {
        "claims": [{"name": str, "pattern": str, "cells": [(str, [str])], "cells-name?": str}],
        "patterns": [str],
        "cells": [str],
    }
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if probs:
        return probs
    if params["check"] == "number-equals" and not params.get("claims"):
        probs.append(((), "check 'number-equals' needs 'claims'"))
    if params["check"] == "zero-when" and not (params.get("patterns") and params.get("cells")):
        probs.append(((), "check 'zero-when' needs 'patterns' and 'cells'"))
    refs = [(("cells", i), r) for i, r in enumerate(params.get("cells") or [])]
    for i, c in enumerate(params.get("claims") or []):
        cl = c["cells"]
        # one sum (a list of cells) or alternative sums (a list of lists)
        if any(isinstance(x, list) for x in cl):
            if not all(isinstance(x, list) for x in cl):
                probs.append((("claims", i, "cells"), "cells must be a list of cells or a list of lists of cells"))
                continue
            refs += [(("claims", i, "cells", j, k), r) for j, alt in enumerate(cl) for k, r in enumerate(alt)]
        else:
            refs += [(("claims", i, "cells", k), r) for k, r in enumerate(cl)]
        try:
            if "n" not in re.compile(c["pattern"]).groupindex:
                probs.append((("claims", i, "pattern"), f"claim pattern {c['pattern']!r} has no group named n"))
        except re.error:
            pass  # reported with the other regular expressions
    for path, r in refs:
        if len(r.split(":")) != 3 or not all(r.split(":")):
            probs.append((path, f"cell {r!r} must be table:row:column"))
    return probs


def regexes(params):
    for i, c in enumerate(params.get("claims") or []):
        yield ("claims", i, "pattern"), c["pattern"]
    for i, p in enumerate(params.get("patterns") or []):
        yield ("patterns", i), p


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
    j = joined(report, *span)
    text = j.text
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
    j = joined(report, *span)
    text = j.text
    rx = re.compile("|".join(f"(?:{q})" for q in p["patterns"]))
    m = rx.search(text)
    if not m:
        return
    for ref in p["cells"]:
        c = _cell(report, ref)
        if c is not None and c.kind == "number" and c.value:
            yield Finding(
                c.span[0],
                c.span[1],
                {"statement": m.group(), "value": fmt_num(c.value)},
                related=[j.span(m)],
            )


CHECKS = {"number-equals": number_equals, "zero-when": zero_when}
