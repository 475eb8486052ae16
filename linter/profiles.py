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

_KEYS = {
    "id": str,
    "name": str,
    "name-en": str,
    "source": str,
    "url": str,
    "applies-to": str,
    "example": bool,
    "points": (int, float),
    "missing": (int, float),
    "deadlines": list,
    "deductions": list,
    "not-checked": str,
}
_REQUIRED = ("id", "name", "source", "points", "deductions")
_DEDUCTION_KEYS = {"label": str, "label-en": str, "basis": str, "codes": list, "points": (int, float)}
_DEADLINE_KEYS = {"kinds": list, "levels": list, "eras": list, "date": str}
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


def _check(where: str, obj, keys: dict, required=()) -> None:
    if not isinstance(obj, dict):
        raise ProfileError(f"{where}: expected a mapping")
    for k, v in obj.items():
        if k not in keys:
            raise ProfileError(f"{where}: unknown key {k!r} (known: {', '.join(sorted(keys))})")
        if not isinstance(v, keys[k]) or isinstance(v, bool) and keys[k] is not bool:
            raise ProfileError(f"{where}: {k} has the wrong type ({type(v).__name__})")
    for k in required:
        if k not in obj:
            raise ProfileError(f"{where}: {k} is required")


def parse(doc, where: str) -> Profile:
    _check(where, doc, _KEYS, _REQUIRED)
    deductions = []
    for i, d in enumerate(doc.get("deductions") or []):
        _check(f"{where}: deductions[{i}]", d, _DEDUCTION_KEYS, ("label", "codes", "points"))
        bad = [c for c in d["codes"] if not isinstance(c, str) or not _CODE.fullmatch(c)]
        if bad:
            raise ProfileError(f"{where}: deductions[{i}].codes: not rule codes: {bad}")
        deductions.append(
            Deduction(d["label"], d.get("label-en", d["label"]), d.get("basis", ""), frozenset(d["codes"]), d["points"])
        )
    for i, d in enumerate(doc.get("deadlines") or []):
        _check(f"{where}: deadlines[{i}]", d, _DEADLINE_KEYS, ("date",))
        m = re.fullmatch(r"(\d{2})-(\d{2})", d["date"])
        if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
            raise ProfileError(f"{where}: deadlines[{i}].date {d['date']!r} must be MM-DD")
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
    p = Path(path)
    try:
        doc = data.read_yaml_file(p)
    except OSError as e:
        raise ProfileError(f"{p}: cannot read: {e.strerror or e}") from None
    except Exception as e:  # a YAML syntax error, an alias …
        raise ProfileError(f"{p}: {e}") from None
    return parse(doc, str(p))


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
    raise ProfileError(f"unknown profile {name!r} (shipped: {', '.join(sorted(builtin()))}; or a path to a YAML file)")
