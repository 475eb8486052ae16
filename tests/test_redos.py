"""No pattern backtracks super-linearly (issue 11, F1 and the quadratic rows of the reliability review).

Every regular expression of grammar/lines.yaml, every one the line classifier compiles, and every regex of every
rule in rules/*.yaml runs (search and match) on adversarial lines of up to 100,000 characters within
PATTERN_BUDGET seconds each (linear patterns take a few milliseconds; the old label-numbers pattern needed ~1 day
for 40 digits, the old numbers pattern >60 s for a 100,000-digit line).  The whole pipeline, the CLI and the
suppression parser get the same inputs.  Times are CPU seconds (this thread's, or the child process's for the
CLI): a machine busy with other work must not make a linear pattern look slow.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time

import pytest

import nblint
from nblint import data, layout, meta
from nblint.checks import kind_module
from nblint.engine import Engine, parse_suppressions
from nblint.ruleset import load_rules, rule_regexes

PATTERN_BUDGET = 0.5  # seconds per pattern per input (search or match)
PIPELINE_BUDGET = 5.0  # seconds for lint_text on one adversarial line
CLI_BUDGET = 3.0  # CPU seconds for `nblint check` on the F1 reproducers (process start included)

TITLE = "某某市人民政府2024年政府信息公开工作年度报告\n"

ADVERSARIAL = {
    "F1 digits, bad tail": "收到申请" + "1" * 40 + ",5",
    "F1 digits, two dots": "合计" + "1" * 40 + ".5.5",
    "digits then a letter": "1" * 100_000 + "a",
    "digit-space pairs then a letter": "1 " * 50_000 + "a",
    "dashes and digits, bad tail": "-1" * 50_000 + ",",
    "heading then spaces": "一、x" + " " * 100_000 + "y",
    "subheading then spaces": "(一)x" + " " * 100_000 + "y",
    "item then spaces": "1.x" + " " * 100_000 + "y",
    "spaces then a heading": " " * 100_000 + "一、x",
    "spaces then a separator": " " * 100_000 + "---x",
    "page number then spaces": "第1页" + " " * 100_000 + "x",
    "CJK": "政府信息公开" * 16_667,
    "pipes": "|" * 100_000,
    "pipe cells": "| 1 " * 25_000 + "x",
    "unclosed comment openings": "<!--" * 25_000 + "x",
    "brackets": "(" * 50_000 + ")" * 50_000,
    "full stops and digits": "1。" * 50_000,
    "a label then dots, no pipe": "合计" + "." * 100_000,  # fuzz finding: tables/cells.py _FILLED_CELL_LINE
}

# The report-facts patterns run over the whole text (with re.M), not over one line: they also get many lines.
WHOLE_TEXT = {
    **ADVERSARIAL,
    "blank lines then a letter": "\n" * 100_000 + "x",
    "spaced blank lines": " \n" * 50_000 + "x",
    "date lines without a time": "2024-01-20\n" * 10_000,
}

# keys of grammar/lines.yaml that are not regular expressions
NOT_REGEX = {"heading-max-chars", "classify-max-chars", "blank-cells", "text-end-window"}


def grammar_patterns() -> list[tuple[str, str]]:
    spec = data.load_yaml("grammar/lines.yaml")
    out = []
    for key, value in spec.items():
        if key in NOT_REGEX:
            continue
        items = value if isinstance(value, list) else [value]
        assert all(isinstance(v, str) for v in items), f"{key}: a pattern must be a string"
        out += [(f"{key}[{i}]" if isinstance(value, list) else key, v) for i, v in enumerate(items)]
    return out


def classifier_patterns() -> list[tuple[str, str]]:
    P = layout.patterns()
    return [(f"layout.{k}", v.pattern) for k, v in vars(P).items() if isinstance(v, re.Pattern)]


def rule_patterns() -> list[tuple[str, str]]:
    out = []
    for r in load_rules():
        for path, p in rule_regexes(kind_module(r.kind), r.params):
            out.append((f"{r.code}:{'.'.join(map(str, path))}", p))
    return out


def meta_patterns() -> list[tuple[str, re.Pattern]]:
    """The report-facts patterns of grammar/meta.yaml, compiled as nblint.meta compiles them (flags included)."""
    out = []
    for key, value in meta._meta().items():
        items = value if isinstance(value, list) else [value]
        for i, v in enumerate(items):
            rx = v[1] if isinstance(v, tuple) else v
            if isinstance(rx, re.Pattern):
                out.append((f"meta.{key}[{i}]", rx))
    return out


def app_patterns() -> list[tuple[str, re.Pattern]]:
    """The block names of the readers, read back into a ``where`` (by every output and by nblint serve)."""
    from nblint import source

    return [("source.block", source._BLOCK)]


def similarity_patterns() -> list[tuple[str, str]]:
    """The masking patterns of the copying checks (grammar/copying.yaml, nblint.similarity)."""
    from nblint import similarity

    return similarity.patterns()


def normalize_patterns() -> list[tuple[str, re.Pattern]]:
    """The normaliser's deletions (grammar/normalize.yaml) as nblint.normalize compiles them, and its scan for where
    one can start."""
    from nblint import normalize

    deletions, _, starts = normalize._tables()
    return [("normalize.delete", deletions), ("normalize.delete-starts", starts)]


def table_patterns() -> list[tuple[str, re.Pattern]]:
    """The table assembler's own patterns run over a whole table region: a line's numbers and text, the
    one-cell-per-line rows, the white space the label finder drops."""
    from nblint.tables import anchors, cells

    return [
        ("tables.atoms", cells._ATOM),
        ("tables.cell-line", cells._CELL_LINE),
        ("tables.filled-cell-line", cells._FILLED_CELL_LINE),
        ("tables.no-space-gaps", anchors.NoSpace._SPACES),
    ]


ALL_PATTERNS = (
    grammar_patterns()
    + normalize_patterns()
    + classifier_patterns()
    + rule_patterns()
    + meta_patterns()
    + app_patterns()
    + similarity_patterns()
    + table_patterns()
)
META = {n for n, _ in meta_patterns()}


def test_the_pattern_list_is_complete():
    names = [n for n, _ in ALL_PATTERNS]
    for must in (
        "meta.published[1]",
        "label-numbers",
        "numbers",
        "heading1",
        "heading2",
        "heading3",
        "furniture[0]",
        "layout.known_title",
        "normalize.delete",
        "tables.atoms",
    ):
        assert must in names
    assert sum(1 for n in names if n.startswith("NB")) >= 10  # the rules' regexes are in the list too


@pytest.mark.parametrize("name,pattern", ALL_PATTERNS, ids=[n for n, _ in ALL_PATTERNS])
def test_pattern_is_linear_on_adversarial_lines(name, pattern):
    rx = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
    slow = []
    for label, line in (WHOLE_TEXT if name in META else ADVERSARIAL).items():
        for op in (rx.search, rx.match):
            t = time.thread_time()
            op(line)
            dt = time.thread_time() - t
            if dt > PATTERN_BUDGET:
                slow.append(f"{op.__name__} on {label!r}: {dt:.2f} s")
    assert not slow, f"{name} backtracks: " + "; ".join(slow)


def test_label_numbers_still_reads_table_rows():
    P = layout.patterns()
    for line, label, nums in [
        ("收到申请 28 3", "收到申请", "28 3"),
        ("合计 12", "合计", "12"),  # one number of two digits: as before
        ("(七)总计 1.5 / 2 — 3", "(七)总计", "1.5 / 2 — 3"),
        ("办理结果 - 1 2", "办理结果", "- 1 2"),
    ]:
        m = P.label_numbers.match(line)
        assert m is not None, line
        assert (m.group("label"), m.group("nums")) == (label, nums)
    for line in ("收到申请" + "1" * 40 + ",5", "合计 5", "合计 1.5", "合计 1.5.5 2"):
        assert P.label_numbers.match(line) is None, line


@pytest.mark.parametrize("label", list(ADVERSARIAL))
def test_lint_text_on_adversarial_line(label):
    t = time.thread_time()
    diags = nblint.lint_text(TITLE + ADVERSARIAL[label] + "\n")
    assert time.thread_time() - t < PIPELINE_BUDGET
    assert isinstance(diags, list)


def test_long_line_is_prose_and_keeps_its_heading():
    P = layout.patterns()
    numbers = "收到申请 " + " ".join(["1"] * (P.max_chars // 2 + 1))
    assert [t.type for t in layout.classify(numbers)] == ["TEXT"]  # over the cap: no table row
    assert [t.type for t in layout.classify(numbers[:100])] == ["LNUMS"]
    crawl = "二、主动公开政府信息情况 " + "本机关主动公开文件。" * 200
    assert [t.type for t in layout.classify(crawl)][:2] == ["H1", "TEXT"]


@pytest.mark.parametrize("n", [28, 40])
def test_cli_on_f1_reproducer(tmp_path, n):
    f = tmp_path / "redos.txt"
    f.write_text(TITLE + "收到申请" + "1" * n + ",5\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([sys.executable, "-m", "nblint", "check", str(f)], capture_output=True, text=True, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    dt = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)  # the check's CPU seconds
    assert p.returncode in (0, 1), p.stderr
    assert "Traceback" not in p.stderr
    assert dt < CLI_BUDGET, f"{dt:.1f} s"


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.mark.parametrize("enable", ["enable=NB207", "enable=NB301", "enable"])
def test_parse_suppressions_is_linear(engine, enable):
    n = 16_000
    text = "<!-- nblint: disable=NB207 -->\n" * n + f"<!-- nblint: {enable} -->\n" * n
    t = time.thread_time()
    sups = parse_suppressions(text, engine)
    assert time.thread_time() - t < 1.0
    disables = [s for s in sups if s.verb == "disable"]
    assert len(disables) == n
    if enable == "enable=NB301":
        assert all(s.end_line == 2 * n + 1 for s in disables)  # nothing closed them
    else:
        assert all(s.end_line == n + 1 for s in disables)  # the first enable closed them all


def test_parse_suppressions_many_next_line_comments_before_blank_lines(engine):
    text = "<!-- nblint: disable-next-line=NB207 -->" * 5_000 + "\n" * 20_000 + "x"
    t = time.thread_time()
    sups = parse_suppressions(text, engine)
    assert time.thread_time() - t < 1.0
    assert {(s.start_line, s.end_line) for s in sups} == {(20_001, 20_001)}


def test_a_long_html_table_is_linear(tmp_path):
    """Fuzz finding: row assembly scanned all of a row's atoms once per number run (quadratic in a long table)."""
    from nblint import fuzz

    labels = fuzz.row_labels()
    rows = "".join(f"<tr><td>{labels[i % len(labels)]}</td><td>{i}</td><td>{i % 7}</td></tr>" for i in range(12_000))
    page = tmp_path / "long.html"
    page.write_text(
        f"<html><body><h1>{TITLE.strip()}</h1><p>三、收到和处理政府信息公开申请情况</p><table>{rows}</table></body></html>",
        encoding="utf-8",
    )
    nblint.lint_text(TITLE)  # rules and grammar loaded outside the measurement
    t = time.thread_time()
    nblint.lint_path(str(page))
    assert time.thread_time() - t < 2 * PIPELINE_BUDGET


def test_the_page_meta_date_patterns_are_linear():
    """The HTML reader's <meta> date patterns (nblint.readers.html._meta_published) on adversarial heads: an
    unclosed tag, a tag of 600 attributes, quotes that never close."""
    from nblint.readers.html import _meta_published

    for head in (
        "<meta " * 20_000,
        "<meta " + 'name="x" ' * 20_000,
        "<meta content='" + "a" * 100_000,
        ('<meta name="PubDate" content="' + "2" * 199 + '"> ') * 300,
    ):
        t = time.thread_time()
        _meta_published(head)
        assert time.thread_time() - t < 0.5


def test_a_table_row_with_many_leading_blank_cells_is_linear():
    """A fuzz input (a huge line of pipes after a row label, inside table 三) gave a row hundreds of thousands of
    blank cells; dropping the extra leading blanks one list.pop(0) at a time was quadratic (2 s for 168,000 pipes;
    now one slice)."""
    from conftest import EXAMPLES

    from nblint.engine import Engine
    from nblint.source import Source

    lines = (EXAMPLES / "defects-arithmetic.md").read_text(encoding="utf-8").split("\n")
    at = next(i for i, ln in enumerate(lines) if "1.本机关不掌握相关政府信息" in ln)
    lines.insert(at + 1, "（一）予以公开" + "|" * 200_000 + " 0 | 0 | 0 | 0 | 0 |")
    t = time.thread_time()
    Engine().lint_source(Source(path="r.md", text="\n".join(lines), kind="markdown"), timeout=None)
    assert time.thread_time() - t < 1.5
