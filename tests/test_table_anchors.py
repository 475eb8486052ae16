"""The row-label alignment (``tables.anchors.align_rows``) chooses the chain the first version of it chose."""

from __future__ import annotations

import random
from types import SimpleNamespace

from nblint.tables.anchors import MAX_CANDIDATES, Hit, NoSpace, _in_sentence, align_rows


def _reference(keyed, R: str, ns: NoSpace) -> dict[str, Hit]:
    """The first version, kept as it was: every hit compared with every chain found so far."""
    best: list[tuple[float, int, int, Hit | None, int]] = [(0.0, 0, -1, None, -1)]
    for i, r in enumerate(keyed):
        w = 0.5 if r.group else 1.0
        new = []
        hits = sorted(h for k in r.keys or () for h in ns.find_all(k, MAX_CANDIDATES))[:MAX_CANDIDATES]
        for m in (Hit(a, b, R[a:b]) for a, b in hits if not _in_sentence(R, b)):
            top = None
            for k, (score, negend, row, _pm, _prev) in enumerate(best):
                if (
                    row < i
                    and -negend <= m.start
                    and (top is None or score > best[top][0] or (score == best[top][0] and negend > best[top][1]))
                ):
                    top = k
            if top is not None:
                new.append((best[top][0] + w, -m.end, i, m, top))
        best.extend(new)
    end = max(range(len(best)), key=lambda k: (best[k][0], best[k][1]))
    out: dict[str, Hit] = {}
    k = end
    while k > 0:
        _score, _negend, row, hit, prev = best[k]
        if hit is not None:
            out[keyed[row].id] = hit
        k = prev
    return out


def test_alignment_matches_the_first_version():
    rng = random.Random(2026)
    words = ["规章", "行政许可", "总计", "自然人", "商业企业", "予以公开", "其他", "结转下年度", "维持"]
    fillers = [" | ", "\n", " ", "12", "0", "。", "共2件", "、", "（一）"]
    for _ in range(1500):
        keyed = [
            SimpleNamespace(id=f"r{j}", keys=rng.sample(words, rng.randrange(1, 3)), group=rng.random() < 0.2)
            for j in range(rng.randrange(1, 9))
        ]
        R = "".join(rng.choice(words + fillers * 2) for _ in range(rng.randrange(0, 60)))
        ns = NoSpace(R)
        got = {k: (h.start, h.end) for k, h in align_rows(keyed, R, ns).items()}
        want = {k: (h.start, h.end) for k, h in _reference(keyed, R, ns).items()}
        assert got == want, ([r.keys for r in keyed], R)
