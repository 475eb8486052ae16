"""The copying pass of ``nblint audit``: reports of different units that share most of their prose (NB511).

In each worker (:func:`fingerprint`), a report just linted gives its prose as clauses anchored at punctuation, names
and numbers masked (nblint.similarity.clauses): a 64-bit hash, a length and a line:column each — a few kilobytes a
report, never its text.  In the parent (:func:`annotate`, around the audit's results):

1. every report's result waits in a temporary file, its clauses in memory;
2. a clause found in the reports of many units (more than the rule's ``common-units`` share of all units, and in at
   least ``min-common-units``) is the format's or a superior's wording: it is dropped everywhere (document
   frequency, counted per unit so that one agency's ten years do not make its own text common);
3. a MinHash of each report's remaining clauses goes into a MinHash LSH index (datasketch); the reports that share
   a bucket are the candidate pairs — sub-quadratic, unrelated reports never meet;
4. each candidate pair of different units (not the same agency, not one territory's government, office and
   departments: nblint.similarity.territory) is measured exactly: the characters of shared clauses over each
   side's characters.  Where either side reaches ``threshold`` (with at least ``min-chars`` shared), both reports
   get an NB511 diagnostic naming the other and both shares, at their first shared clause;
5. the results are read back and yielded with their NB511 diagnostics.

The rule (rules/NB511-*.yaml) gives the thresholds and the messages; whether it runs for a file, at which severity
and in which language, is that file's configuration, resolved in the worker.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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
    from ..similarity import clauses, territory

    report = getattr(result, "report", None)
    rule = _rule(engine.rules)
    if report is None or rule is None or not settings.enabled(rule.code, engine.opt_in):
        return None
    if not engine._applies(rule, report):
        return None
    cl = clauses(report)
    if not cl:
        return None
    lines, cols = [], []
    for _, _, off in cl:
        loc = report.location(off)
        lines.append(loc.line)
        cols.append(loc.col)
    return {
        "hashes": np.array([c[0] for c in cl], np.int64),
        "lengths": np.array([c[1] for c in cl], np.int32),
        "lines": np.array(lines, np.int32),
        "cols": np.array(cols, np.int32),
        "territory": territory(report.agency),
        "severity": settings.severity.get(rule.code, rule.severity),
        "lang": settings.lang,
    }


@dataclass
class _Entry:
    file: str
    agency: str | None  # the agency key (canonical once the audit has them)
    territory: str | None
    fp: dict


def _same_unit(a: _Entry, b: _Entry) -> bool:
    if a.agency and a.agency == b.agency:
        return True
    return bool(a.territory and a.territory == b.territory)


def find(entries: list[_Entry], params: dict) -> dict[str, list[dict]]:
    """``{file: [finding]}`` for every report copied from, or copied by, another unit's (steps 2–4 above)."""
    from datasketch import MinHash, MinHashLSH

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

    # 3. MinHash LSH over the remaining clauses
    kept: list[dict[int, int]] = []  # per report: clause hash -> characters
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    sigs: list = []
    for i, e in enumerate(entries):
        d: dict[int, int] = {}
        for h, n in zip(e.fp["hashes"].tolist(), e.fp["lengths"].tolist()):
            if h not in common:
                d[h] = max(d.get(h, 0), n)
        kept.append(d)
        if not d:
            sigs.append(None)
            continue
        m = MinHash(num_perm=NUM_PERM, hashfunc=lambda x: x & 0xFFFFFFFF)
        m.update_batch([h ^ (h >> 32) for h in d])
        sigs.append(m)
        lsh.insert(i, m)

    # 4. exact shares of the candidate pairs of different units
    found: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for i, m in enumerate(sigs):
        if m is None:
            continue
        for j in lsh.query(m):
            if j <= i or (i, j) in seen:
                continue
            seen.add((i, j))
            a, b = entries[i], entries[j]
            if _same_unit(a, b):
                continue
            ka, kb = kept[i], kept[j]
            shared = ka.keys() & kb.keys()
            sa = sum(ka[h] for h in shared)
            sb = sum(kb[h] for h in shared)
            share_a, share_b = sa / sum(ka.values()), sb / sum(kb.values())
            if min(sa, sb) < params["min-chars"] or max(share_a, share_b) < params["threshold"]:
                continue
            found[a.file].append(_finding(a, b, shared, share_a, share_b))
            found[b.file].append(_finding(b, a, shared, share_b, share_a))
    return found


def _finding(this: _Entry, other: _Entry, shared: set, share: float, other_share: float) -> dict:
    hs = this.fp["hashes"]
    k = next(i for i, h in enumerate(hs.tolist()) if h in shared)
    return {
        "other": other.file,
        "other_agency": other.agency,
        "share": share,
        "other_share": other_share,
        "line": int(this.fp["lines"][k]),
        "col": int(this.fp["cols"][k]),
    }


def _diagnostic(rule, f: dict, fp: dict, display) -> dict:
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
        "line": f["line"],
        "col": f["col"],
        "end_line": f["line"],
        "end_col": f["col"],
        "message": rule.render(values, fp["lang"]),
        "source": None,
    }


def annotate(reports: Iterable[dict], audit=None, rules=None) -> Iterator[dict]:
    """The audit's per-report dicts with NB511 diagnostics added (each report's ``copying`` fingerprint taken out);
    every report waits in a temporary file until all are in.  ``audit``: its ``canonical`` agency names, once the
    iteration is over, group an agency's variant names."""
    from ..paths import display
    from ..ruleset import load_rules
    from .audit import agency_key

    rule = _rule(rules if rules is not None else load_rules())
    entries: list[_Entry] = []
    with tempfile.TemporaryFile(prefix="nblint-copying-") as spill:
        count = 0
        for rep in reports:
            fp = rep.pop("copying", None)
            if fp is not None and rule is not None:
                entries.append(_Entry(rep["file"], agency_key(rep.get("agency_raw")), fp["territory"], fp))
            pickle.dump(rep, spill, pickle.HIGHEST_PROTOCOL)
            count += 1
        canonical = getattr(audit, "canonical", {}) or {}
        for e in entries:
            e.agency = canonical.get(e.agency, e.agency) if e.agency else None
        found = find(entries, rule.params) if rule is not None and len(entries) > 1 else {}
        fps = {e.file: e.fp for e in entries}
        del entries
        spill.seek(0)
        for _ in range(count):
            rep = pickle.load(spill)
            for f in found.get(rep["file"], []):
                rep["diagnostics"].append(_diagnostic(rule, f, fps[rep["file"]], display))
                rep["counts"][fps[rep["file"]]["severity"]] += 1
            if rep["file"] in found:
                rep["diagnostics"].sort(key=lambda d: (d["line"], d["col"], d["code"]))
            yield rep
