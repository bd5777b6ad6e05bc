"""Opening a store for the reader step by step, so a person sees papers at once.

A million-paper store opened for the first time takes minutes to parse and index. The
reader runs :meth:`StoreLoader.load` in a worker thread and hears, as it goes:

1. ``on_papers(partial)``: the first papers as soon as they are parsed (a small Store
   of up to :data:`FIRST_PAPERS`), refreshed a few times a second while reading;
2. ``on_papers(store)``: the whole store once every file is read (browsable, not yet
   searchable);
3. ``on_step(step)``: progress throughout, reading then indexing;

and gets back the store and its search engine. With a warm cache steps 1-2 take a
fraction of a second. Nothing here imports textual: the screen turns these calls into
messages.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING, Callable, Iterable, Literal

from tui.model import Hit, Paper
from tui.store import PaperStore, Store, open_store
from tui.store.files import StorePaths, as_paths, expand, label_of

if TYPE_CHECKING:  # the engine (and numpy) load in the worker that builds it
    from tui.search import SearchEngine

__all__ = ["StoreLoader", "LoadStep", "LoadCancelled", "BrowseResults", "FIRST_PAPERS",
           "FilesState", "files_state"]

FIRST_PAPERS = 20_000
"""How many papers the list may show while the rest of a big store is read."""
_EVERY = 0.1
"""Seconds between two progress reports (and between two partial lists)."""


FilesState = frozenset[tuple[str, int, int, int]]
"""Each file of a store as (path, size, modification time in ns, inode)."""


def files_state(paths: StorePaths) -> FilesState:
    """What the files ``paths`` name look like on disk now (folders searched as open_store
    does): one ``stat`` a file, so a reader can tell cheaply whether a file was added,
    removed or rewritten since it opened the store. (Here, not in tui.store: a change
    there would make every cached shard be parsed again.)"""
    state = set()
    for file in expand(as_paths(paths), []):
        try:
            info = file.stat()
        except OSError:
            continue  # gone since the folder was listed: as if never there
        state.add((str(file), info.st_size, info.st_mtime_ns, info.st_ino))
    return frozenset(state)


class LoadCancelled(BaseException):
    """The loading was abandoned (the reader quit). A BaseException, like
    KeyboardInterrupt, so that a reader's own error handling does not swallow it."""


@dataclass(frozen=True)
class LoadStep:
    """Where the loading is."""

    phase: Literal["reading", "indexing", "ready"]
    done: int
    """Bytes read (reading) or papers indexed (indexing)."""
    total: int
    """Bytes to read or papers to index (0: unknown)."""
    papers: int
    """Papers known so far."""

    @property
    def fraction(self) -> float:
        """How far this phase is, from 0 to 1."""
        return min(1.0, self.done / self.total) if self.total else 0.0


class StoreLoader:
    """Opens ``paths`` (as :func:`tui.store.open_store` takes them) and indexes them."""

    def __init__(self, paths: str | PathLike[str] | Iterable[str | PathLike[str]] | None = None,
                 *, cache: bool | None = None) -> None:
        self.paths = paths
        self.cache = cache
        self.store: PaperStore | None = None
        """The store, once read."""
        self.engine: SearchEngine | None = None
        """The engine, once indexed."""
        self.files: FilesState | None = None
        """The store's files as they were when reading began (None: not begun)."""

    @classmethod
    def of(cls, store: PaperStore) -> StoreLoader:
        """A loader for the files a store already open was read from, as if it had
        opened it (a reader given a small store in memory can reopen it the same way)."""
        loader = cls(store.paths)
        loader.files = files_state(store.paths)
        return loader

    def reopened(self) -> StoreLoader | None:
        """A new loader for the same paths if a file was added to them, removed or
        rewritten since this one read them (today's listing dropped in the store's
        folder); None when nothing changed. Costs one ``stat`` a file."""
        if self.files is None or files_state(self.paths) == self.files:
            return None
        return StoreLoader(self.paths, cache=self.cache)

    def load(self, *, on_step: Callable[[LoadStep], None] = lambda step: None,
             on_papers: Callable[[PaperStore], None] = lambda store: None,
             cancel: Callable[[], bool] = lambda: False) -> tuple[PaperStore, SearchEngine]:
        """Read and index, reporting as described in the module docstring. Raises
        :class:`LoadCancelled` soon after ``cancel()`` turns True."""
        # Before reading: a file changed while it is read is seen as changed next time.
        self.files = files_state(self.paths)
        first: dict[str, Paper] = {}
        shown = 0
        last = 0.0
        papers_read = 0

        def tick() -> bool:
            nonlocal last
            if cancel():
                raise LoadCancelled()
            now = time.monotonic()
            if now - last < _EVERY:
                return False
            last = now
            return True

        def show_first() -> None:
            nonlocal shown
            shown = len(first)
            on_papers(Store(list(first.values()), label=self.label))

        def watch(paper: Paper) -> None:
            nonlocal papers_read
            papers_read += 1
            if len(first) < FIRST_PAPERS:
                first.setdefault(paper.key, paper)
            # The very first paper shows at once: a reader that parses in chunks (BibTeX)
            # may give its next papers only after the rate limit's window.
            if shown == 0 or (len(first) > shown and papers_read % 1024 == 0 and tick()):
                show_first()

        def reading(done: int, total: int) -> None:
            if tick():
                on_step(LoadStep("reading", done, total, papers_read))
                if len(first) > shown:  # what a chunk of a slow format gave
                    show_first()

        store = open_store(self.paths, progress=reading, cache=self.cache, watch=watch)
        first.clear()
        self.store = store
        on_papers(store)

        def indexing(done: int, total: int) -> None:
            if tick():
                on_step(LoadStep("indexing", done, total, len(store)))

        on_step(LoadStep("indexing", 0, len(store), len(store)))
        from tui.search.cached import merge_small_segments, open_engine

        engine = open_engine(store, progress=indexing)
        self.engine = engine
        # Many small segments (a daily listing each) are merged for the next open, in
        # the background: this open is searchable already.
        threading.Thread(target=merge_small_segments, args=(store,), daemon=True,
                         name="papertray-merge-segments").start()
        on_step(LoadStep("ready", len(store), len(store), len(store)))
        return store, engine

    @property
    def label(self) -> str:
        """The store's short name ("sample", a file or folder name), known before reading."""
        return label_of(as_paths(self.paths), self.paths is None)


class BrowseResults:
    """Every paper of a store in reading order, shaped like a search result (see
    :class:`tui.search.ResultSet`), so the list can show a store the index is not ready
    for yet."""

    sort = "relevance"

    def __init__(self, store: PaperStore) -> None:
        from tui.query import parse_query

        self.store = store
        self.query = parse_query("")
        """The empty query: every paper."""

    @property
    def total(self) -> int:
        """How many papers there are."""
        return len(self.store)

    def __len__(self) -> int:
        return len(self.store)

    @property
    def matched_all(self) -> int:
        """Every paper matches the empty query."""
        return len(self.store)

    def index(self, rank: int) -> int:
        """The store position of the paper at ``rank`` (the same)."""
        return rank

    def paper(self, rank: int) -> Paper:
        """The paper at ``rank``."""
        return self.store[rank]

    def score(self, rank: int) -> float:
        """No ranking yet."""
        return 0.0

    def hit(self, rank: int) -> Hit:
        """The paper at ``rank``, nothing highlighted."""
        return Hit(self.store[rank], 0.0, {})

    def rank_of(self, index: int) -> int | None:
        """The rank of the paper at store position ``index``."""
        return index if 0 <= index < len(self.store) else None

    def top(self, count: int) -> list[int]:
        """The first ``count`` store positions."""
        return list(range(min(count, len(self.store))))
