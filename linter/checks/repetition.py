"""Kind ``repetition``: text copied from last year's report (雷同).

Needs the previous year's report (``--previous``).  Each paragraph of ``scope`` with at least ``min-chars``
characters whose text, with years and digits masked, is at least ``threshold`` similar to a paragraph of last
year's report is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Report
from . import Finding, era_value, scope_span

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "scope": ((str, dict), False),
    "threshold": (float, True),
    "min-chars": (int, True),
}


def validate(params):
    if not 0 <= params["threshold"] <= 1:
        return [(("threshold",), "threshold is a similarity ratio between 0 and 1")]
    return []


_MASK = re.compile(r"\d+")


def _paragraphs(report, span):
    """The prose paragraphs of the span: sentences (with a full stop), not table headers that PDF extraction
    left as text lines (those repeat every year by design)."""
    text = report.text
    out = []
    for sec in report.sections:
        if not (span[0] <= sec.span[0] < span[1] or sec.span[0] <= span[0] < sec.span[1]):
            continue
        for b in sec.blocks:
            if b.kind == "paragraph" and span[0] <= b.span[0] < span[1]:
                t = text[b.span[0] : b.span[1]]
                if "。" in t:
                    out.append((b.span, t))
    return out


def copied(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB503: a paragraph of ``scope`` at least ``threshold`` similar to one of last year's report (years and
    digits masked); silent without ``--previous``."""
    if ctx.previous is None:
        return
    p = rule.params
    span = scope_span(report, era_value(p.get("scope", "document"), report))
    if span is None:
        return
    prev_span = scope_span(ctx.previous, era_value(p.get("scope", "document"), ctx.previous)) or (
        0,
        len(ctx.previous.text),
    )
    prev = [_MASK.sub("#", re.sub(r"\s+", "", t)) for _, t in _paragraphs(ctx.previous, prev_span)]
    prev = [t for t in prev if len(t) >= p["min-chars"]]
    if not prev:
        return
    exact = set(prev)
    # similarity = 2·LCS / (len a + len b), the value difflib's ratio approximates, computed by rapidfuzz in
    # linear time (bit-parallel LCS) instead of difflib's quadratic, greedy longest-match search; the cutoff lets it
    # stop early on pairs that cannot reach the threshold (the length bound first)
    from rapidfuzz.distance import Indel  # imported when last year's report is there (not at every start)

    threshold = p["threshold"]
    for pspan, t in _paragraphs(report, span):
        norm = _MASK.sub("#", re.sub(r"\s+", "", t))
        if len(norm) < p["min-chars"]:
            continue
        best = 1.0 if norm in exact else 0.0
        if best < 1.0:
            for q in prev:
                best = max(best, Indel.normalized_similarity(norm, q, score_cutoff=threshold))
                if best >= threshold:
                    break
        if best >= threshold:
            yield Finding(pspan[0], pspan[1], {"ratio": f"{best:.0%}"})


CHECKS = {"copied": copied}
