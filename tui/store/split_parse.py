"""One big JSON Lines file parsed on every core: the first part here, the rest by helpers.

A store of one big file (the arXiv snapshot, a lab's export) used to be parsed on one
core while the other idled: 14 s for 230,000 real papers with abstracts. Its lines are
independent, so the file is cut at line starts into a part per core: this process
parses the first (the reader sees its first papers as they come), each helper
(``python -m tui.store.shard_helper``) parses its own part into a part shard of the same
file, numbering its lines from where its part starts; this process then appends the
parts to its shard, bytes copied, never decoded, and writes the file's shard as a
single read would have. Problems keep their lines, and a file's problems past
:data:`~tui.store.files.MAX_PROBLEMS_PER_FILE` are counted, not listed, across parts.

A part a helper could not give (it failed, died, gave no answer in good time, or its
shard is damaged) is parsed here after the first, so the shard is always whole.
Compressed and UTF-16 files are read whole (one stream), and so are files under
:data:`SPLIT_BYTES`.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from tui.cache import CacheDamaged, shard_path
from tui.cache.container import TEMP_SUFFIX
from tui.cache.helpers import Helper, patience, spare_cores, start_spare
from tui.model import Paper, Problem
from tui.store import files as store_files
from tui.store.detect import detect_format
from tui.store.reading import compression_of, utf16_codec
from tui.store.shard import Shard, ShardWriter

__all__ = ["SPLIT_BYTES", "parts_of", "build_in_parts", "build_part"]

log = logging.getLogger(__name__)

MAX = store_files.MAX_PROBLEMS_PER_FILE
SPLIT_BYTES = 64 << 20
"""A file from this size is parsed in parts (a helper's start costs about a second)."""
HELPER_MODULE = "tui.store.shard_helper"
_SCAN = 1 << 20


def parts_of(file: Path, size: int, cores: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges ``(start, stop)`` cutting ``file`` at line starts into about equal
    parts, one per core; a single range when the file is not worth cutting or cannot be
    (not plain JSON Lines, or no line ends where a cut falls)."""
    cores = spare_cores() + 1 if cores is None else cores
    if cores < 2 or size < SPLIT_BYTES:
        return [(0, size)]
    try:
        with file.open("rb") as handle:
            head = handle.read(8192)
            if (compression_of(head[:8]) is not None or utf16_codec(head) is not None
                    or head.startswith((b"\xff\xfe", b"\xfe\xff"))
                    or detect_format(file) != "jsonl"):
                return [(0, size)]
            cuts = [0]
            for number in range(1, cores):
                handle.seek(max(size * number // cores, cuts[-1]))
                at = handle.tell()
                window = handle.read(_SCAN)
                end = window.find(b"\n")
                if end == -1 or at + end + 1 >= size:
                    break
                cuts.append(at + end + 1)
    except OSError:
        return [(0, size)]
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _first_line(file: Path, start: int) -> int:
    """The number of the line starting at byte ``start``."""
    lines = 1
    with file.open("rb") as handle:
        left = start
        while left > 0 and (chunk := handle.read(min(8 << 20, left))):
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


def part_path(where: Path, number: int) -> Path:
    """Where part ``number`` of the shard at ``where`` is written by a helper of this
    process (pruned with other shards that are no file's, should it be left behind)."""
    return where.with_name(f"{where.stem}.part{number}-{os.getpid()}{where.suffix}")


def build_part(file: Path, name: str, start: int, stop: int, where: Path) -> None:
    """The helper's side: parse bytes ``start..stop`` of ``file`` (read under ``name``)
    into a part shard at ``where``. Raises OSError if it cannot be written."""
    writer = ShardWriter(where, name, {"part": [start, stop]})
    problems: list[Problem] = []
    try:
        _, unlisted = store_files.read_items(file, writer.add, problems,
                                             part=(start, stop, _first_line(file, start)))
        writer.commit(store_files.read_whole(problems), problems, unlisted=unlisted)
    except BaseException:
        writer.abort()
        raise


def build_in_parts(file: Path, signature: dict[str, object], parts: list[tuple[int, int]],
                   progress: Callable[[int], None] | None,
                   watch: Callable[[Paper], None] | None) -> None:
    """Parse ``file`` into its shard, the first of ``parts`` here and the others in
    helper processes at the same time. Raises OSError if the shard cannot be written."""
    where = shard_path(Path(str(signature["path"])))
    name = str(file)
    helpers: list[tuple[Helper[int], int]] = []
    for number, (start, stop) in enumerate(parts[1:], start=1):
        helper = Helper[int](HELPER_MODULE, {})
        task = {"part": str(file), "name": name, "start": start, "stop": stop,
                "to": str(part_path(where, number))}
        if helper.give(number, json.dumps(task)):
            helpers.append((helper, number))
        else:
            helper.close()
    writer = ShardWriter(where, name, {"source": signature})
    problems: list[Problem] = []
    unlisted = 0

    def add(paper: Paper) -> None:
        writer.add(paper)
        if watch is not None:
            watch(paper)

    try:
        start, stop = parts[0]
        began = time.monotonic()
        _, unlisted = store_files.read_items(file, add, problems, progress, part=(start, stop, 1))
        deadline = time.monotonic() + patience(time.monotonic() - began)
        answers = {number: helper.answer(max(0.0, deadline - time.monotonic())) == "ok"
                   for helper, number in helpers}
        # For the indexing that follows (the parts are about equal: this one's papers
        # tell how many the file holds), started as the parts are joined here.
        start_spare(len(writer) * len(parts))
        for number, (start, stop) in enumerate(parts[1:], start=1):
            found = _take_part(part_path(where, number), name) if answers.get(number) else None
            if found is None:  # not given by a helper: read here
                more: list[Problem] = []
                _, extra = store_files.read_items(
                    file, writer.add, more, part=(start, stop, _first_line(file, start)))
            else:
                shard, more, extra = found
                writer.extend(shard)
                shard.close()
            listed = MAX - len(problems)
            problems += more[:max(listed, 0)]
            unlisted += extra + max(len(more) - max(listed, 0), 0)
            if progress is not None:
                progress(stop)
        if unlisted:
            problems.append(store_files.more_problems(name, unlisted))
        writer.commit(store_files.read_whole(problems), problems)
    except BaseException:
        writer.abort()
        raise
    finally:
        for helper, number in helpers:
            helper.close()  # ended: nothing of its is written any more
            _remove_part(part_path(where, number))


def _remove_part(path: Path) -> None:
    """Remove a part shard, and what its writer left half written if it was stopped."""
    path.unlink(missing_ok=True)
    for left in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        left.unlink(missing_ok=True)


def _take_part(where: Path, name: str) -> tuple[Shard, list[Problem], int] | None:
    """A helper's part shard (checked), its problems and how many it did not list; None
    when it cannot be used."""
    try:
        shard = Shard(where, name)
    except (CacheDamaged, OSError, ValueError) as error:
        log.info("a part of %s is read again: %s", name, error)
        return None
    unlisted = shard.meta.get("unlisted", 0)
    if not shard.meta.get("complete") or not isinstance(unlisted, int):
        shard.close()
        return None
    return shard, shard.problems, unlisted
