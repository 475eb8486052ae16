"""Kind ``consistency``: what the prose says against what the tables say.

Claims and cells are data (rule parameters); ``scope`` is ``document`` or an official section id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import i18n, scan
from ..model import Report
from ..ruleset import check_needs, shape_problems
from ..spans import Joined
from . import Finding, fmt_num, scope_joined

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
        "claims": [
            {
                "name": str,
                "pattern": str,
                "cells?": [(str, [str])],
                "cells-name?": str,
                "expect?": str,
                "at-most?": str,
                "unless?": str,
            }
        ],
        "patterns": [str],
        "cells": [str],
    }
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if probs:
        return probs
    if params["check"] == "number-equals" and not params.get("claims"):
        probs.append(((), check_needs("number-equals", "claims")))
    if params["check"] == "zero-when" and not (params.get("patterns") and params.get("cells")):
        probs.append(((), check_needs("zero-when", "patterns", "cells")))
    refs = [(("cells", i), r) for i, r in enumerate(params.get("cells") or [])]
    for i, c in enumerate(params.get("claims") or []):
        expect = c.get("expect", "equal")
        if expect not in EXPECTS:
            probs.append(
                (("claims", i, "expect"), i18n.t("rulefile.one-of", field="expect", choices=", ".join(EXPECTS)))
            )
            continue
        if expect == "text":
            if not c.get("at-most"):
                probs.append((("claims", i), i18n.t("rulefile.claim-at-most")))
            continue
        if "cells" not in c:
            probs.append((("claims", i), i18n.t("rulefile.claim-cells")))
            continue
        cl = c["cells"]
        # one sum (a list of cells) or alternative sums (a list of lists)
        if any(isinstance(x, list) for x in cl):
            if not all(isinstance(x, list) for x in cl):
                probs.append((("claims", i, "cells"), i18n.t("rulefile.claim-cells-shape")))
                continue
            refs += [(("claims", i, "cells", j, k), r) for j, alt in enumerate(cl) for k, r in enumerate(alt)]
        else:
            refs += [(("claims", i, "cells", k), r) for k, r in enumerate(cl)]
        try:
            if expect == "equal" and "n" not in re.compile(c["pattern"]).groupindex:
                probs.append(
                    (
                        ("claims", i, "pattern"),
                        i18n.t(
                            "rulefile.no-group",
                            what=i18n.t("rulefile.what.claim-pattern"),
                            pattern=repr(c["pattern"]),
                            group="n",
                        ),
                    )
                )
        except re.error:
            pass  # reported with the other regular expressions
    for path, r in refs:
        if len(r.split(":")) != 3 or not all(r.split(":")):
            probs.append((path, i18n.t("rulefile.cell", ref=repr(r))))
    return probs


EXPECTS = ("equal", "zero", "text")


def regexes(params):
    for i, c in enumerate(params.get("claims") or []):
        yield ("claims", i, "pattern"), c["pattern"]
        if c.get("unless"):
            yield ("claims", i, "unless"), c["unless"]
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


def _value(report, ref):
    """A cell's value (a blank counts as 0, as everywhere); a blank 总计 is the sum of its row's filled cells (a
    report that leaves the total column blank still states the parts); None when unknown."""
    c = _cell(report, ref)
    if c is None or c.kind == "invalid":
        return None, None
    if c.kind == "number":
        return c.value, c
    tid, rid, cid = ref.split(":")
    if cid == "总计":
        row = report.tables[tid].row(rid)
        others = [x for x in row.cells if x is not c]
        if others and any(x.kind == "number" for x in others) and all(x.kind != "invalid" for x in others):
            return sum(x.value for x in others if x.kind == "number"), c
    return 0, c


def _sum(report, refs):
    total = 0
    cells = []
    for ref in refs:
        v, c = _value(report, ref)
        if v is None:
            return None, []
        total += v
        cells.append(c)
    return total, cells


def _sentence(text: str, m: re.Match) -> str:
    """A claim's context: its sentence up to the end of the clause the claim ends in (what follows in the next
    clauses, 「,其中自然人20件」, is about something else)."""
    a = text.rfind("。", 0, m.start()) + 1
    ends = [i for i in (text.find(c, m.end()) for c in ",;。") if i >= 0]
    return text[a : min(ends) if ends else len(text)]


def number_equals(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB501: each claim is a regular expression with a named group ``n`` (a number stated in the text of
    ``scope``) and ``cells``: one or more alternative sums of table cells (``table:row:column`` terms); the claim
    must equal one of them (a blank 总计 counts as the sum of its row).  ``expect: zero``: a statement (「均获维持」,
    「未收到…申请」) that the cells must all be 0.  ``expect: text``: two numbers of one sentence, ``n`` not above
    the group named by ``at-most`` (办结 more than 受理).  ``unless``: a wording of the claim's sentence (up to the end of its
    clause) that makes it count something else (代表区政府受理: an office's own cases), skipped.  Both positions are given."""
    p = rule.params
    j = scope_joined(rule, report)
    if j is None:
        return
    text = j.text
    for claim in p["claims"]:
        expect = claim.get("expect", "equal")
        unless = re.compile(claim["unless"]) if claim.get("unless") else None
        if expect == "text":
            yield from _text_claim(claim, j, unless)
            continue
        alts = claim["cells"]
        if alts and isinstance(alts[0], str):
            alts = [alts]
        sums = None  # the table's sums, read at the claim's first statement (most claims are not stated)
        for m in scan.finditer(re.compile(claim["pattern"]), text):
            if unless is not None and unless.search(_sentence(text, m)):
                continue  # the sentence counts something else (an office's own cases, a part)
            if sums is None:
                sums = [_sum(report, refs) for refs in alts]
            if any(v is None for v, _ in sums) or not sums:
                break  # a cell of the claim is not in the table: nothing to compare
            if expect == "zero":
                v, cells = sums[0]
                if v:
                    nonzero = [c for c in cells if c is not None and c.kind == "number" and c.value] or cells
                    yield Finding(
                        *j.span(m),
                        {
                            "variant": "zero",
                            "claim": claim["name"],
                            "text": m.group(),
                            "n": "0",
                            "table_value": fmt_num(v),
                            "cells": claim.get("cells-name", ""),
                        },
                        related=[c.span for c in nonzero[:1]],
                    )
                break
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


def _text_claim(claim: dict, j: Joined, unless: re.Pattern | None) -> Iterator[Finding]:
    """Two numbers of one sentence: group ``n`` may not exceed the group named by ``at-most``."""
    limit = claim["at-most"]
    for m in scan.finditer(re.compile(claim["pattern"]), j.text):
        if unless is not None and unless.search(_sentence(j.text, m)):
            continue
        try:
            n, cap = float(m.group("n")), float(m.group(limit))
        except (TypeError, ValueError, IndexError):
            continue
        if n > cap:
            yield Finding(
                *j.span(m, "n"),
                {
                    "variant": "text",
                    "claim": claim["name"],
                    "text": m.group(),
                    "n": fmt_num(n),
                    "table_value": fmt_num(cap),
                    "cells": claim.get("cells-name", ""),
                },
                related=[j.span(m, limit)],
            )
            break


def zero_when(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB405: when one of ``patterns`` occurs in ``scope`` (a statement that no fee was charged), the ``cells``
    must all be 0."""
    p = rule.params
    j = scope_joined(rule, report)
    if j is None:
        return
    text = j.text
    rx = re.compile("|".join(f"(?:{q})" for q in p["patterns"]))
    m = scan.search(rx, text)  # tried only at the statements' first words (7 times faster on a portal page)
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
