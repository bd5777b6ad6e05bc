"""Shards known by their summaries until read: the part of :class:`~tui.userdata.shards.ShardedFiles`
that opens a profile through its read cache's summaries (:mod:`tui.userdata.summary`).

A summed-up shard is one whose file was not read: what its cache entry summed up of
the file stands for it (keys, stars, states, tags, files), its records fetched when
first wanted. When the shard is read at last (a change to one of its papers, a reload
after another program wrote it), the records of that summed-up reading are taken in
first, as if it had been read in full then, and only then the file: so whatever the
file lacks of that reading is written again with the next save, exactly as when every
file was read at the opening.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from tui.model import Annotation
from tui.userdata.clock import Reading
from tui.userdata.format import shard_of
from tui.userdata.readcache import ShardCache
from tui.userdata.record import Record
from tui.userdata.storage import AnnotationDB, DamagedFile, Signature, file_signature
from tui.userdata.summary import ShardSummary

__all__ = ["SummedUp"]


class SummedUp:
    """Knowing shards by their summaries (mixed into ShardedFiles, which reads them)."""

    cache: ShardCache | None
    read: set[str]
    _signature: dict[str, Signature | None]
    _keys: dict[str, set[str]]
    _get: Callable[[str], Record | None]

    def __init__(self) -> None:
        self.summaries: dict[str, ShardSummary] = {}
        """Shards not read, known by their cache entry's summary (see :meth:`summarise`)."""
        self.summed_up = 0  # changes whenever ``summaries`` does

    if TYPE_CHECKING:  # what ShardedFiles provides
        def path(self, stem: str) -> Path: ...
        def load_stems(self, stems: set[str]) -> None: ...
        def _clean_leftovers(self) -> None: ...
        def _stems_on_disk(self) -> set[str]: ...
        def _absorb(self, stem: str, *, keep: bool = False) -> bool: ...
        def _take(self, stem: str, theirs: dict[str, Record]) -> bool: ...

    def summarise(self, *, clean: bool = False) -> None:
        """Know every shard not read yet: by the summary of its cache entry while the
        entry holds what the file holds, else by reading the file (so a damaged one is
        set aside and said, as :meth:`load` would). ``clean``: first clean what a killed
        writer left, as :meth:`load` does."""
        if clean:
            self._clean_leftovers()
        unknown = self._stems_on_disk() - self.read - self.summaries.keys()
        to_read = set()
        for stem in sorted(unknown):
            summary = None
            if self.cache is not None:
                path = self.path(stem)
                try:
                    signature = file_signature(path)
                except OSError:
                    signature = None  # reading it says why
                if signature is not None:
                    summary = self.cache.summary(stem, path, signature, self._reader_of(stem, signature))
            if summary is None:
                to_read.add(stem)
                continue
            self.summaries[stem] = summary
            self._signature[stem] = summary.signature
            self.summed_up += 1
        if to_read:
            self.load_stems(to_read)
            # A paper kept in another shard's file (copied by hand, a sync): its own shard
            # is read too, so that both records merge as when reading every file.
            homes = {shard_of(key) for stem in to_read for key in self._keys.get(stem, ())}
            if homes - self.read:
                self.load_stems(homes - self.read)

    def _reader_of(self, stem: str, signature: Signature) -> Callable[[], dict[str, Record] | None]:
        """What reads the shard's file apart (nothing we know changes), giving its records
        only while it is still the file of ``signature``: a summary's records once its
        cache entry was replaced."""
        def read() -> dict[str, Record] | None:
            db = AnnotationDB(self.path(stem))
            try:
                tables = db.durable.read()
                if tables is None or db.durable.signature != signature:
                    return None
                return db.records(Reading(str(self.path(stem))), tables)
            except (OSError, DamagedFile):
                return None
        return read

    def _absorb_summed_up(self, stem: str) -> bool:
        """Read a summed-up shard whose file changed; True when what the person sees changed."""
        try:
            before: dict[str, Annotation] | None = self.summaries[stem].annotations()
        except LookupError:  # that reading is gone: say changed
            before = None
        self._absorb(stem)
        after = {key: record.annotation for key in self._keys.get(stem, ())
                 if (record := self._get(key)) is not None and not record.annotation.is_blank}
        return after != before

    def _take_summary(self, stem: str) -> None:
        """A summed-up shard is read now: first take in what its summary's reading held,
        as if that reading had been read in full (so what it held and the file lacks now
        is written again with the next save, as for any shard read)."""
        summary = self.summaries.pop(stem, None)
        if summary is not None:
            self.summed_up += 1
            try:
                self._take(stem, summary.records())
            except LookupError:  # its file and its cache entry both changed since
                pass
