"""Copies kept beside a profile's files: rotating backups, files set aside, leftovers.

A damaged file is renamed ``<name>.broken-<UTC time>`` and never deleted; a killed
writer's temporary files are found and removed at the next open; each shard is copied
to ``backups/`` now and then, and a file of an earlier format is kept whole in
``backups/schema-<version>/`` before its first upgrade.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

from tui.userdata.clock import FUTURE_SLACK, parse_filename_stamp, stamp_for_filename
from tui.userdata.storage import TEMP_SUFFIX, DamagedFile, atomic_write, decode_records, fsync_dir

__all__ = ["Backups", "leftover_temp_files", "move_aside"]

log = logging.getLogger(__name__)


def move_aside(path: Path) -> Path:
    """Rename a damaged file to ``<name>.broken-<UTC timestamp>`` beside it; never delete it."""
    stamp = stamp_for_filename()
    target = path.with_name(f"{path.name}.broken-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.broken-{stamp}-{counter}")
        counter += 1
    os.rename(path, target)
    fsync_dir(path.parent)
    return target


def leftover_temp_files(folder: Path) -> list[Path]:
    """Temporary files an interrupted writer left in ``folder``."""
    try:
        return sorted(p for p in folder.glob(f".*{TEMP_SUFFIX}") if p.is_file())
    except OSError:
        return []


class Backups:
    """Rotating copies of each annotation file, in the profile's ``backups`` folder.

    When a file has been written, what was written is also copied to
    ``backups/<stem>-<UTC timestamp>.json`` if that file's newest copy is older than
    ``every`` seconds; only the newest ``keep`` copies of each file are kept. A copy is a
    complete annotation file, so ``papertray annotations import`` brings it back, merging
    (a backup never wins over a newer change).
    """

    NAME = re.compile(r"^(?P<stem>[0-9a-f]+)-(?P<stamp>\d{8}T\d{12}Z)\.json$")

    def __init__(self, folder: Path, *, keep: int = 5, every: float = 900.0) -> None:
        self.folder = folder
        self.keep = keep
        self.every = every
        self._last: dict[str, float] | None = None  # stem -> UTC time of its newest copy

    @classmethod
    def taken_at(cls, name: str) -> float | None:
        """When a backup was taken, from its name; None for a name with an impossible
        time or one from the future (a clock that was wrong, a hand-made file)."""
        match = cls.NAME.match(name)
        when = parse_filename_stamp(match["stamp"]) if match else None
        if when is None or when > time.time() + FUTURE_SLACK.total_seconds():
            return None
        return when

    def _last_copied(self, stem: str) -> float | None:
        if self._last is None:  # learn from the folder once, so restarts do not add copies
            self._last = {}
            for path in self.all_copies():
                match = self.NAME.match(path.name)
                when = self.taken_at(path.name)
                if match and when is not None:
                    self._last[match["stem"]] = max(when, self._last.get(match["stem"], 0.0))
        return self._last.get(stem)

    def copies(self, stem: str) -> list[Path]:
        """The backups of one file, newest first; those whose name holds no believable
        time come last, so they are rotated away first and never block new copies."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        found = [n for n in names if (m := self.NAME.match(n)) and m["stem"] == stem]
        found.sort(key=lambda n: (self.taken_at(n) is not None, n), reverse=True)
        return [self.folder / n for n in found]

    def all_copies(self) -> list[Path]:
        """Every backup in the folder, sorted by name."""
        try:
            return sorted(self.folder / n for n in os.listdir(self.folder) if self.NAME.match(n))
        except OSError:
            return []

    def latest_good(self, stem: str) -> Path | None:
        """The newest backup of ``stem`` that reads as a valid annotation file."""
        for path in self.copies(stem):
            try:
                decode_records(path.read_bytes())
                return path
            except (OSError, DamagedFile):
                continue
        return None

    def maybe_copy(self, stem: str, good_data: bytes) -> None:
        """Copy ``good_data`` (the file's content, just written) if this file's backup is due."""
        last = self._last_copied(stem)
        if last is not None and time.time() - last < self.every:
            return
        assert self._last is not None
        self._last[stem] = time.time()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # No fsync: a backup lost to a power cut is made again, and one that does not
            # parse is never offered (latest_good checks).
            atomic_write(self.folder / f"{stem}-{stamp_for_filename()}.json", good_data, durable=False)
            for old in self.copies(stem)[self.keep:]:
                old.unlink()
        except OSError as error:  # a backup failing must not stop the person's change
            log.warning("could not back up %s: %s", stem, error)

    def keep_earlier_version(self, stem: str, data: bytes, version: int) -> Path:
        """Keep a file of an earlier format whole, before it is first rewritten in the new
        one: ``backups/schema-<version>/<stem>.json``, synced to disk (never rotated)."""
        folder = self.folder / f"schema-{version}"
        target = folder / f"{stem}.json"
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(target, data)
        return target
