"""The on-disk cache: where it lives, what each file is named after, and its pruning.

Three kinds of file live under :func:`root`: ``shards/`` (each paper file parsed once,
see :mod:`tui.store.cache`), ``merges/`` (which records are one paper, per store) and
``segments/`` (the search index, one segment per file or chunk of a big file, see
:mod:`tui.search.cached`); ``index/`` held whole-store indexes before segments. All
are :mod:`tui.cache.container` files, never trusted: a damaged, stale or foreign one is
rebuilt. The store and the search engine depend on this
package, never on each other; this package depends on neither.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from functools import lru_cache
from pathlib import Path

from tui import paths as app_paths
from tui.cache.container import TEMP_SUFFIX, CacheDamaged, Container
from tui.cache.writer import ContainerWriter, is_held

__all__ = ["CacheDamaged", "Container", "ContainerWriter", "root", "code_version",
           "shard_version", "index_version", "shard_path", "index_path_for", "segment_path_for", "file_signature",
           "store_signature", "prune", "forget", "remove_leftovers", "KEEP_INDEXES",
           "KEEP_SEGMENTS", "SEGMENT_DAYS"]

log = logging.getLogger(__name__)

KEEP_INDEXES = 6
"""Search index caches kept; older ones (of stores not opened lately) are removed."""
KEEP_SEGMENTS = 256
SEGMENT_DAYS = 30
"""Index segments are kept while among the :data:`KEEP_SEGMENTS` most recently used or
used within :data:`SEGMENT_DAYS` days (every open of a store touches its segments)."""

_SHARD_SOURCES = ("store", "model.py", "sanitize.py", "cache/container.py", "cache/writer.py")
"""The code that decides what a shard holds: the readers, the model (and what its keys
leave out, from sanitize), the file format."""
_NOT_IN_SHARDS = {"base.py", "cache.py", "compact.py", "merge_map.py", "shard_helper.py",
                  "resolve_parallel.py"}
"""Store modules that do not decide what a shard holds (the merged view over shards, the
protocols): changing them must not make every person's files be parsed again."""
_INDEX_SOURCES = ("search/index.py", "search/building.py", "search/vocab.py", "query.py",
                  "cache/container.py", "cache/writer.py")
"""The code that decides what an index holds. Ranking or highlighting changes must not
cost a million-paper store a new index."""


def root() -> Path:
    """The cache folder for stores and their indexes."""
    return app_paths.cache_dir() / "store"


@lru_cache(maxsize=None)
def code_version(*sources: str, exclude: frozenset[str] = frozenset()) -> str:
    """A digest of the source files under ``tui/`` named by ``sources`` (packages or
    modules), so a cache made by other code is never used."""
    here = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1()
    for source in sources:
        target = here / source
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for file in files:
            if file.name in exclude:
                continue
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def shard_version() -> str:
    """The version of the shard-making code: a reader fix re-reads every file."""
    return code_version(*_SHARD_SOURCES, exclude=frozenset(_NOT_IN_SHARDS))


def index_version() -> str:
    """The version of the index-making code."""
    return code_version(*_INDEX_SOURCES)


def shard_path(resolved: Path) -> Path:
    """Where the shard of the file at ``resolved`` lives."""
    name = hashlib.sha1(f"{resolved}\x00{shard_version()}".encode("utf-8", "surrogatepass"))
    return root() / "shards" / f"{name.hexdigest()[:24]}.ptc"


def index_path_for(signature: str) -> Path:
    """Where the search index of the store with this signature lives."""
    name = hashlib.sha1(f"{signature}\x00{index_version()}".encode()).hexdigest()[:24]
    return root() / "index" / f"{name}.ptc"


def segment_path_for(digest: str) -> Path:
    """Where the index segment of the papers named by ``digest`` lives (see
    :meth:`tui.store.compact.CompactStore.segment_plan`)."""
    name = hashlib.sha1(f"{digest}\x00{index_version()}".encode()).hexdigest()[:24]
    return root() / "segments" / f"{name}.ptc"


SAMPLES = 16
"""Blocks of a file hashed into its signature: the first, the last and evenly between."""
SAMPLE_BYTES = 4096


def _sampled_hash(path: Path, size: int) -> str:
    """A hash of a whole small file, or of :data:`SAMPLES` blocks of a big one (64 KB
    read, whatever the size: a warm open of a 4 GB snapshot stays instant)."""
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        if size <= SAMPLES * SAMPLE_BYTES:
            digest.update(handle.read())
        else:
            step = (size - SAMPLE_BYTES) // (SAMPLES - 1)
            for number in range(SAMPLES):
                handle.seek(number * step)
                digest.update(handle.read(SAMPLE_BYTES))
    return digest.hexdigest()


def file_signature(path: Path) -> dict[str, object]:
    """What identifies one version of a file's content: its resolved path, size, inode,
    modification and change times, and a hash of samples of its bytes.

    The change time (ctime) cannot be set by a program: an edit that keeps the size and
    puts the old modification time back (``touch -r``, ``rsync -t``) still changes it,
    and so does swapping two files by renaming. The sampled hash catches what a file
    system without a real ctime, or a copied cache folder, would let through."""
    stat = path.stat()
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "ctime_ns": stat.st_ctime_ns, "inode": stat.st_ino,
            "sample": _sampled_hash(path, stat.st_size)}


def store_signature(signatures: list[dict[str, object]]) -> str:
    """Names a store's exact contents: each file's signature, and the reader code."""
    parts = ["\x00".join(f"{name}={value}" for name, value in sorted(s.items()))
             for s in signatures]
    parts.append(shard_version())
    return hashlib.sha1("\x01".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def prune(keep: int = KEEP_INDEXES) -> None:
    """Remove shards of files that are gone or of older reader code, and all but the
    ``keep`` most recently used index caches. Safe to call at any time; errors are ignored."""
    try:
        # Index caches are touched when used, so their time says when they last were.
        # merges: which records are one paper, per store; index: whole-store indexes of
        # older versions, replaced by segments.
        for kind, kept in (("index", 0), ("merges", keep)):
            caches = sorted((root() / kind).glob("*.ptc"), key=lambda p: p.stat().st_mtime,
                            reverse=True)
            for old in caches[kept:]:
                old.unlink(missing_ok=True)
        _prune_segments()
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
        remove_leftovers()
    except OSError as error:
        log.debug("pruning the cache failed: %s", error)


LEFTOVER_GRACE = 1.0
"""Seconds a temporary file is left alone however it looks: a writer takes its lock a
moment after creating the file."""


def remove_leftovers() -> int:
    """Remove the temporary files of writers that were killed (a finished file is renamed
    at once): each one no live process holds. Returns how many were removed; errors are
    ignored. Cheap enough to run on every open: two folder listings."""
    removed = 0
    recent = time.time() - LEFTOVER_GRACE
    for folder in (root() / "index", root() / "shards", root() / "merges", root() / "segments"):
        try:
            temps = list(folder.glob(f".*{TEMP_SUFFIX}"))
        except OSError:
            continue
        for temp in temps:
            try:
                if temp.stat().st_mtime < recent and not is_held(temp):
                    temp.unlink()
                    removed += 1
            except OSError:
                pass
    return removed


def forget(files: list[Path]) -> None:
    """Remove the cache of these files and of the store they make together, so the next
    open parses and indexes them again (benchmarks time a first open this way)."""
    targets = [shard_path(Path(file).resolve()) for file in files]
    whole = store_signature([file_signature(Path(f)) for f in files])
    targets.append(index_path_for(whole))
    targets += (root() / "merges").glob(f"{whole}-*.ptc")  # which records are one paper
    for target in targets:
        target.unlink(missing_ok=True)
    names = {str(Path(file).resolve()) for file in files}
    for segment in (root() / "segments").glob("*.ptc"):
        try:
            if names.intersection(Container(segment, "segment").meta.get("files", [])):
                segment.unlink(missing_ok=True)
        except (CacheDamaged, OSError, ValueError, TypeError):
            segment.unlink(missing_ok=True)


def _prune_segments() -> None:
    """Remove index segments neither recently used nor among the most recent."""
    segments = sorted((root() / "segments").glob("*.ptc"), key=lambda p: p.stat().st_mtime,
                      reverse=True)
    old = time.time() - SEGMENT_DAYS * 86400
    for segment in segments[KEEP_SEGMENTS:]:
        if segment.stat().st_mtime < old:
            segment.unlink(missing_ok=True)
