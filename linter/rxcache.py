"""A persistent cache of compiled regular-expression programs, for the ``nblint`` process only.

A cold ``nblint check`` compiles about a hundred patterns (grammar/, rules/, the checks), and CPython's compiler
fills a 64K-entry bitmap one code point at a time in Python for every wide Chinese character class such as
``[\\u3400-\\u9fff]``: about a fifth of a cold run.  Pickling a compiled pattern does not help (it is recompiled from
its string), so this keeps what the compiler produces — the SRE program (a list of integers) with its group
tables — in a file of the cache directory, keyed by the pattern and its flags, and on a hit hands it straight to
``_sre.compile``, which is what ``re`` itself does after compiling.

This uses CPython's private ``re._compiler`` API, so it is installed only on the CPython versions it was written
against (3.11–3.13), keyed by ``sys.version`` and ``_sre.MAGIC`` (a program is never loaded into another engine),
and anything unexpected falls back to the normal compiler.  Only the command-line process installs it (not a
program that imports nblint as a library).
"""

from __future__ import annotations

import os
import pickle
import sys

_installed = False
MAX_ENTRIES = 400  # programs kept in the file: this run's, then earlier runs' (a check compiles about a hundred)


def install(directory) -> bool:
    """Serve ``re`` compilations from ``directory``/regex-….pickle and save new ones at exit; False when this
    Python is not one the cache knows."""
    global _installed
    if _installed or directory is None:
        return _installed
    if sys.implementation.name != "cpython" or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return False
    try:
        import _sre
        import re._compiler as compiler
        import re._parser as parser

        code_of = compiler._code
        original = compiler.compile
        debug = compiler.SRE_FLAG_DEBUG
    except (ImportError, AttributeError):
        return False
    tag = f"{sys.implementation.cache_tag}-{_sre.MAGIC}"
    path = os.path.join(str(directory), f"regex-{tag}.pickle")
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)
        entries = saved["entries"] if saved.get("version") == sys.version else {}
    except Exception:  # missing, unreadable or from another build: start empty
        entries = {}
    if len(entries) > MAX_ENTRIES:  # never written so by this module: start afresh
        entries = {}
    new: dict = {}
    used: set = set()

    def compile(p, flags=0):
        if not isinstance(p, str | bytes) or flags & debug:
            return original(p, flags)
        key = (type(p).__name__, p, flags)
        hit = entries.get(key)
        if hit is None:
            tree = parser.parse(p, flags)
            code = [int(c) for c in code_of(tree, flags)]  # plain ints (the opcodes are named int constants)
            groupindex = dict(tree.state.groupdict)
            indexgroup = [None] * tree.state.groups
            for k, i in groupindex.items():
                indexgroup[i] = k
            hit = (flags | tree.state.flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup))
            entries[key] = new[key] = hit
        used.add(key)
        f, code, groups, groupindex, indexgroup = hit
        return _sre.compile(p, f, code, groups, groupindex, indexgroup)

    def save() -> None:
        if not new:
            return
        # this run's programs first, then earlier ones while there is room: patterns a run builds from its input
        # (globs of a configuration, say) do not pile up, and the file stays small and quick to load
        keep: dict = {}
        for k in used:
            if len(keep) >= MAX_ENTRIES:
                break
            keep[k] = entries[k]
        for k, v in entries.items():
            if len(keep) >= MAX_ENTRIES:
                break
            keep.setdefault(k, v)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as f:
                pickle.dump({"version": sys.version, "entries": keep}, f, pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass

    import atexit

    compiler.compile = compile
    atexit.register(save)
    _installed = True
    return True
