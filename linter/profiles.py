"""Scoring profiles: how an evaluator turns findings into points (rules/profiles/*.yaml, data only).

A profile names its source, the points of the annual-report item, the points a missing report loses, the
deductions (each: the rule codes that trigger it and the points it costs, once per report) and, optionally, local
publication deadlines that NB504 tries before the statutory ones.  The shipped profiles are examples built from
real criteria (../shared/reviews/user-needs.md §2); more can be written in the same shape.  A report's score is
its item's points minus its deductions (never below 0); an agency's score is the mean of its reports' scores over
the years it was expected or present (a missing report scoring ``points - missing``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import data
from .i18n import t
from .ruleset import Problem, located, path_name, read_positioned_yaml, shape_problems

# a profile file's shape (nblint.ruleset.shape_problems: "?" marks an optional key; float accepts int)
_DEADLINE = {"kinds?": [str], "levels?": [str], "eras?": [str], "date": str}
_DEDUCTION = {"label": str, "label-en?": str, "basis?": str, "codes": [str], "points": float}
SHAPE = {
    "id": str,
    "name": str,
    "name-en?": str,
    "source": str,
    "url?": str,
    "applies-to?": str,
    "example?": bool,
    "points": float,
    "missing?": float,
    "deadlines?": [_DEADLINE],
    "deductions": [_DEDUCTION],
    "not-checked?": str,
}
_CODE = re.compile(r"[A-Z]{2,5}\d{3}")


class ProfileError(ValueError):
    """A profile file that does not have the shape above (``file: message``)."""


@dataclass(frozen=True)
class Deduction:
    label: str
    label_en: str
    basis: str
    codes: frozenset[str]
    points: float

    def label_in(self, lang: str) -> str:
        """The deduction's label in ``lang`` ("zh" or "en")."""
        return self.label_en if lang == "en" else self.label


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    name_en: str
    source: str
    url: str
    points: float
    missing: float
    deadlines: tuple = ()
    deductions: tuple[Deduction, ...] = ()
    example: bool = False
    applies_to: str = ""
    not_checked: str = ""
    path: str = field(default="", compare=False)

    def deducted(self, codes) -> list[tuple[Deduction, float]]:
        """The deductions a report with these diagnostic codes gets (each once), with their points."""
        have = set(codes)
        return [(d, d.points) for d in self.deductions if d.codes & have]

    def score(self, codes) -> float:
        """The report's points: the item's points minus its deductions, never below 0."""
        return round(max(0.0, self.points - sum(p for _, p in self.deducted(codes))), 2)

    def missing_score(self) -> float:
        return round(max(0.0, self.points - self.missing), 2)


def problems(doc) -> list[Problem]:
    """Where a profile document does not have the profile's shape, its deductions name no rule code, or a deadline
    is not a date of the year (MM-DD), as (path, message)."""
    from .checks.dates import month_day_problems

    out = shape_problems(doc, SHAPE)
    if out:
        return out
    for i, d in enumerate(doc["deductions"]):
        bad = [c for c in d["codes"] if not _CODE.fullmatch(c)]
        if bad:
            out.append((("deductions", i, "codes"), t("rulefile.not-codes", codes=bad)))
    return out + month_day_problems(doc.get("deadlines") or [], ("deadlines",))


def parse(doc, where: str) -> Profile:
    """A profile from its document; ProfileError naming every problem (``where: path: message``)."""
    probs = problems(doc)
    if probs:
        raise ProfileError("\n".join(f"{where}: {path_name(path)}{msg}" for path, msg in probs))
    return _profile(doc, where)


def _profile(doc, where: str) -> Profile:
    deductions = [
        Deduction(d["label"], d.get("label-en", d["label"]), d.get("basis", ""), frozenset(d["codes"]), d["points"])
        for d in doc["deductions"]
    ]
    return Profile(
        id=doc["id"],
        name=doc["name"],
        name_en=doc.get("name-en", doc["name"]),
        source=doc["source"],
        url=doc.get("url", ""),
        points=float(doc["points"]),
        missing=float(doc.get("missing", doc["points"])),
        deadlines=tuple(dict(d) for d in doc.get("deadlines") or []),
        deductions=tuple(deductions),
        example=bool(doc.get("example", False)),
        applies_to=doc.get("applies-to", ""),
        not_checked=doc.get("not-checked", ""),
        path=where,
    )


def load_file(path: str | Path) -> Profile:
    """A profile file; ProfileError with every problem at its ``file:line:col``."""
    p = Path(path)
    doc, problem = read_positioned_yaml(p, "profile")
    if problem is not None:
        raise ProfileError(problem)
    probs = problems(doc)
    if probs:
        raise ProfileError("\n".join(located(str(p), doc, path, msg) for path, msg in probs))
    return _profile(data.plain(doc), str(p))


@lru_cache(maxsize=1)
def builtin() -> dict[str, Profile]:
    """The shipped profiles (rules/profiles/*.yaml) by id."""
    out = {}
    for p in sorted(data.path("rules/profiles").glob("*.yaml")):
        prof = load_file(p)
        out[prof.id] = prof
    return out


def get(name: str) -> Profile:
    """A shipped profile by id, or a profile file by path."""
    if name in builtin():
        return builtin()[name]
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return load_file(name)
    raise ProfileError(t("rulefile.unknown-profile", name=repr(name), shipped=", ".join(sorted(builtin()))))
