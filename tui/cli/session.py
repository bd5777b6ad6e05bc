"""What every command shares: settings, which store and profile to use, and how to talk to
the person (results on stdout, one-sentence errors and warnings on stderr, all cleaned of
terminal controls). Heavy modules (store, search, user data) load only when first needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui import paths
from tui.sanitize import clean, clean_line
from tui.settings import Settings, load_settings

if TYPE_CHECKING:
    from tui.follow import FollowReport
    from tui.store import PaperStore
    from tui.userdata import UserData

__all__ = ["CliError", "Session"]

class CliError(Exception):
    """A mistake the person can fix: reported as one sentence on stderr, no traceback."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class Session:
    """One run of a command: its arguments, the settings, and the store and profile they pick."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.settings: Settings
        self.settings, problems = load_settings()
        self._userdata: UserData | None = None
        self.default_store = ""
        """"library" when no PATH was given and the personal library was opened."""
        for problem in problems:
            self.warn(problem)

    # ------------------------------------------------------------------ talking

    @staticmethod
    def say(text: str = "") -> None:
        """One line of results on stdout (callers clean data they put in it)."""
        print(text, file=sys.stdout)

    @staticmethod
    def warn(text: str) -> None:
        """A warning on stderr, cleaned: it may quote a file name or a bad record."""
        print(clean(text, multiline=True, max_chars=2000), file=sys.stderr)

    @staticmethod
    def error(text: str) -> None:
        """The one sentence that ends a failed command."""
        print(f"papertray: {clean_line(text, max_chars=2000)}", file=sys.stderr)

    # ------------------------------------------------------------------ store

    @property
    def profile(self) -> str | None:
        """The profile named by --user, $PAPERTRAY_USER or the config file (None: login name).
        A name that is not a folder name as written is refused: cleaned, "a b", "a/b" and
        "a_b" would all be one folder, three people's annotations in one profile."""
        for name, where in ((getattr(self.args, "user", None), "--user"),
                            (os.environ.get("PAPERTRAY_USER"), "PAPERTRAY_USER"),
                            (self.settings.profile, f"the profile in {self.settings.path}")):
            if not name:
                continue
            if paths.safe_profile_name(name) != name:
                raise CliError(f"{where} names the profile {name!r}: a profile name holds only "
                               "letters, digits, '-', '.' and '_' ('.' and '_' not first or "
                               "last), so that two names never share one profile.", status=2)
            return name
        return None

    def store_paths(self) -> list[Path] | None:
        """The paths to open: None for ``--sample``; else those given, else the configured
        store, else the personal library if it holds papers (``default_store`` is then
        "library"), else None (the bundled sample)."""
        given = [Path(p) for p in getattr(self.args, "paths", None) or ()]
        if getattr(self.args, "sample", False):
            return None
        if given:
            for path in given:
                if not path.exists():
                    raise CliError(f"Cannot open {path}: no such file or folder.")
            return given
        configured = self.settings.store_paths()
        if configured:
            for path in configured:
                if not path.exists():
                    raise CliError(f"Cannot open {path} (the store named in {self.settings.path}): "
                                   "no such file or folder.")
            return configured
        from tui.library import library_file  # and the export code it uses: only here

        library = library_file()
        if library.is_file() and library.stat().st_size > 0:
            self.default_store = "library"
            return [paths.library_dir()]
        return None

    def open_store(self) -> PaperStore:
        """Open the store this run is about; bad records are kept as ``store.problems``."""
        chosen = self.store_paths()
        from tui.store import open_store

        try:
            return open_store(chosen)
        except OSError as error:
            where = error.filename or (chosen[0] if chosen else "the sample store")
            raise CliError(f"Cannot open {where}: {error.strerror or error}.") from error

    def report_problems(self, store: PaperStore, *, in_full: bool = False) -> None:
        """Tell the person about bad records: each as ``file:line: message`` when ``in_full``,
        else one line pointing at ``papertray stats``, which lists them. A cache that
        could not be used is said in its own words, never counted as a bad record."""
        if not store.problems:
            return
        from tui.store.cache import is_cache_problem

        records = []
        for problem in store.problems:
            if is_cache_problem(problem):  # not the files' fault: said as it is
                self.warn(f"papertray: {problem}")
            else:
                records.append(problem)
        if in_full:
            for problem in records:
                self.warn(str(problem))
            return
        if records:
            count = len(records)
            self.warn(f"papertray: {count} problem{'s' if count != 1 else ''} reading "
                      f"{store.label} (bad records are skipped); 'papertray stats' on the same "
                      "store lists them.")

    # ------------------------------------------------------------------ user data

    def open_userdata(self) -> UserData:
        """The profile's annotations; its warnings (a file moved aside...) go to stderr."""
        from tui.userdata import UserData

        try:
            # Lazy: a shard's file is read when one of its papers is looked at or changed;
            # until then the cache's summary of it (keys, stars, states, tags) serves.
            userdata = UserData.open(self.profile, lazy=True)
        except OSError as error:
            raise CliError(f"Cannot open the annotations of profile {self.profile or 'default'} "
                           f"in {error.filename or paths.data_dir()}: {error.strerror or error}.") from error
        for warning in userdata.warnings:
            self.warn(f"papertray: {warning}")
        self._userdata = userdata
        return userdata

    def open_annotated(self) -> tuple[PaperStore, UserData, FollowReport]:
        """The store, the profile, and its annotations moved to papers whose key changed
        (a title typo fixed, a DOI added, keys of an earlier version): said on stderr."""
        from tui.follow import follow

        store = self.open_store()
        userdata = self.open_userdata()
        report = follow(store, userdata)
        if report.followed:
            self.warn(f"papertray: {report.summary()}")
        if report.error:
            self.warn(f"papertray: {report.error}")
        return store, userdata, report

    def close(self) -> None:
        """Release what the run opened (the profile's lock file)."""
        if self._userdata is not None:
            self._userdata.close()
            self._userdata = None
