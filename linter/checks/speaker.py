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

from .. import similarity
from ..model import Report
from . import Finding, joined

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "units": (list, True),
    "max": (int, False),
}


def validate(params):
    problems = []
    for i, u in enumerate(params["units"]):
        if not isinstance(u, dict) or set(u) != {"name", "ends", "self", "level"}:
            problems.append((("units", i), "a unit is {name, ends, self, level}"))
            continue
        if not isinstance(u["level"], int) or not all(isinstance(x, str) for x in u["ends"] + u["self"]):
            problems.append((("units", i), "ends and self are lists of strings, level an integer"))
    return problems


def regexes(params):
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
    first occurrence, one finding per word, at most ``max``)."""
    units = rule.params["units"]
    own = unit_of(units, report.agency)
    if own is None:
        return
    rx = _compiled(_key(units))
    mine = _own(tuple(units[own]["self"]))
    level = units[own]["level"]
    j = joined(report, 0, len(report.text))
    seen: dict[str, list] = {}
    for m in rx.finditer(j.text):
        word = m.group()
        if word in seen:
            seen[word][1] += 1
            continue
        i = int((m.lastgroup or "u0")[1:])
        if mine.fullmatch(word):
            continue  # a word of the agency's own unit too (我区 of an autonomous region)
        if units[i]["level"] < level:
            continue
        seen[word] = [m, 1, units[i]["name"]]
    for word, (m, count, name) in list(seen.items())[: rule.params.get("max", 3)]:
        a, b = j.span(m)
        yield Finding(
            a,
            b,
            {"word": word, "count": count, "agency": report.agency, "unit": units[own]["name"], "other": name},
        )


CHECKS = {"foreign": foreign}
