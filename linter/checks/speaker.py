"""Kind ``speaker``: who the report speaks for.

A report speaks for its agency: a township's report says 「我镇」, a district's 「我区」.  The agency's unit is read
from the end of the most specific place in its name (淮安市洪泽区人民政府 → 洪泽区 → 区; a department takes its
territory's: 沈阳市浑南区国资局 → 区).  ``units`` lists the units with the place ends that name them, the
self-references that belong to them (regular expressions) and their level (1 province … 4 township); a
self-reference of another unit of the same or a lower level is foreign to the report (「我县」 in a district's
report, 「我镇」 in a subdistrict's), the mark of a text copied from another unit.  A self-reference of a higher
level (「我市」 in a district of a municipality) is not judged.  Works on a single report; silent when the agency
or its place is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from .. import i18n, scan, similarity
from ..model import Report
from . import Finding, joined

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "units": (list, True),
    "names": (list, False),
    "max": (int, False),
}


def validate(params):
    problems = []
    for i, p in enumerate(params.get("names") or []):
        if not isinstance(p, str) or "(?P<name>" not in p:
            problems.append((("names", i), i18n.t("rulefile.names-pattern")))
    for i, u in enumerate(params["units"]):
        if not isinstance(u, dict) or set(u) != {"name", "ends", "self", "level"}:
            problems.append((("units", i), i18n.t("rulefile.unit-keys", shape="{name, ends, self, level}")))
            continue
        if not isinstance(u["level"], int) or not all(isinstance(x, str) for x in u["ends"] + u["self"]):
            problems.append((("units", i), i18n.t("rulefile.unit-types")))
    return problems


def regexes(params):
    for i, p in enumerate(params.get("names") or []):
        yield ("names", i), p
    for i, u in enumerate(params.get("units") or []):
        if isinstance(u, dict):
            for j, p in enumerate(u.get("self") or []):
                yield ("units", i, "self", j), p


@cache
def _compiled(units: tuple) -> re.Pattern:
    """One pattern of every self-reference (group ``u<i>`` for unit i); ``units``: (name, ends, self, level)."""
    return re.compile("|".join(f"(?P<u{i}>{'|'.join(u[2])})" for i, u in enumerate(units)))


@cache
def _own(selfs: tuple) -> re.Pattern:
    return re.compile("|".join(selfs))


@cache
def _name_pattern(p: str) -> re.Pattern:
    return re.compile(p)


def _key(units: list) -> tuple:
    return tuple((u["name"], tuple(u["ends"]), tuple(u["self"]), u["level"]) for u in units)


def unit_of(units: list[dict], agency: str | None) -> int | None:
    """The index of the unit an agency's name names (its most specific place's end; the longest end wins)."""
    ps = similarity.places(agency)
    if not ps:
        return None
    place = ps[-1]
    best, best_len = None, 0
    for i, u in enumerate(units):
        for e in u["ends"]:
            if place.endswith(e) and len(e) > best_len:
                best, best_len = i, len(e)
    return best


def foreign(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB513: a self-reference of another unit of the same or a lower level than the agency's (reported at its
    first occurrence, one finding per word); and, with ``names`` (patterns with a group ``name`` where a report
    names its author: 「本报告由…编制」), a place named there that is none of the agency's own places (variant
    ``name``).  At most ``max`` findings, in text order."""
    units = rule.params["units"]
    own = unit_of(units, report.agency)
    if own is None:
        return
    rx = _compiled(_key(units))
    mine = _own(tuple(units[own]["self"]))
    level = units[own]["level"]
    j = joined(report, 0, len(report.text))
    seen: dict[str, list] = {}
    passed: set[str] = set()  # words judged the agency's own or of a higher level (most self-references)
    for m in scan.finditer(rx, j.text):
        word = m.group()
        if word in seen:
            seen[word][1] += 1
            continue
        if word in passed:
            continue
        # a word of several units (我区: an autonomous region's and a district's) is the lowest of them, so that a
        # county's 「我区」 is a district's word, not a region's (which the level test would pass over)
        i = max(
            (k for k, u in enumerate(units) if _own(tuple(u["self"])).fullmatch(word)),
            key=lambda k: units[k]["level"],
            default=int((m.lastgroup or "u0")[1:]),
        )
        if mine.fullmatch(word) or units[i]["level"] < level:
            # a word of the agency's own unit too (我区 of an autonomous region), or of a higher level
            passed.add(word)
            continue
        seen[word] = [m, 1, units[i]["name"]]
    found = [(m, "default", {"word": w, "count": n, "other": name}) for w, (m, n, name) in seen.items()]
    stems = {similarity.stem(p) for p in similarity.places(report.agency)}
    for p in rule.params.get("names") or []:
        for m in scan.finditer(_name_pattern(p), j.text):
            named = similarity.places(m.group("name"))
            if named and not stems & {similarity.stem(x) for x in named}:  # another place as the report's author
                found.append((m, "name", {"word": "".join(named), "count": 1, "other": named[-1]}))
                break
    found.sort(key=lambda f: f[0].start())
    for m, variant, values in found[: rule.params.get("max", 3)]:
        a, b = j.span(m, "name") if variant == "name" else j.span(m)
        yield Finding(a, b, {**values, "variant": variant, "agency": report.agency, "unit": units[own]["name"]})


CHECKS = {"foreign": foreign}
