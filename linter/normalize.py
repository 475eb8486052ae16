"""Normalisation: one canonical text for every later stage, with an offset map back to the source text.

What changes (all decided by patterns in grammar/normalize.yaml):
- deletions: CR, zero-width characters, pinyin annotations such as ``公開(kāi)``, and the spaces that PDF
  extraction puts inside Chinese text and numbers (``商业 企业``, ``2023 年``);
- one-for-one replacements (length-preserving): full-width ASCII forms to ASCII (``（一）`` → ``(一)``,
  ``１．`` → ``1.``), ideographic and no-break spaces to spaces, curly quotes to straight ones;
- Traditional → Simplified with OpenCC (length-preserving per character, checked per line).

The map back is a :class:`nblint.spans.OffsetMap` (canonical text → source text), built from the deletions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from . import data
from .spans import OffsetMap

if TYPE_CHECKING:
    from .pipeline import Memo

# Chinese numerals: section numbers (一、), list ordinals (一是), table captions ((一))
CN_NUM = "一二三四五六七八九十"


def cn_int(num: str) -> int:
    """一 … 九十九 (or digits) as a number: section numbers, list ordinals; 0 when it is neither."""
    if num.isdigit():
        return int(num)
    if num == "十":
        return 10
    if "十" in num:
        a, _, b = num.partition("十")
        return (CN_NUM.index(a) + 1 if a else 1) * 10 + (CN_NUM.index(b) + 1 if b else 0)
    return CN_NUM.index(num[0]) + 1 if num and num[0] in CN_NUM else 0


@dataclass
class Normalized:
    """The canonical text and its map to the source text (``map.to_outer(len(text))`` is the end of the source)."""

    text: str
    map: OffsetMap


@lru_cache(maxsize=1)
def _tables():
    spec = data.load_yaml("grammar/normalize.yaml")
    deletions = re.compile("|".join(f"(?:{p})" for p in spec["delete"]))
    starts = re.compile(spec["delete-starts"])
    table = {}
    for src, dst in spec["replace"].items():
        table[ord(src)] = dst
    for lo, hi, shift in spec.get("replace-ranges", []):
        for cp in range(lo, hi + 1):
            table[cp] = chr(cp - shift)
    return deletions, table, starts


@lru_cache(maxsize=1)
def _replaced() -> tuple[re.Pattern, dict[str, str]] | None:
    """The characters the replacements change (a class to find them) and their replacements; None when one
    replacement's result is changed by another (then only str.translate gives one pass)."""
    table = {chr(k): v for k, v in _tables()[1].items()}
    if any(v in table and table[v] != v for v in table.values()):
        return None
    return re.compile("[" + "".join(re.escape(k) for k in sorted(table)) + "]"), table


def replace(text: str) -> str:
    """The one-for-one replacements of grammar/normalize.yaml (``str.translate`` with the table).  A report holds
    only a few distinct characters to replace (full-width punctuation, a kind of space): they are found with one
    scan and each replaced with ``str.replace``, both in C, instead of ``translate``'s dictionary lookup for every
    character (8x faster on the corpus)."""
    found = _replaced()
    if found is None:
        return text.translate(_tables()[1])
    rx, table = found
    for ch in set(rx.findall(text)):
        text = text.replace(ch, table[ch])
    return text


@lru_cache(maxsize=1)
def _opencc():
    try:
        import opencc
    except ImportError:  # pragma: no cover - declared dependency
        return None
    return opencc.OpenCC("t2s")


def _needs_t2s(text: str) -> bool:
    """Whether the text may hold Traditional characters.  GB2312 holds only Simplified characters, so a text that
    encodes in it has nothing to convert and OpenCC is not even imported (most reports; a cold run saves ~20 ms).
    A text with a character outside GB2312 (Traditional, or a rare Simplified one) goes through OpenCC."""
    if text.isascii():
        return False
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def to_simplified(text: str) -> str:
    """Traditional → Simplified, guaranteed to keep the length (so the offset map stays valid)."""
    if not _needs_t2s(text):
        return text
    cc = _opencc()
    if cc is None:
        return text
    out = cc.convert(text)
    if len(out) == len(text):
        return out
    lines = text.split("\n")
    fixed = []
    for line in lines:
        conv = cc.convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c := cc.convert(ch)) == 1 else ch for ch in line)
        fixed.append(conv)
    return "\n".join(fixed)


def normalize(text: str, memo: Memo | None = None) -> Normalized:
    """The canonical text of ``text``; with a ``memo``, unchanged lines are taken from it (see :func:`_by_lines`)."""
    if memo is not None:
        done = _by_lines(text, memo)
        if done is not None:
            return done
    kept, deleted = _delete(text)
    canon = to_simplified(replace(kept))
    return Normalized(canon, OffsetMap.deleting(deleted, len(text)))


def _delete(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` without what the deletion patterns of grammar/normalize.yaml match, and the deleted spans.

    The deletions are tried only where one can start (``delete-starts``, found by a scan in C): the same matches
    as ``finditer`` of the deletion pattern, which would try all its look-behinds at every character."""
    deletions, _, starts = _tables()
    match = deletions.match
    kept: list[str] = []
    deleted: list[tuple[int, int]] = []
    pos = 0
    for c in starts.finditer(text):
        s = c.start()
        if s < pos:
            continue
        m = match(text, s)  # a look-behind sees the text before s
        if m is None:
            continue
        e = m.end()
        if s == e:
            continue
        if s > pos:
            kept.append(text[pos:s])
        deleted.append((s, e))
        pos = e
    kept.append(text[pos:])
    return "".join(kept), deleted


def _chunks(text: str) -> list[tuple[int, int]]:
    """The lines of ``text`` as (start, end) without their line break, lines joined where an HTML comment spans the
    break: no deletion pattern of grammar/normalize.yaml matches across a line break except a comment."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    protect_to = -1  # the end of the multi-line comment the current chunk must reach
    c = text.find("<!--")
    while start <= n:
        nl = text.find("\n", start if protect_to < 0 else max(start, protect_to))
        end = n if nl < 0 else nl
        while c != -1 and c < end:  # comments opening in this chunk: one running past its end extends it
            close = text.find("-->", c + 4)
            if close == -1:
                c = -1
                break
            if close + 3 > end:
                nl = text.find("\n", close + 3)
                end = n if nl < 0 else nl
            c = text.find("<!--", close + 3)
        out.append((start, end))
        start = end + 1
    return out


def _by_lines(text: str, memo: Memo) -> Normalized | None:
    """Normalise line by line, each line's result kept in ``memo`` (a keystroke changes one line: the others are
    looked up).  The same result as the whole text at once, since deletions do not cross line breaks (see
    :func:`_chunks`) and replacements are per character; None when the text needs Traditional → Simplified
    conversion that changes a line's length (left to the whole text)."""
    cache = memo.norm_lines
    parts: list[str] = []
    deleted: list[tuple[int, int]] = []
    for s, e in _chunks(text):
        chunk = text[s:e]
        hit = cache.get(chunk)
        if hit is None:
            kept, spans = _delete(chunk)
            hit = cache[chunk] = (replace(kept), spans)
        parts.append(hit[0])
        if hit[1]:
            deleted.extend((s + a, s + b) for a, b in hit[1])
    canon = "\n".join(parts)
    if _needs_t2s(canon):
        # OpenCC converts words, never across a line break: line by line is the whole text's conversion, as long
        # as no line changes length (then to_simplified's own repair runs, on the whole text)
        cc = _opencc()
        if cc is None:
            return None
        t2s = memo.t2s_lines
        for i, part in enumerate(parts):
            conv = t2s.get(part)
            if conv is None:
                conv = t2s[part] = cc.convert(part)
            if len(conv) != len(part):
                return None
            parts[i] = conv
        canon = "\n".join(parts)
    return Normalized(canon, OffsetMap.deleting(deleted, len(text)))


@lru_cache(maxsize=4096)
def normalize_label(text: str) -> str:
    """Normalise a short label from rules/grammar data the same way report text is normalised."""
    return normalize(text).text
