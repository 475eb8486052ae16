"""How much of a report's prose another report already says, in time linear in the texts' size.

Prose is a report's paragraphs that are sentences (a full stop in them; tables and PDF table headers are not
prose).  Before comparing, what differs between two copies of one text is masked (:func:`prose`): the agency's own
name and places, place names before a unit word, numbers (years, dates, counts); white space is dropped (PDF line
breaks).  The wording of the national format and of the skeleton (grammar/template.yaml, grammar/copying.yaml
``template``) is shared by every report and never counts.

Two measures, both over the masked prose:

- :func:`repeated` (NB503, this year against last year): character shingles of last year's prose go in a set; each
  position of this year's prose whose shingle is in the set covers its characters.  The share is the covered part of
  the prose outside the template wording; the covered runs, longest first, are the repeated parts quoted.  One set
  build and one pass: a 24,000-character paragraph against a lightly edited copy takes a few milliseconds.
- :func:`clauses` (NB511, across units): the prose cut into clauses anchored at punctuation, each a 64-bit hash
  with its length and where it starts; two reports are compared by the clauses they share (nblint.app.copying).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from array import array
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from operator import itemgetter
from typing import TYPE_CHECKING

from . import data
from .model import Report

if TYPE_CHECKING:  # numpy is imported where shingles are hashed: `nblint check` without --previous never needs it
    import numpy as np

AGENCY = "Ⓐ"  # stands for a name (the agency, its places, a place before a unit word)
NUMBER = "#"  # stands for a number
BREAK = "\n"  # between paragraphs (never inside a shingle's counted part)
TEMPLATE_RUN = 16  # a run of template shingles this long is template wording (shorter: common words)


@cache
def _spec() -> dict:
    spec = data.load_yaml("grammar/copying.yaml")
    ends = "|".join(re.escape(e) for e in spec["place-ends"])
    return {
        "numbers": spec["numbers"],
        "places": spec["places"],
        "place_chars": int(spec["place-chars"]),
        "place": re.compile(rf"[\u4e00-\u9fff]{{2,12}}?(?:{ends})"),
        "ends": re.compile(rf"(?:{ends})$"),
        "shingle": int(spec["shingle"]),
        "min_clause": int(spec["min-clause"]),
        "template": spec["template"],
        "fields": spec.get("fields") or {},
    }


def patterns() -> list[tuple[str, str]]:
    """The regular expressions of grammar/copying.yaml (for tests/test_redos.py)."""
    s = _spec()
    return [
        ("copying.numbers", s["numbers"]),
        ("copying.places", s["places"]),
        ("copying.place", s["place"].pattern),
        *(("copying.masker", rx.pattern) for rx in _masker()),
    ]


def places(agency: str | None) -> list[str]:
    """The places an agency's name names, most general first: 淮安市洪泽区人民政府 → [淮安市, 洪泽区]."""
    if not agency:
        return []
    out = []
    pos = 0
    rx = _spec()["place"]
    while True:
        m = rx.match(agency, pos)
        if m is None:
            break
        out.append(m.group())
        pos = m.end()
    return out


def stem(place: str) -> str:
    """A place without its end: 洪泽区 → 洪泽, 平潭综合实验区 → 平潭 (the whole name when nothing would be left)."""
    s = _spec()["ends"].sub("", place)
    return s if len(s) >= 2 else place


def territory(agency: str | None) -> str | None:
    """The stem of the most specific place an agency's name names (None: no place in it)."""
    ps = places(agency)
    return stem(ps[-1]) if ps else None


def own_names(agency: str | None) -> list[str]:
    """The names masked in an agency's own prose: its name, each place and each place's stem, longest first."""
    if not agency:
        return []
    names = {agency}
    ps = places(agency)
    for i, p in enumerate(ps):
        names.add(p)
        names.add(stem(p))
        names.add("".join(ps[i:]) + agency[sum(map(len, ps)) :])  # 洪泽区人民政府 for 淮安市洪泽区人民政府
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


@cache
def _masker() -> tuple[re.Pattern, re.Pattern]:
    """Numbers and white space, each scanned on its own (faster than their alternation; they never overlap),
    compiled once: the number classes are costly to compile."""
    return re.compile(_spec()["numbers"]), re.compile(r"\s++")


@cache
def _place_ends() -> re.Pattern:
    """The end of a place before a unit word: found by its first character, then extended backwards."""
    return re.compile(_spec()["places"])


@lru_cache(maxsize=64)
def _names(names: tuple[str, ...]) -> re.Pattern:
    """The agency's own names: literals only, cheap to compile for each agency."""
    return re.compile("|".join(re.escape(n) for n in names))


_BY_SPAN = itemgetter(0, 1)  # (start, -end): of two matches that start together the longer first, else found first


def _matches(text: str, names: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """What is masked in ``text``: (start, end, replacement), in order, not overlapping (of two matches that start
    together the longer wins)."""
    found = [(a, -b, AGENCY) for m in _names(names).finditer(text) for a, b in (m.span(),)] if names else []
    numbers, spaces = _masker()
    found += [(a, -b, NUMBER) for m in numbers.finditer(text) for a, b in (m.span(),)]
    found += [(a, -b, "") for m in spaces.finditer(text) for a, b in (m.span(),)]
    most = _spec()["place_chars"]
    for m in _place_ends().finditer(text):
        a = start = m.start()
        while a > 0 and start - a < most and "\u4e00" <= text[a - 1] <= "\u9fff":
            a -= 1
        if start - a >= 2:
            found.append((a, -m.end(), AGENCY))
    found.sort(key=_BY_SPAN)
    out: list[tuple[int, int, str]] = []
    last = 0
    for a, neg_b, rep in found:
        if a >= last:
            last = -neg_b
            out.append((a, last, rep))
    return out


@dataclass
class Prose:
    """Masked prose and its way back to the report's text: each stretch copied unchanged (and each mask) starts at
    masked offset ``starts[k]`` and report-text offset ``targets[k]`` (arrays of 64-bit integers: cheap to keep
    with a report's model); a masked character maps to where its stretch (or its mask) starts."""

    text: str
    starts: array = field(default_factory=lambda: array("q"))
    targets: array = field(default_factory=lambda: array("q"))

    def offset(self, i: int) -> int:
        """The report-text offset of masked position ``i``."""
        k = bisect.bisect_right(self.starts, i) - 1
        if k < 0:
            return 0
        return self.targets[k] + (i - self.starts[k])

    def offsets(self, i: np.ndarray) -> np.ndarray:
        """:meth:`offset` of every masked position in ``i`` at once."""
        import numpy as np

        starts = np.frombuffer(self.starts, np.int64) if len(self.starts) else np.zeros(1, np.int64)
        targets = np.frombuffer(self.targets, np.int64) if len(self.targets) else np.zeros(1, np.int64)
        k = np.searchsorted(starts, i, "right") - 1
        out = targets[np.maximum(k, 0)] + (i - starts[np.maximum(k, 0)])
        return np.where(k < 0, 0, out)


def mask(
    text: str,
    start: int,
    names: tuple[str, ...],
    out: list[str],
    anchors: list[int],
    pos: int,
) -> int:
    """Append the masked ``text`` (found at report offset ``start``) to ``out`` and, to ``anchors``, the masked and
    the report-text offset where each stretch (or mask) starts; returns the new masked length."""
    last = 0
    for a, b, rep in _matches(text, names):
        if a > last:
            anchors += (pos, start + last)
            out.append(text[last:a])
            pos += a - last
        if rep:
            anchors += (pos, start + a)
            out.append(rep)
            pos += 1
        last = b
    if last < len(text):
        anchors += (pos, start + last)
        out.append(text[last:])
        pos += len(text) - last
    return pos


def paragraphs(report: Report) -> list[tuple[int, int]]:
    """The spans of a report's prose paragraphs (before and in its sections; with a full stop)."""
    text = report.text
    blocks = list(report.preamble)
    for sec in report.sections:
        blocks.extend(sec.blocks)
    title_end = report.title.span[1] if report.title else 0
    out = []
    for b in blocks:
        a, e = b.span
        if b.kind != "paragraph" or "。" not in text[a:e]:
            continue
        if a < title_end < e:  # a title written into the first paragraph (crawls, PDF text) is not prose
            a = title_end
        out.append((a, e))
    return out


def prose(report: Report) -> Prose:
    """The report's masked prose (cached on the report)."""
    hit = report.cache.get("prose")
    if hit is not None:
        return hit
    names = tuple(own_names(report.agency))
    out: list[str] = []
    anchors: list[int] = []  # masked offset, report-text offset, …
    pos = 0
    for a, b in paragraphs(report):
        if out:
            anchors += (pos, a)
            out.append(BREAK)
            pos += 1
        pos = mask(report.text[a:b], a, names, out, anchors, pos)
    p = report.cache["prose"] = Prose("".join(out), array("q", anchors[0::2]), array("q", anchors[1::2]))
    return p


# ------------------------------------------------------------------------------------------------------------
# Template wording


@cache
def _template_texts() -> tuple[str, ...]:
    """The fixed wordings, masked: grammar/copying.yaml ``template`` and every string of grammar/template.yaml,
    cut at the author's 【…】 parts and at fields other than the agency and numbers."""
    pieces: list[str] = []

    def walk(v):
        if isinstance(v, str):
            pieces.append(v)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)

    walk(data.load_yaml("grammar/template.yaml"))
    walk(_spec()["template"])
    from .normalize import normalize

    out = []
    for p in pieces:
        for k, v in _spec()["fields"].items():
            p = p.replace("{" + k + "}", v)
        p = normalize(p.replace("{agency}", AGENCY)).text  # the same forms as a report's text
        p = re.sub(r"\{(?:year|next_year)\}", NUMBER, p)
        for part in re.split(r"【[^】]*+】|\{[a-z_]++\}", p):
            o: list[str] = []
            mask(part, 0, (), o, [], 0)
            part = "".join(o)
            if part:
                out.append(part)
    return tuple(out)


@cache
def template_shingles(n: int) -> np.ndarray:
    import numpy as np

    return np.unique(np.concatenate([grams(t, n) for t in _template_texts()] or [np.zeros(0, np.uint64)]))


# ------------------------------------------------------------------------------------------------------------
# NB503: shingle coverage

_BASE = 1_000_003  # multiplier of the shingle hash


def grams(text: str, n: int) -> np.ndarray:
    """The hash of every shingle (``n`` characters) of ``text``, in order: a polynomial hash over the code points,
    computed for all positions at once (``n`` vector operations)."""
    import numpy as np

    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    k = len(cps) - n + 1
    if k <= 0:
        return np.zeros(0, np.uint64)
    h = np.zeros(k, np.uint64)
    for j in range(n):
        h = h * np.uint64(_BASE) + cps[j : j + k]
    return h


def runs(hits: np.ndarray, n: int) -> list[tuple[int, int]]:
    """The character runs covered by the shingles marked in ``hits`` (merged, in order)."""
    import numpy as np

    if not len(hits):
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], hits.astype(np.int8), [0]))))
    out: list[tuple[int, int]] = []
    for a, b in zip(edges[0::2].tolist(), edges[1::2].tolist()):  # shingles a … b-1 cover a … b-2+n
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b - 1 + n)
        else:
            out.append((a, b - 1 + n))
    return out


def member(h: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Which hashes of ``h`` are in ``ref`` (sorted): one binary search each, in C."""
    import numpy as np

    if not len(ref) or not len(h):
        return np.zeros(len(h), bool)
    i = np.searchsorted(ref, h)
    i[i == len(ref)] = 0
    return ref[i] == h


def covered(text: str, ref: np.ndarray, n: int) -> list[tuple[int, int]]:
    """The runs of ``text`` covered by shingles whose hashes are in ``ref`` (sorted)."""
    return runs(member(grams(text, n), ref), n)


def _sorted_shingles(report: Report, n: int) -> np.ndarray:
    """The sorted shingle hashes of a report's prose (cached on the report: last year's report of several copies
    is compared with each)."""
    import numpy as np

    key = f"prose-shingles-{n}"
    hit = report.cache.get(key)
    if hit is None:
        hit = report.cache[key] = np.sort(grams(prose(report).text, n))
    return hit


@dataclass
class Repeated:
    share: float  # repeated characters / counted characters
    counted: int  # characters of prose outside the template wording
    repeated: int
    parts: list[tuple[int, int]]  # repeated runs in report-text offsets, longest first
    first: tuple[int, int] | None  # the first repeated run (report-text offsets)


def repeated(report: Report, previous: Report, min_run: int = 0) -> Repeated:
    """How much of ``report``'s prose is said (near-)verbatim in ``previous``'s (names and numbers masked)."""
    n = _spec()["shingle"]
    this = prose(report)
    t = this.text
    excluded = bytearray(len(t))
    h = grams(t, n)
    for a, b in runs(member(h, template_shingles(n)), n):
        if b - a >= TEMPLATE_RUN:
            excluded[a:b] = b"\x01" * (b - a)
    for m in re.finditer(BREAK, t):
        excluded[m.start()] = 1
    counted = excluded.count(0)
    parts_found = []
    total = 0
    for a, b in runs(member(h, _sorted_shingles(previous, n)), n):
        total += excluded[a:b].count(0)
        for m in re.finditer(r"[^\n]++", t[a:b]):  # one part per paragraph
            pa, pb = a + m.start(), a + m.end()
            pa = max(pa, excluded.find(0, pa, pb))  # starts where the template wording ends
            k = excluded[pa:pb].count(0)
            if k >= max(min_run, 1):
                parts_found.append((k, pa, pb))
    first = min(parts_found, key=lambda r: r[1]) if parts_found else None
    parts_found.sort(key=lambda r: (-r[0], r[1]))
    parts = [(this.offset(a), this.offset(b - 1) + 1) for _, a, b in parts_found]
    return Repeated(
        share=total / counted if counted else 0.0,
        counted=counted,
        repeated=total,
        parts=parts,
        first=(this.offset(first[1]), this.offset(first[2] - 1) + 1) if first else None,
    )


# ------------------------------------------------------------------------------------------------------------
# NB511: clauses anchored at punctuation

_CLAUSE_END = re.compile(r"[。；;！!？?，,：:\n]")


_DIGEST = partial(hashlib.blake2b, digest_size=8)  # of a clause's UTF-8 bytes; read as a little-endian signed int


def clause_hash(text: str) -> int:
    return int.from_bytes(_DIGEST(text.encode("utf-8")).digest(), "little", signed=True)


@cache
def template_clauses() -> frozenset[int]:
    """The hashes of the clauses of the fixed wordings (masked as a report's prose is)."""
    return frozenset(clause_hash(c) for t in _template_texts() for c in _CLAUSE_END.split(t) if c)


def clauses(report: Report) -> list[tuple[int, int, int]]:
    """The masked prose as clauses: (64-bit hash, masked length, report-text offset), no shorter than
    ``min-clause`` and not a clause of the format's fixed wording."""
    h, n, off = clause_arrays(report)
    return list(zip(h.tolist(), n.tolist(), off.tolist()))


@cache
def _template_digests() -> frozenset[bytes]:
    """:func:`template_clauses` as the digests they are made from."""
    return frozenset(h.to_bytes(8, "little", signed=True) for h in template_clauses())


def clause_arrays(report: Report) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`clauses` as three arrays (hashes, lengths, report-text offsets): the pieces between punctuation
    characters (one character each, so where a piece starts follows from the lengths before it), their digests
    joined into one buffer read as 64-bit integers, their offsets found by one search."""
    import numpy as np

    min_len = _spec()["min_clause"]
    p = prose(report)
    template = _template_digests()
    digest = _DIGEST
    digests: list[bytes] = []
    lengths: list[int] = []
    starts: list[int] = []
    pos = 0
    for c in _CLAUSE_END.split(p.text + "\n"):
        n = len(c)
        if n >= min_len:
            d = digest(c.encode("utf-8")).digest()
            if d not in template:
                digests.append(d)
                lengths.append(n)
                starts.append(pos)
        pos += n + 1
    hashes = np.frombuffer(b"".join(digests), "<i8").astype(np.int64)
    return hashes, np.array(lengths, np.int64), p.offsets(np.array(starts, np.int64))
