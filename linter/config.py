"""Configuration files: built-in defaults < project file (``[tool.nblint]`` in pyproject.toml or ``.nblint.yaml``,
found by walking up from each linted file) < ``--config FILE`` < command-line flags.  Unknown options are errors.

This module reads and validates one file and remembers where each value stands in it, so that every problem,
here or later (an unknown rule code in ``select``, see :mod:`nblint.settings`), is reported as
``file:line:col: message``.  Combining a file with flags is :mod:`nblint.settings`'s work.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .diagnostics import SEVERITIES
from .i18n import t

OPTIONS = {
    "select": list,
    "extend-select": list,
    "ignore": list,
    "per-file-ignores": dict,
    "severity": dict,
    "extend-rules": list,
    "agency-kind": str,
    "lang": str,
    "fail-on": str,
    "exclude": list,
}
CHOICES = {"fail-on": SEVERITIES, "lang": ("zh", "en")}  # agency-kind: the format registry's kinds
# what an item of a list option is (a text of nblint.i18n: config.item.*)
LIST_ITEM = {
    "select": "rule",
    "extend-select": "rule",
    "ignore": "rule",
    "extend-rules": "directory",
    "exclude": "glob",
}

Key = tuple  # where a value is: ("select", 0), ("severity", "NB207"), ("per-file-ignores", "*.txt", 1)


def _choices(key: str) -> tuple[str, ...]:
    if key == "agency-kind":
        from .formats import agency_kinds

        return tuple(agency_kinds())
    return CHOICES[key]


class ConfigError(Exception):
    """A configuration problem; ``str()`` is ``file:line:col: message`` when the file is known."""

    def __init__(self, message: str, path: str | None = None, line: int = 1, col: int = 1):
        self.message, self.path, self.line, self.col = message, path, line, col
        super().__init__(f"{path}:{line}:{col}: {message}" if path else message)


@dataclass
class Config:
    path: str | None = None  # the file it came from
    base: Path = field(default_factory=Path.cwd)
    options: dict = field(default_factory=dict)
    positions: dict = field(default_factory=dict, repr=False)  # Key -> (line, col), 1-based

    def get(self, key, default=None):
        return self.options.get(key, default)

    def position(self, key: Key) -> tuple[int, int]:
        """Where the value at ``key`` is written (or the nearest enclosing value; 1:1 when unknown)."""
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return (1, 1)

    def error(self, message: str, key: Key = ()) -> ConfigError:
        return ConfigError(message, self.path, *self.position(key))


def suggest(word: str, candidates) -> str:
    """`` (did you mean 'x'?)`` / 「（是否想写 'x'？）」 for the closest candidate, or ''."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return t("config.did-you-mean", word=close[0]) if close else ""


def _type_name(v) -> str:
    """The kind of a configuration value in words (config.type.*)."""
    if v is None:
        return t("config.type.null")
    for typ, name in ((bool, "boolean"), (str, "string"), (list, "list"), (dict, "mapping"), (int, "int")):
        if isinstance(v, typ):
            return t(f"config.type.{name}")
    return type(v).__name__


def _validate(opts, cfg: Config) -> dict:
    """Type and value checks, each failing at the value's own position."""
    if not isinstance(opts, dict):
        raise cfg.error(t("config.not-mapping", got=_type_name(opts)))
    out: dict = {}
    for k, v in opts.items():
        if not isinstance(k, str):
            raise cfg.error(t("config.option-name", name=repr(k)), (k, "<key>"))
        key = k.replace("_", "-")
        if key not in OPTIONS:
            hint = suggest(key, OPTIONS)
            raise cfg.error(t("config.unknown-option", name=k, hint=hint, known=", ".join(OPTIONS)), (k, "<key>"))
        typ = OPTIONS[key]
        if not isinstance(v, typ):
            where = (k, "<key>") if v is None else (k,)  # an empty value has no position of its own
            raise cfg.error(t("config.option-type", name=k, want=_type_name(typ()), got=_type_name(v)), where)
        if typ is list:
            v = _strings(v, cfg, (k,), k, t(f"config.item.{LIST_ITEM[key]}"))
        elif typ is dict:
            v = _mapping(v, cfg, k, key)
        elif v not in _choices(key):
            raise cfg.error(t("config.choice", name=k, choices=", ".join(_choices(key)), got=repr(v)), (k,))
        if key == "extend-rules":
            for i, d in enumerate(v):
                if not d.strip():
                    raise cfg.error(t("config.empty-directory", name=f"extend-rules[{i}]"), (k, i))
                if not (cfg.base / d).is_dir():
                    raise cfg.error(t("config.no-directory", name=f"extend-rules[{i}]", directory=d), (k, i))
        out[key] = v
        if k != key:  # positions are looked up by the canonical name
            cfg.positions.update({(key, *p[1:]): pos for p, pos in list(cfg.positions.items()) if p[0] == k})
    return out


def _strings(items: list, cfg: Config, key: Key, name: str, what: str) -> list[str]:
    """The items of a list option, each a string (``name[i]`` must be ``what``)."""
    for i, x in enumerate(items):
        if not isinstance(x, str):
            raise cfg.error(t("config.item-type", name=f"{name}[{i}]", what=what, got=repr(x)), (*key, i))
    return [str(x) for x in items]


def _mapping(v: dict, cfg: Config, k: str, key: str) -> dict:
    out: dict = {}
    for sub, val in v.items():
        if not isinstance(sub, str):
            raise cfg.error(t("config.sub-key", name=k, sub=repr(sub)), (k, sub, "<key>"))
        if key == "severity":
            if not isinstance(val, str) or val not in SEVERITIES:
                raise cfg.error(t("config.severity", code=sub, choices=", ".join(SEVERITIES), got=repr(val)), (k, sub))
            out[sub] = str(val)
        else:  # per-file-ignores
            if not isinstance(val, list):
                raise cfg.error(t("config.codes", name=f"per-file-ignores[{sub!r}]", got=_type_name(val)), (k, sub))
            out[sub] = _strings(val, cfg, (k, sub), f"per-file-ignores[{sub!r}]", t("config.item.code"))
    return out


# ---- reading ----------------------------------------------------------------------------------------------------


def _decode(p: Path) -> str:
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ConfigError(t("config.cannot-read", reason=e.strerror), str(p)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        head = data[: e.start]
        line_start = head.rfind(b"\n") + 1
        col = len(head[line_start:].decode("utf-8", "replace")) + 1
        raise ConfigError(
            t("config.not-utf8", byte=f"0x{data[e.start]:02x}"), str(p), head.count(b"\n") + 1, col
        ) from None


def _yaml_positions(node, prefix: Key, out: dict, depth: int = 0) -> None:
    """(line, col) of every mapping key and value and every list item, from ruamel's round-trip nodes."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if depth > 3:
        return
    if isinstance(node, CommentedMap):
        for k in node:
            try:
                kl, kc = node.lc.key(k)
                vl, vc = node.lc.value(k)
            except (KeyError, TypeError):
                continue
            out[(*prefix, k, "<key>")] = (kl + 1, kc + 1)
            out[(*prefix, k)] = (vl + 1, vc + 1)
            _yaml_positions(node[k], (*prefix, k), out, depth + 1)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            try:
                il, ic = node.lc.item(i)
            except (KeyError, TypeError):
                continue
            out[(*prefix, i)] = (il + 1, ic + 1)
            _yaml_positions(item, (*prefix, i), out, depth + 1)


def _load_yaml(p: Path, text: str, cfg: Config):
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        # round-trip loader: keeps positions; constructs no Python objects from tags (they stay tagged data)
        data = YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = (e.problem or e.context or "syntax error").strip()
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ConfigError(t("config.yaml", what=what), str(p), line, col) from None
    except (YAMLError, ValueError, TypeError, RecursionError) as e:
        raise ConfigError(t("config.yaml", what=e), str(p)) from None
    _yaml_positions(data, (), cfg.positions)
    return {} if data is None else data


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_positions(text: str, table: tuple[str, ...], opts, out: dict) -> None:
    """TOML has no position-keeping parser in the standard library: find each option's ``key =`` line (or its
    ``[tool.nblint.key]`` header) by a scan, and the sub-keys of inline or sub-tables after it."""
    if not isinstance(opts, dict):
        return
    lines = text.split("\n")
    dotted = r"\s*\.\s*".join(re.escape(t) for t in table)
    header = re.compile(r"\s*\[\s*" + dotted + r"\s*[.\]]")  # [tool.nblint] or a sub-table [tool.nblint.x]
    start = next((i for i, ln in enumerate(lines) if header.match(ln)), None) if table else 0
    if start is None:
        return
    out[()] = (start + 1, 1)

    def sub_table(name: str) -> tuple[int, int] | None:
        pat = re.compile(r"\s*\[\s*" + dotted + r"\s*\.\s*[\"']?" + re.escape(name) + r"[\"']?\s*\]")
        i = next((i for i, ln in enumerate(lines) if pat.match(ln)), None)
        return None if i is None else (i + 1, lines[i].index("[") + 1)

    def find(name: str, frm: int, same_line_only: bool = False) -> tuple[int, int] | None:
        pat = re.compile(r"(?:^|[\s{,.\[])[\"']?" + re.escape(name) + r"[\"']?\s*[=\]]")
        for i in range(frm, len(lines) if not same_line_only else min(frm + 1, len(lines))):
            m = pat.search(lines[i])
            if m:
                col = m.start() + (0 if lines[i][m.start()] not in " \t{,.[" else 1)
                return (i + 1, col + 1)
        return None

    for k, v in opts.items():
        if not isinstance(k, str):
            continue
        pos = (sub_table(k) if table else None) or find(k, start)
        if pos is None:
            continue
        out[(k, "<key>")] = out[(k,)] = pos
        if isinstance(v, dict):
            for sub in v:
                if isinstance(sub, str):
                    sp = find(sub, pos[0] - 1)
                    if sp is not None:
                        out[(k, sub, "<key>")] = out[(k, sub)] = sp


def _load_toml(p: Path, text: str, cfg: Config):
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _TOML_AT.search(str(e))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        if "end of document" in str(e):
            line, col = text.count("\n") + 1, len(text) - text.rfind("\n")
        raise ConfigError(t("config.toml", what=_TOML_AT.sub("", str(e)).strip()), str(p), line, col) from None
    tool = data.get("tool")
    if tool is not None and not isinstance(tool, dict):
        _toml_positions(text, (), {"tool": tool}, cfg.positions)
        raise cfg.error(t("config.table", name="'tool'", got=_type_name(tool)), ("tool",))
    opts = (tool or {}).get("nblint")
    if opts is None:
        if p.name == "pyproject.toml":
            return None
        _toml_positions(text, (), data, cfg.positions)
        return data
    if not isinstance(opts, dict):
        _toml_positions(text, ("tool",), {"nblint": opts}, cfg.positions)
        raise cfg.error(t("config.table", name="[tool.nblint]", got=_type_name(opts)), ("nblint",))
    _toml_positions(text, ("tool", "nblint"), opts, cfg.positions)
    return opts


def load_file(path: str | Path) -> Config:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(t("config.not-found", path=p))
    text = _decode(p)
    cfg = Config(str(p), p.parent.resolve())
    if p.name == "pyproject.toml" or p.suffix == ".toml":
        opts = _load_toml(p, text, cfg)
        if opts is None:  # a pyproject.toml without [tool.nblint] is not a configuration
            return Config(None, p.parent.resolve(), {})
    else:
        opts = _load_yaml(p, text, cfg)
    cfg.options = _validate(opts, cfg)
    return cfg


@lru_cache(maxsize=1024)
def find_for_dir(directory: str) -> Config:
    """The configuration of the files in ``directory`` (a folder that does not exist: the current directory's)."""
    d = Path(directory).resolve()
    if not d.is_dir():
        d = Path.cwd().resolve()
    for cand in [d, *d.parents]:
        y = cand / ".nblint.yaml"
        if y.is_file():
            return load_file(y)
        t = cand / "pyproject.toml"
        if t.is_file():
            cfg = load_file(t)
            if cfg.path:
                return cfg
    return Config(None, Path.cwd(), {})


def for_file(path: str) -> Config:
    """The configuration that applies to ``path`` (which need not exist yet: an editor's unsaved file).

    Looked up by the file's folder as written (resolved once per folder, see :func:`find_for_dir`); a file that is
    a symbolic link belongs to its target's folder."""
    p = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)
    return find_for_dir(os.path.dirname(p))


def _relative(cfg: Config, path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(cfg.base))
    except (ValueError, OSError):
        return str(path)


def per_file_ignored(cfg: Config, path: str) -> list[str]:
    out = []
    rel = _relative(cfg, path)
    for glob, codes in (cfg.get("per-file-ignores") or {}).items():
        if fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(Path(path).name, glob) or fnmatch.fnmatch(str(path), glob):
            out.extend(codes)
    return out


def excluded(cfg: Config, path: str) -> bool:
    pats = cfg.get("exclude") or []
    if not pats:
        return False
    rel = _relative(cfg, path)
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(str(path), g) for g in pats)
