"""The registry of report formats: every fact about the national formats (and any later or provincial one) that
the code needs, read from grammar/ — never written in Python.

A format is one file ``grammar/formats/<id>.yaml``.  Its id is the *era* rules name in ``eras:``; its ``years``
say which report years it governs (``from``, and optionally ``to``); its ``tables`` list the fixed tables, whose ids
formats may share (a table of one era may be written in another era's labels, NB205); ``presence: text`` marks a
format whose items count as present when their words appear anywhere; a report of ``layout-recognised-from`` or
later whose headings carry ``layout-min-items`` of this format's items and one of its ``layout-signals`` (and that
holds no fixed table) is judged by this format's items; ``layout-for-years`` lists the report years that may still
follow this layout although a newer format governs them (a warning, NB106; later years: an error).  The agency kinds and how a name shows its kind are in
grammar/meta.yaml.

Adding a format is adding one such file: the registry orders formats by their first year, newest first, and the
newest is the default (a report of unknown year is judged by it).
"""

from __future__ import annotations

from functools import lru_cache

from . import data


@lru_cache(maxsize=1)
def load_formats() -> dict[str, dict]:
    """All formats of grammar/formats/*.yaml by id, newest first."""
    found = [data.load_yaml(f"grammar/formats/{p.name}") for p in sorted(data.path("grammar/formats").glob("*.yaml"))]
    found.sort(key=lambda f: -int(f["years"]["from"]))
    return {str(f["id"]): f for f in found}


def era_ids() -> tuple[str, ...]:
    """The ids of all formats (the eras a rule may name), newest first."""
    return tuple(load_formats())


def get(era: str) -> dict:
    return load_formats()[era]


def default_era() -> str:
    """The newest format: what a report of unknown year is judged by."""
    return next(iter(load_formats()))


def earliest_year() -> int:
    """The first report year any format governs."""
    return min(int(f["years"]["from"]) for f in load_formats().values())


def era_of(year: int | None) -> str | None:
    """The format that governs a report year: the newest one whose first year is not after it (years before the
    earliest format are judged by that format)."""
    if year is None:
        return None
    formats = load_formats()
    for fid, f in formats.items():
        if year >= int(f["years"]["from"]):
            return fid
    return next(reversed(formats))


def has_tables(era: str | None) -> bool:
    """Whether a format prescribes fixed tables."""
    return bool(era in load_formats() and load_formats()[era].get("tables"))


def table_era(era: str | None) -> str:
    """The format whose tables a report of this era is expected to hold: its own, or the default's when its era
    has none or is unknown."""
    return era if era is not None and has_tables(era) else default_era()


def table_eras(era: str | None) -> list[str]:
    """Formats whose tables a report of this era may be written in: its own (or the default) first, then every
    other format with tables."""
    first = table_era(era)
    return [first] + [f for f in load_formats() if f != first and has_tables(f)]


def layout_variants(year: int | None) -> list[str]:
    """Older formats whose layout a report of this year is recognised in when its headings follow it
    (``layout-recognised-from``: any later year, so a 2023 copy of a 2008-era text is judged as what it is)."""
    if year is None:
        return []
    return [
        fid
        for fid, f in load_formats().items()
        if "layout-recognised-from" in f and year >= int(f["layout-recognised-from"])
    ]


def layout_tolerated(fid: str, year: int | None) -> bool:
    """Whether a report of this year could still follow format ``fid``'s layout (``layout-for-years``: the 2019
    notice let 2019 reports keep the 2008 layout)."""
    return year is not None and year in (get(fid).get("layout-for-years") or [])


@lru_cache(maxsize=1)
def agency_kinds() -> tuple[str, ...]:
    """The agency kinds (grammar/meta.yaml ``agency-kinds``), in the order they are listed."""
    return tuple(dict.fromkeys(k["kind"] for k in data.load_yaml("grammar/meta.yaml")["agency-kinds"]))
