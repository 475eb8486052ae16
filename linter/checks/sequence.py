"""Kind ``sequence``: enumerations that must count up (一是 … 二是 … 三是), paragraph by paragraph.

``marker``: a regular expression with a group ``n`` holding the ordinal (Chinese numerals 一…十 or digits);
``restart``: where a new enumeration may begin (an item heading inside the paragraph, as in one-line crawls).
Within a stretch, each marker must be the previous one plus one, or 1 (a new list); otherwise the marker is
reported (a repeated or skipped item).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from .. import i18n, scan
from ..model import Report
from ..normalize import CN_NUM, cn_int
from . import Finding, era_value, joined, scope_span

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "marker": (str, True),
    "restart": (str, False),
    "scope": ((str, dict), False),
}


def validate(params):
    try:
        if "n" not in re.compile(params["marker"]).groupindex:
            return [(("marker",), i18n.t("rulefile.needs-group", field="marker", group="n"))]
    except re.error:
        pass  # reported with the other regular expressions
    return []


def regexes(params):
    for key in ("marker", "restart"):
        if params.get(key):
            yield (key,), params[key]


@cache
def _rx(p: str) -> re.Pattern:
    return re.compile(p)


def counts_up(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB409: a marker that is neither the previous one plus one nor 1 (a repeated or skipped item); one per
    list."""
    p = rule.params
    span = scope_span(report, era_value(p.get("scope", "document"), report))
    if span is None:
        return
    marker = _rx(p["marker"])
    restart = _rx(p["restart"]) if p.get("restart") else None
    for sec in report.sections + [None]:
        blocks = sec.blocks if sec is not None else report.preamble
        for b in blocks:
            if b.kind != "paragraph" or not (span[0] <= b.span[0] < span[1]):
                continue
            # the paragraph's text as joined() gives it, made only to look for a marker: most paragraphs hold none,
            # and their map back to the report is not needed (a marker found between restarts is found in the whole)
            text = report.text[b.span[0] : b.span[1]].replace("\n", "")
            if scan.search(marker, text) is None:
                continue  # no marker in this paragraph (most paragraphs): its restarts do not matter
            j = joined(report, *b.span)
            cuts = [0] + ([m.start() for m in restart.finditer(text)] if restart else []) + [len(text)]
            for a, z in zip(cuts, cuts[1:]):
                prev = None
                for m in marker.finditer(text, a, z):
                    n = cn_int(m.group("n"))
                    if not n:
                        continue
                    if prev is not None and n != prev + 1 and n != 1:
                        yield Finding(
                            *j.span(m),
                            {
                                "marker": m.group(),
                                "prev": CN_NUM[prev - 1] if prev <= 10 else prev,
                                "expected": CN_NUM[prev] if prev < 10 else prev + 1,
                            },
                        )
                        break  # one slip per list: what follows it is its consequence
                    prev = n


CHECKS = {"counts-up": counts_up}
