"""nblint.rxcache: compiled regular-expression programs kept between runs of the nblint process give patterns that
match exactly as freshly compiled ones (groups, names, flags), and a cache from elsewhere is ignored."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = r"""
import re, sys
from nblint.rxcache import install
assert install(sys.argv[1])
import re._compiler
pats = [
    (r"(?P<num>[一二三四五六七八九十]{1,2})、\s*+(?P<title>[\u3400-\u9fff]+)", 0),
    (r"(?i)nb\d{3}", 0),
    (r"^\s*#*\s*$", re.M),
    (r"(a)(?:b|c)*+(?P<x>d)?", 0),
    (rb"[\x00-\x08]+", 0),
]
out = []
for p, f in pats:
    c = re.compile(p, f)
    text = "二、主动公开政府信息情况 NB301\n  #\nabcbd" if isinstance(p, str) else b"\x01\x02a"
    out.append((c.pattern, c.flags, c.groups, dict(c.groupindex), [m.span() for m in c.finditer(text)],
                [m.groups() for m in c.finditer(text)]))
print(repr(out))
"""


@pytest.mark.skipif(not (3, 11) <= sys.version_info[:2] <= (3, 13), reason="the cache knows CPython 3.11-3.13")
def test_cached_programs_match_like_fresh_ones(tmp_path):
    fresh = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, check=True)
    assert list(tmp_path.glob("regex-*.pickle"))  # written at exit
    cached = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, check=True)
    assert fresh.stdout == cached.stdout and fresh.stdout.count("(") > 10


@pytest.mark.skipif(not (3, 11) <= sys.version_info[:2] <= (3, 13), reason="the cache knows CPython 3.11-3.13")
def test_a_cache_from_another_build_is_ignored(tmp_path):
    import _sre
    import pickle

    f = tmp_path / f"regex-{sys.implementation.cache_tag}-{_sre.MAGIC}.pickle"
    bogus = {("str", r"(?i)nb\d{3}", 0): (0, [1, 2, 3], 0, {}, ())}
    f.write_bytes(pickle.dumps({"version": "another build", "entries": bogus}))
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, check=True)
    assert "NB301" not in out.stderr and out.stdout
