"""Per-rule cases (tests/cases/NBxxx.yaml): report fragments that must pass or fail with exact positions.

A case is built from ``text`` or from a ``base`` document (examples/<base>.md) with ``edits`` (exact
find/replace, each find must occur); only the rule under test runs, and its diagnostics' (line, col) must equal
``expect`` exactly.  ``previous`` (same shape) gives last year's report for the cross-year rules.
"""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, ROOT
from ruamel.yaml import YAML

CASES = sorted((ROOT / "tests" / "cases").glob("NB*.yaml"))


def _build(spec: dict) -> str:
    if "text" in spec:
        text = spec["text"]
    else:
        text = (EXAMPLES / f"{spec['base']}.md").read_text(encoding="utf-8")
    for e in spec.get("edits") or []:
        assert e["find"] in text, f"edit target not found: {e['find']!r}"
        text = text.replace(e["find"], e["replace"], 1 if not e.get("all") else -1)
    return text


def _load():
    y = YAML(typ="safe", pure=True)
    for f in CASES:
        doc = y.load(f.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            yield pytest.param(doc["rule"], case, id=f"{doc['rule']}_{case['name']}")


@pytest.mark.parametrize("code,case", list(_load()))
def test_case(code, case):
    from nblint.engine import Engine, Settings
    from nblint.pipeline import parse_text
    from nblint.source import Source

    text = _build(case)
    prev = parse_text(_build(case["previous"])) if case.get("previous") else None
    eng = Engine(Settings(select=set(case.get("select") or [code]), agency_kind=case.get("agency-kind")))
    res = eng.lint_source(Source(path="case.md", text=text, kind=case.get("kind", "markdown")), prev)
    got = sorted([d.line, d.col] for d in res.diagnostics if d.code == code)
    want = sorted([list(x) for x in case["expect"]])
    assert got == want, "\n".join(f"{d.line}:{d.col} {d.code} {d.message}" for d in res.diagnostics)
    for needle in case.get("message-contains") or []:
        assert any(needle in d.message for d in res.diagnostics), [d.message for d in res.diagnostics]


def test_every_rule_has_cases():
    from nblint.ruleset import load_rules

    have = {f.stem for f in CASES}
    # NB001 is exercised by the reader tests (unreadable files), NB508/NB509 (facts about a set of reports) by
    # tests/test_evaluate.py, NB511 (copying between units, audit only) by tests/test_copying.py
    engine_only = {"NB001", "NB508", "NB509", "NB511"}
    missing = sorted(r.code for r in load_rules() if r.code not in have and r.code not in engine_only)
    assert not missing, f"rules without case files: {missing}"


def test_every_case_file_has_pass_and_fail():
    y = YAML(typ="safe", pure=True)
    for f in CASES:
        doc = y.load(f.read_text(encoding="utf-8"))
        kinds = {bool(c["expect"]) for c in doc["cases"]}
        assert kinds == {True, False}, f"{f.name} needs both passing and failing cases"


def test_the_findings_cap_holds_with_nb008_off():
    """NB008 off: the cap stays (it keeps every output usable), only the note about the rest is not given."""
    from nblint.engine import Engine, Settings
    from nblint.source import Source

    text = (ROOT / "examples" / "compliant-2024.md").read_text(encoding="utf-8")
    text = text.replace("2025年1月20日\n", "2025年1月20日\n" + "\n## 六、其他需要报告的事项\n" * 150)
    res = Engine(Settings(select={"NB104"})).lint_source(Source(path="case.md", text=text, kind="markdown"))
    assert [d.code for d in res.diagnostics] == ["NB104"] * 100
    res = Engine(Settings(select={"NB104", "NB008"})).lint_source(Source(path="case.md", text=text, kind="markdown"))
    assert [d.code for d in res.diagnostics].count("NB008") == 1 and "还有 50 处" in res.diagnostics[-1].message
