"""Rule files are untrusted data (issue 11, F7, F8, F9): every malformed value is a file:line:col error and exit 2,
YAML aliases, anchors and tags are refused before anything is built, and regexes that can backtrack
super-linearly are rejected when the rule is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from nblint import data
from nblint.ruleset import load_rule_file, load_rules, regex_problem


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The needles below are the English texts (--lang en); the Chinese ones are tested on their own at the end."""
    monkeypatch.setenv("NBLINT_LANG", "en")


BASE = """code: ZJ001
name: zj-test
severity: warning
eras: ['2021']
kind: pattern
mode: forbidden
patterns: ['x']
message: m
message-en: m
description: d
basis: b
examples:
  pass: ['b']
  fail: ['x']
"""


def rule_text(replace: str | None = None, extra: str = "") -> str:
    text = BASE if replace is None else BASE.replace("patterns: ['x']\n", replace + "\n")
    return text + extra


def load(tmp_path: Path, text: str | bytes):
    f = tmp_path / "ZJ001.yaml"
    f.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load_rule_file(f)


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    rule, probs = load(tmp_path, text)
    assert rule is None, "the rule file should have been refused"
    assert probs
    return probs


def test_base_rule_loads(tmp_path):
    rule, probs = load(tmp_path, rule_text())
    assert probs == [] and rule is not None and rule.params["patterns"] == ["x"]


@pytest.mark.parametrize(
    "replace,where,words",
    [
        ("patterns: [1]", ":7:12:", "patterns[0]: must be a string"),  # F7
        ("patterns: ['x', [1]]", ":7:17:", "patterns[1]: must be a string"),
        ("topics: ['a']", ":7:10:", "topics[0]: must be a mapping"),  # F7
        ("topics: [{name: a, patterns: [2]}]", ":7:31:", "topics[0].patterns[0]: must be a string"),
        ("topics: [{name: a, patterns: ['x'], extra: 1}]", ":7:", "unknown key 'extra'"),
        ("patterns: ['x']\nscope: 九", ":8:8:", "unknown section '九'"),  # F7
        ("patterns: ['x']\nscope: {'2021': 六, '1999': 一}", ":8:", "unknown era '1999'"),
        ("patterns: ['x']\nscope: {'2021': 十}", ":8:", "unknown section '十'"),
        ("patterns: ['x']\nmax: -1", ":8:6:", "max: must be at least 1"),  # F7
        ("patterns: ['x']\nmin-length: -5", ":8:13:", "must not be negative"),
        ("patterns: ['[']", ":7:12:", "bad regular expression"),
        ("patterns: ['(\\d+)+万X']", ":7:12:", "super-linearly"),  # F9
        ("patterns: ['(a*)*b']", ":7:12:", "super-linearly"),
        ("patterns: ['(xx|x)+y']", ":7:12:", "super-linearly"),
        ("patterns: ['(?:\\s*\\d+(?:\\.\\d+)?){2,}$']", ":7:12:", "super-linearly"),  # the old F1 shape
        ("topics: [{name: a, patterns: ['(\\d{1,3})+$']}]", ":7:31:", "super-linearly"),
    ],
)
def test_malformed_inner_values_have_positions(tmp_path, replace, where, words):
    probs = problems(tmp_path, rule_text(replace))
    assert any(where in p and words in p for p in probs), probs


def test_tagged_value_is_refused_and_never_built(tmp_path):
    marker = tmp_path / "touched"
    probs = problems(tmp_path, rule_text(f"patterns: [!!python/object/apply:os.system ['touch {marker}']]"))
    assert ":7:12:" in probs[0] and "YAML tag" in probs[0]
    assert not marker.exists()


def test_kind_of_wrong_type_and_complex_keys(tmp_path):
    probs = problems(tmp_path, "? [a, b]\n: 1\nkind: [x]\n")
    assert any("unknown check kind" in p for p in probs)
    assert any(":1:3:" in p and "unknown key" in p for p in probs)


def test_other_kinds_check_their_inner_values(tmp_path):
    cells = BASE.replace(
        "kind: pattern\nmode: forbidden\npatterns: ['x']\n", "kind: cells\ncheck: zero\ncells: [二:x]\n"
    )
    assert any("must be table:row:column" in p and ":7:9:" in p for p in problems(tmp_path, cells))
    ident = BASE.replace(
        "kind: pattern\nmode: forbidden\npatterns: ['x']\n",
        "kind: identity\ntable: 三\nfor-each: column\nidentities: [{left: [一], right: 二}]\n",
    )
    assert any("identities[0].right: must be a list" in p for p in problems(tmp_path, ident))
    dates = BASE.replace(
        "kind: pattern\nmode: forbidden\npatterns: ['x']\n", "kind: dates\ncheck: deadline\ndeadlines: [{date: 3-31}]\n"
    )
    assert any("must be MM-DD" in p for p in problems(tmp_path, dates))
    rep = BASE.replace(
        "kind: pattern\nmode: forbidden\npatterns: ['x']\n",
        "kind: repetition\ncheck: share\nthreshold: 2.0\nmin-chars: 5\n",
    )
    assert any("threshold" in p for p in problems(tmp_path, rep))
    seq = BASE.replace(
        "kind: pattern\nmode: forbidden\npatterns: ['x']\n", "kind: sequence\nmarker: '(?P<n>(\\d+)+)是'\n"
    )
    assert any("super-linearly" in p for p in problems(tmp_path, seq))


def alias_bomb() -> str:
    a = ['&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
        f"&a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)
    ]
    return (
        "aliases: ["
        + ", ".join(a)
        + "]\n"
        + BASE.replace("  fail: ['x']\n", "  fail: [*a8]\n").replace("code: ZJ001\n", "code: ZJ001\n", 1)
    )


def test_alias_bomb_is_refused_quickly_with_bounded_memory(tmp_path):  # F8
    text = alias_bomb()
    assert len(text) < 1000
    # tracemalloc measures this call's own peak (a delta of ru_maxrss is zero inside a test run that already peaked)
    tracemalloc.start()
    t = time.perf_counter()
    try:
        probs = problems(tmp_path, text)
        elapsed = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 50 * 1024 * 1024, f"peak {peak // 1024} KB"
    assert ":1:11:" in probs[0] and "anchor" in probs[0]


def test_self_referencing_alias_is_refused(tmp_path):
    assert "anchor" in problems(tmp_path, "a: &x [*x]\n")[0]


def test_plain_caps_expansion():
    x: list = ["lol"] * 10
    for _ in range(8):
        x = [x] * 10  # shared lists, as an alias-expanding loader gives them
    with pytest.raises(ValueError, match="more than"):
        data.plain(x, limit=100_000)


def test_not_utf8_and_oversize(tmp_path):
    assert ":2:1:" in problems(tmp_path, b"code: ZJ001\n\xd6\xd0: 1\n")[0]
    assert "larger than" in problems(tmp_path, rule_text() + "# " + "x" * 300_000 + "\n")[0]


def test_shipped_rules_pass_the_regex_screen():
    assert len(load_rules()) >= 40


@pytest.mark.parametrize(
    "pattern,ok",
    [
        (r"(\d+)+", False),
        (r"(a*)*", False),
        (r"(\d{1,3})+", False),
        (r"(\d+){2}", False),
        (r"(x|xy)+z", False),
        (r"(?:\d+)++", True),  # possessive: no backtracking
        (r"(?>(\d+)+)", True),  # atomic
        (r"(?:\d{1,2}[、.]){0,3}", True),  # bounded both ways
        (r"(?P<n>\d+)件", True),
        (r"(?:a|b|\d)+", True),
        (r"(?:公开|申请)+", True),
    ],
)
def test_regex_screen(pattern, ok):
    assert (regex_problem(pattern) is None) == ok


def run_cli(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nblint", "check", "report.txt"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NBLINT_NO_CACHE": "1"},
    )


@pytest.mark.parametrize(
    "text",
    [
        rule_text("patterns: [1]"),
        rule_text("topics: ['a']"),
        rule_text("patterns: [!!python/object/apply:os.system ['true']]"),
        rule_text("patterns: ['(\\d+)+万X']"),
        rule_text("patterns: ['x']\nscope: 九"),
        alias_bomb(),
    ],
    ids=["int-pattern", "str-topic", "tag", "nested-quantifier", "unknown-scope", "alias-bomb"],
)
def test_cli_exit_2_with_position(tmp_path, text):
    (tmp_path / ".nblint.yaml").write_text("extend-rules: [rules]\n", encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "ZJ001.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "report.txt").write_text("某某市人民政府2024年政府信息公开工作年度报告\n", encoding="utf-8")
    t = time.perf_counter()
    p = run_cli(tmp_path)
    assert time.perf_counter() - t < 10
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert "ZJ001.yaml:" in p.stderr and any(ch.isdigit() for ch in p.stderr.split("ZJ001.yaml:")[1][:3])


@pytest.mark.parametrize(
    "replace, extra, words",
    [
        ("patterns: [1]", "", "patterns[0]: 应为字符串"),
        ("patterns: ['x']", "colour: red\n", "未知的键 'colour'（检查类型 'pattern'）"),
        ("patterns: ['(a+)+$']", "", "可能超线性回溯（重复之内又有重复）"),
        ("patterns: ['(']", "", "正则表达式 '(' 有误"),
        ("patterns: ['x']", "scope: 八\n", "scope 中未知的章节 '八'"),
    ],
)
def test_problems_are_in_chinese_by_default(tmp_path, monkeypatch, replace, extra, words):
    """A provincial rule author reads the problems of a rule file in Chinese, like every other message of nblint."""
    monkeypatch.delenv("NBLINT_LANG")
    probs = problems(tmp_path, rule_text(replace, extra))
    assert any(words in p for p in probs), probs


def test_rule_file_words_exist_in_both_languages():
    from nblint.i18n import STRINGS

    keys = [k for k in STRINGS if k.startswith("rulefile.")]
    assert len(keys) > 50
    for k in keys:
        zh, en = STRINGS[k]
        assert zh and en and zh != en, k


@pytest.mark.parametrize(
    "lang, texts",
    [
        ("zh", ["检查 'parts-sum' 需要 'totals'和'part'", "检查 'foreign-date' 需要 'years'或'malformed'"]),
        ("en", ["check 'parts-sum' needs 'totals' and 'part'", "check 'foreign-date' needs 'years' or 'malformed'"]),
    ],
)
def test_a_check_names_what_it_needs_in_the_interface_language(lang, texts):
    from nblint import i18n
    from nblint.checks import claims

    i18n.set_lang(lang)
    try:
        found = [msg for check in ("parts-sum", "foreign-date") for _, msg in claims.validate({"check": check})]
    finally:
        i18n.set_lang(None)
    assert found == texts
