"""Kind ``document``: facts about the file as a whole.

checks: ``readable`` (NB001) and ``unused-suppression`` (NB009) are emitted by the engine itself;
``annual-report`` (NB002: no report title and no recognisable section; stops all other rules);
``year-known`` (NB003); ``old-layout`` (a 2019 report written in the pre-2019 layout, tolerated with a warning).
"""

from __future__ import annotations

from . import Finding

PARAMS = {"check": (str, True)}
CHECKS = ("readable", "unused-suppression", "annual-report", "year-known", "old-layout")


def run(rule, report, ctx):
    check = rule.params["check"]
    if check == "annual-report":
        if not report.recognisable:
            yield Finding(0, 0, {})
    elif check == "year-known":
        if report.year is None:
            a = report.anchor()
            yield Finding(a, a, {})
    elif check == "old-layout":
        if report.layout and report.layout != report.era:
            a = report.anchor()
            yield Finding(a, a, {"year": report.year, "layout": report.layout})
