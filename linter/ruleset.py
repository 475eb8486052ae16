"""Rules are data: load rules/*.yaml (plus configured extra directories), validate them, and describe them.

Every rule file instantiates one check kind from the closed set in :data:`KINDS`.  A rule file with an unknown
key, a wrong type, an unknown kind or a duplicate code is reported as ``file:line:col: message`` (positions from
ruamel.yaml) and the run stops with exit code 2.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import data
from .diagnostics import SEVERITIES

# kind -> module in nblint.checks
KINDS = {
    "document": "document",
    "sections": "sections",
    "pattern": "pattern",
    "table": "table",
    "cells": "cells",
    "identity": "identity",
    "consistency": "consistency",
    "dates": "dates",
    "repetition": "repetition",
    "sequence": "sequence",
}

ERAS = ("2021", "2019", "2008")
AGENCY_KINDS = ("government", "township", "subdistrict", "department")

# common keys: name -> (python type(s), required)
COMMON = {
    "code": (str, True),
    "name": (str, True),
    "aliases": (list, False),
    "severity": (str, True),
    "eras": (list, True),
    "kind": (str, True),
    "message": ((str, dict), True),
    "message-en": ((str, dict), True),
    "description": (str, True),
    "basis": (str, True),
    "fixable": (bool, False),
    "enabled": (bool, False),  # false: an opt-in rule, run only when selected by code, prefix or name
    "agency-kinds": (list, False),
    "examples": (dict, True),
}


class RuleError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Rule:
    code: str
    name: str
    severity: str
    eras: tuple[str, ...]
    kind: str
    message: str | dict
    message_en: str | dict
    description: str
    basis: str
    fixable: bool = False
    enabled: bool = True
    aliases: tuple[str, ...] = ()
    agency_kinds: tuple[str, ...] = ()
    examples: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    file: str = ""

    def applies_to(self, era: str | None) -> bool:
        if era is None:
            return "any" in self.eras
        return era in self.eras or "any" in self.eras

    def render(self, values: dict, lang: str = "zh") -> str:
        tmpl = self.message_en if lang == "en" else self.message
        if isinstance(tmpl, dict):
            # a message may vary by the finding's variant or by the report's era ("2021": …, default: …)
            key = next((k for k in (values.get("variant"), values.get("era"), "default") if k in tmpl), None)
            tmpl = tmpl[key] if key else next(iter(tmpl.values()))
        try:
            return tmpl.format(**values)
        except (KeyError, IndexError, ValueError):
            return tmpl


def check_module(kind: str):
    return importlib.import_module(f"nblint.checks.{KINDS[kind]}")


def _pos(node, key=None) -> tuple[int, int]:
    try:
        if key is not None:
            ln, col = node.lc.key(key)
        else:
            ln, col = node.lc.line, node.lc.col
        return ln + 1, col + 1
    except Exception:
        return 1, 1


def _type_ok(value, typ) -> bool:
    if typ is list:
        return isinstance(value, list)
    if typ is dict:
        return isinstance(value, dict)
    if typ is bool:
        return isinstance(value, bool)
    if typ is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if typ is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(typ, tuple):
        return any(_type_ok(value, t) for t in typ)
    return isinstance(value, typ)


def _tname(typ) -> str:
    if isinstance(typ, tuple):
        return " or ".join(_tname(t) for t in typ)
    return {str: "string", list: "list", dict: "mapping", bool: "boolean", int: "integer", float: "number"}[typ]


def load_rule_file(p: Path) -> tuple[Rule | None, list[str]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    problems: list[str] = []
    where = str(p)
    try:
        with open(p, encoding="utf-8") as fh:
            doc = YAML(typ="rt").load(fh)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        ln, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [f"{where}:{ln}:{col}: invalid YAML: {getattr(e, 'problem', e)}"]
    except OSError as e:
        return None, [f"{where}:1:1: cannot read rule file: {e.strerror}"]
    if not isinstance(doc, dict):
        return None, [f"{where}:1:1: a rule file must be a mapping"]

    def err(key, msg):
        ln, col = _pos(doc, key) if key is not None else (1, 1)
        problems.append(f"{where}:{ln}:{col}: {msg}")

    kind = doc.get("kind")
    params_schema: dict = {}
    if kind not in KINDS:
        err("kind" if "kind" in doc else None, f"unknown check kind {kind!r} (known: {', '.join(KINDS)})")
    else:
        params_schema = check_module(kind).PARAMS
    for schema, where_from in ((COMMON, ""), (params_schema, f" for kind '{kind}'")):
        for key, (typ, required) in schema.items():
            if key not in doc:
                if required:
                    err(None, f"missing required key '{key}'{where_from}")
            elif not _type_ok(doc[key], typ):
                err(key, f"'{key}' must be a {_tname(typ)}")
    for key in doc:
        if key not in COMMON and key not in params_schema:
            err(key, f"unknown key '{key}'" + (f" for kind '{kind}'" if kind in KINDS else ""))
    code = doc.get("code")
    if isinstance(code, str) and not re.fullmatch(r"[A-Z]{2,4}\d{3}", code):
        err("code", f"code {code!r} must look like NB123")
    name = doc.get("name")
    if isinstance(name, str) and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        err("name", f"name {name!r} must be kebab-case")
    sev = doc.get("severity")
    if isinstance(sev, str) and sev not in SEVERITIES:
        err("severity", f"severity must be one of {', '.join(SEVERITIES)}")
    eras = doc.get("eras")
    if isinstance(eras, list):
        for e in eras:
            if str(e) not in ERAS + ("any",):
                err("eras", f"unknown era {e!r} (known: {', '.join(ERAS)}, any)")
    ak = doc.get("agency-kinds")
    if isinstance(ak, list):
        for k in ak:
            if k not in AGENCY_KINDS:
                err("agency-kinds", f"unknown agency kind {k!r} (known: {', '.join(AGENCY_KINDS)})")
    ex = doc.get("examples")
    if isinstance(ex, dict):
        for k in ex:
            if k not in ("pass", "fail"):
                err("examples", f"examples may hold 'pass' and 'fail', not {k!r}")
        if "fail" not in ex or "pass" not in ex:
            err("examples", "examples need at least one 'fail' and one 'pass' case")
    if problems:
        return None, problems
    plain = data.plain(doc)
    params = {k: v for k, v in plain.items() if k in params_schema}
    if kind in KINDS:
        mod = check_module(kind)
        checks = getattr(mod, "CHECKS", None)
        if checks and "check" in params and params["check"] not in checks:
            err("check", f"check must be one of {', '.join(checks)}")
        elif hasattr(mod, "validate"):
            for msg in mod.validate(params):
                err(None, msg)
        if problems:
            return None, problems
    rule = Rule(
        code=plain["code"],
        name=plain["name"],
        severity=plain["severity"],
        eras=tuple(str(e) for e in plain["eras"]),
        kind=kind,
        message=plain["message"],
        message_en=plain["message-en"],
        description=plain["description"].strip(),
        basis=plain["basis"].strip(),
        fixable=bool(plain.get("fixable", False)),
        enabled=bool(plain.get("enabled", True)),
        aliases=tuple(plain.get("aliases") or ()),
        agency_kinds=tuple(plain.get("agency-kinds") or ()),
        examples=plain.get("examples") or {},
        params=params,
        file=where,
    )
    return rule, []


def rule_files(extra_dirs: list[str] | tuple[str, ...] = ()) -> list[Path]:
    files = sorted(data.path("rules").glob("*.yaml"))
    for d in extra_dirs:
        dp = Path(d)
        if not dp.is_dir():
            raise RuleError([f"{d}:1:1: extend-rules directory does not exist"])
        files.extend(sorted(dp.glob("*.yaml")))
    return files


def _load(files: list[Path]) -> list[Rule]:
    problems: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for f in files:
        rule, probs = load_rule_file(f)
        problems.extend(probs)
        if rule is None:
            continue
        for ident in (rule.code, rule.name):
            if ident in seen:
                problems.append(f"{f}:1:1: duplicate rule {ident!r} (already defined in {seen[ident]})")
        seen[rule.code] = str(f)
        seen[rule.name] = str(f)
        rules.append(rule)
    if problems:
        raise RuleError(problems)
    return sorted(rules, key=lambda r: r.code)


def load_rules(extra_dirs: list[str] | tuple[str, ...] = ()) -> list[Rule]:
    """All rules, validated; cached on disk by file modification times."""
    files = rule_files(extra_dirs)
    # the validating code is part of the key too: a changed loader or check kind must not meet an old cache
    code = [Path(__file__), *sorted(Path(__file__).with_name("checks").glob("*.py"))]
    return data.disk_cached("rules", files + code, lambda: _load(files))


_CODE_PREFIX = re.compile(r"[A-Z]{2,}[0-9]*")


def resolve(rules: list[Rule], ident: str, *, opt_in: bool = False) -> list[Rule] | None:
    """The rules one identifier names — the one matcher of ``--select``/``--ignore``, the configuration,
    suppression comments and ``nblint explain``.

    An identifier is a code (any case), a rule name, an alias, ``ALL``, or a code prefix (``NB2``, ``nb20``: two
    or more letters, then digits).  A prefix or ``ALL`` names an opt-in rule (``enabled: false``) only with
    ``opt_in`` (a suppression comment silences whatever it names; a selection turns opt-in rules on only by their
    full code or name).  Returns the rules named, ``[]`` for a prefix that names only opt-in rules, and ``None`` for
    an identifier that names nothing."""
    ident = ident.strip()
    up = ident.upper()
    exact = [r for r in rules if r.code == up or r.name == ident or ident in r.aliases]
    if exact:
        return exact
    if up == "ALL":
        return [r for r in rules if r.enabled or opt_in]
    if not _CODE_PREFIX.fullmatch(up):
        return None
    under = [r for r in rules if r.code.startswith(up)]
    if not under:
        return None
    return [r for r in under if r.enabled or opt_in]


def unknown_code_message(rules: list[Rule], ident: str) -> str:
    """``unknown rule code or name: X`` with the closest code or name, if any."""
    import difflib

    words = [r.code for r in rules] + [r.name for r in rules]
    close = difflib.get_close_matches(ident.strip(), words, n=1, cutoff=0.6)
    close = close or difflib.get_close_matches(ident.strip().upper(), words, n=1, cutoff=0.6)
    return f"unknown rule code or name: {ident.strip()}" + (f" (did you mean {close[0]}?)" if close else "")


def resolve_codes(rules: list[Rule], idents) -> set[str]:
    """Codes, prefixes (NB2, NB20), names and aliases → the set of codes they select (see :func:`resolve`);
    ValueError for an identifier that names nothing."""
    out = set()
    for ident in idents:
        if not ident.strip():
            continue
        named = resolve(rules, ident)
        if named is None:
            raise ValueError(unknown_code_message(rules, ident))
        out.update(r.code for r in named)
    return out


# ---- describing rules: `nblint explain`, docs/rules.md, SARIF rule help and LSP hover all use these ----


def explain_text(rule, lang: str = "zh") -> str:
    msg = rule.message_en if lang == "en" else rule.message
    if isinstance(msg, dict):
        msg = "\n  ".join(msg.values())
    lines = [
        f"{rule.code} {rule.name}",
        "",
        f"Severity: {rule.severity}    Eras: {', '.join(rule.eras)}    Kind: {rule.kind}    Fixable: {'yes' if rule.fixable else 'no'}",
    ]
    if rule.aliases:
        lines.append(f"Aliases: {', '.join(rule.aliases)}")
    lines += ["", rule.description, "", f"Basis: {rule.basis}", "", f"Message: {msg}", ""]
    for key, title in (("fail", "Fails"), ("pass", "Passes")):
        for ex in rule.examples.get(key, []):
            lines.append(f"{title}:")
            lines.extend("    " + ln for ln in str(ex).split("\n"))
    return "\n".join(lines) + "\n"


def rules_markdown(rules) -> str:
    """The rule reference, generated from rules/*.yaml (docs/rules.md is this output; a test keeps it current)."""
    out = [
        "# nblint rules",
        "",
        "Generated by `nblint rules --markdown` from `rules/*.yaml`; do not edit by hand.",
        "",
        "| code | name | severity | eras | fixable |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        out.append(
            f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity} | {', '.join(r.eras)} | "
            f"{'yes' if r.fixable else ''}{' (opt-in)' if not r.enabled else ''} |"
        )
    for r in rules:
        out += ["", f"## {r.code}", "", explain_text(r, "zh").rstrip("\n").replace("\n", "  \n")]
    return "\n".join(out) + "\n"
