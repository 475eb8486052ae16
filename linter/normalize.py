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

from . import data
from .spans import OffsetMap

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
    table = {}
    for src, dst in spec["replace"].items():
        table[ord(src)] = dst
    for lo, hi, shift in spec.get("replace-ranges", []):
        for cp in range(lo, hi + 1):
            table[cp] = chr(cp - shift)
    return deletions, table


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


def normalize(text: str) -> Normalized:
    deletions, table = _tables()
    out_parts: list[str] = []
    deleted: list[tuple[int, int]] = []
    pos = 0
    for m in deletions.finditer(text):
        s, e = m.span()
        if s == e:
            continue
        if s > pos:
            out_parts.append(text[pos:s])
        deleted.append((s, e))
        pos = e
    out_parts.append(text[pos:])
    canon = "".join(out_parts).translate(table)
    canon = to_simplified(canon)
    return Normalized(canon, OffsetMap.deleting(deleted, len(text)))


@lru_cache(maxsize=4096)
def normalize_label(text: str) -> str:
    """Normalise a short label from rules/grammar data the same way report text is normalised."""
    return normalize(text).text
