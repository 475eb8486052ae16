"""nblint.scan finds exactly the matches of ``finditer``, trying the pattern only where a match can start."""

from __future__ import annotations

import re

import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from nblint import layout, scan
from nblint.checks import kind_module
from nblint.checks.pattern import _rx
from nblint.checks.speaker import _compiled, _key
from nblint.ruleset import load_rules, rule_regexes


def _patterns() -> list[re.Pattern]:
    """Every regex of the rules, and the alternations the pattern and speaker checks build from them."""
    out = []
    for r in load_rules():
        out += [re.compile(p) for _, p in rule_regexes(kind_module(r.kind), r.params)]
        if r.kind == "pattern" and r.params.get("patterns"):
            out.append(_rx(tuple(r.params["patterns"])))
        if r.kind == "speaker":
            out.append(_compiled(_key(r.params["units"])))
    return out


PATTERNS = _patterns() + [layout.patterns().furniture]
SCANNED = [rx for rx in PATTERNS if scan._plan(rx) is not None or scan.required(rx) is not None]
# the characters the patterns are made of, and a few others: random texts that match now and then
ALPHABET = sorted({ch for rx in SCANNED for ch in rx.pattern if not ch.isascii()} | set("0123456789 X_(\n。|-/:"))


def _spans(it) -> list[tuple[int, int]]:
    return [m.span() for m in it]


def test_some_rule_patterns_are_scanned():
    assert len(SCANNED) >= 3  # a look-behind first (NB501), the alternations of NB411 and NB513
    assert scan.starts(re.compile("(?<![不及])予以公开")).pattern == "[\\U00004e88]"


@pytest.mark.parametrize(
    "pattern",
    [
        "予以公开",  # a literal: the engine skips ahead by itself
        "(?:未|没有)收到",  # an alternation of literals: likewise
        "[\u3400-\u9fff]+年",  # too many first characters
        "x*",  # may match the empty string
        "(?i)(?<!a)ab",  # ignores case
        "(?<!a)\\d+",  # a category
    ],
)
def test_what_is_not_scanned(pattern):
    assert scan.starts(re.compile(pattern)) is None


def test_an_alternation_of_words_is_found_by_its_words():
    assert scan.first_words(re.compile("(?:未|没有)(?:收到|受理)")) == ("未", "没有")
    assert scan.first_words(re.compile("(?P<u0>我区|本区(?!域))|(?P<u1>我省)")) == ("我区", "我省", "本区")
    assert scan.first_words(re.compile("[制出]台")) == ("出", "制")
    assert scan.first_words(re.compile("予以公开")) is None  # one word: the engine finds it quickly itself
    assert scan.first_words(re.compile("(?:未|没有)?收到")) is None
    rx = re.compile("(?:未|没有)收到")
    text = "没有收到未收到未未收到没有没有收到"
    assert _spans(scan.finditer(rx, text)) == _spans(rx.finditer(text)) == [(0, 4), (4, 7), (8, 11), (13, 17)]


def test_an_anchored_alternative_is_tried_at_the_start_only():
    rx = re.compile("^\\s*+第\\d+页|首页\\s*>")
    assert scan._plan(rx) == (None, re.compile("[\\U00009996]"), True)
    for text in (" 第3页", "x 第3页", "a首页 >", "首页>", "第3页 首页>"):
        assert _spans(scan.finditer(rx, text)) == _spans(rx.finditer(text)), text
        assert _spans([m for m in [scan.search(rx, text)] if m]) == _spans([m for m in [rx.search(text)] if m])
    assert scan._plan(re.compile("(?m)^第\\d+页|首页")) is None  # ^ after every line break: not scanned


def test_a_required_word_is_looked_up_first():
    assert scan.required(re.compile("(?P<n>[一二三])是(?=[^的非否])")) == "是"
    assert scan.required(re.compile("(?:未|没有)(?:收到|受理)申请(?P<n>\\d+)件")) == "申请"
    assert scan.required(re.compile("(?<=年)(?:ab)+c?")) == "ab"  # the repeated group occurs at least once
    assert scan.required(re.compile("x(?:yz)?")) == "x"  # an optional group is not required
    assert scan.required(re.compile("(?:甲|乙)")) is None
    assert scan.required(re.compile("(?i)abc")) is None
    rx = re.compile("(?P<n>[一二三])是")
    assert scan.possible(rx, "一二三")  # its first use: the pattern is not read yet (a one-file run pays nothing)
    assert not scan.possible(rx, "一二三") and scan.possible(rx, "一是")
    assert list(scan.finditer(rx, "一二三是", 0, 3)) == [] and scan.search(rx, "一是", 1) is None


def test_optional_first_part_lists_both_characters():
    rx = re.compile("(?<=年)(?:我)?区")
    assert scan.starts(rx).pattern == "[\\U0000533a\\U00006211]"
    assert _spans(scan.finditer(rx, "年区年我区区")) == _spans(rx.finditer("年区年我区区"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=120).map("".join), st.integers(0, 10), st.integers(0, 130))
def test_same_matches_as_finditer(text, pos, endpos):
    for rx in SCANNED:
        assert _spans(scan.finditer(rx, text, pos, endpos)) == _spans(rx.finditer(text, pos, endpos)), rx.pattern
        assert _spans(scan.finditer(rx, text)) == _spans(rx.finditer(text)), rx.pattern
        want = rx.search(text, pos, endpos)
        got = scan.search(rx, text, pos, endpos)
        assert (got and got.span()) == (want and want.span()), rx.pattern


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus not present")
def test_same_matches_on_the_corpus():
    from nblint.readers import read_path

    for path in sorted((SHARED / "corpus").iterdir()):
        text = read_path(str(path)).text
        for rx in SCANNED:
            assert _spans(scan.finditer(rx, text)) == _spans(rx.finditer(text)), (path.name, rx.pattern)
            for pos in (0, len(text) // 3, len(text) - 40):  # the first match from a few places (search's own loop)
                want, got = rx.search(text, max(0, pos)), scan.search(rx, text, max(0, pos))
                assert (got and got.span()) == (want and want.span()), (path.name, rx.pattern)


def test_at_beginning():
    assert scan.at_beginning(re.compile(r"^\s*+第\d+页"))
    assert scan.at_beginning(re.compile(r"(?:\A页)"))
    assert not scan.at_beginning(re.compile(r"^a|b"))  # one alternative can match anywhere
    assert not scan.at_beginning(re.compile(r"(?:^a|b)"))
    assert not scan.at_beginning(re.compile(r"(?m)^a"))  # ^ at every line start
    assert not scan.at_beginning(re.compile(r"a^"))


FURNITURE_ALPHABET = sorted(
    {ch for ch in layout.patterns().furniture.pattern if not ch.isascii()} | set("0123456789 -_/|:>.第页")
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FURNITURE_ALPHABET), max_size=40).map("".join))
def test_furniture_in_two_groups_is_the_same_search(line):
    P = layout.patterns()
    assert P.is_furniture(line) == bool(P.furniture.search(line))


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus not present")
def test_furniture_in_two_groups_on_the_corpus():
    from nblint.normalize import normalize
    from nblint.readers import read_path

    P = layout.patterns()
    n = 0
    for sub in ("corpus", "seeds", "binaries"):
        for path in sorted((SHARED / sub).iterdir()):
            try:
                text = normalize(read_path(str(path)).text).text
            except Exception:  # unreadable on purpose (the broken PDF): nothing to compare
                continue
            for line in text.split("\n"):
                got = P.is_furniture(line)
                assert got == bool(P.furniture.search(line)), (path.name, line)
                n += got
    assert n > 50  # the corpus has page furniture to find
