"""File names as people and other programs get them, whatever bytes the file system holds.

On POSIX a file name is bytes; Python decodes it with ``surrogateescape``, so a name that is not UTF-8 (a GBK name
unpacked from a zip archive) reaches nblint as a ``str`` with lone surrogates (``bad-\\udcff.txt``).  Such a string
cannot be encoded strictly, so every writer (JSON, JSON Lines, CSV, HTML, SARIF, text) goes through this module:

- :func:`display` for text meant to be read: the undecodable bytes as ``\\xff`` escapes (valid UTF-8 always);
- :func:`uri_path` for URIs: the file's real bytes, percent-encoded (RFC 3986), so the URI names the file itself.
"""

from __future__ import annotations

import os
from urllib.parse import quote

# characters left as they are in a URI path (RFC 3986 pchar and "/")
URI_SAFE = "/:@!$&'()*+,;=-._~"


def display(path: str) -> str:
    """``path`` with any byte that is not UTF-8 shown as ``\\xNN`` (and any other lone surrogate as ``\\udNNN``)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate that did not come from the file system
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def uri_path(path: str) -> str:
    """``path`` (with "/" separators) percent-encoded from its file-system bytes."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe=URI_SAFE)
