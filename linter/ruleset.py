"""Rules are data: load rules/*.yaml (plus configured extra directories), validate them, and describe them.

Every rule file instantiates one check of one check kind from the closed set in :data:`KINDS` (each kind's
``CHECKS`` table).  A rule file with an unknown key, a wrong type, an unknown kind or check or a duplicate code is
reported as ``file:line:col: message`` (positions from
ruamel.yaml) and the run stops with exit code 2.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import data, formats
from .checks import KINDS, check_name, kind_module, selector
from .diagnostics import SEVERITIES
from .i18n import severity_word, t

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
    "description": (str, True),  # in Chinese, the report authors' language
    "description-en": (str, False),  # in English (built-in rules have both; a test checks it)
    "basis": (str, True),
    "fixable": (bool, False),
    "enabled": (bool, False),  # false: an opt-in rule, run only when selected by code, prefix or name
    "agency-kinds": (list, False),
    "examples": (dict, True),
    # message fragments outside the message, in both languages: the title of a fix ("改为「{official}」"), the
    # label of the related positions a finding points to ("表格数值"), and words a check puts into values ("空白")
    "fix-title": (str, False),
    "fix-title-en": (str, False),
    "related": (str, False),
    "related-en": (str, False),
    "words": (dict, False),
    "words-en": (dict, False),
}
# keys that come in pairs: one without the other leaves a language without its text
PAIRS = (("fix-title", "fix-title-en"), ("related", "related-en"), ("words", "words-en"))


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
    description_en: str = ""
    fixable: bool = False
    enabled: bool = True
    aliases: tuple[str, ...] = ()
    agency_kinds: tuple[str, ...] = ()
    examples: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    file: str = ""
    check: str = ""  # the name of its check in the kind's CHECKS table
    fix_title: str = ""
    fix_title_en: str = ""
    related: str = ""
    related_en: str = ""
    words: dict = field(default_factory=dict)
    words_en: dict = field(default_factory=dict)

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
        return _fill(tmpl, values)

    def render_fix_title(self, values: dict, lang: str = "zh") -> str:
        """The title of a fix ("改为「{official}」"), empty when the rule has none."""
        return _fill(self.fix_title_en if lang == "en" else self.fix_title, values)

    def render_related(self, values: dict, lang: str = "zh") -> str:
        """The label of a finding's related positions ("表格数值")."""
        return _fill(self.related_en if lang == "en" else self.related, values)

    def describe(self, lang: str = "zh") -> str:
        """The rule's description in ``lang`` (the Chinese one when it has no English one)."""
        return (self.description_en or self.description) if lang == "en" else self.description

    def word(self, key: str, lang: str = "zh") -> str:
        """A word a check puts into a message value (``words`` / ``words-en``)."""
        return (self.words_en if lang == "en" else self.words).get(key, "")


def _fill(tmpl: str, values: dict) -> str:
    try:
        return tmpl.format(**values)
    except (KeyError, IndexError, ValueError):
        return tmpl


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


def _tname(typ, lang: str | None = None) -> str:
    """A parameter type's name in ``lang`` (default: the interface language)."""
    if isinstance(typ, tuple):
        return t("rulefile.or", lang).join(_tname(x, lang) for x in typ)
    key = {
        str: "config.type.string",
        list: "config.type.list",
        dict: "config.type.mapping",
        bool: "config.type.boolean",
        int: "rulefile.type.integer",
        float: "rulefile.type.number",
    }[typ]
    return t(key, lang)


# ---- validating the inside of a rule file ----
# Rule files may come from a repository being linted (extend-rules), so they are untrusted data: every value is
# checked against a shape, every regular expression is compiled and screened for nested quantifiers, and problems
# are reported as file:line:col (see docs/trust.md).

MAX_RULE_BYTES = 256 * 1024  # a rule file is a few KB; a larger one is refused before it is parsed

Problem = tuple[tuple, str]  # (path into the rule document: keys and list indexes, message)


class MapOf:
    """Shape of a mapping from strings to values of one shape (``names:``, a message per variant)."""

    def __init__(self, value):
        self.value = value


def _sname(shape) -> str:
    if isinstance(shape, tuple):
        return t("rulefile.or").join(_sname(x) for x in shape)
    if isinstance(shape, list):
        if isinstance(shape[0], (list, tuple)):
            return t("config.type.list")
        return t("rulefile.list-of", item=_sname(shape[0]))
    if isinstance(shape, (dict, MapOf)):
        return t("config.type.mapping")
    return _tname(shape)


def check_needs(check: str, *keys: str, either: bool = False, what: str | None = None) -> str:
    """The problem of a check whose rule file lacks what it needs: the parameters ``keys`` (all of them, or
    ``either`` one), or ``what``, said in words."""
    if what is None:
        what = t("rulefile.or" if either else "rulefile.and").join(f"'{k}'" for k in keys)
    return t("rulefile.check-needs", check=check, what=what)


def shape_problems(value, shape, path: tuple = ()) -> list[Problem]:
    """Where ``value`` does not have ``shape``: a type (str, int, float, bool; int excludes bool, float accepts
    int), ``[shape]`` (a list of such items), ``{"key": shape, "key?": shape}`` (a mapping with exactly these keys,
    ``?`` marking optional ones), ``MapOf(shape)`` or a tuple of alternatives."""
    if isinstance(shape, tuple):
        for alt in shape:
            if _kind_ok(value, alt):
                return shape_problems(value, alt, path)
        return [(path, t("rulefile.must-be", what=_sname(shape)))]
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [(path, t("rulefile.must-be", what=_sname(shape)))]
        return [q for i, v in enumerate(value) for q in shape_problems(v, shape[0], (*path, i))]
    if isinstance(shape, MapOf):
        if not isinstance(value, dict):
            return [(path, t("rulefile.must-be", what=t("config.type.mapping")))]
        out = [((*path, k), t("rulefile.keys-strings")) for k in value if not isinstance(k, str)]
        return out + [q for k, v in value.items() for q in shape_problems(v, shape.value, (*path, k))]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [(path, t("rulefile.must-be", what=t("config.type.mapping")))]
        out = []
        keys = {k.rstrip("?"): k for k in shape}
        for k in value:
            if k not in keys:
                out.append(((*path, k), t("rulefile.unknown-key-known", field=repr(k), known=", ".join(keys))))
        for name, k in keys.items():
            if name in value:
                out += shape_problems(value[name], shape[k], (*path, name))
            elif not k.endswith("?"):
                out.append((path, t("rulefile.needs", name=repr(name))))
        return out
    if not _type_ok(value, shape):
        return [(path, t("rulefile.must-be", what=_tname(shape)))]
    return []


def _kind_ok(value, shape) -> bool:
    """For alternatives: the value is of the kind of ``shape`` (so its inner problems are the ones to report)."""
    if isinstance(shape, list):
        return isinstance(value, list)
    if isinstance(shape, (dict, MapOf)):
        return isinstance(value, dict)
    return _type_ok(value, shape)


def scope_problems(scope, path: tuple) -> list[Problem]:
    """``scope``: ``document`` or a section id of the official formats, or per era ({"2021": 六, default: …})."""
    from .layout import load_formats

    formats = load_formats()
    if isinstance(scope, dict):
        out = []
        for era, value in scope.items():
            if era != "default" and era not in formats:
                out.append(((*path, era), t("rulefile.unknown-era-scope", era=repr(era), known=", ".join(formats))))
            else:
                out += scope_problems(value, (*path, era)) if era == "default" else _one_scope(value, [era], path, era)
        return out
    return _one_scope(scope, list(formats), path[:-1], path[-1])


def _one_scope(value, eras: list[str], parent: tuple, key) -> list[Problem]:
    from .layout import load_formats

    if not isinstance(value, str):
        return [((*parent, key), t("rulefile.scope-string"))]
    ids = {s["id"] for e in eras for s in load_formats()[e]["sections"]}
    if value != "document" and value not in ids:
        return [((*parent, key), t("rulefile.unknown-section", value=repr(value), known=", ".join(sorted(ids))))]
    return []


def negative_problems(value, path: tuple = ()) -> list[Problem]:
    """Numbers in rule parameters are counts, lengths, limits and tolerances: none may be negative."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [(path, t("rulefile.negative"))] if value < 0 else []
    if isinstance(value, list):
        return [q for i, v in enumerate(value) for q in negative_problems(v, (*path, i))]
    if isinstance(value, dict):
        return [q for k, v in value.items() for q in negative_problems(v, (*path, k))]
    return []


def regex_problem(pattern: str) -> str | None:
    r"""Why ``pattern`` may not be a rule's regular expression: it does not compile, or it can backtrack
    super-linearly (a repeated group holding another variable repeat, ``(\d+)+``, ``(a*)*``, ``(\d{1,3})+``; or a
    repeated choice whose alternatives can start with the same character, ``(x|x)+``).  Possessive quantifiers
    and atomic groups (``(?:\d+)++``, ``(?>…)``) are accepted: they cannot backtrack."""
    from re import _constants as C
    from re import _parser

    try:
        re.compile(pattern)
        tree = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError) as e:
        return t("rulefile.bad-regex", pattern=repr(pattern), error=e)
    universe = _universe(tree, C)
    why = _screen(tree, C, universe)
    if why:
        return t("rulefile.backtracks", pattern=repr(pattern), why=why)
    return None


def _walk(seq, C):
    """(op, av) pairs of a parsed pattern, depth first."""
    for op, av in seq:
        yield op, av
        for sub in _children(op, av, C):
            yield from _walk(sub, C)


def _children(op, av, C) -> list:
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return [av[2]]
    if op is C.SUBPATTERN:
        return [av[3]]
    if op is C.ATOMIC_GROUP:
        return [av]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    if op is C.BRANCH:
        return list(av[1])
    if op is C.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]
    return []


def _universe(tree, C) -> list[str]:
    chars = set("0a A\n中_.-,。:;(")
    for op, av in _walk(tree, C):
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.IN:
            for iop, iav in av:
                if iop is C.LITERAL:
                    chars.add(chr(iav))
                elif iop is C.RANGE:
                    chars.update((chr(iav[0]), chr(iav[1])))
    return sorted(chars)


def _in_class(ch: str, items, C) -> bool:
    neg = False
    hit = False
    for op, av in items:
        if op is C.NEGATE:
            neg = True
        elif op is C.LITERAL:
            hit |= ch == chr(av)
        elif op is C.RANGE:
            hit |= av[0] <= ord(ch) <= av[1]
        elif op is C.CATEGORY:
            name = str(av)
            if "DIGIT" in name:
                ok = ch.isdecimal()
            elif "SPACE" in name:
                ok = ch.isspace()
            elif "WORD" in name:
                ok = ch.isalnum() or ch == "_"
            else:
                ok = ch == "\n"
            hit |= ok != ("NOT" in name)
    return hit != neg


def _first(seq, C, U) -> tuple[set[str], bool]:
    """The characters of U a sequence can start with, and whether it can match the empty string."""
    out: set[str] = set()
    for op, av in seq:
        f, nullable = _first_one(op, av, C, U)
        out |= f
        if not nullable:
            return out, False
    return out, True


def _first_one(op, av, C, U) -> tuple[set[str], bool]:
    if op is C.LITERAL:
        return {chr(av)}, False
    if op is C.NOT_LITERAL:
        return {c for c in U if c != chr(av)}, False
    if op is C.ANY:
        return set(U), False
    if op is C.IN:
        return {c for c in U if _in_class(c, av, C)}, False
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        f, n = _first(av[2], C, U)
        return f, n or av[0] == 0
    if op is C.SUBPATTERN:
        return _first(av[3], C, U)
    if op is C.ATOMIC_GROUP:
        return _first(av, C, U)
    if op is C.BRANCH:
        out: set[str] = set()
        nullable = False
        for alt in av[1]:
            f, n = _first(alt, C, U)
            out |= f
            nullable |= n
        return out, nullable
    if op is C.GROUPREF_EXISTS:
        fs = [_first(x, C, U) for x in av[1:] if x is not None]
        return set().union(*(f for f, _ in fs)), len(fs) < 2 or any(n for _, n in fs)
    if op is C.GROUPREF:
        return set(U), True
    return set(), True  # anchors and lookarounds match no character


def _variable(op, av, C) -> bool:
    return op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[1] > 1 and av[0] != av[1]


def _walk_open(seq, C):
    """Like _walk, but not into atomic groups and possessive repeats (no backtracking happens inside them)."""
    for op, av in seq:
        if op in (C.POSSESSIVE_REPEAT, C.ATOMIC_GROUP):
            continue
        yield op, av
        for sub in _children(op, av, C):
            yield from _walk_open(sub, C)


def _screen(seq, C, U) -> str | None:
    for op, av in _walk_open(seq, C):
        if op not in (C.MAX_REPEAT, C.MIN_REPEAT) or av[1] <= 1:
            continue
        unbounded = av[1] == C.MAXREPEAT
        for iop, iav in _walk_open(av[2], C):
            if _variable(iop, iav, C) and (unbounded or iav[1] == C.MAXREPEAT):
                return t("rulefile.why.nested")
        if unbounded:
            why = _overlap(av[2], C, U)
            if why:
                return why
    return None


def _overlap(body, C, U) -> str | None:
    """A choice inside a repeated group whose alternatives can start with the same character, or where one
    alternative may match nothing (``(xx|x)+`` is parsed as ``(x(?:x|))+``): each iteration can then be matched
    in more than one way."""
    for op, av in _walk_open(body, C):
        if op is C.BRANCH:
            firsts = [_first(alt, C, U) for alt in av[1]]
            if any(n for _, n in firsts):
                return t("rulefile.why.empty-alternative")
            for i in range(len(firsts)):
                for j in range(i + 1, len(firsts)):
                    if firsts[i][0] & firsts[j][0]:
                        return t("rulefile.why.alike")
    return None


def _locate(doc, path: tuple) -> tuple[int, int]:
    """file line:col (1-based) of the value at ``path`` in a round-trip YAML document."""
    node: Any = doc
    pos = (1, 1)
    for k in path:
        try:
            lc = node.lc  # ruamel's line/column record of a round-trip node
            if isinstance(node, list):
                ln, col = lc.item(k)
            else:
                ln, col = lc.value(k) if not isinstance(node.get(k), (dict, list)) else lc.key(k)
            pos = (ln + 1, col + 1)
            node = node[k]
        except Exception:
            break
    return pos


def load_rule_file(p: Path) -> tuple[Rule | None, list[str]]:
    """One rule file, validated: the rule, or the problems as ``file:line:col: message`` lines."""
    try:
        return _load_rule_file(p)
    except Exception as e:  # the last net: a rule file the checks above did not foresee is still a rule error
        return None, [f"{p}:1:1: " + t("rulefile.cannot-load", error=f"{type(e).__name__}: {e}")]


def _vocabulary_problems(doc: dict) -> list[Problem]:
    """Eras and agency kinds the format registry knows; the paired zh/en keys given together."""
    out: list[Problem] = []
    eras = doc.get("eras")
    if isinstance(eras, list):
        known = formats.era_ids() + ("any",)
        for i, e in enumerate(eras):
            if not isinstance(e, (str, int)) or isinstance(e, bool) or str(e) not in known:
                out.append((("eras", i), t("rulefile.unknown-era", era=repr(e), known=", ".join(known))))
    ak = doc.get("agency-kinds")
    if isinstance(ak, list):
        kinds = formats.agency_kinds()
        for i, k in enumerate(ak):
            if not isinstance(k, str) or k not in kinds:
                out.append(
                    (("agency-kinds", i), t("rulefile.unknown-agency-kind", kind=repr(k), known=", ".join(kinds)))
                )
    for a, b in PAIRS:
        if (a in doc) != (b in doc):
            out.append(((a if a in doc else b,), t("rulefile.pair", a=a, b=b)))
    if doc.get("fixable") and "fix-title" not in doc:
        out.append((("fixable",), t("rulefile.fix-title")))
    return out


def read_positioned_yaml(p: Path, what: str = "rule", max_bytes: int = MAX_RULE_BYTES) -> tuple[Any, str | None]:
    """A YAML mapping read with the positions of its keys and values (ruamel's round-trip nodes), refusing aliases
    and anchors (a file from a repository being linted is data, not trusted): ``(document, None)``, or ``(None,
    "file:line:col: problem")`` for a file that cannot be read, is too large, is not UTF-8 or YAML, or is not a
    mapping.  ``what`` names the file in the problem: ``rule`` (a rule file) or ``profile`` (a scoring profile)."""
    from ruamel.yaml import YAML

    where = str(p)
    what = t(f"rulefile.what.{what}")
    try:
        with open(p, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as e:
        return None, f"{where}:1:1: " + t("rulefile.cannot-read", what=what, reason=e.strerror)
    if len(raw) > max_bytes:
        return None, f"{where}:1:1: " + t("rulefile.too-large", what=what, kb=max_bytes // 1024)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        ln = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return None, f"{where}:{ln}:{col}: " + t("rulefile.not-utf8", what=what)
    try:
        refused = data.refuse_references(text, where)
        if refused:
            return None, refused
        doc = YAML(typ="rt").load(text)
    except Exception as e:  # ruamel's YAMLError and whatever a malformed document makes it raise
        mark = getattr(e, "problem_mark", None)
        ln, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, f"{where}:{ln}:{col}: " + t("config.yaml", what=getattr(e, "problem", None) or e)
    if not isinstance(doc, dict):
        return None, f"{where}:1:1: " + t("rulefile.not-mapping", what=what)
    return doc, None


def located(where: str, doc, path: tuple, msg: str) -> str:
    """A problem at ``path`` (keys and list indexes) of a positioned YAML document as ``file:line:col: path: msg``."""
    ln, col = _locate(doc, path) if path else (1, 1)
    return f"{where}:{ln}:{col}: {path_name(path)}{msg}"


def path_name(path: tuple) -> str:
    """A path into a YAML document as a problem names it: ``deductions[0].codes: `` ("" for the document)."""
    name = "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else str(k)) for i, k in enumerate(path))
    return f"{name}: " if name else ""


def _load_rule_file(p: Path) -> tuple[Rule | None, list[str]]:
    doc, problem = read_positioned_yaml(p)
    if problem is not None:
        return None, [problem]
    problems: list[str] = []
    where = str(p)

    def err(key, msg):
        ln, col = _pos(doc, key) if key is not None else (1, 1)
        problems.append(f"{where}:{ln}:{col}: {msg}")

    def err_at(path: tuple, msg: str):
        problems.append(located(where, doc, path, msg))

    kind = doc.get("kind")
    params_schema: dict = {}
    if not isinstance(kind, str) or kind not in KINDS:
        err("kind" if "kind" in doc else None, t("rulefile.unknown-kind", kind=repr(kind), known=", ".join(KINDS)))
        kind = None
    else:
        params_schema = kind_module(kind).PARAMS
    for_kind = t("rulefile.for-kind", kind=kind) if kind else ""
    for schema, where_from in ((COMMON, ""), (params_schema, for_kind)):
        for key, (typ, required) in schema.items():
            if key not in doc:
                if required:
                    err(None, t("rulefile.missing-key", field=key, for_kind=where_from))
            elif not _type_ok(doc[key], typ):
                err(key, t("rulefile.key-type", field=key, what=_tname(typ)))
    for key in doc:
        if key not in COMMON and key not in params_schema:
            err(key, t("rulefile.unknown-key", field=key, for_kind=for_kind))
    code = doc.get("code")
    if isinstance(code, str) and not re.fullmatch(r"[A-Z]{2,4}\d{3}", code):
        err("code", t("rulefile.code", code=repr(code)))
    name = doc.get("name")
    if isinstance(name, str) and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        err("name", t("rulefile.name", name=repr(name)))
    sev = doc.get("severity")
    if isinstance(sev, str) and sev not in SEVERITIES:
        err("severity", t("rulefile.one-of", field="severity", choices=", ".join(SEVERITIES)))
    for path, msg in _vocabulary_problems(doc):
        err_at(path, msg)
    ex = doc.get("examples")
    if isinstance(ex, dict):
        for k in ex:
            if k not in ("pass", "fail"):
                err("examples", t("rulefile.examples-keys", field=repr(k)))
        if "fail" not in ex or "pass" not in ex:
            err("examples", t("rulefile.examples-need"))
    for key, shape in COMMON_SHAPES.items():
        if key in doc and _type_ok(doc[key], COMMON[key][0]):
            for path, msg in shape_problems(doc[key], shape, (key,)):
                err_at(path, msg)
    if problems:
        return None, problems
    plain = data.plain(doc)
    params = {k: v for k, v in plain.items() if k in params_schema}
    check = ""
    if kind in KINDS:
        mod = kind_module(kind)
        key = selector(mod)
        check = check_name(mod, params) or ""
        if check not in mod.CHECKS:
            err(key, t("rulefile.one-of", field=key, choices=", ".join(mod.CHECKS)))
        else:
            for path, msg in param_problems(mod, params):
                err_at(path, msg)
        if problems:
            return None, problems
    rule = Rule(
        code=plain["code"],
        name=plain["name"],
        severity=plain["severity"],
        eras=tuple(str(e) for e in plain["eras"]),
        kind=str(kind),
        message=plain["message"],
        message_en=plain["message-en"],
        description=plain["description"].strip(),
        description_en=(plain.get("description-en") or "").strip(),
        basis=plain["basis"].strip(),
        fixable=bool(plain.get("fixable", False)),
        enabled=bool(plain.get("enabled", True)),
        aliases=tuple(plain.get("aliases") or ()),
        agency_kinds=tuple(plain.get("agency-kinds") or ()),
        examples=plain.get("examples") or {},
        params=params,
        file=where,
        check=check,
        fix_title=plain.get("fix-title", ""),
        fix_title_en=plain.get("fix-title-en", ""),
        related=plain.get("related", ""),
        related_en=plain.get("related-en", ""),
        words=plain.get("words") or {},
        words_en=plain.get("words-en") or {},
    )
    return rule, []


# inner shapes of the common keys (their outer types are in COMMON)
COMMON_SHAPES = {
    "aliases": [str],
    "message": (str, MapOf(str)),
    "message-en": (str, MapOf(str)),
    "examples": MapOf([str]),
}


def param_problems(mod, params: dict) -> list[Problem]:
    """Everything wrong with a check kind's parameters: the kind's own ``validate`` (shapes and meanings, as
    (path, message) pairs), negative numbers, unknown sections in ``scope``, and its regular expressions
    (``regexes(params)``: each must compile and must not backtrack super-linearly)."""
    out: list[Problem] = []
    if hasattr(mod, "validate"):
        for prob in mod.validate(params):
            out.append(prob if isinstance(prob, tuple) else ((), prob))
    if out:
        return out
    out += negative_problems(params)
    if "scope" in params:
        out += scope_problems(params["scope"], ("scope",))
    for path, pattern in rule_regexes(mod, params):
        why = regex_problem(pattern)
        if why:
            out.append((path, why))
    return out


def rule_regexes(mod, params: dict) -> list[tuple[tuple, str]]:
    """The regular expressions of a rule's parameters as (path, pattern), from its kind's ``regexes``."""
    fn = getattr(mod, "regexes", None)
    return list(fn(params)) if fn else []


def rule_files(extra_dirs: list[str] | tuple[str, ...] = ()) -> list[Path]:
    files = sorted(data.path("rules").glob("*.yaml"))
    for d in extra_dirs:
        dp = Path(d)
        if not dp.is_dir():
            raise RuleError([f"{d}:1:1: " + t("rulefile.no-directory")])
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
                problems.append(f"{f}:1:1: " + t("rulefile.duplicate", ident=repr(ident), where=seen[ident]))
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


def closest(rules: list[Rule], ident: str) -> str | None:
    """The rule code or name closest to a mistyped ``ident``, if any is close."""
    import difflib

    words = [r.code for r in rules] + [r.name for r in rules]
    close = difflib.get_close_matches(ident.strip(), words, n=1, cutoff=0.6)
    close = close or difflib.get_close_matches(ident.strip().upper(), words, n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_code_message(rules: list[Rule], ident: str) -> str:
    """``unknown rule code or name: X`` / 「未知的规则代码或名称：X」 with the closest code or name, if any."""
    close = closest(rules, ident)
    hint = t("config.did-you-mean-code", code=close) if close else ""
    return t("config.unknown-rule", ident=ident.strip(), hint=hint)


def resolve_codes(rules: list[Rule], idents) -> set[str]:
    """Codes, prefixes (NB2, NB20), names and aliases → the set of codes they select (see :func:`resolve`);
    ValueError for an identifier that names nothing."""
    out: set[str] = set()
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
    """``nblint explain``: the rule's code and name, severity, description, basis, message and examples, in
    ``lang``."""
    msg = message_shape(rule, lang)
    colon = ": " if lang == "en" else "："
    yes = t("explain.yes" if rule.fixable else "explain.no", lang)

    def label(key: str) -> str:
        return t(key, lang) + colon

    facts = [
        label("explain.severity") + severity_word(rule.severity, lang),
        label("explain.eras") + ", ".join(rule.eras),
        label("explain.kind") + rule.kind,
        label("explain.fixable") + yes,
    ]
    lines = [f"{rule.code} {rule.name}", "", "    ".join(facts)]
    if not rule.enabled:
        lines.append(t("explain.opt-in", lang, code=rule.code))
    if rule.aliases:
        lines.append(label("explain.aliases") + ", ".join(rule.aliases))
    lines += ["", rule.describe(lang), "", label("explain.basis") + rule.basis, "", label("explain.message") + msg, ""]
    for key, title in (("fail", "explain.fails"), ("pass", "explain.passes")):
        for ex in rule.examples.get(key, []):
            lines.append(label(title))
            lines.extend("    " + ln for ln in str(ex).split("\n"))
    return "\n".join(lines) + "\n"


_FIELD = re.compile(r"\{[\w-]++\}")


def message_shape(rule, lang: str = "zh") -> str:
    """The rule's message with its fields as 「…」 (what a reader sees, not a ``{table}`` template)."""
    msg = rule.message_en if lang == "en" else rule.message
    if isinstance(msg, dict):
        msg = "\n  ".join(msg.values())
    return _FIELD.sub("…", msg)


def hover_text(rule, lang: str = "zh", markdown: bool = True) -> str:
    """An editor's hover for a diagnostic of ``rule``: code, name and severity, the description, the basis and a
    link to the rule's documentation; Markdown, or plain text for an editor that shows only that."""
    colon = ": " if lang == "en" else "："
    sev = severity_word(rule.severity, lang)
    basis, more = t("explain.basis", lang), t("explain.more", lang)
    uri = doc_uri(rule.code)
    if not markdown:
        lines = [f"{rule.code} {rule.name} · {sev}", "", rule.describe(lang), "", f"{basis}{colon}{rule.basis}"]
        return "\n".join(lines + ([f"{more}{colon}{uri}"] if uri else []))
    lines = [f"**{rule.code}** `{rule.name}` · {sev}", "", rule.describe(lang), "", f"**{basis}**{colon}{rule.basis}"]
    return "\n".join(lines + (["", f"[{more}]({uri})"] if uri else []))


@functools.cache
def doc_uri(code: str) -> str | None:
    """Where a rule is documented, for SARIF ``helpUri`` and the editor's link: the ``Rules`` URL of the installed
    package's metadata (``[project.urls]``) anchored at the rule, else ``docs/rules.md`` of the checkout nblint runs
    from; None when neither exists (no invented addresses)."""
    anchor = "#" + code.lower()
    try:
        from importlib.metadata import metadata

        for entry in metadata("nblint").get_all("Project-URL") or []:
            name, _, url = entry.partition(",")
            if name.strip().lower() == "rules" and url.strip():
                return url.strip() + anchor
    except Exception:  # no metadata (running from a plain checkout)
        pass
    docs = data.root() / "docs" / "rules.md"
    return docs.resolve().as_uri() + anchor if docs.is_file() else None


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
        if r.description_en:
            out += ["", "English: " + " ".join(r.description_en.split())]
    return "\n".join(out) + "\n"
