"""`docker …` argv -> ParsedCommand, following the docker CLI's own control flow.

The real client (docker/cli `cmd/docker/docker.go` on top of cobra and pflag) works in three steps,
and each step has its own error format, stream and exit code, so this module keeps the steps:

1. Global flags (`-D`, `-H`, `--version`, ...) are parsed up to the first word, interspersing off.
   Errors: usage block with "docker [OPTIONS] COMMAND [ARG...]", exit 125.  `-h` here prints its
   deprecation notice straight to stderr.
2. cobra's Traverse walks subcommand names (`container` -> `ls`); flags given to a group before its
   subcommand are parsed by the group, and an error there is printed bare, exit 1.
3. The command itself parses its flags (usage block, exit 125), then `--help` wins, then the
   argument-count check (docker's "docker: 'docker X' requires ..." texts, exit 1).
"""

from __future__ import annotations

from .flagparse import FlagError, FlagSet
from .parsed import CliError, ParsedCommand
from .spec import ROOT, Node

LOG_LEVELS = frozenset({"panic", "fatal", "error", "warn", "warning", "info", "debug", "trace"})


def _flag_error(node: Node, message: str) -> str:
    """cli.FlagErrorFunc: the pflag message, the usage line and a pointer to --help."""
    return (f"{message}\n\nUsage:  {node.use_line}\n\n"
            f"Run '{node.path} --help' for more information\n")


def _plural(n: int) -> str:
    return "argument" if n == 1 else "arguments"


def _arg_error(node: Node, count: int) -> str | None:
    """docker/cli `cli/required.go` (and cobra's own validators): None when `count` is fine."""
    rule, path, use = node.args, node.path, node.use_line
    tail = f"\n\nUsage:  {use}\n\nRun '{path} --help' for more information\n"
    if rule.kind == "none" and count:
        return f"docker: '{path}' accepts no arguments{tail}"
    if rule.kind == "min" and count < rule.min:
        return (f"docker: '{path}' requires at least {rule.min} {_plural(rule.min)}\n\n"
                f"Usage:  {use}\n\nSee '{path} --help' for more information\n")
    if rule.kind == "max" and count > rule.max:
        # "SRun" is a typo in the real client (docker/cli cli/required.go), kept on purpose.
        return (f"docker: '{path}' requires at most {rule.max} {_plural(rule.max)}\n\n"
                f"Usage:  {use}\n\nSRun '{path} --help' for more information\n")
    if rule.kind == "exact" and count != rule.min:
        return f"docker: '{path}' requires {rule.min} {_plural(rule.min)}{tail}"
    if rule.kind == "range" and not rule.min <= count <= rule.max:
        return (f"docker: '{path}' requires at least {rule.min} and at most {rule.max} "
                f"{_plural(rule.max)}{tail}")
    if rule.kind == "cobra_exact" and count != rule.min:
        return f"accepts {rule.min} arg(s), received {count}\n"
    if rule.kind == "cobra_min" and count < rule.min:
        return f"requires at least {rule.min} arg(s), only received {count}\n"
    if rule.kind == "cobra_max" and count > rule.max:
        return f"accepts at most {rule.max} arg(s), received {count}\n"
    if rule.kind == "cobra_range" and not rule.min <= count <= rule.max:
        return f"accepts between {rule.min} and {rule.max} arg(s), received {count}\n"
    return None


def _is_flag_arg(arg: str) -> bool:
    return (len(arg) >= 3 and arg[:2] == "--") or (len(arg) >= 2 and arg[0] == "-"
                                                   and arg[1] != "-")


def _takes_value(arg: str, fs: FlagSet) -> bool:
    """cobra's guess that `arg` is a flag whose value is the next word."""
    if arg.startswith("--") and "=" not in arg:
        return not fs.has_no_opt_default(arg[2:])
    return (arg.startswith("-") and "=" not in arg and len(arg) == 2
            and not fs.short_has_no_opt_default(arg[1:]))


def _strip_flags(args: list[str], node: Node) -> list[str]:
    """cobra stripFlags: the words of `args` that are not flags or flag values."""
    fs = FlagSet.for_flags(node.flags)
    words: list[str] = []
    rest = list(args)
    while rest:
        s = rest.pop(0)
        if s == "--":
            break
        if _takes_value(s, fs):
            if len(rest) <= 1:
                break
            rest.pop(0)
            continue
        if s and not s.startswith("-"):
            words.append(s)
    return words


def _args_minus_first(args: list[str], word: str, node: Node) -> list[str]:
    """cobra argsMinusFirstX: `args` without the first non-flag occurrence of `word`."""
    fs = FlagSet.for_flags(node.flags)
    pos = 0
    while pos < len(args):
        s = args[pos]
        if s == "--":
            break
        if _takes_value(s, fs):
            pos += 2
            continue
        if not s.startswith("-") and s == word:
            return args[:pos] + args[pos + 1:]
        pos += 1
    return args


def find(node: Node, args: list[str]) -> tuple[Node, list[str]]:
    """cobra Command.Find (used by `docker help TOPIC`)."""
    words = _strip_flags(args, node)
    if not words:
        return node, args
    child = node.find_child(words[0])
    if child is None:
        return node, args
    return find(child, _args_minus_first(args, words[0], node))


class _Run:
    """State of one parse: values that cobra shares between the commands of a path."""

    def __init__(self) -> None:
        self.global_options: dict[str, object] = {}
        self.persistent_help = False
        self.stderr_notice = ""
        self.group_notices: list[str] = []  # printed by groups parsing flags before a subcommand

    def absorb(self, node: Node, fs: FlagSet) -> bool:
        """Take the help flag (and root options) out of `fs`; return the command's help value."""
        values = fs.values
        if node.local_help:
            return bool(values.pop("help", False))
        if "help" in values:
            self.persistent_help = bool(values.pop("help"))
        if node is ROOT:
            self.global_options.update(values)
            values.clear()
        return self.persistent_help

    def traverse(self, node: Node, args: list[str]) -> tuple[Node, list[str]]:
        """cobra Command.Traverse (the docker root sets TraverseChildren)."""
        probe = FlagSet.for_flags(node.flags)
        flags: list[str] = []
        in_flag = False
        for i, arg in enumerate(args):
            if arg.startswith("--") and "=" not in arg:
                in_flag = not probe.has_no_opt_default(arg[2:])
                flags.append(arg)
                continue
            if (arg.startswith("-") and "=" not in arg and len(arg) == 2
                    and not probe.short_has_no_opt_default(arg[1:])):
                in_flag = True
                flags.append(arg)
                continue
            if in_flag or _is_flag_arg(arg):
                in_flag = False
                flags.append(arg)
                continue
            child = node.find_child(arg)
            if child is None:
                return node, args
            fs = FlagSet.for_flags(node.flags, node.interspersed)
            try:
                fs.parse(flags)
            except FlagError as err:  # returned by Traverse itself: printed bare, exit 1
                raise CliError(f"{self.stderr_notice}{err}\n", 1,
                               "".join(self.group_notices)) from None
            self.group_notices.extend(fs.notices)
            self.absorb(node, fs)
            return self.traverse(child, args[i + 1:])
        return node, args

    def result(self, node: Node, command: str, fs: FlagSet | None = None, *,
               help_: bool = False, to_stderr: bool = False, invoked_as: str = "",
               args: list[str] | None = None) -> ParsedCommand:
        notices = list(self.group_notices)
        if fs is not None:
            notices.extend(fs.notices)
        if help_ and fs is not None and node.parent is not None:
            notices.extend(self.group_notices * 2)  # the real client repeats them with help
        return ParsedCommand(
            command=command, options=dict(fs.values) if fs and not help_ else {},
            args=list(args if args is not None else (fs.positional if fs else [])),
            invoked_as=invoked_as or node.path, help=help_, help_to_stderr=to_stderr,
            global_options=dict(self.global_options), notice_stdout="".join(notices),
            notice_stderr=self.stderr_notice)

    def fail(self, stderr: str, code: int, fs: FlagSet | None = None) -> CliError:
        notices = self.group_notices + (fs.notices if fs else [])
        return CliError(self.stderr_notice + stderr, code, "".join(notices))

    def run(self, argv: list[str]) -> ParsedCommand:
        # 1. global flags, up to the first word
        gfs = FlagSet.for_flags(ROOT.flags, interspersed=False)
        try:
            gfs.parse(argv)
        except FlagError as err:
            raise CliError("".join(gfs.notices) + _flag_error(ROOT, str(err)), 125) from None
        self.stderr_notice = "".join(gfs.notices)
        gfs.notices.clear()
        self.absorb(ROOT, gfs)
        level = self.global_options.get("log-level")
        if isinstance(level, str) and level and level.lower() not in LOG_LEVELS:
            raise self.fail(f"Unable to parse logging level: {level}\n", 1)
        # 2. walk to the command
        node, args = self.traverse(ROOT, gfs.positional)
        # 3. the command parses its own flags
        fs = FlagSet.for_flags(node.flags, node.interspersed)
        try:
            fs.parse(args)
        except FlagError as err:
            raise self.fail(_flag_error(node, str(err)), 125) from None
        wants_help = self.absorb(node, fs)
        if wants_help:
            command = "help" if node.is_group else node.canonical
            return self.result(node, command, fs, help_=True)
        if node is ROOT and self.global_options.get("version"):
            return self.result(node, "version", fs, args=[])
        if node.is_group:
            return self.group(node, fs)
        if node.path == "docker help":
            return self.help_topic(fs)
        error = _arg_error(node, len(fs.positional))
        if error:
            raise self.fail(error, 1, fs)
        return self.result(node, node.canonical, fs)

    def group(self, node: Node, fs: FlagSet) -> ParsedCommand:
        """A command group (or the root) run as a command."""
        if node.unknown_sub == "help" and node is not ROOT:  # not runnable: cobra shows help
            return self.result(node, "help", fs, help_=True)
        if fs.positional:
            word = fs.positional[0]
            if node is ROOT:
                raise self.fail(f"docker: unknown command: docker {word}\n\n"
                                "Run 'docker --help' for more information\n", 1, fs)
            raise self.fail(f"docker: unknown command: {node.path} {word}\n\n"
                            f"Usage:  {node.use_line}\n\n"
                            f"Run '{node.path} --help' for more information\n", 1, fs)
        return self.result(node, "help", fs, help_=True,
                           to_stderr=node is ROOT or node.bare_help_stream == "stderr")

    def help_topic(self, fs: FlagSet) -> ParsedCommand:
        """`docker help [COMMAND...]`: the help of that command, on stdout."""
        target, leftover = find(ROOT, fs.positional)
        if leftover:
            raise self.fail(f"unknown help topic: {' '.join(leftover)}\n", 1, fs)
        command = "help" if target.is_group else target.canonical
        return self.result(target, command, fs, help_=True, args=[])


def parse_core(argv: list[str]) -> ParsedCommand:
    """parse_argv without the safety net (tests use it to prove the net is never needed)."""
    words = [a if isinstance(a, str) else str(a) for a in argv]
    return _Run().run(words)


def parse_argv(argv: list[str]) -> ParsedCommand:
    """Parse a docker command line given WITHOUT the leading "docker".

    Returns a ParsedCommand, or raises CliError with the exact stdout/stderr/exit code of the real
    client for any usage error.  Never raises anything else.
    """
    try:
        return parse_core(argv)
    except CliError:
        raise
    except Exception as err:
        raise CliError(f"docker: internal parser error: {err}\n", 1) from err
