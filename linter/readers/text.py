"""Plain text and Markdown: decode bytes, detecting the encoding (UTF-8/BOM, UTF-16, GB18030 ...)."""

from __future__ import annotations

import re
from pathlib import Path

from ..i18n import Msg
from ..source import ReadError, Source

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode(data: bytes) -> str:
    """Decode report bytes (see :func:`decode_with_encoding`)."""
    return decode_with_encoding(data)[0]


def decode_with_encoding(data: bytes) -> tuple[str, str]:
    """Decode report bytes and say how.  UTF-8 and BOM-marked files are decided at once; anything else goes to
    charset-normalizer (imported only then).  Raises ReadError when no encoding gives text."""
    if not data:
        raise ReadError(Msg("read.empty"))
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise ReadError(Msg("read.bad-bom", enc=enc, pos=e.start)) from None
    enc = "utf-8"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is None:
            raise ReadError(Msg("read.undecodable"))
        enc = best.encoding
        if enc in ("gb2312", "gbk"):
            enc = "gb18030"  # superset; avoids failing on a rare character
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            raise ReadError(Msg("read.decode-as", enc=best.encoding)) from None
    if "\x00" in text or _control_ratio(text) > 0.05:
        raise ReadError(Msg("read.binary-text"))
    return text, enc


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def read(path: str, data: bytes) -> Source:
    kind = "markdown" if Path(path).suffix.lower() in (".md", ".markdown") else "text"
    text, enc = decode_with_encoding(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ReadError(Msg("read.no-text"))
    return Source(path=path, text=text, kind=kind, encoding=enc)
