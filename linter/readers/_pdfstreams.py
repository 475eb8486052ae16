"""A decompression-bomb guard for PDFs, run before PDFium sees the file.

PDFium inflates a page's content stream (and fonts, object streams, CMaps) completely, in memory, before anything
can stop it: a 2 MB file whose content stream is 2 GB of zeros costs 3 GB of memory and 11 s.  :func:`check`
therefore inflates every compressed stream of the file itself, in chunks of ``CHUNK`` bytes that are counted and
dropped (constant memory, zlib's C speed: about 0.3 s per GB of zeros), and refuses the file (``ReadError``) as
soon as the total passes ``MAX_INFLATED`` bytes.  Real reports inflate to a few MB (fonts included).

* Streams are found by their ``stream`` keyword; each is decoded from there by its own filter chain (FlateDecode,
  LZWDecode, RunLengthDecode, ASCIIHexDecode, ASCII85Decode, in the order of ``/Filter``), each decoder stopping at
  its own end-of-data, so a wrong ``/Length`` or an ``endstream`` inside the data changes nothing.
* Image XObjects are skipped: PDFium does not decode images to read text, and a scanned report's images may well
  inflate to hundreds of MB.  Streams whose filter chain starts with an image codec (DCT, JPX, JBIG2, CCITT) are
  skipped for the same reason.
* Encrypted files (an ``/Encrypt`` entry; PDFium opens those with an empty user password) keep their streams as
  ciphertext, so there pdfminer's parser lists the objects and deciphers each stream's raw bytes (without
  decoding them); the same counting runs on the plain bytes.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import re
import zlib
from collections.abc import Iterator

from .. import budget
from ..source import ReadError

MAX_INFLATED = 128 * 1024 * 1024  # bytes of decoded stream data in one file
CHUNK = 1 << 20
_STREAM = re.compile(rb"stream\r?\n")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_SKIP = {b"DCTDecode", b"DCT", b"JPXDecode", b"JBIG2Decode", b"CCITTFaxDecode", b"CCF"}


def check(data: bytes) -> None:
    """Raise :class:`ReadError` when decoding the file's streams would take more than ``MAX_INFLATED`` bytes."""
    total = 0
    for head, body in _streams(data):
        filters = _filters(head)
        if not filters or filters[0] in _SKIP or _IMAGE.search(head):
            continue
        if filters[0] not in (b"FlateDecode", b"Fl"):  # decoders that need their whole input: up to endstream
            end = bytes(body[: 64 * 1024 * 1024]).find(b"endstream") if len(body) > 0 else -1
            if end >= 0:
                body = body[:end]
        for n in _decoded_sizes(body, filters):
            total += n
            if total > MAX_INFLATED:
                raise ReadError(
                    f"the PDF's compressed streams inflate to more than {MAX_INFLATED // (1024 * 1024)} MB "
                    "(a decompression bomb?); not read"
                )


def _streams(data: bytes) -> Iterator[tuple[bytes, memoryview]]:
    """(dictionary bytes, data from the stream start on) for every stream of the file."""
    if b"/Encrypt" in data:
        yield from _encrypted_streams(data)
        return
    view = memoryview(data)
    pos = 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            return
        pos = m.end()
        if m.start() >= 3 and data[m.start() - 3 : m.start()] == b"end":
            continue
        head = data[max(0, m.start() - 4096) : m.start()]
        k = head.rfind(b" obj")
        if k >= 0:
            head = head[k:]
        budget.check()
        yield head, view[pos:]


def _encrypted_streams(data: bytes) -> Iterator[tuple[bytes, memoryview]]:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except Exception as e:
        name = type(e).__name__
        if "password" in name.lower() or "encrypt" in name.lower():
            raise ReadError("the PDF is encrypted (password-protected); not read") from None
        return  # PDFium will say what is wrong with it
    seen = set()
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            if objid in seen:
                continue
            seen.add(objid)
            try:
                strmid, _, _ = xref.get_pos(objid)
                if strmid is not None:  # objects inside object streams are never streams
                    continue
                obj = doc.getobj(objid)
            except Exception:
                continue
            if not isinstance(obj, PDFStream):
                continue
            budget.check()
            raw = obj.rawdata or b""
            if obj.decipher:
                try:
                    raw = obj.decipher(obj.objid or 0, obj.genno or 0, raw, obj.attrs)
                except Exception:
                    continue
            head = b" ".join(_attr_bytes(k, v) for k, v in obj.attrs.items())
            yield head, memoryview(raw)


def _attr_bytes(key, value) -> bytes:
    from pdfminer.psparser import PSLiteral

    def one(v) -> bytes:
        if isinstance(v, PSLiteral):
            return b"/" + (v.name if isinstance(v.name, bytes) else str(v.name).encode())
        return b""

    vals = value if isinstance(value, list) else [value]
    inner = b" ".join(one(v) for v in vals)
    return b"/" + key.encode() + (b" [" + inner + b"]" if isinstance(value, list) else b" " + inner)


def _filters(head: bytes) -> list[bytes]:
    m = _FILTER.search(head)
    if m is None:
        return []
    return _NAME.findall(m.group(1))


def _decoded_sizes(body: memoryview, filters: list[bytes]) -> Iterator[int]:
    """Sizes of the successive chunks of the fully decoded stream (only the last filter's output is counted)."""
    chunks: Iterator[bytes] = _chunks(body)
    for f in filters:
        step = _DECODERS.get(f)
        if step is None:
            return  # an image codec or an unknown filter: PDFium will not inflate past it for text
        chunks = step(chunks)
    for c in chunks:
        yield len(c)


def _chunks(body: memoryview) -> Iterator[bytes]:
    step = 64 * 1024  # small first reads: most streams are a few KB
    for i in range(0, len(body), step):
        yield bytes(body[i : i + step])


def _flate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    d = zlib.decompressobj()
    try:
        for c in chunks:
            while c:
                out = d.decompress(c, CHUNK)
                if out:
                    yield out
                    budget.check()
                if d.eof:
                    return
                c = d.unconsumed_tail
    except zlib.error:
        return


def _zeros(lengths: Iterator[int]) -> Iterator[bytes]:
    """Zero bytes of the decoded lengths, in chunks of about ``CHUNK``: the size-only decoders (LZW, RunLength) give
    the caller something to count without keeping the decoded bytes (a filter after them sees zeros: never seen in
    practice)."""
    out = 0
    for n in lengths:
        out += n
        if out >= CHUNK:
            yield b"\0" * out
            out = 0
            budget.check()
    if out:
        yield b"\0" * out


def _lzw(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """LZW (early change 1, as PDF writes it): entry lengths only, no bytes kept."""
    return _zeros(_lzw_lengths(chunks))


def _lzw_lengths(chunks: Iterator[bytes]) -> Iterator[int]:
    lengths: list[int] = []
    prev_len = 0
    bits = 9
    acc = nacc = 0
    for c in chunks:
        for byte in c:
            acc = (acc << 8) | byte
            nacc += 8
            while nacc >= bits:
                nacc -= bits
                code = (acc >> nacc) & ((1 << bits) - 1)
                acc &= (1 << nacc) - 1
                if code == 256:
                    lengths, prev_len, bits = [], 0, 9
                    continue
                if code == 257:
                    return
                if code < 256:
                    n = 1
                elif code - 258 < len(lengths):
                    n = lengths[code - 258]
                else:
                    n = prev_len + 1
                if prev_len:
                    lengths.append(prev_len + 1)
                prev_len = n
                yield n
                size = len(lengths) + 258
                bits = 12 if size >= 2047 else 11 if size >= 1023 else 10 if size >= 511 else 9


def _runlength(chunks: Iterator[bytes]) -> Iterator[bytes]:
    return _zeros(_runlength_lengths(b"".join(chunks)))  # the join is bounded by the file size


def _runlength_lengths(data: bytes) -> Iterator[int]:
    i = 0
    while i < len(data):
        n = data[i]
        if n == 128:
            break
        if n < 128:
            yield n + 1
            i += n + 2
        else:
            yield 257 - n
            i += 2


def _asciihex(chunks: Iterator[bytes]) -> Iterator[bytes]:
    data = b"".join(chunks)
    end = data.find(b">")
    hexdigits = re.sub(rb"[^0-9A-Fa-f]", b"", data if end < 0 else data[:end])
    if len(hexdigits) % 2:
        hexdigits += b"0"
    try:
        yield binascii.unhexlify(hexdigits)
    except binascii.Error:
        return


def _ascii85(chunks: Iterator[bytes]) -> Iterator[bytes]:
    data = b"".join(chunks)
    end = data.find(b"~>")
    body = re.sub(rb"\s", b"", data if end < 0 else data[:end])
    if body.startswith(b"<~"):
        body = body[2:]
    try:
        yield base64.a85decode(body)
    except ValueError:
        return


_DECODERS = {
    b"FlateDecode": _flate,
    b"Fl": _flate,
    b"LZWDecode": _lzw,
    b"LZW": _lzw,
    b"RunLengthDecode": _runlength,
    b"RL": _runlength,
    b"ASCIIHexDecode": _asciihex,
    b"AHx": _asciihex,
    b"ASCII85Decode": _ascii85,
    b"A85": _ascii85,
}
