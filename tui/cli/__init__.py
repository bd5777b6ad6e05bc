"""The command line: ``papertray`` with no command opens the reader, subcommands print."""

from tui.cli.main import build_app, parse_args, run

__all__ = ["build_app", "parse_args", "run"]
