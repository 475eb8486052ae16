"""The official tables as data: rows, columns and parts of each format (grammar/formats/*.yaml), and the label
comparison (``core``) that ignores numbering, notes and punctuation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..formats import load_formats
from ..normalize import CN_NUM, normalize_label

_ORDINAL = re.compile(
    rf"^\s*(?:(?P<paren>\((?P<pn>[{CN_NUM}]{{1,2}})\))|(?P<cn>[{CN_NUM}]{{1,2}})\s*[、.,]|(?P<d>\d{{1,2}})\s*[.、,])"
)
_CORE_STRIP = re.compile(rf"^\s*(?:\([{CN_NUM}]{{1,2}}\)|[{CN_NUM}]{{1,2}}\s*[、.,]|\d{{1,2}}\s*[.、,])")
_NOTE = re.compile(r"\([^()]*\)?$|\([^()]*\)")
_PUNCT = re.compile(r"[\s\"'“”‘’、,，.。:：;；()（）\[\]【】《》<>「」『』/|\-—_]+")


@lru_cache(maxsize=8192)
def core(label: str) -> str:
    """A label without its numbering, bracketed notes and punctuation: what NB204 compares (memoised: the same
    official labels and header cells come back in every report)."""
    s = _CORE_STRIP.sub("", label, count=1)
    s = _NOTE.sub("", s)
    return _PUNCT.sub("", s)


def _numberings(label: str) -> tuple[str, ...]:
    """The ways a row's official numbering is written: "3." also as "3、" and "3,"; "(一)" as is."""
    m = _ORDINAL.match(label)
    if not m:
        return ("",)
    if m.group("paren"):
        return (f"({m.group('pn')})",)
    n = m.group("cn") or m.group("d")
    return tuple(f"{n}{p}" for p in (".", "、", ","))


@dataclass
class RowSpec:
    id: str
    label: str  # official, as published
    norm_label: str
    keys: tuple[str, ...] | None  # the key as it may be written (with its numbering, for numbered rows)
    group: bool
    part: int
    columns: list[dict]
    tags: list[str]


@dataclass
class PartSpec:
    caption: str | None
    columns: list[dict]
    headers: list[str]
    # worked out once from the labels above (normalising a label is the whole normaliser's work):
    # (label, its core) of the caption, the column labels and the headers, in this order, those without text left out
    header_keys: list[tuple[str, str]] = field(default_factory=list)
    column_cores: list[str] = field(default_factory=list)  # the core of each column label
    # the cores of the headers and column labels: the first found is where table 四's unlabelled row may start
    start_keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        def key(label: str) -> str:
            return core(normalize_label(label))

        column_labels = [c["label"] for c in self.columns]
        self.header_keys = [(lab, key(lab)) for lab in [self.caption, *column_labels, *self.headers] if lab]
        self.column_cores = [key(lab) for lab in column_labels]
        # once each (the same column label recurs under each header)
        self.start_keys = list(dict.fromkeys(key(lab) for lab in self.headers + column_labels))


@dataclass
class TableSpec:
    id: str
    section: str
    format: str
    rows: list[RowSpec]
    parts: list[PartSpec]
    signals: list[tuple[str, str | re.Pattern]]  # literal labels, or regular expressions


@cache
def table_specs(fmt_id: str) -> dict[str, TableSpec]:
    fmt = load_formats()[fmt_id]
    out = {}
    for t in fmt.get("tables") or []:
        rows = []
        parts = []
        for pi, part in enumerate(t["parts"]):
            cols = [dict(c, type=c.get("type", "count")) for c in part["columns"]]
            parts.append(PartSpec(part.get("caption"), cols, part.get("headers") or []))
            for r in part["rows"]:
                key = r.get("key")
                keys = None
                if key:
                    nl = normalize_label(r["label"])
                    k = re.sub(r"\s+", "", normalize_label(key))
                    # a row whose key is a common word ("3.其他") must carry its numbering to be recognised
                    keys = tuple(n + k for n in _numberings(nl)) if r.get("numbered") else (k,)
                rows.append(
                    RowSpec(
                        r["id"],
                        r["label"],
                        normalize_label(r["label"]),
                        keys,
                        bool(r.get("group")),
                        pi,
                        cols,
                        r.get("tags") or [],
                    )
                )
        sigs: list[tuple[str, str | re.Pattern]] = []
        for sig in t.get("signals") or []:
            if isinstance(sig, dict):  # {pattern: regular expression, label: what to call it in messages}
                sigs.append((sig["label"], re.compile(sig["pattern"])))
            else:
                sigs.append((sig, re.sub(r"\s+", "", normalize_label(sig))))
        out[t["id"]] = TableSpec(t["id"], t["section"], fmt_id, rows, parts, sigs)
    return out
