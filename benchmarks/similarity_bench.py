"""NB503 benchmark: the repeated-text share of one long paragraph against a lightly edited copy of itself.

    python benchmarks/similarity_bench.py [--chars 1500,3000,6000,12000,24000] [--rounds 7]

A report whose prose is one paragraph of N characters (Chinese sentences, as a one-line crawl gives them) is
compared with last year's: the same paragraph with every 37th Chinese character replaced.  It prints, per size, the
median CPU milliseconds of the NB503 measure (``similarity.repeated``: masking both texts, the shingle set of last
year's prose, one pass over this year's) and of the whole NB503 check through the engine, and the share found.
The target (issue 14): at most 20 ms for 24,000 characters, i.e. linear in the text size; difflib took 1.7 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time


def paragraph(chars: int) -> str:
    """Chinese-like prose that does not repeat itself: common characters drawn at random (fixed seed), a clause
    every 8–20 characters, a number now and then."""
    rng = random.Random(14)
    common = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    out: list[str] = []
    n = 0
    while n < chars:
        k = rng.randint(8, 20)
        clause = "".join(rng.choice(common) for _ in range(k))
        if rng.random() < 0.2:
            clause += str(rng.randint(1, 500)) + "件"
        clause += rng.choice("，，，。；")
        out.append(clause)
        n += len(clause)
    return "".join(out)[:chars] + "。"


def edited(text: str) -> str:
    chars = list(text)
    k = 0
    for i, c in enumerate(chars):
        if "\u4e00" <= c <= "\u9fff":
            k += 1
            if k % 37 == 0:
                chars[i] = "甲"
    return "".join(chars)


def report(body: str, year: int) -> str:
    return f"某某县人民政府{year}年政府信息公开工作年度报告\n\n一、总体情况\n\n{body}\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", default="1500,3000,6000,12000,24000")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv)

    from nblint import similarity
    from nblint.engine import Engine, Settings
    from nblint.pipeline import parse_text
    from nblint.source import Source

    engine = Engine(Settings(select={"NB503"}))
    print(f"{'chars':>7} {'measure ms':>11} {'NB503 ms':>9} {'share':>6}")
    for size in (int(x) for x in args.chars.split(",")):
        body = paragraph(size)
        this_text = report(body, 2024)
        prev = parse_text(report(edited(body), 2023))
        measure, check = [], []
        share = 0.0
        for _ in range(args.rounds):
            this = parse_text(this_text)  # a fresh model each round: nothing cached from the last one
            prev.cache.pop("prose", None)
            t = time.process_time()
            share = similarity.repeated(this, prev).share
            measure.append((time.process_time() - t) * 1000)
            prev.cache.pop("prose", None)
            src = Source(path="bench.txt", text=this_text, kind="text")
            t = time.process_time()
            engine.lint_source(src, prev)
            check.append((time.process_time() - t) * 1000)
        print(f"{size:>7} {statistics.median(measure):>11.1f} {statistics.median(check):>9.1f} {share:>6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
