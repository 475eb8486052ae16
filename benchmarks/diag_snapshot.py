"""Diagnostics snapshot: record what nblint says about every real file, then compare after a change.

    python benchmarks/diag_snapshot.py record OUT.json     # before a change
    python benchmarks/diag_snapshot.py compare OUT.json    # after it: exit 1 and the first differences if any

The files: every file of ../shared/corpus, ../shared/seeds and ../shared/binaries, and examples/.  Two views are
kept for each: the JSON output of ``nblint check --output-format json`` (one process over all files, once with the
default rules and once with every rule, the opt-in ones too; no time limit, so that a loaded machine does not turn
a file into NB001), and the parsed model (sections, blocks, tables, rows and cells with their spans), so that a
change in the parse shows even where no rule reports it.  Meant for speed work, where the output must not move.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def files() -> list[Path]:
    out: list[Path] = []
    for d in (SHARED / "corpus", SHARED / "seeds", SHARED / "binaries", ROOT / "examples"):
        if d.is_dir():
            out += sorted(p for p in d.iterdir() if p.is_file() and p.suffix.lower() not in (".tsv",))
    return out


def _check(paths: list[Path], *extra: str) -> dict:
    cmd = [sys.executable, "-m", "nblint", "check", "--output-format", "json", "--timeout", "0", "--exit-zero"]
    proc = subprocess.run([*cmd, *extra, *map(str, paths)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"nblint check failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return {f["path"]: f for f in json.loads(proc.stdout)["files"]}


def _model(paths: list[Path]) -> dict:
    from nblint.engine import parse
    from nblint.readers import read_path
    from nblint.source import ReadError

    def heading(h):
        return None if h is None else [h.level, h.num, h.title, list(h.span), h.text]

    def blocks(bs):
        return [[b.kind, list(b.span), heading(b.heading)] for b in bs]

    out = {}
    for p in paths:
        try:
            r = parse(read_path(str(p)))
        except ReadError as e:
            out[str(p)] = {"unreadable": e.text("en")}
            continue
        out[str(p)] = {
            "title": heading(r.title),
            "preamble": blocks(r.preamble),
            "sections": [
                [heading(s.heading), list(s.span), list(s.body), s.official, blocks(s.blocks)] for s in r.sections
            ],
            "tables": {
                tid: [
                    t.format,
                    list(t.span),
                    t.missing,
                    {k: list(v) for k, v in t.headers_found.items()},
                    [[n, list(s)] for n, s in t.signals],
                    [
                        [
                            row.id,
                            row.label,
                            list(row.span),
                            row.status,
                            row.expected,
                            row.part,
                            row.label_wrapped,
                            [[c.raw, c.value, list(c.span), c.kind, c.column] for c in row.cells],
                        ]
                        for row in t.rows
                    ],
                ]
                for tid, t in r.tables.items()
            },
            "period": None if r.period is None else [list(r.period.span), r.period.text, r.period.start, r.period.end],
            "truncated": r.truncated,
            "head_missing": r.head_missing,
            "recognisable": r.recognisable,
        }
    return out


def snapshot() -> dict:
    paths = files()
    if not paths:
        raise SystemExit("no files found (../shared missing?)")
    return {
        "default": _check(paths),
        "all-rules": _check(paths, "--select", "NB"),
        "model": json.loads(json.dumps(_model(paths))),
    }


def compare(old: dict, new: dict) -> list[str]:
    diffs = []
    for view in sorted(set(old) | set(new)):
        a, b = old.get(view, {}), new.get(view, {})
        for path in sorted(set(a) | set(b)):
            if a.get(path) != b.get(path):
                diffs.append(f"{view}: {path}")
    return diffs


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] not in ("record", "compare"):
        print(__doc__, file=sys.stderr)
        return 2
    cmd, out = argv
    snap = snapshot()
    if cmd == "record":
        Path(out).write_text(json.dumps(snap, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"{len(snap['default'])} files recorded in {out}")
        return 0
    old = json.loads(Path(out).read_text(encoding="utf-8"))
    diffs = compare(old, snap)
    for d in diffs[:40]:
        print("differs:", d)
    print(f"{len(snap['default'])} files, {len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
