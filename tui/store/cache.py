"""The on-disk cache of big stores: each file parsed once, kept as a compact shard.

Opening a store of a million papers means parsing gigabytes of JSON or BibTeX, tens of
seconds; the cache makes every later open a matter of reading a few arrays. Each file's
papers are kept in a shard under ``cache_dir()/shards``, named after the file's resolved
path and the reader code; the shard records the file's signature (size, times, inode and
a hash of samples of its bytes: :func:`tui.cache.file_signature`), and is used only
while it still matches, so an edit that keeps the size and the modification time is
caught too. A changed file is parsed again alone; the others
come from their shards. A shard that is damaged, truncated, of another version or simply
unreadable is parsed again, never trusted (see :mod:`tui.cache.container`).

Stores under :data:`tui.store.files.CACHE_MIN_BYTES` (512 KB) skip the cache: they parse in about a
fifth of a second and the cache's files would only add bookkeeping.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tui.cache.helpers import map_on_cores, share_work, spare_cores, start_spare
from tui.cache import (
    CacheDamaged,
    Container,
    ContainerWriter,
    code_version,
    file_signature,
    remove_leftovers,
    root,
    shard_path,
    store_signature,
)
from tui.model import Paper, Problem
from tui.store import files as store_files
from tui.store.compact import CompactStore, KeptResolution, KeyCollision, Resolved
from tui.store.merge_map import MAP_ARRAYS, MergeMap
from tui.store.shard import Shard, ShardWriter

__all__ = ["open_cached", "is_cache_problem"]

log = logging.getLogger(__name__)


def is_cache_problem(problem: Problem) -> bool:
    """True for the problem saying the cache could not be used (not a bad record)."""
    return problem.path == str(root())


def _load_shard(file: Path, signature: dict[str, object], *, checked: bool = True) -> Shard | None:
    """The file's shard if there is a usable one for exactly this signature (``checked``:
    see :class:`Shard`)."""
    where = shard_path(Path(str(signature["path"])))
    try:
        shard = Shard(where, str(file), checked=checked)
    except FileNotFoundError:
        return None
    except (CacheDamaged, OSError, ValueError) as error:
        log.info("cache of %s not used: %s", file, error)
        return None
    if shard.meta.get("source") != signature or not shard.meta.get("complete"):
        return None
    return shard


PREVIEW_PAPERS = 200
"""Papers of a warm store shown before all of it is checked: more than a screenful."""


def _preview(file: Path, signature: dict[str, object], watch: Callable[[Paper], None]) -> None:
    """Give ``watch`` the first papers of ``file``'s shard before every byte of the store
    is checked (a tenth of a second at 100,000 papers), as a first read would: a warm
    open paints its first rows first. Each paper read checks the blocks it touches, so
    nothing damaged is shown; a shard found damaged here is found again by the full
    check, and the file is parsed (its papers watched) as on a first open."""
    shard = _load_shard(file, signature, checked=False)
    if shard is None:
        return
    try:
        for row in range(min(shard.count, PREVIEW_PAPERS)):
            watch(shard.paper(row))
    except (CacheDamaged, OSError, ValueError) as error:
        log.info("first papers of %s not shown from the cache: %s", file, error)
        return
    finally:
        shard.close()


def _build_shard(file: Path, signature: dict[str, object], progress: Callable[[int], None] | None,
                 watch: Callable[[Paper], None] | None) -> Shard:
    """Parse the file into a new shard and open it. Raises OSError if it cannot be written."""
    where = shard_path(Path(str(signature["path"])))
    writer = ShardWriter(where, str(file), {"source": signature})
    problems: list[Problem] = []
    def add_and_show(paper: Paper) -> None:
        writer.add(paper)
        watch(paper)  # type: ignore[misc]

    try:
        store_files.read_file(file, writer.add if watch is None else add_and_show, problems, progress)
        writer.commit(store_files.read_whole(problems), problems)
    except BaseException:
        writer.abort()
        raise
    return Shard(where, str(file))


def _resolution_path(signature: str) -> Path:
    """Where the identity resolution of the store with this signature is kept (the
    signature names every file's version and the reader and identity code)."""
    return root() / "merges" / f"{signature}-{code_version('store/compact.py', 'store/merge_map.py')}.ptc"


def _load_resolution(signature: str, records: int) -> KeptResolution | None:
    """The cached resolution of this exact store, or None (none, damaged or not ours)."""
    path = _resolution_path(signature)
    try:
        box = Container(path, "merges")
        flat = box.array("records")
        offsets = box.array("offsets")
        keys = box.meta["keys"]
        kept = box.meta["merges"]
        merge = MergeMap.from_arrays({name: box.array(name) for name in MAP_ARRAYS},
                                     [str(key) for key in box.meta["map_keys"]], records)
    except FileNotFoundError:
        return None
    except (CacheDamaged, OSError, ValueError, KeyError, TypeError) as error:
        log.info("merge cache %s not used: %s", path.name, error)
        return None
    if (merge is None or not isinstance(keys, list) or not isinstance(kept, list)
            or len(offsets) != len(keys) + 1 or offsets[0] != 0 or offsets[-1] != len(flat)
            or np.any(np.diff(offsets) < 2) or (len(flat) and (flat.min() < 0 or flat.max() >= records))):
        return None
    os.utime(path)  # recently used: pruning keeps it

    def resolved() -> Resolved:
        from tui.store.identity import Merge

        bounds = offsets.astype(np.int64).tolist()
        records_of = flat.astype(np.int64)
        groups = [records_of[lo:hi].tolist() for lo, hi in zip(bounds, bounds[1:])]
        return groups, [str(key) for key in keys], [Merge(*map(str, m)) for m in kept]

    return KeptResolution(merge, resolved)


def _save_resolution(signature: str, resolved: Resolved, merge: MergeMap) -> None:
    """Keep a big store's resolution and its merge map, so the next open reads them
    instead of working them out. A cache that cannot be written only costs that time again."""
    groups, keys, merges = resolved
    try:
        writer = ContainerWriter(_resolution_path(signature), "merges")
        try:
            writer.meta.update(keys=keys, merges=[[m.key, m.kept, m.merged, m.reason] for m in merges],
                               map_keys=merge.kept_keys())
            for name, values in merge.arrays().items():
                writer.array(name, values)
            writer.array("records", np.array([r for g in groups for r in g], dtype=np.int64))
            writer.array("offsets", np.cumsum([0] + [len(g) for g in groups]).astype(np.int64))
            writer.commit()
        except BaseException:
            writer.abort()
            raise
    except OSError as error:
        log.info("merge cache not written: %s", error)


def _earlier_resolution(signatures: list[dict[str, object]], shards: list[Shard]
                        ) -> tuple[Resolved, int] | None:
    """The cached resolution of the longest run of the store's first files that has one,
    and how many records those files hold: a file added after them (today's listing)
    then costs only the records linked to it, not the whole store's."""
    for count in range(len(shards) - 1, 0, -1):
        records = sum(s.count for s in shards[:count])
        earlier = _load_resolution(store_signature(signatures[:count]), records)
        if earlier is not None:
            return earlier.resolved(), records
    return None


HELPER_BYTES = 64 << 20
"""Bytes of files to parse from which a helper process is worth its start (a second)."""


def _build_shards(missing: list[tuple[Path, dict[str, object]]], sizes: dict[Path, int],
                  total: int, progress: Callable[[int, int], None] | None,
                  watch: Callable[[Paper], None] | None) -> dict[Path, Shard]:
    """Parse the files without a usable shard into shards, on every core when they are
    many (see :mod:`tui.cache.helpers`; the first files are parsed here, so ``watch``
    sees the store's first papers). ``progress(bytes read, total)`` as they go."""
    done = total - sum(sizes[file] for file, _ in missing)
    worth = len(missing) > 1 and total - done >= HELPER_BYTES
    if len(missing) == 1:
        from tui.store.split_parse import build_in_parts, parts_of  # noqa: PLC0415

        file, signature = missing[0]
        # Cut at the size the shard will be known by: the file may have grown since it
        # was first looked at, and parts cut short of its end would be kept as all of it.
        parts = parts_of(file, int(str(signature["size"])))
        if len(parts) > 1:  # one big file: parsed on every core all the same
            build_in_parts(file, signature, parts,
                           store_files.file_progress(progress, done, total), watch)
            shard = _load_shard(file, signature)
            if shard is not None:
                return {file: shard}

    def here(task: tuple[Path, dict[str, object]]) -> Shard:
        file, signature = task
        return _build_shard(file, signature, store_files.file_progress(progress, done, total), watch)

    def finished(task: tuple[Path, dict[str, object]], _: Shard) -> None:
        nonlocal done
        done += sizes[task[0]]
        if progress is not None:
            progress(done, total)

    results = share_work(
        missing, here, helpers=spare_cores() if worth else 0, module="tui.store.shard_helper",
        opening={}, line=lambda task: json.dumps(str(task[0])),
        collect=lambda task: _load_shard(*task), done=finished)
    if worth:  # for the indexing that follows, started as the store is put together
        start_spare(sum(shard.count for _, shard in results))
    return {task[0]: shard for task, shard in results}


def open_cached(given: list[Path], files: list[Path], sizes: dict[Path, int],
                problems: list[Problem], label: str,
                progress: Callable[[int, int], None] | None,
                watch: Callable[[Paper], None] | None = None) -> CompactStore | None:
    """The store through the cache, or None when the cache cannot be used (it cannot be
    written, or two keys share a hash): the caller then reads the files directly."""
    remove_leftovers()  # of earlier runs killed while writing the cache
    total = sum(sizes.values())
    found = list(problems)  # left untouched if the cache fails and the files are read directly
    shards: list[Shard] = []
    counts: dict[str, int] = {}
    signatures: list[dict[str, object]] = []
    started = time.perf_counter()
    try:
        signed: dict[Path, dict[str, object] | OSError] = {}
        for file in files:
            try:
                signed[file] = file_signature(file)
            except OSError as error:
                signed[file] = error
        readable = [(file, signature) for file, signature in signed.items()
                    if not isinstance(signature, OSError)]
        if watch is not None and readable:
            _preview(*readable[0], watch)
        if progress is not None:
            progress(0, total)  # a reader shows what it was given so far on a progress
        # Each shard is checked in full when opened (CRC-32 of every byte): on all cores.
        loaded = dict(zip([file for file, _ in readable],
                          map_on_cores(lambda pair: _load_shard(*pair), readable)))
        missing = [(file, signature) for file, signature in signed.items()
                   if not isinstance(signature, OSError) and loaded[file] is None]
        if missing:
            loaded.update(_build_shards(missing, sizes, total, progress, watch))
        for file, signature in signed.items():
            if isinstance(signature, OSError):
                found.append(Problem(str(file), None,
                                     f"cannot be read ({signature.strerror or signature})"))
                counts[str(file)] = 0
                continue
            shard = loaded[file]
            assert shard is not None
            shards.append(shard)
            found.extend(shard.problems)
            counts[str(file)] = shard.count
            signatures.append(signature)
        whole = store_signature(signatures)
        resolved = _load_resolution(whole, sum(s.count for s in shards))
        earlier = None if resolved is not None else _earlier_resolution(signatures, shards)
        store = CompactStore(shards, paths=tuple(given), label=label, problems=found,
                             source_counts=counts, signature=whole, resolved=resolved,
                             earlier=earlier)
        if resolved is None:
            # Kept even when nothing merged: finding that out read every record sharing
            # a title or DOI (a seventh of a big store), which a warm open must not redo.
            _save_resolution(whole, store.resolved, store.merge)
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
