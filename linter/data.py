"""Where the domain data lives (rules/ and grammar/) and how it is loaded.

In a source checkout the data sits next to ``linter/``; in an installed package it is shipped as ``nblint/rules``
and ``nblint/grammar``.  Parsed data is memoised per process and pickled to a cache directory keyed by the
files' modification times, so a cold single-file run does not pay for YAML parsing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import cache, lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
CACHE_FORMAT = "v2"  # bump when the shape of cached data changes


@lru_cache(maxsize=1)
def root() -> Path:
    """Directory holding ``rules/`` and ``grammar/``."""
    for cand in (_HERE, _HERE.parent):
        if (cand / "grammar" / "layout.lark").is_file():
            return cand
    raise RuntimeError("nblint data files (grammar/, rules/) not found; is the package installed correctly?")


def path(rel: str) -> Path:
    return root() / rel


def _yaml_safe():
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True)


MAX_NODES = 1_000_000  # no data file of nblint comes near; a document that expands beyond is refused


def plain(node, limit: int = MAX_NODES):
    """YAML nodes → built-in Python types (so that cached pickles never need ruamel to load).  Shared nodes
    (YAML aliases) are copied, so the number of nodes copied is capped: past ``limit`` a ValueError is raised
    instead of expanding an alias bomb into billions of nodes."""
    count = 0

    def conv(n):
        nonlocal count
        count += 1
        if count > limit:
            raise ValueError(f"YAML document expands to more than {limit} nodes")
        if isinstance(n, dict):
            return {conv(k): conv(v) for k, v in n.items()}
        if isinstance(n, list):
            return [conv(v) for v in n]
        if isinstance(n, bool) or n is None:
            return n
        if isinstance(n, int):
            return int(n)
        if isinstance(n, float):
            return float(n)
        if isinstance(n, str):
            return str(n)
        return n

    return conv(node)


def refuse_references(text: str, where: str) -> str | None:
    """For YAML from a repository being linted (rule files; configuration may use it too): plain data only, no
    anchors, aliases or tags (an alias bomb expands a few hundred bytes into billions of nodes; a tag asks for an
    object).  Checked on the parser's events, before any node is built; returns ``where:line:col: problem`` or
    None.  Raises ruamel's YAMLError for malformed YAML."""
    import io

    from ruamel.yaml import YAML

    for ev in YAML(typ="rt").parse(io.StringIO(text)):
        kind = type(ev).__name__
        what = None
        if kind == "AliasEvent":
            what = f"YAML alias '*{ev.anchor}'"
        elif getattr(ev, "anchor", None) is not None:
            what = f"YAML anchor '&{ev.anchor}'"
        elif getattr(ev, "tag", None) is not None and kind in (
            "ScalarEvent",
            "SequenceStartEvent",
            "MappingStartEvent",
        ):
            what = f"YAML tag '{getattr(ev.tag, 'value', ev.tag)}'"
        if what:
            m = ev.start_mark
            return f"{where}:{m.line + 1}:{m.column + 1}: {what} not allowed here (plain data only)"
    return None


def read_yaml_file(p: Path):
    with open(p, encoding="utf-8") as fh:
        return plain(_yaml_safe().load(fh))


def cache_dir() -> Path | None:
    if os.environ.get("NBLINT_NO_CACHE"):
        return None
    base = os.environ.get("NBLINT_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    d = Path(base) / "nblint"
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return d


def fingerprint(files: list[Path]) -> str:
    from . import __version__

    h = hashlib.sha1(__version__.encode())
    for f in sorted(files):
        try:
            st = f.stat()
        except OSError:
            continue
        h.update(f"{f}:{st.st_mtime_ns}:{st.st_size};".encode())
    return h.hexdigest()[:16]


def disk_cached(name: str, files: list[Path], build):
    """Return ``build()``, memoised on disk under ``name`` + fingerprint of ``files``."""
    d = cache_dir()
    if d is None:
        return build()
    key = d / f"{name}-{CACHE_FORMAT}-{fingerprint(files)}.pickle"
    try:
        with open(key, "rb") as fh:
            return pickle.load(fh)
    except Exception:
        pass
    value = build()
    try:
        tmp = key.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, key)
    except Exception:
        pass
    return value


@cache
def load_yaml(rel: str):
    """A data file under the data root, parsed (and disk-cached)."""
    p = path(rel)
    return disk_cached("data-" + rel.replace("/", "_"), [p], lambda: read_yaml_file(p))
