"""The on-disk cache of big stores: each file parsed once, kept as a compact shard.

Opening a store of a million papers means parsing gigabytes of JSON or BibTeX, tens of
seconds; the cache makes every later open a matter of reading a few arrays. Each file's
papers are kept in a shard under ``cache_dir()/shards``, named after the file's resolved
path and the reader code; the shard records the file's size and modification time, and
is used only while both still match. A changed file is parsed again alone; the others
come from their shards. A shard that is damaged, truncated, of another version or simply
unreadable is parsed again, never trusted (see :mod:`tui.store.container`).

Stores under :data:`CACHE_MIN_BYTES` (512 KB) skip the cache: they parse in about a
fifth of a second and the cache's files would only add bookkeeping.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from tui import paths as app_paths
from tui.model import Paper, Problem
from tui.store.container import HANDLES, CacheDamaged, Container
from tui.store.shard import Shard, ShardWriter

__all__ = ["CACHE_MIN_BYTES", "worth_caching", "open_cached", "code_version", "shard_path",
           "prune", "forget"]

log = logging.getLogger(__name__)

CACHE_MIN_BYTES = 512 << 10
"""Stores smaller than this are read directly: every format parses that much in about a
fifth of a second (BibTeX, the slowest, at about 0.45 s a MB; JSON Lines 40 times
faster), and the cache's files would only add bookkeeping. The bundled sample and
most daily listings are under it."""

KEEP_INDEXES = 6
"""Search index caches kept; older ones (of stores not opened lately) are removed."""


def worth_caching(total_bytes: int) -> bool:
    """Whether a store of this many bytes is opened through the cache."""
    return total_bytes >= CACHE_MIN_BYTES


def root() -> Path:
    """The cache folder for stores and their indexes."""
    return app_paths.cache_dir() / "store"


_NOT_IN_SHARDS = {"cache.py", "compact.py"}
"""Store modules that do not decide what a shard holds (the merged view over shards)."""


@lru_cache(maxsize=None)
def code_version(*packages: str) -> str:
    """A digest of the source of the given packages (default: the readers, the shard
    format and the model), so a cache made by other code is never used: a reader fix
    re-reads every file."""
    here = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1()
    for package in packages or ("store", "model.py"):
        target = here / package
        sources = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for source in sources:
            if package == "store" and source.name in _NOT_IN_SHARDS:
                continue
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def shard_path(resolved: Path) -> Path:
    """Where the shard of the file at ``resolved`` lives."""
    name = hashlib.sha1(f"{resolved}\x00{code_version()}".encode("utf-8", "surrogatepass"))
    return root() / "shards" / f"{name.hexdigest()[:24]}.ptc"


def _signature(path: Path) -> dict[str, object]:
    stat = path.stat()
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _store_signature(signatures: list[dict[str, object]]) -> str:
    """Names a store's exact contents: each file's path, size and time, and the code."""
    parts = [f"{s['path']}\x00{s['size']}\x00{s['mtime_ns']}" for s in signatures]
    parts.append(code_version())
    return hashlib.sha1("\x01".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _load_shard(file: Path, signature: dict[str, object]) -> Shard | None:
    """The file's shard if there is a usable one for exactly this signature."""
    where = shard_path(Path(str(signature["path"])))
    try:
        shard = Shard(where, str(file))
    except FileNotFoundError:
        return None
    except (CacheDamaged, OSError, ValueError) as error:
        log.info("cache of %s not used: %s", file, error)
        return None
    if shard.meta.get("source") != signature or not shard.meta.get("complete"):
        return None
    return shard


def _build_shard(file: Path, signature: dict[str, object], progress: Callable[[int], None] | None,
                 watch: Callable[[Paper], None] | None) -> Shard:
    """Parse the file into a new shard and open it. Raises OSError if it cannot be written."""
    from tui.store import read_file

    where = shard_path(Path(str(signature["path"])))
    writer = ShardWriter(where, str(file), {"source": signature})
    problems: list[Problem] = []
    def add_and_show(paper: Paper) -> None:
        writer.add(paper)
        watch(paper)  # type: ignore[misc]

    try:
        read_file(file, writer.add if watch is None else add_and_show, problems, progress)
        # A read the system broke off (not the file's fault) must be retried next time.
        complete = not any(p.line is None and p.message.startswith("cannot be read")
                           for p in problems)
        writer.commit(complete, problems)
    except BaseException:
        writer.abort()
        raise
    return Shard(where, str(file))


def open_cached(given: list[Path], files: list[Path], sizes: dict[Path, int],
                problems: list[Problem], label: str,
                progress: Callable[[int, int], None] | None,
                watch: Callable[[Paper], None] | None = None):
    """The store through the cache, or None when the cache cannot be used (it cannot be
    written, or two keys share a hash): the caller then reads the files directly."""
    from tui.store import _file_progress
    from tui.store.compact import CompactStore, KeyCollision

    total = sum(sizes.values())
    found = list(problems)  # left untouched if the cache fails and the files are read directly
    shards: list[Shard] = []
    counts: dict[str, int] = {}
    signatures: list[dict[str, object]] = []
    done = 0
    started = time.perf_counter()
    if progress is not None:
        progress(0, total)
    try:
        for file in files:
            try:
                signature = _signature(file)
            except OSError as error:
                found.append(Problem(str(file), None, f"cannot be read ({error.strerror or error})"))
                counts[str(file)] = 0
                continue
            shard = _load_shard(file, signature)
            if shard is None:
                shard = _build_shard(file, signature, _file_progress(progress, done, total), watch)
            shards.append(shard)
            found.extend(shard.problems)
            counts[str(file)] = shard.count
            signatures.append(signature)
            done += sizes[file]
            if progress is not None:
                progress(done, total)
        store = CompactStore(shards, paths=tuple(given), label=label, problems=found,
                             source_counts=counts, signature=_store_signature(signatures))
    except (OSError, CacheDamaged) as error:
        log.warning("the store cache cannot be used (%s); reading the files directly", error)
        if isinstance(error, OSError):  # say why a big store opens slowly, every time
            problems.append(Problem(str(root()), None, "the cache folder cannot be written "
                                    f"({error.strerror or error}); papers were read without it, "
                                    "which is slower for a big store"))
        return None
    except KeyCollision as error:
        log.warning("two keys share a hash (%s); reading the files directly", error)
        return None
    log.debug("opened %s through the cache in %.2f s", label, time.perf_counter() - started)
    return store


def prune(keep: int = KEEP_INDEXES) -> None:
    """Remove shards of files that are gone or of older reader code, and all but the
    ``keep`` most recently used index caches. Safe to call at any time; errors are ignored."""
    try:
        # Index caches are touched when used, so their time says when they last were.
        indexes = sorted((root() / "index").glob("*.ptc"), key=lambda p: p.stat().st_mtime,
                         reverse=True)
        for old in indexes[keep:]:
            old.unlink(missing_ok=True)
        for shard_file in (root() / "shards").glob("*.ptc"):
            try:
                source = str(Container(shard_file, "shard").meta.get("source", {}).get("path", ""))
                gone = not os.path.exists(source)
                # A shard of older reader code is never used again: another name has its place.
                outdated = shard_path(Path(source)) != shard_file
            except (CacheDamaged, OSError, ValueError, AttributeError):
                gone = outdated = True
            if gone or outdated:
                shard_file.unlink(missing_ok=True)
        # Left by a process killed while writing (a finished file is renamed at once).
        day_ago = time.time() - 86400
        for folder in (root() / "index", root() / "shards"):
            for temp in folder.glob(".*.tmp"):
                if temp.stat().st_mtime < day_ago:
                    temp.unlink(missing_ok=True)
    except OSError as error:
        log.debug("pruning the cache failed: %s", error)


def forget(files: list[Path]) -> None:
    """Remove the cache of these files and of the store they make together, so the next
    open parses and indexes them again (benchmarks time a first open this way)."""
    from types import SimpleNamespace

    from tui.search.cached import index_path  # imported here: the store never needs search

    targets = [shard_path(Path(file).resolve()) for file in files]
    store = SimpleNamespace(signature=_store_signature([_signature(Path(f)) for f in files]))
    targets.append(index_path(store))
    for target in targets:
        HANDLES.forget(target)
        target.unlink(missing_ok=True)
