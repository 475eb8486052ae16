"""The year-pair pass of ``nblint audit`` runs only the cross-year rules and merges their diagnostics into the first
pass's result: the outputs must be those of a full lint with last year's report.

Two checks on a folder with year pairs (corpus 平潭 060/062…, 洪泽区 003/002, a copy of 003 for NB509, and the
示范区 fixtures for NB305, one of them with suppression comments):

- the JSON Lines and CSV outputs are byte for byte the golden ones (tests/golden/audit-pairs.*), written by the
  audit that re-linted every paired report whole (``NBLINT_UPDATE_GOLDEN=1`` rewrites them);
- each paired report's own diagnostics (all but the audit-level NB509/NB511), in order, are those of
  ``Engine.lint_path(file, previous=last year's)``, the lint ``nblint check --previous`` runs.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from nblint.app import audit as auditmod
from nblint.app.cli import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "audit"
GOLDEN = ROOT / "tests" / "golden"
AUDIT_LEVEL = {"NB509", "NB511"}  # decided by the audit across reports, not by the lint of one report

LAYOUT = {
    "hz/002.txt": CORPUS / "002.txt",
    "hz/003.txt": CORPUS / "003.txt",
    "copy/003.txt": CORPUS / "003.txt",
    "001.txt": CORPUS / "001.txt",
    **{f"pt/{n}.txt": CORPUS / f"{n}.txt" for n in ("004", "006", "007", "008", "059", "060", "061", "062", "065")},
    "shifan/a.md": FIXTURES / "shifan-2024.md",
    "shifan/b.md": FIXTURES / "shifan-2023.md",
    "shifan/c.md": FIXTURES / "shifan-2021.md",
}


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} not available")
    for rel, src in LAYOUT.items():
        (tmp_path / "reports" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, tmp_path / "reports" / rel)
    # a paired report with suppression comments: one silences a cross-year finding, one silences nothing (NB009)
    lines = (FIXTURES / "shifan-2024.md").read_text(encoding="utf-8").split("\n")
    lines[1:1] = ["", "<!-- nblint: disable=NB305 -->", "<!-- nblint: disable=NB512 -->"]
    (tmp_path / "reports" / "sup").mkdir()
    (tmp_path / "reports" / "sup" / "a.md").write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # relative paths in the outputs: the same on every machine
    return tmp_path


def test_outputs_are_those_of_a_whole_re_lint(folder, capsys):
    rc = main(["audit", "reports", "--jobs", "2", "--jsonl", "out.jsonl", "--csv", "out.csv", "-q"])
    assert rc == 0, capsys.readouterr().err
    for ext in ("jsonl", "csv"):
        got = (folder / f"out.{ext}").read_bytes()
        g = GOLDEN / f"audit-pairs.{ext}"
        if os.environ.get("NBLINT_UPDATE_GOLDEN"):
            g.write_bytes(got)
        assert got == g.read_bytes(), f"out.{ext} differs from {g.name}"
    recs = [json.loads(x) for x in (folder / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    codes = {r["code"] for r in recs}
    assert {"NB305", "NB503", "NB509"} <= codes  # cross-year and duplicate findings are part of the comparison


def test_paired_reports_equal_a_lint_with_last_years_report(folder):
    from nblint.engine import Engine

    run = auditmod.Audit(["reports"], jobs=2, copying=True)
    reps = {r["file"]: r for r in run}
    assert len(run.pairs) >= 5
    eng = Engine()
    cross_year = 0
    for path, prev in run.pairs.items():
        want = eng.lint_path(path, previous=prev).diagnostics
        got = [d for d in reps[path]["diagnostics"] if d["code"] not in AUDIT_LEVEL]
        assert [(d["code"], d["line"], d["col"], d["severity"], d["message"]) for d in got] == [
            (d.code, d.line, d.col, d.severity, d.message) for d in want
        ], path
        assert reps[path]["previous"] == prev
        cross_year += sum(d.code in eng.cross_year for d in want)
    assert cross_year >= 3


def test_cross_year_rules_are_those_whose_check_reads_last_years_report():
    """Engine.cross_year comes from each kind's reads_previous: every rule in it has a check that reads
    ``ctx.previous``, and a rule whose check reads it is in it unless its parameters never use it (an identity
    without a ``prev:`` term)."""
    import inspect

    from nblint.checks import kind_module
    from nblint.engine import Engine

    eng = Engine()
    for r in eng.rules:
        reads = "ctx.previous" in inspect.getsource(kind_module(r.kind).CHECKS[r.check])
        if r.code in eng.cross_year:
            assert reads, r.code
        elif reads:
            terms = [t for i in r.params["identities"] for t in i["left"] + i["right"]]
            assert r.kind == "identity" and not any("prev:" in t for t in terms), r.code
    assert {"NB305", "NB306", "NB503", "NB512"} <= eng.cross_year and "NB301" not in eng.cross_year


def test_packed_sources_and_models_round_trip(engine):
    """What the first pass keeps for the pair pass: a report's model (it lints as a new parse of its text does),
    else its text; small ones as they are, large ones compressed."""
    from nblint.source import Source

    for n in (10, 100_000):
        src = Source("a.txt", "字" * n, "text")
        packed = auditmod.pack_source(src)
        assert packed[:1] == (b"S" if n > 50_000 else b"s")
        assert auditmod.unpack_source(packed).text == src.text and auditmod.unpack_source(packed).path == "a.txt"
    assert len(auditmod.pack_source(Source("a.txt", "字" * 100_000, "text"))) < 100_000
    for path in (CORPUS / "003.txt", FIXTURES / "shifan-2024.md"):
        if not path.exists():
            continue
        res = engine.lint_path(str(path))
        kind, model = auditmod.unpack(auditmod.pack_model(res.report))
        assert kind == "model" and res.report.cache  # the rules' views stay on the original, not in the pickle
        assert not model.cache and model.source.text == res.source_text
        again = engine.lint_source(model.source, report=model).diagnostics
        assert [(d.code, d.line, d.col, d.message) for d in again] == [
            (d.code, d.line, d.col, d.message) for d in res.diagnostics
        ]
        prev = engine.lint_path(str(path), previous=str(path)).diagnostics
        with_model = engine.lint_source(model.source, model, report=model).diagnostics
        assert [(d.code, d.message) for d in with_model] == [(d.code, d.message) for d in prev]


def test_kept_reports_stay_out_of_the_pools_pipes(folder, monkeypatch):
    """A worker writes the report it keeps to its own file in the audit's folder and sends back only where; a
    worker without that folder (another machine) sends the bytes, which the parent keeps: the same results."""
    sent: list = []
    real = auditmod._lint_one

    def spy(task):
        rep = real(task)
        sent.append(rep.get("_kept"))
        return rep

    monkeypatch.setattr(auditmod, "_lint_one", spy)
    local = {r["file"]: r for r in auditmod.Audit(["reports"], jobs=1)}
    kept = [w for w in sent if w is not None]
    assert kept and all(isinstance(w, tuple) and len(w) == 3 for w in kept)
    assert auditmod._KEPT == {}  # this process's file is closed with the audit

    real_keep = auditmod._keep
    monkeypatch.setattr(auditmod, "_keep", lambda folder, packed: real_keep(folder + "-elsewhere", packed))
    assert real_keep("/nonexistent-folder", b"xyz") == b"xyz"
    remote = {r["file"]: r for r in auditmod.Audit(["reports"], jobs=1)}
    assert remote == local


def test_pair_years_prefers_the_same_folder_then_format_then_sort_order():
    """Each report is paired with last year's report of its agency in its own folder and format if there is one,
    else in its folder, else of its format, else the first in sort order: the choice of a min over every candidate
    by (other folder, other format, path), made with one pass over each agency's year."""
    import itertools
    import os

    names = [f"{d}/{n}.{e}" for d, n, e in itertools.product("xyz", "ab", ("md", "PDF", "txt"))]
    entries = [(p, "A", 2023) for p in names[::2]] + [(p, "A", 2024) for p in names] + [("w/q.md", "A", 2024)]
    entries += [(p, "B", 2023) for p in ("y/b.txt", "x/a.pdf")] + [(p, "B", 2024) for p in ("z/c.md", "x/d.PDF")]
    pairs = auditmod.pair_years(entries)

    def slow(path, agency, year):
        cands = [p for p, a, y in entries if a == agency and y == year - 1]
        here, ext = os.path.split(path)[0], os.path.splitext(path)[1].lower()
        return min(cands, key=lambda c: (os.path.split(c)[0] != here, os.path.splitext(c)[1].lower() != ext, c))

    assert pairs == {p: slow(p, a, y) for p, a, y in entries if y == 2024}
    assert pairs["x/d.PDF"] == "x/a.pdf" and pairs["z/c.md"] == "x/a.pdf" and pairs["w/q.md"] == "x/a.md"
