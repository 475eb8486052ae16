"""The normaliser and its offset map: every character of the canonical text maps back to the source character
it came from."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nblint.normalize import normalize

# characters that occur in real reports, including those the normaliser deletes or replaces
ALPHABET = list(
    "一二三四五六七八九十年月日報告開關於條例國務院公开政府信息（）()，,。、：:；“”‘’\"'|—-/ 0123456789１２３．.\n\r\t\u3000\u00a0\u200b\ufeffāáǎàkaibào"
) + ["<!-- x -->", " <!-- y -->", "a ("]


def test_traditional_to_simplified_keeps_positions():
    src = "2024年政府信息公開工作年度報告"
    n = normalize(src)
    assert n.text == "2024年政府信息公开工作年度报告"
    assert [n.map.to_outer(i) for i in range(len(n.text))] == list(range(len(src)))


def test_pinyin_annotation_removed_and_mapped():
    src = "信息公開(kāi)工作"
    n = normalize(src)
    assert n.text == "信息公开工作"
    assert src[n.map.to_outer(n.text.index("工"))] == "工"


def test_width_quotes_and_numbering():
    n = normalize("（一）１．“三安全一稳定”：第二十条第（五）项")
    assert n.text == '(一)1."三安全一稳定":第二十条第(五)项'


def test_wrap_spaces_inside_words_and_numbers():
    assert normalize("商业 企业").text == "商业企业"
    assert normalize("2023 年 1 月").text == "2023年1月"
    assert normalize("规章 1 0 11").text == "规章1 0 11"  # spaces between numbers are cell separators


def test_bom_crlf_zero_width():
    n = normalize("\ufeff一、总体情况\r\n情\u200b况")
    assert n.text == "一、总体情况\n情况"


def test_html_comments_removed():
    n = normalize("规章<!-- nblint: disable=NB207 -->| 0 |")
    assert n.text == "规章| 0 |"


def test_position_after_deletions_points_to_same_character():
    src = "報(bào)告\r\n第 1 页 商业 企业"
    n = normalize(src)
    for i, ch in enumerate(n.text):
        assert ch in (src[n.map.to_outer(i)], "报", "告")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=80).map("".join))
def test_every_canonical_character_maps_back_to_its_source(src):
    n = normalize(src)
    assert len(n.map.inner) == len(n.map.outer)
    prev = -1
    for i, ch in enumerate(n.text):
        j = n.map.to_outer(i)
        assert 0 <= j < len(src)
        assert j > prev  # order is kept, nothing is mapped twice
        prev = j
        s = src[j]
        # either the same character, or the one-for-one replacement of it
        same = normalize(s).text
        assert ch == s or ch == same or (len(same) == 1 and same == ch) or _t2s(s) == ch, (i, ch, s)
    assert n.map.to_outer(len(n.text)) == len(src)


def _t2s(ch: str) -> str:
    from nblint.normalize import _opencc

    return _opencc().convert(ch)


def test_simplified_text_skips_opencc():
    from nblint.normalize import _needs_t2s

    assert not _needs_t2s("一、总体情况（一）主动公开“三安全一稳定”〔2021〕")
    assert _needs_t2s("政府信息公開")


def _first_chars(items) -> list[tuple[int, int]]:
    """The code point ranges the first consumed character of a parsed pattern can be in (look-arounds skipped)."""
    import re._constants as c

    for op, av in items:
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue
        if op is c.LITERAL:
            return [(av, av)]
        if op is c.IN:
            out = []
            for iop, iav in av:
                assert iop in (c.LITERAL, c.RANGE), f"a class the test cannot enumerate: {iop}"
                out.append((iav, iav) if iop is c.LITERAL else iav)
            return out
        if op is c.SUBPATTERN:
            return _first_chars(av[-1])
        if op is c.BRANCH:
            return [r for alt in av[1] for r in _first_chars(alt)]
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            return _first_chars(av[2])
        raise AssertionError(f"a pattern that may start with anything: {op}")
    raise AssertionError("a pattern that may match nothing")


def test_every_deletion_starts_with_a_delete_start_character():
    """normalize tries the deletions only at the characters of ``delete-starts`` (grammar/normalize.yaml)."""
    import re
    import re._parser

    from nblint import data

    spec = data.load_yaml("grammar/normalize.yaml")
    starts = re.compile(spec["delete-starts"])
    for p in spec["delete"]:
        for lo, hi in _first_chars(re._parser.parse(p)):
            for cp in range(lo, hi + 1):
                # after a Chinese character, and before one (the space deletions) or a pinyin letter (an annotation)
                hits = [starts.search("年" + chr(cp) + after) for after in ("年", "a")]
                assert any(h and h.start() == 1 for h in hits), (
                    f"{p!r} may start with {chr(cp)!r}, not in delete-starts"
                )
    # a space is a candidate only between what the space deletions look behind and ahead for (at the end of its run
    # of spaces); anything else, anywhere
    assert [m.start() for m in starts.finditer("a b年 c1 d  e <!--")] == [13]
    assert [m.start() for m in starts.finditer("年 中1 2年  3 |4 年(")] == [1, 4, 7, 13]
    assert [m.start() for m in starts.finditer("公開(kāi)（一）")] == [2]  # a bracket only before pinyin


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=80).map("".join))
def test_deletions_are_those_of_the_whole_pattern(src):
    """Trying the deletions only where one can start finds what ``finditer`` of the whole pattern finds."""
    from nblint.normalize import _delete, _tables

    spans = [m.span() for m in _tables()[0].finditer(src) if m.end() > m.start()]
    kept = "".join(src[a:b] for a, b in zip([0] + [e for _, e in spans], [s for s, _ in spans] + [len(src)]))
    assert _delete(src) == (kept, spans)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET + ["！", "～", "｝", "\u2014", "\u2236", "\u2002"]), max_size=80).map("".join))
def test_replacements_are_those_of_the_table(src):
    """normalize.replace changes each character as str.translate with the table of grammar/normalize.yaml."""
    from nblint.normalize import _tables, replace

    assert replace(src) == src.translate(_tables()[1])


def test_unclosed_comment_openings_are_linear():
    """The parse review's open risk: each "<!--" without a "-->" after it made the comment pattern scan to the end
    of the text (20,000 of them took 16 s).  A comment holds no other opening: each stops at the next."""
    import time

    from nblint.normalize import _delete

    t = time.thread_time()
    text, deleted = _delete("一、总体情况\n" + "<!--" * 250_000 + "\n正文")
    assert time.thread_time() - t < 1.0 and deleted == [] and text.endswith("<!--\n正文")
    assert _delete("a<!--x-->b<!--y") == ("ab<!--y", [(1, 9)])
    assert _delete("<!--<!--x-->y<!--") == ("<!--y<!--", [(4, 12)])
