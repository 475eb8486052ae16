"""The copying pass of ``nblint audit``: reports of different units that share most of their prose (NB511).

In each worker (:func:`fingerprint`), a report just linted gives its prose as clauses anchored at punctuation, names
and numbers masked (nblint.similarity.clauses): a 64-bit hash, a length and a line:column each — a few kilobytes a
report, never its text.  In the parent (:class:`nblint.app.audit.Audit` with ``copying``):

1. every report's result waits in the audit's spill file with its clauses' positions; the clause hashes and
   lengths stay in memory (about 2 KB a report);
2. a clause found in the reports of many units (more than the rule's ``common-units`` share of all units, and in at
   least ``min-common-units``) is the format's or a superior's wording: it is dropped everywhere (document
   frequency, counted per unit so that one agency's ten years do not make its own text common);
3. a MinHash of each report's remaining clauses goes into a MinHash LSH index (datasketch); the reports that share
   a bucket are the candidate pairs — sub-quadratic, unrelated reports never meet;
4. identical reports (copies of one file) are one group; each candidate pair of reports known to be of different
   units (both agencies known, not the same agency, not one territory's government, office and departments:
   nblint.similarity.territory) is measured exactly: the characters of shared clauses over each
   side's characters.  Where either side reaches ``threshold`` (with at least ``min-chars`` shared), both reports
   get an NB511 diagnostic naming the other and both shares, at their first shared clause (at most ``max`` a
   report, the highest shares);
5. the results are read back and yielded with their NB511 diagnostics.

The rule (rules/NB511-*.yaml) gives the thresholds and the messages; whether it runs for a file, at which severity
and in which language, is that file's configuration, resolved in the worker.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np

NUM_PERM = 64  # MinHash permutations
LSH_THRESHOLD = 0.2  # Jaccard of the candidate pairs (well below any pair with half of one side shared)


def _rule(rules):
    for r in rules:
        if r.kind == "repetition" and r.check == "other-unit":
            return r
    return None


def fingerprint(result, engine, settings) -> dict | None:
    """The clauses of a linted report (worker side), or None when NB511 does not run for it or nothing was parsed
    (or the copying measure itself failed: the report's own result stands, the pass goes on without it)."""
    try:
        return _fingerprint(result, engine, settings)
    except Exception:
        return None


def _fingerprint(result, engine, settings) -> dict | None:
    from ..similarity import clause_arrays, territory

    report = getattr(result, "report", None)
    rule = _rule(engine.rules)
    if report is None or rule is None or not settings.enabled(rule.code, engine.opt_in):
        return None
    if not engine._applies(rule, report):
        return None
    hashes, lengths, offsets = clause_arrays(report)
    if not len(hashes):
        return None
    lines, cols = _positions(report, offsets)
    return {
        "hashes": hashes,
        "lengths": np.minimum(lengths, 32767).astype(np.int16),
        "lines": lines,
        "cols": cols,
        "territory": territory(report.agency),
        "severity": settings.severity.get(rule.code, rule.severity),
        "lang": settings.lang,
    }


def _positions(report, offsets) -> tuple[np.ndarray, np.ndarray]:
    """1-based line and column of each report-text offset, all at once for a text source (what ``report.location``
    gives one by one); one by one for sources whose lines are runs (HTML, DOCX)."""
    src, m = report.source, report.norm.map
    if src.runs or not m.inner:
        locs = [report.location(o) for o in np.asarray(offsets, np.int64).tolist()]
        return np.array([x.line for x in locs], np.int32), np.array([x.col for x in locs], np.int32)
    offs = np.asarray(offsets, np.int64)
    inner, outer = np.asarray(m.inner, np.int64), np.asarray(m.outer, np.int64)
    k = np.maximum(np.searchsorted(inner, offs, "right") - 1, 0)
    out = np.where(offs >= m.length, m.end, outer[k] + (offs - inner[k]))
    starts = np.asarray(src.lines.starts, np.int64)
    line = np.searchsorted(starts, out, "right")
    return line.astype(np.int32), (out - starts[line - 1] + 1).astype(np.int32)


def flat(a: np.ndarray) -> tuple[str, bytes]:
    """An array as its type and bytes (what a worker sends back: cheaper to pickle and load than the array)."""
    return a.dtype.str, a.tobytes()


def unflat(f: tuple[str, bytes]) -> np.ndarray:
    """The array of :func:`flat` (read-only: a view of the bytes)."""
    return np.frombuffer(f[1], np.dtype(f[0]))


@dataclass
class _Entry:
    file: str
    agency: str | None  # the agency key (canonical once the audit has them)
    territory: str | None
    fp: dict


def _other_units(a: _Entry, b: _Entry) -> bool:
    """Whether two reports are known to be of different units: both agencies known, not the same agency and not
    one territory (its government, office and departments)."""
    if not a.agency or not b.agency or a.agency == b.agency:
        return False
    return not (a.territory and a.territory == b.territory)


GAUSS_NODES = 128  # Gauss-Legendre nodes of _quad: exact for polynomials of degree up to 255


def _quad(f, a: float, b: float, *args, **kwargs) -> tuple[float, float]:
    """``scipy.integrate.quad`` for what datasketch integrates (the false positive and negative probabilities of an
    LSH with b bands of r rows, ``1 - (1 - s**r)**b`` and its complement: polynomials of degree r·b, at most
    NUM_PERM): Gauss-Legendre quadrature with GAUSS_NODES nodes, exact for them up to rounding."""
    x, w = _legendre()
    half, mid = (b - a) / 2, (a + b) / 2
    s = half * x + mid
    try:
        y = np.asarray(f(s, *args), dtype=float)
    except Exception:  # an integrand that takes one number at a time
        y = np.array([f(float(t), *args) for t in s], dtype=float)
    return float(half * np.dot(w, np.broadcast_to(y, s.shape))), 0.0


@cache
def _legendre():
    return np.polynomial.legendre.leggauss(GAUSS_NODES)


def _datasketch():
    """datasketch's MinHash and MinHashLSH without importing SciPy's integration package: datasketch imports
    ``scipy.integrate.quad`` only to choose the LSH's bands and rows (an integral of a polynomial), and importing
    it costs the audit 0.5 s of CPU and 45 MB.  While datasketch is imported, ``scipy.integrate`` is a module that
    holds :func:`_quad` (the same integrals, tests/test_copying.py); it is taken away again at once, so that a
    later ``import scipy.integrate`` gets SciPy's own.  When SciPy's is loaded already, datasketch gets that one."""
    import sys
    import types

    stub = None
    if "datasketch.lsh" not in sys.modules and "scipy.integrate" not in sys.modules:
        stub = types.ModuleType("scipy.integrate")
        stub.quad = _quad
        sys.modules["scipy.integrate"] = stub
    try:
        from datasketch import MinHash, MinHashLSH
    finally:
        if stub is not None and sys.modules.get("scipy.integrate") is stub:
            del sys.modules["scipy.integrate"]
    return MinHash, MinHashLSH


def find(entries: list[_Entry], params: dict) -> dict[str, list[dict]]:
    """``{file: [finding]}`` for every report copied from, or copied by, another unit's (steps 2–4 above; at most
    the rule's ``max`` findings a report, the highest shares)."""
    MinHash, MinHashLSH = _datasketch()

    # 2. clauses common to many units
    units: dict[int, set] = defaultdict(set)
    for i, e in enumerate(entries):
        unit = e.territory or e.agency or f"#{i}"
        for h in np.unique(e.fp["hashes"]).tolist():
            units[h].add(unit)
    n_units = len({e.territory or e.agency or f"#{i}" for i, e in enumerate(entries)})
    limit = max(params["min-common-units"], params["common-units"] * n_units)
    common = {h for h, us in units.items() if len(us) >= limit}
    del units

    # identical reports (copies of one file, one text in two formats) are one group, compared once
    kept: list[dict[int, int]] = []  # per group: clause hash -> characters
    groups: list[list[int]] = []
    by_digest: dict[int, int] = {}
    for i, e in enumerate(entries):
        d: dict[int, int] = {}
        for h, n in zip(e.fp["hashes"].tolist(), e.fp["lengths"].tolist()):
            if h not in common:
                d[h] = max(d.get(h, 0), n)
        if not d:
            continue
        key = hash(frozenset(d.items()))
        g = by_digest.get(key)
        if g is not None and kept[g] == d:
            groups[g].append(i)
            continue
        by_digest[key] = len(groups)
        groups.append([i])
        kept.append(d)

    # 3. MinHash LSH over the groups
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    sigs = []
    for g, d in enumerate(kept):
        m = MinHash(num_perm=NUM_PERM, hashfunc=lambda x: x & 0xFFFFFFFF)
        m.update_batch([h ^ (h >> 32) for h in d])
        sigs.append(m)
        lsh.insert(g, m)

    # 4. exact shares of the candidate pairs, then the members of different units
    found: dict[str, list[dict]] = defaultdict(list)
    cap = params.get("max", 3)

    def report(ga: int, gb: int, shared, share_a: float, share_b: float) -> None:
        for i in groups[ga]:
            for j in groups[gb]:
                a, b = entries[i], entries[j]
                if (ga != gb or i < j) and _other_units(a, b):
                    found[a.file].append(_finding(a, b, shared, share_a, share_b))
                    found[b.file].append(_finding(b, a, shared, share_b, share_a))

    for g, d in enumerate(kept):
        total = sum(d.values())
        if len(groups[g]) > 1 and total >= params["min-chars"]:
            report(g, g, d.keys(), 1.0, 1.0)
        for h in lsh.query(sigs[g]):
            if h <= g:
                continue
            shared = d.keys() & kept[h].keys()
            sa = sum(d[x] for x in shared)
            sb = sum(kept[h][x] for x in shared)
            share_a, share_b = sa / total, sb / sum(kept[h].values())
            if min(sa, sb) < params["min-chars"] or max(share_a, share_b) < params["threshold"]:
                continue
            report(g, h, shared, share_a, share_b)
    for fs in found.values():
        fs.sort(key=lambda x: (-x["share"], x["other"]))
        del fs[cap:]
    return found


def _finding(this: _Entry, other: _Entry, shared: set, share: float, other_share: float) -> dict:
    hs = this.fp["hashes"]
    k = next(i for i, h in enumerate(hs.tolist()) if h in shared)
    return {
        "other": other.file,
        "other_agency": other.agency,
        "share": share,
        "other_share": other_share,
        "clause": k,  # its line and column wait with the report's result (annotate)
    }


def _diagnostic(rule, f: dict, fp: dict, at: tuple[int, int], display) -> dict:
    line, col = at
    values = {
        "share": f"{f['share']:.0%}",
        "other_share": f"{f['other_share']:.0%}",
        "other": display(f["other"]),
        "other_agency": f["other_agency"] or rule.word("unknown", fp["lang"]),
    }
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": fp["severity"],
        "line": line,
        "col": col,
        "end_line": line,
        "end_col": col,
        "message": rule.render(values, fp["lang"]),
        "source": None,
    }


def copying_rule(rules=None):
    """The NB511 rule among ``rules`` (default: nblint's own), or None."""
    from ..ruleset import load_rules

    return _rule(rules if rules is not None else load_rules())


def entry(rep: dict, fp: dict) -> _Entry:
    """A report's entry in the copying pass: its agency key (made canonical by :func:`findings`) and clauses."""
    from .audit import agency_key

    return _Entry(rep["file"], agency_key(rep.get("agency_raw")), fp["territory"], fp)


def findings(rule, entries: list[_Entry], canonical: dict[str, str] | None) -> dict[str, list[dict]]:
    """Step 4's findings for ``entries`` (in the order the audit yields their reports), their agencies grouped
    under the audit's ``canonical`` names."""
    canonical = canonical or {}
    for e in entries:
        e.agency = canonical.get(e.agency, e.agency) if e.agency else None
    return find(entries, rule.params) if rule is not None and len(entries) > 1 else {}


def add_findings(rule, rep: dict, fs: list[dict] | None, fp: dict | None, at, display) -> dict:
    """``rep`` with its NB511 diagnostics (``fs``, from :func:`findings`; ``at``: its clauses' lines and columns)
    among the others, in the order one lint orders them."""
    if fs:
        assert fp is not None
        for f in fs:
            pos = (int(at[0][f["clause"]]), int(at[1][f["clause"]]))
            rep["diagnostics"].append(_diagnostic(rule, f, fp, pos, display))
            rep["counts"][fp["severity"]] += 1
        rep["diagnostics"].sort(key=lambda d: (d["line"], d["col"], d["code"]))
    return rep
