"""`nblint check --output-format sarif` validates against the SARIF 2.1.0 schema; rules carry help and default
levels; columns are 1-based code points (columnKind: unicodeCodePoints); fixes are SARIF fixes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
SEEDS = SHARED / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "integrations"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def nblint(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "nblint", *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd
    )


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} not available")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def check_valid(validator, doc):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def uris(doc):
    run = doc["runs"][0]
    out = [a["location"]["uri"] for a in run["artifacts"]]
    for r in run["results"]:
        out += [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in r["locations"]]
    return out


def test_seeds_and_examples_validate(validator, tmp_path):
    paths = [str(ROOT / "examples"), str(FIXTURES)]
    if SEEDS.is_dir():
        paths.append(str(SEEDS))
    p = nblint("check", "--output-format", "sarif", *paths)
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout)
    check_valid(validator, doc)
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["tool"]["driver"]["name"] == "nblint"
    rules = run["tool"]["driver"]["rules"]
    listed = json.loads(nblint("rules", "--json").stdout)
    assert [r["id"] for r in rules] == [r["code"] for r in listed]
    for r, meta in zip(rules, listed):
        assert r["help"]["text"].startswith(f"{meta['code']} {meta['name']}")
        assert "依据：" in r["help"]["text"]
        assert r["defaultConfiguration"]["level"] == LEVELS[meta["severity"]]
        assert r["fullDescription"]["text"]
    assert run["results"], "the seeds and the fixture have problems"
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) > (region["startLine"], region["startColumn"])
    for u in uris(doc):
        assert u.isascii() and " " not in u


def test_columns_are_code_points_and_fixes(validator, tmp_path):
    """The fixture has 𠀀 (one code point, two UTF-16 units) before a fixable NB204 on the same line."""
    report = tmp_path / "年报.md"
    shutil.copy(FIXTURES / "defective-2024.md", report)
    p = nblint("check", "--output-format", "sarif", "年报.md", cwd=tmp_path)
    assert p.returncode == 1
    doc = json.loads(p.stdout)
    check_valid(validator, doc)
    run = doc["runs"][0]
    assert run["artifacts"] == [{"location": {"uri": "%E5%B9%B4%E6%8A%A5.md"}}]
    text = report.read_text(encoding="utf-8")
    lines = text.split("\n")
    line = next(i for i, ln in enumerate(lines, 1) if "𠀀" in ln)
    res = next(r for r in run["results"] if r["locations"][0]["physicalLocation"]["region"]["startLine"] == line)
    assert res["ruleId"] == "NB204" and res["level"] == "warning"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (7, 18)
    assert lines[line - 1][region["startColumn"] - 1 : region["endColumn"] - 1] == "2.其他法律行政止公开"
    fix = res["fixes"][0]
    change = fix["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "%E5%B9%B4%E6%8A%A5.md"
    rep = change["replacements"][0]
    assert rep["deletedRegion"] == {"startLine": line, "startColumn": 7, "endLine": line, "endColumn": 18}
    assert rep["insertedContent"]["text"] == "2.其他法律行政法规禁止公开"

    # applying every SARIF fix (in line/code-point terms) gives what `nblint check --fix` writes
    edits = []
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)
    for r in run["results"]:
        for f in r.get("fixes", []):
            for rp in f["artifactChanges"][0]["replacements"]:
                d = rp["deletedRegion"]
                edits.append(
                    (
                        starts[d["startLine"] - 1] + d["startColumn"] - 1,
                        starts[d["endLine"] - 1] + d["endColumn"] - 1,
                        rp["insertedContent"]["text"],
                    )
                )
    assert len(edits) == 3
    out = text
    for a, b, t in sorted(edits, reverse=True):
        out = out[:a] + t + out[b:]
    assert nblint("check", "--fix", "-q", "年报.md", cwd=tmp_path).returncode == 1
    assert report.read_text(encoding="utf-8") == out
    # non-fixable results carry no fixes
    assert all("fixes" not in r for r in run["results"] if r["ruleId"] not in ("NB103", "NB204"))


def test_absolute_paths_are_file_uris(validator, tmp_path):
    report = tmp_path / "r.md"
    shutil.copy(FIXTURES / "defective-2024.md", report)
    doc = json.loads(nblint("check", "--output-format", "sarif", str(report)).stdout)
    check_valid(validator, doc)
    assert doc["runs"][0]["artifacts"][0]["location"]["uri"] == report.as_uri()


def test_clean_report_has_no_results(validator):
    p = nblint("check", "--output-format", "sarif", "examples/compliant-2024.md")
    assert p.returncode == 0
    doc = json.loads(p.stdout)
    check_valid(validator, doc)
    assert doc["runs"][0]["results"] == []
