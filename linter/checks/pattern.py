"""Kind ``pattern``: wording required in (or forbidden from) a section or the whole report.

``mode`` names the check (``required`` or ``forbidden``).
``scope``: ``document`` or an official section id; may be given per era ({<era>: 六, default: document}).
Patterns are Python regular expressions over the normalised text with line breaks removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from ..model import Report
from . import Finding, era_value, joined, joined_to_canon, scope_span, where_missing

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

SELECT = "mode"
PARAMS = {
    "mode": (str, True),
    "scope": ((str, dict), False),
    "patterns": (list, False),
    "topics": (list, False),
    "min-length": (int, False),
    "max": (int, False),
}


def validate(params):
    probs = []
    if not params.get("patterns") and not params.get("topics"):
        probs.append("give 'patterns' or 'topics'")
    for p in list(params.get("patterns") or []) + [
        q for t in params.get("topics") or [] for q in t.get("patterns", [])
    ]:
        try:
            re.compile(p)
        except re.error as e:
            probs.append(f"bad regular expression {p!r}: {e}")
    for t in params.get("topics") or []:
        if not isinstance(t, dict) or "name" not in t or "patterns" not in t:
            probs.append("each topic needs 'name' and 'patterns'")
    return probs


@cache
def _rx(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def forbidden(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """Each match of ``patterns`` in ``scope`` is reported (at most ``max``)."""
    p = rule.params
    span = scope_span(report, era_value(p.get("scope", "document"), report))
    if span is None:
        return
    text, starts = joined(report, *span)
    n = 0
    for m in _rx(tuple(p["patterns"])).finditer(text):
        s = joined_to_canon(starts, m.start())
        yield Finding(s, joined_to_canon(starts, m.end() - 1) + 1, {"match": m.group()})
        n += 1
        if p.get("max") and n >= p["max"]:
            break


def required(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """One of ``patterns`` must occur in ``scope`` (or, with ``topics``, each topic's patterns: one finding names
    all the topics not covered); ``min-length`` also requires that many characters of text in the scope.  A
    missing statement is reported at the scope's heading (or where the section should be); nothing is reported
    when the section itself is missing (NB101 says so)."""
    p = rule.params
    scope = era_value(p.get("scope", "document"), report)
    span = scope_span(report, scope)
    if span is None:
        return
    text, _ = joined(report, *span)
    anchor = where_missing(report, scope)
    if p.get("min-length") is not None:
        body = re.sub(r"\s+", "", text)
        if len(body) < p["min-length"]:
            yield Finding(anchor, anchor, {"length": len(body), "min": p["min-length"], "topic": ""})
            return
    if p.get("patterns") and not _rx(tuple(p["patterns"])).search(text):
        yield Finding(anchor, anchor, {"topic": "", "scope": scope})
    # topics: one finding naming every topic the scope does not cover
    missing = [t["name"] for t in p.get("topics") or [] if not _rx(tuple(t["patterns"])).search(text)]
    if missing:
        yield Finding(anchor, anchor, {"topic": "」「".join(missing), "count": len(missing), "scope": scope})


CHECKS = {"required": required, "forbidden": forbidden}
