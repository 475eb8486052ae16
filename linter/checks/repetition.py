"""Kind ``repetition``: a report that says again what another report said (雷同).

``share`` and ``tables`` need last year's report of the same agency (``--previous``, or the year pairs of
``nblint audit``) and are silent without it; ``other-unit`` is decided by ``nblint audit``, which alone sees the
reports of other units (nblint.app.copying).  Prose is compared after masking names and numbers, without the
national format's fixed wording (nblint.similarity).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import i18n, similarity
from ..model import Report
from ..ruleset import check_needs
from . import Finding

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "check": (str, True),
    "threshold": (float, False),
    "min-chars": (int, False),
    "min-run": (int, False),
    "quotes": (int, False),
    "quote-chars": (int, False),
    "tables": (list, False),
    "min-cells": (int, False),
    "common-units": (float, False),
    "min-common-units": (int, False),
    "max": (int, False),
}

_NEEDS = {
    "share": ("threshold", "min-chars"),
    "tables": ("tables", "min-cells"),
    "other-unit": ("threshold", "min-chars", "common-units", "min-common-units"),
}


def reads_previous(check: str, params: dict) -> bool:
    """``share`` and ``tables`` compare with last year's report; ``other-unit`` is the audit's."""
    return check in ("share", "tables")


def validate(params):
    problems = []
    for key in _NEEDS.get(params.get("check"), ()):
        if key not in params:
            problems.append(((key,), check_needs(params["check"], key)))
    for key in ("threshold", "common-units"):
        if key in params and not 0 <= params[key] <= 1:
            problems.append(((key,), i18n.t("rulefile.share", field=key)))
    return problems


def _quote(report: Report, span: tuple[int, int], limit: int) -> str:
    t = re.sub(r"\s++", "", report.text[span[0] : span[1]]).strip("。；;，,：:、")
    return t if len(t) <= limit else t[:limit] + "…"


def share(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB503: the share of this report's prose repeated (near-)verbatim from last year's report (names, numbers
    and the format's fixed wording masked; every run of shared shingles counts) is at least ``threshold``;
    reported at the first repeated part of at least ``min-run`` characters, quoting the ``quotes`` longest.  Reports with less than ``min-chars``
    characters of prose are not judged.  Silent without last year's report."""
    if ctx.previous is None:
        return
    p = rule.params
    r = similarity.repeated(report, ctx.previous, p.get("min-run", 0))
    if r.counted < p["min-chars"] or r.share < p["threshold"] or r.first is None:
        return
    quotes = [_quote(report, s, p.get("quote-chars", 24)) for s in r.parts[: p.get("quotes", 3)]]
    yield Finding(
        r.first[0],
        r.first[1],
        {
            "share": f"{r.share:.0%}",
            "repeated": r.repeated,
            "chars": r.counted,
            "quotes": "、".join(f"「{q}」" for q in quotes if q),
        },
        related=r.parts[1 : p.get("quotes", 3)],
    )


def tables(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB512: every non-zero cell of ``tables`` (at least ``min-cells`` of them) equals the same cell of last year's
    report (same official row and column); reported at the first table.  Silent without last year's report."""
    if ctx.previous is None:
        return
    p = rule.params
    ids = [t for t in p["tables"] if t in report.tables and t in ctx.previous.tables]
    if not ids:
        return
    same = 0
    for tid in ids:
        prev = {}
        for row in ctx.previous.tables[tid].rows:
            if row.id is not None:
                for c in row.cells:
                    if c.column is not None:
                        prev[(row.id, c.column)] = c.value
        for row in report.tables[tid].rows:
            if row.id is None:
                continue
            for c in row.cells:
                if c.kind != "number" or not c.value:
                    continue
                if c.column is None or prev.get((row.id, c.column)) != c.value:
                    return
                same += 1
    if same >= p["min-cells"]:
        first = report.tables[ids[0]]
        yield Finding(first.span[0], first.span[0], {"cells": same, "tables": "、".join(ids)})


def other_unit(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB511: at least ``threshold`` of this report's prose, or of another unit's report, is clauses the two share
    (names and numbers masked; clauses found in more than ``common-units`` of all units, and in at least
    ``min-common-units`` units, are the format's wording and ignored; at least ``min-chars`` shared characters; at
    most ``max`` findings a report).  Only reports known to be of different units are compared (both agencies
    known, not the same agency, not one territory's government, office and departments).
    ``nblint audit`` decides it (nblint.app.copying) and reports it on both reports, each naming the other; a
    single report has nothing to compare with."""
    yield from ()


CHECKS = {"share": share, "tables": tables, "other-unit": other_unit}
