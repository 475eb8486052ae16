"""One settings resolver for every front end: configuration files + flags → the engine and the
:class:`~nblint.engine.Settings` that apply to one linted file.

``nblint check``, the language server, ``nblint audit`` and the Python API (:class:`nblint.Linter`) all go
through a :class:`Workspace` (ruff's idea of the same name), so a project's ``.nblint.yaml`` or ``[tool.nblint]``
means the same thing everywhere.  Precedence: built-in defaults < the project file found by walking up from the
linted file (or ``--config FILE``, for every file) < flags.  ``select`` and ``lang``/``agency-kind`` from flags
replace the file's; ``extend-select`` and ``ignore`` add to it; ``per-file-ignores`` adds by path.

Problems are exceptions a front end turns into exit status 2 (or an editor message): :class:`~nblint.config.
ConfigError` (``file:line:col: message``, also for an unknown rule code written in the file), :class:`UsageError`
(an unknown code given as a flag) and :class:`~nblint.ruleset.RuleError` (an invalid ``extend-rules`` file).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import UsageError, i18n

TYPE_CHECKING = False  # typing is not imported at the CLI's start

if TYPE_CHECKING:
    from .config import Config
    from .diagnostics import FileResult
    from .engine import Engine, Settings
    from .model import Report
    from .source import Source

__all__ = ["Flags", "UsageError", "Workspace", "split"]


def split(v: str | None) -> list[str]:
    """``"NB207, NB3"`` → ``["NB207", "NB3"]`` (a comma-separated flag)."""
    return [x.strip() for x in v.split(",") if x.strip()] if v else []


def _idents(v) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return tuple(split(v))
    out = []
    for x in v:
        if not isinstance(x, str):
            raise UsageError(f"rule codes are strings, not {x!r}")
        out.append(x)
    return tuple(out)


@dataclass(frozen=True)
class Flags:
    """What the command line (or the API caller) says; ``None`` or empty: whatever the configuration says."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    lang: str | None = None
    agency_kind: str | None = None
    fail_on: str | None = None
    config: str | None = None  # one configuration file for every path (--config), instead of walking up
    use_config_files: bool = True  # False: built-in defaults and flags only
    profile: str | None = None  # a scoring profile (rules/profiles/ id or file): its local deadlines apply (NB504)

    @classmethod
    def make(cls, select=None, extend_select=None, ignore=None, **kw) -> Flags:
        """From comma-separated strings or lists of identifiers."""
        sel = _idents(select)
        return cls(select=sel or None, extend_select=_idents(extend_select), ignore=_idents(ignore), **kw)

    @classmethod
    def from_args(cls, args) -> Flags:
        """From an argparse namespace of any subcommand (options it lacks count as not given)."""
        return cls.make(
            select=getattr(args, "select", None),
            extend_select=getattr(args, "extend_select", None),
            ignore=getattr(args, "ignore", None),
            lang=getattr(args, "lang", None),
            agency_kind=getattr(args, "agency_kind", None),
            fail_on=getattr(args, "fail_on", None),
            config=getattr(args, "config", None),
            profile=getattr(args, "profile", None),
        )


class Workspace:
    """Resolves (engine, settings) per linted path.  One engine per set of rule directories (the built-in rules
    plus a project's ``extend-rules``), built once; the settings of each configuration file resolved once.
    Thread-safe; picklable (a process pool's workers rebuild the caches)."""

    def __init__(self, flags: Flags | None = None):
        import threading

        self.flags = flags or Flags()
        self._lock = threading.RLock()
        self._engines: dict[tuple[str, ...], Engine] = {}
        self._base: dict[tuple, tuple[Config, Settings]] = {}
        self._none: Config | None = None  # the configuration of a file when configuration files are not used
        self.fixed = _config().load_file(self.flags.config) if self.flags.config else None

    def __getstate__(self):
        return {"flags": self.flags}

    def __setstate__(self, state):
        self.__init__(state["flags"])

    # ---- configuration ----------------------------------------------------------------------------------------
    def config_for(self, path: str) -> Config:
        """The configuration of ``path``: ``--config``, else the nearest project file above it, else none."""
        if self.fixed is not None:
            return self.fixed
        if not self.flags.use_config_files:
            if self._none is None:
                self._none = _config().Config()
            return self._none
        return _config().for_file(path)

    def excluded(self, path: str, cfg: Config | None = None) -> bool:
        return _config().excluded(cfg or self.config_for(path), path)

    def fail_on(self, cfg: Config | None) -> str:
        return self.flags.fail_on or (cfg.get("fail-on") if cfg else None) or "info"

    # ---- engines and settings ---------------------------------------------------------------------------------
    def engine(self, cfg: Config | None = None) -> Engine:
        """The engine with the rules ``cfg`` asks for (built-in rules plus its ``extend-rules``)."""
        from .engine import Engine, Settings

        ext = self._extend_rules(cfg) if cfg is not None else ()
        with self._lock:
            eng = self._engines.get(ext)
            if eng is None:
                eng = self._engines[ext] = Engine(Settings(extend_rules=ext))
            return eng

    @staticmethod
    def _extend_rules(cfg: Config) -> tuple[str, ...]:
        return tuple(str((cfg.base / d).resolve()) for d in cfg.get("extend-rules") or [])

    def resolve(self, path: str, cfg: Config | None = None) -> tuple[Engine, Settings]:
        """The engine and settings for one file."""
        cfg = cfg if cfg is not None else self.config_for(path)
        key = (cfg.path, str(cfg.base))
        with self._lock:
            hit = self._base.get(key)
        if hit is None or hit[0] is not cfg:  # a configuration read again (the editor saved it) is new
            hit = (cfg, self._settings(cfg))
            with self._lock:
                self._base[key] = hit
        eng, base = self.engine(cfg), hit[1]
        per_file = _config().per_file_ignored(cfg, path) if cfg.get("per-file-ignores") else []
        if per_file:
            from .ruleset import resolve_codes

            base = replace(base, ignore=base.ignore | resolve_codes(eng.rules, per_file))  # checked in _settings
        return eng, base

    def _settings(self, cfg: Config) -> Settings:
        from .engine import Settings

        eng = self.engine(cfg)
        f, opts = self.flags, cfg.options
        if f.select is not None:
            sel: set[str] | None = self._flag_codes(eng, f.select)
        elif opts.get("select"):
            sel = self._codes(eng, cfg, opts["select"], "select")
        else:
            sel = None
        extend = self._codes(eng, cfg, opts.get("extend-select") or [], "extend-select")
        extend |= self._flag_codes(eng, f.extend_select)
        if extend:  # rules on top of the selection (or of the default set: the opt-in ones, e.g. NB212)
            sel = (sel if sel is not None else {r.code for r in eng.rules if r.enabled}) | extend
        ignore = self._codes(eng, cfg, opts.get("ignore") or [], "ignore") | self._flag_codes(eng, f.ignore)
        severity = {}
        for ident, level in (opts.get("severity") or {}).items():
            for code in self._codes(eng, cfg, [ident], "severity", keys=[("severity", ident, "<key>")]):
                severity[code] = level
        for glob, codes in (opts.get("per-file-ignores") or {}).items():  # applied by path in resolve()
            self._codes(
                eng, cfg, codes, "per-file-ignores", keys=[("per-file-ignores", glob, i) for i in range(len(codes))]
            )
        return Settings(
            select=sel,
            ignore=ignore,
            severity=severity,
            agency_kind=f.agency_kind or opts.get("agency-kind"),
            lang=f.lang or opts.get("lang") or i18n.current(),
            extend_rules=self._extend_rules(cfg),
            deadlines=self._profile_deadlines(),
        )

    def _profile_deadlines(self) -> tuple:
        if not self.flags.profile:
            return ()
        from . import profiles

        try:
            return profiles.get(self.flags.profile).deadlines
        except profiles.ProfileError as e:
            raise UsageError(str(e)) from None

    @staticmethod
    def _flag_codes(eng: Engine, idents) -> set[str]:
        from .ruleset import resolve_codes

        try:
            return resolve_codes(eng.rules, idents)
        except ValueError as e:
            raise UsageError(str(e)) from None

    @staticmethod
    def _codes(eng: Engine, cfg: Config, idents, option: str, keys: list | None = None) -> set[str]:
        """Identifiers written in the configuration → codes; an unknown one is an error at its position."""
        from .ruleset import resolve, unknown_code_message

        out: set[str] = set()
        for i, ident in enumerate(idents):
            named = resolve(eng.rules, ident) if ident.strip() else []
            if named is None:
                raise cfg.error(unknown_code_message(eng.rules, ident), keys[i] if keys else (option, i))
            out.update(r.code for r in named)
        return out

    # ---- linting ----------------------------------------------------------------------------------------------
    def lint_path(self, path: str, previous: str | None = None, **limits) -> FileResult:
        """Lint one file with the settings that apply to it; ``limits``: ``timeout``/``cancel`` of
        :meth:`Engine.lint_path`."""
        eng, s = self.resolve(path)
        return eng.lint_path(path, previous=previous, settings=s, **limits)

    def lint_source(self, source: Source, previous: Report | None = None, **limits) -> FileResult:
        eng, s = self.resolve(source.path)
        return eng.lint_source(source, previous, s, **limits)


def _config():
    """nblint.config, imported when first needed (the CLI imports this module at every start)."""
    from . import config

    return config
