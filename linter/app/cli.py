"""Command line: argv, file discovery, configuration layering, output and exit codes.

Exit codes (ruff/sqlfluff convention): 0 no diagnostics at or above --fail-on, 1 diagnostics, 2 usage,
configuration or internal error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from contextlib import contextmanager

from .. import UsageError  # re-exported: the plugin commands raise it
from ..budget import DEFAULT_SECONDS as DEFAULT_TIMEOUT
from ..i18n import LANGS, argparse_text, current, lang_from_argv, set_lang, severity_word, t

# Subcommands that live in their own modules: name -> (module exposing add_arguments(parser) and run(args) -> int,
# the key of its help text in nblint.i18n).
# They are imported only to build the parser for their own name, or for --help.
PLUGIN_COMMANDS = {
    "lsp": ("nblint.app.lsp", "help.cmd.lsp"),
    "new": ("nblint.app.new", "help.cmd.new"),
    "audit": ("nblint.app.audit", "help.cmd.audit"),
    "annotate": ("nblint.app.annotate", "help.cmd.annotate"),
    "serve": ("nblint.app.serve", "help.cmd.serve"),
}

SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
EXIT_CLEAN, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


def discover(paths: list[str]) -> list[str]:
    from ..readers import supported

    out: list[str] = []
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                # every entry with a report's suffix is listed, whatever it is: a FIFO, a device, a socket, a broken
                # link, even a directory named x.txt (still walked into) become NB001 rows when read, never a hang
                # or a silent gap
                for f in sorted(files + [d for d in dirs if supported(d)]):
                    fp = os.path.join(root, f)
                    if supported(fp):
                        out.append(fp)
        elif os.path.exists(p):
            out.append(p)
        else:
            raise UsageError(t("cli.no-such-path", path=p))
    return out


# ----------------------------------------------------------------------------------------------------------------


def seconds_arg(v: str) -> float:
    """A --timeout value: seconds, 0 for no limit."""
    try:
        x = float(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {v!r}") from None
    if not x >= 0 or x == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or a positive number of seconds: {v!r}")
    return x


def _add_check_args(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("paths", nargs="*", default=["."], help=t("help.check.paths"))
    sp.add_argument(
        "--output-format",
        choices=["auto", "text", "full", "json", "sarif", "github"],
        default="auto",
        help=t("help.check.output-format"),
    )
    sp.add_argument("--exit-zero", action="store_true", help=t("help.check.exit-zero"))
    sp.add_argument(
        "--timeout",
        type=seconds_arg,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=t("help.check.timeout", n=DEFAULT_TIMEOUT),
    )
    sp.add_argument("--select", help=t("help.select"))
    sp.add_argument("--extend-select", help=t("help.extend-select"))
    sp.add_argument("--ignore", help=t("help.ignore"))
    sp.add_argument("--fail-on", choices=["error", "warning", "info"], help=t("help.fail-on"))
    sp.add_argument("--statistics", action="store_true", help=t("help.statistics"))
    sp.add_argument("--config", help=t("help.config"))
    sp.add_argument("--previous", help=t("help.previous"))
    sp.add_argument("--lang", choices=list(LANGS), help=t("help.lang"))
    from ..formats import agency_kinds

    sp.add_argument("--agency-kind", choices=agency_kinds(), help=t("help.agency-kind"))
    sp.add_argument("--color", choices=["auto", "always", "never"], default="auto", help=t("help.color"))
    sp.add_argument("--quiet", "-q", action="store_true", help=t("help.quiet"))
    sp.add_argument("--fix", action="store_true", help=t("help.fix"))
    sp.add_argument("--diff", action="store_true", help=t("help.diff"))
    sp.add_argument("--stdin-filename", help=t("help.stdin-filename"))


class Parser(argparse.ArgumentParser):
    """argparse in the interface language: its own words come from nblint.i18n (:func:`argparse_words`), an
    unknown option gets the closest known one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = t("argparse.positionals")
        self._optionals.title = t("argparse.options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("argparse.help"))

    def _options(self) -> set[str]:
        """The long options of this parser and of its commands' parsers (an option typed before its command)."""
        out: set[str] = set()
        for a in self._actions:
            out.update(o for o in a.option_strings if o.startswith("--"))
            for sp in (getattr(a, "choices", None) or {}).values() if isinstance(a, argparse._SubParsersAction) else ():
                out.update(sp._options())
        return out

    def error(self, message: str):
        import difflib

        known = sorted(self._options())
        unknown = [w for w in re.findall(r"--[A-Za-z][\w-]*+", message) if w not in known]
        for w in unknown:
            close = difflib.get_close_matches(w, known, n=1, cutoff=0.5)
            if close:
                message += t("cli.did-you-mean", option=close[0])
                break
        self.print_usage(sys.stderr)
        self.exit(2, t("argparse.error", prog=self.prog, message=message) + "\n")


@contextmanager
def argparse_words():
    """argparse's own messages (usage:, required, invalid choice …) in the interface language while it runs."""
    saved = argparse._
    argparse._ = argparse_text
    try:
        yield
    finally:
        argparse._ = saved


BUILTIN_COMMANDS = {  # name -> the key of its help text in nblint.i18n
    "check": "help.cmd.check",
    "parse": "help.cmd.parse",
    "rules": "help.cmd.rules",
    "explain": "help.cmd.explain",
    "extract": "help.cmd.extract",
}


def _add_builtin_args(name: str, p: argparse.ArgumentParser) -> None:
    if name == "check":
        _add_check_args(p)
    elif name == "parse":
        p.add_argument("paths", nargs="+", help=t("help.parse.paths"))
        p.add_argument("--json", action="store_true", help=t("help.json"))
    elif name == "rules":
        p.add_argument("--json", action="store_true", help=t("help.json"))
        p.add_argument("--markdown", action="store_true", help=t("help.rules.markdown"))
        p.add_argument("--config", help=t("help.config"))
        p.add_argument("--lang", choices=list(LANGS), help=t("help.lang"))
    elif name == "explain":
        p.add_argument("code", help=t("help.explain.code"))
        p.add_argument("--lang", choices=list(LANGS), help=t("help.lang"))
    elif name == "extract":
        p.add_argument("path", help=t("help.extract.path"))
        p.add_argument("--raw", action="store_true", help=t("help.extract.raw"))


def _command_of(argv: list[str]) -> str | None:
    """The sub-command a command line names: its first word that is neither an option nor the value of the one
    top-level option that takes one (``nblint --lang en audit …``: audit, not en)."""
    value = False
    for a in argv:
        if value:
            value = False
        elif a == "--lang":
            value = True
        elif not a.startswith("-"):
            return a
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; for a known ``command`` only that sub-command is built (a cold ``nblint check`` pays for no
    other), for anything else (``--help``, a typo) all of them, so that the help and the error list every one."""
    from .. import __version__

    ap = Parser(prog="nblint", description=t("help.prog"))
    ap.add_argument("--version", action="version", version=f"nblint {__version__}", help=t("argparse.version"))
    # read before parsing (lang_from_argv); accepted here too, so that `nblint --lang en check` works
    ap.add_argument("--lang", choices=list(LANGS), dest="global_lang", help=t("help.lang"))
    sub = ap.add_subparsers(
        dest="command", title=t("argparse.commands"), help=t("argparse.command-help"), parser_class=Parser
    )
    known = command in BUILTIN_COMMANDS or command in PLUGIN_COMMANDS
    for name, help_key in BUILTIN_COMMANDS.items():
        if not known or name == command:
            _add_builtin_args(name, sub.add_parser(name, help=t(help_key), description=t(help_key)))
    import importlib

    for name, (modname, help_key) in PLUGIN_COMMANDS.items():
        if known and name != command:
            continue
        sp = sub.add_parser(name, help=t(help_key), description=t(help_key))
        if name == command:  # import a plugin only when it is the command being run
            mod = importlib.import_module(modname)
            mod.add_arguments(sp)
            sp.set_defaults(plugin=mod)
    return ap


def main(argv: list[str] | None = None) -> int:
    if argv is None and "lark" not in sys.modules and "regex" not in sys.modules:
        # the nblint process itself (not a caller's program): lark, imported for the layout parse, then skips the
        # optional third-party `regex` module, which it only needs for Lark(regex=True) grammars (nblint's has no
        # terminals) and which costs ~5 ms of a cold start; nothing else in nblint imports it
        sys.modules["regex"] = None  # type: ignore[assignment]
    if argv is None:  # compiled regular expressions from the cache directory (nblint.rxcache: CPython 3.11–3.13)
        from ..data import cache_dir
        from ..rxcache import install

        install(cache_dir())
    argv = list(sys.argv[1:] if argv is None else argv)
    set_lang(lang_from_argv(argv))  # the interface language, before any text (the help texts) is made
    try:
        with argparse_words():
            ap = build_parser(_command_of(argv))
            try:
                args = ap.parse_args(argv)
            except SystemExit as e:
                return EXIT_ERROR if e.code else EXIT_CLEAN
            if args.command is None:
                ap.print_help()
                return EXIT_ERROR
        return _run(args)
    finally:
        set_lang(None)


def _run(args) -> int:
    from ..config import ConfigError
    from ..ruleset import RuleError

    if getattr(args, "global_lang", None) and not getattr(args, "lang", None):
        args.lang = args.global_lang  # `nblint --lang en check` is `nblint check --lang en` (it beats a config's lang)

    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "parse":
            return cmd_parse(args)
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "explain":
            return cmd_explain(args)
        if args.command == "extract":
            return cmd_extract(args)
        if getattr(args, "plugin", None) is not None:
            return args.plugin.run(args)
    except UsageError as e:
        print(f"nblint: {e}", file=sys.stderr)
        return EXIT_ERROR
    except ConfigError as e:  # file:line:col: message, where editors and CI logs link it
        print(e if e.path else f"nblint: {e}", file=sys.stderr)
        return EXIT_ERROR
    except RuleError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        print("nblint: " + t("cli.bad-rules"), file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as e:  # a bug: exit 2 with one line saying so, not a traceback and exit 1
        if os.environ.get("NBLINT_DEBUG"):
            import traceback

            traceback.print_exc()
        print("nblint: " + t("cli.internal-error", err=f"{type(e).__name__}: {e}"), file=sys.stderr)
        return EXIT_ERROR
    return EXIT_ERROR


# ----------------------------------------------------------------------------------------------------------------


def cmd_check(args) -> int:
    from ..diagnostics import SEVERITY_RANK
    from ..formatters import get as get_formatter
    from ..settings import Flags, Workspace

    if args.fix and args.diff:
        raise UsageError(t("cli.fix-diff"))
    workspace = Workspace(Flags.from_args(args))
    files = discover(args.paths)
    used: dict = {}  # path -> (engine, settings) that linted it
    results = []
    internal_errors = 0
    cfg_for_fmt = None
    for path in files:
        stdin = path == "-"
        if stdin:
            if args.fix:
                raise UsageError(t("cli.fix-stdin"))
            path = args.stdin_filename or "<stdin>"  # an unnamed one takes the configuration of the current folder
        cfg = workspace.config_for(path)
        cfg_for_fmt = cfg_for_fmt or cfg
        if workspace.excluded(path, cfg) and path not in args.paths:
            continue
        eng, s = used[path] = workspace.resolve(path, cfg)
        try:
            if stdin:
                res = _lint_stdin(eng, path, args.previous, s, args.timeout)
            else:
                res = eng.lint_path(path, previous=args.previous, settings=s, timeout=args.timeout)
        except Exception as e:  # an internal error must not stop the other files
            internal_errors += 1
            print("nblint: " + t("cli.internal", path=path, err=f"{type(e).__name__}: {e}"), file=sys.stderr)
            if os.environ.get("NBLINT_DEBUG"):
                import traceback

                traceback.print_exc()
            continue
        res.report = None  # the model is for front ends that use it (audit, serve): a folder's would all stay alive
        results.append(res)
    rules = workspace.engine(cfg_for_fmt).rules
    # the language of everything printed: --lang, else the configuration's, else NBLINT_LANG, else Chinese
    lang = next((s.lang for _, s in used.values()), None) or args.lang or current()
    set_lang(lang)
    if not files:  # nothing to check is not a pass: say so, like a mistyped folder
        print("nblint: " + t("summary.no-files"), file=sys.stderr)
        return EXIT_ERROR

    fixed = 0
    if args.fix or args.diff:
        from ..fixes import applicable, apply_fixes

        for r in results:  # DOCX, PDF, HTML: the fix is the reader's text, not the file; say what to change
            n = sum(1 for d in r.diagnostics if d.fix and not applicable(r, d))
            if n:
                print("nblint: " + t("cli.fix-binary", path=r.path, kind=r.kind.upper(), n=n), file=sys.stderr)
        out, fixed = apply_fixes(results, write=args.fix)
        if args.diff:
            sys.stdout.write(out)
            return EXIT_PROBLEMS if out else EXIT_CLEAN
        if out:
            print(out, file=sys.stderr, end="")
        # re-lint the fixed files so that what is printed is what remains
        results = [
            used[r.path][0].lint_path(r.path, previous=args.previous, settings=used[r.path][1], timeout=args.timeout)
            if r.source_text is not None
            else r
            for r in results
        ]

    fmt = args.output_format
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    color = False
    if fmt in ("text", "full"):
        if args.color == "always":
            color = True
        elif args.color == "auto":
            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        if color:
            import colorama

            colorama.just_fix_windows_console()
    formatter = get_formatter(fmt)(
        color=color, statistics=args.statistics, show_summary=not args.quiet, rules=rules, lang=lang
    )
    if fixed and fmt in ("text", "full") and not args.quiet:
        print(t("summary.fixed", n=fixed, s="" if fixed == 1 else "s"))
    sys.stdout.write(formatter.format(results))
    if fmt not in ("text", "full") and args.statistics:
        from collections import Counter

        c = Counter(d.code for r in results for d in r.diagnostics)
        for code, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"{n:6d}  {code}", file=sys.stderr)
    if internal_errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    fail_on = workspace.fail_on(cfg_for_fmt)
    worst = max((SEVERITY_RANK[d.severity] for r in results for d in r.diagnostics), default=0)
    return EXIT_PROBLEMS if worst >= SEVERITY_RANK[fail_on] else EXIT_CLEAN


def _lint_stdin(eng, name: str, previous: str | None, settings, timeout: float | None = DEFAULT_TIMEOUT):
    """A report piped in (editors, scripts): decoded like a text file, judged as Markdown or text by its name."""
    from ..engine import previous_report
    from ..readers import read_bytes
    from ..source import ReadError

    data = sys.stdin.buffer.read()
    try:
        source = read_bytes(name if name != "<stdin>" else "stdin.md", data)
        source.path = name
    except ReadError as e:
        return eng.unreadable(name, e, settings)
    return eng.lint_source(source, previous_report(previous), settings, timeout=timeout)


def cmd_parse(args) -> int:
    import json

    from ..engine import parse
    from ..readers import read_path
    from ..source import ReadError
    from .outline import outline, to_json

    rc = EXIT_CLEAN
    docs = []
    for path in discover(args.paths):
        try:
            rep = parse(read_path(path))
        except ReadError as e:
            print(f"{path}:{e.line}:{e.col}: NB001 {e.text()}", file=sys.stderr)
            rc = EXIT_PROBLEMS
            continue
        if args.json:
            docs.append(to_json(rep))
        else:
            sys.stdout.write(outline(rep))
    if args.json:
        print(json.dumps(docs if len(docs) != 1 else docs[0], ensure_ascii=False, indent=2))
    return rc


def cmd_rules(args) -> int:
    import json

    from ..settings import Flags, Workspace

    workspace = Workspace(Flags(config=args.config))  # built-in rules, plus --config's extend-rules
    eng = workspace.engine(workspace.fixed)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity,
                        "eras": list(r.eras),
                        "kind": r.kind,
                        "fixable": r.fixable,
                        "enabled": r.enabled,
                        "aliases": list(r.aliases),
                        "basis": r.basis,
                    }
                    for r in eng.rules
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_CLEAN
    if args.markdown:
        from ..ruleset import rules_markdown

        sys.stdout.write(rules_markdown(eng.rules))
        return EXIT_CLEAN
    lang = args.lang or current()
    print(t("rules.header", lang))
    for r in eng.rules:
        fix = "[*]" if r.fixable else "   "
        sev = severity_word(r.severity, lang)
        eras = ",".join(r.eras) + ("" if r.enabled else "  " + t("explain.opt-in", lang, code=r.code))
        print(f"{r.code}  {r.name:<34} {sev:<{8 if lang == 'en' else 4}} {fix}  {r.kind:<12} {eras}")
    return EXIT_CLEAN


def cmd_explain(args) -> int:
    from ..ruleset import explain_text, resolve
    from ..settings import Workspace

    rules = Workspace().engine().rules
    named = resolve(rules, args.code)
    if not named or len(named) > 1:  # one rule, by its code, name or alias (not a prefix)
        raise UsageError(t("explain.unknown", code=args.code))
    sys.stdout.write(explain_text(named[0], args.lang or current()))
    return EXIT_CLEAN


def cmd_extract(args) -> int:
    from ..normalize import normalize
    from ..readers import read_path
    from ..source import ReadError

    try:
        src = read_path(args.path)
    except ReadError as e:
        print(f"{args.path}:{e.line}:{e.col}: NB001 {e.text()}", file=sys.stderr)
        return EXIT_PROBLEMS
    # the lines are those of the extracted text, the lines diagnostics count (PDF, DOCX, text); normalisation is
    # shown within each line, as it may delete whole line breaks (a multi-line <!-- comment -->)
    index = src.lines
    if args.raw:
        lines = [index.line_text(n) for n in range(1, len(index) + 1)]
    else:
        norm = normalize(src.text)
        to_canon = norm.map.to_inner
        lines = []
        for n in range(1, len(index) + 1):
            a, b = index.line_span(n)
            lines.append(norm.text[to_canon(a) : to_canon(b)])
    width = len(str(len(lines)))
    for i, line in enumerate(lines, 1):
        info = src.line_info.get(i)
        tag = ""
        if info:
            tag = "  [" + ", ".join(f"{k} {v}" for k, v in info.items()) + "]"
        sys.stdout.write(f"{i:>{width}}  {line}{tag}\n")
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
