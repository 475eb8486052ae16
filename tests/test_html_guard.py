"""The HTML reader gives the same text and the same source positions as it did when the guard was written: every
real portal page (../shared binaries and corpus; skipped when absent), the reader fixtures, and seeded variants
of each (tests/html_pages.py) against tests/expectations/html_reader.json.  Set NBLINT_UPDATE_GOLDEN=1 to rewrite
the file after an intended change of the reader's output (then read the diff)."""

from __future__ import annotations

import json
import os

import pytest
from html_pages import all_cases, fingerprint, golden_path

from nblint import budget


def _golden() -> dict:
    p = golden_path()
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


@pytest.mark.parametrize("group", ["shared", "fixtures"])
def test_reader_output_is_unchanged(group):
    cases = [(name, data) for g, name, data in all_cases() if g == group]
    if not cases:
        pytest.skip("no pages (../shared absent)")
    with budget.limit(None):
        got = {name: fingerprint(name, data) for name, data in cases}
    if os.environ.get("NBLINT_UPDATE_GOLDEN"):
        golden = _golden()
        golden.update(got)
        rows = (
            f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(golden[k], ensure_ascii=False)}" for k in sorted(golden)
        )
        golden_path().write_text("{\n" + ",\n".join(rows) + "\n}\n", encoding="utf-8")
    golden = _golden()
    missing = [name for name in got if name not in golden]
    assert not missing, f"no golden entry for {missing[:5]}; run with NBLINT_UPDATE_GOLDEN=1"
    differ = [name for name in got if got[name] != golden[name]]
    assert not differ, (
        f"{len(differ)} pages read differently, e.g. {differ[0]}: {got[differ[0]]} != {golden[differ[0]]}"
    )
