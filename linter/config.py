"""Configuration: built-in defaults < project file (``[tool.nblint]`` in pyproject.toml or ``.nblint.yaml``, found
by walking up from each linted file) < ``--config FILE`` < command-line flags.  Unknown options are errors."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .diagnostics import SEVERITIES

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


class ConfigError(Exception):
    pass


@dataclass
class Config:
    path: str | None = None  # the file it came from
    base: Path = field(default_factory=Path.cwd)
    options: dict = field(default_factory=dict)

    def get(self, key, default=None):
        return self.options.get(key, default)


def _validate(opts: dict, where: str) -> dict:
    if not isinstance(opts, dict):
        raise ConfigError(f"{where}: configuration must be a table/mapping")
    out = {}
    for k, v in opts.items():
        key = k.replace("_", "-")
        if key not in OPTIONS:
            raise ConfigError(f"{where}: unknown option '{k}' (known: {', '.join(OPTIONS)})")
        typ = OPTIONS[key]
        if not isinstance(v, typ):
            raise ConfigError(f"{where}: option '{k}' must be a {typ.__name__}")
        out[key] = v
    for code, sev in (out.get("severity") or {}).items():
        if sev not in SEVERITIES:
            raise ConfigError(f"{where}: severity of {code} must be one of {', '.join(SEVERITIES)}")
    if "agency-kind" in out:
        from .formats import agency_kinds

        if out["agency-kind"] not in agency_kinds():
            raise ConfigError(f"{where}: agency-kind must be one of {', '.join(agency_kinds())}")
    if "fail-on" in out and out["fail-on"] not in SEVERITIES:
        raise ConfigError(f"{where}: fail-on must be one of {', '.join(SEVERITIES)}")
    if "lang" in out and out["lang"] not in ("zh", "en"):
        raise ConfigError(f"{where}: lang must be zh or en")
    for glob, codes in (out.get("per-file-ignores") or {}).items():
        if not isinstance(codes, list):
            raise ConfigError(f"{where}: per-file-ignores[{glob!r}] must be a list of codes")
    return out


def load_file(path: str | Path) -> Config:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: configuration file not found")
    if p.name == "pyproject.toml" or p.suffix == ".toml":
        import tomllib

        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{p}: invalid TOML: {e}") from None
        opts = data.get("tool", {}).get("nblint")
        if opts is None:
            if p.name == "pyproject.toml":
                return Config(None, p.parent.resolve(), {})
            opts = data
    else:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            opts = YAML(typ="safe", pure=True).load(p.read_text(encoding="utf-8")) or {}
        except YAMLError as e:
            raise ConfigError(f"{p}: invalid YAML: {e}") from None
    return Config(str(p), p.parent.resolve(), _validate(opts, str(p)))


@lru_cache(maxsize=256)
def find_for_dir(directory: str) -> Config:
    d = Path(directory).resolve()
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
    """The configuration that applies to ``path`` (which need not exist yet: an editor's unsaved file)."""
    parent = Path(path).resolve().parent
    return find_for_dir(str(parent if parent.is_dir() else Path.cwd()))


def per_file_ignored(cfg: Config, path: str) -> list[str]:
    out = []
    try:
        rel = str(Path(path).resolve().relative_to(cfg.base))
    except ValueError:
        rel = str(path)
    for glob, codes in (cfg.get("per-file-ignores") or {}).items():
        if fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(Path(path).name, glob) or fnmatch.fnmatch(str(path), glob):
            out.extend(codes)
    return out


def excluded(cfg: Config, path: str) -> bool:
    pats = cfg.get("exclude") or []
    if not pats:
        return False
    try:
        rel = str(Path(path).resolve().relative_to(cfg.base))
    except ValueError:
        rel = str(path)
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(str(path), g) for g in pats)
