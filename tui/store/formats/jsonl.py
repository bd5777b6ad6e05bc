"""JSON Lines: one paper per line, the arXiv snapshot schema or the generic schema.

This is the format of the largest stores (the arXiv snapshot is millions of lines), so
the file is streamed line by line as bytes and each line costs one ``json.loads`` plus
the lean arXiv mapping; nothing else is done per line unless the line is damaged. The
snapshot is often kept compressed; :func:`tui.store.reading.open_binary` streams it.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from tui.model import Paper, Problem
from tui.store.formats.records import RecordError, paper_from_record
from tui.store.reading import (
    DECOMPRESSION_ERRORS,
    SNIFF_BYTES,
    Opened,
    UnreadableFile,
    looks_binary,
    open_binary,
    utf16_codec,
)

__all__ = ["parse", "parse_stream", "parse_part"]

CHUNK_BYTES = 1 << 20
"""Bytes read at a time; progress is reported after each chunk."""

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_decoder = json.JSONDecoder(parse_constant=lambda name: None)  # NaN, Infinity -> null
_loads = _decoder.decode


def parse(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Paper | Problem]:
    """Read a JSON Lines file, compressed or not; ``progress`` receives the bytes of the
    file on disk read so far."""
    name = str(path)
    with open_binary(path) as opened:
        stream = opened.stream
        try:
            head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
        except DECOMPRESSION_ERRORS as error:
            raise UnreadableFile(f"a damaged {opened.compression} file ({error})") from error
        if looks_binary(head):
            raise UnreadableFile("binary data, not a paper file")
        if opened.compression is not None and progress is not None:
            progress = _on_disk(progress, opened)
        utf16 = "utf-16" if head.startswith(_UTF16_BOMS) else utf16_codec(head)
        try:
            if utf16:
                # Windows PowerShell 5 writes text as UTF-16 by default. Such files are
                # made by hand, not million-line snapshots, so recoding it whole is fine.
                text = stream.read().decode(utf16, errors="replace")
                yield from parse_stream(io.BytesIO(text.encode("utf-8")), name, progress)
            else:
                yield from parse_stream(stream, name, progress)
        except DECOMPRESSION_ERRORS as error:
            if opened.compression is None:
                raise
            yield Problem(name, None, f"a damaged {opened.compression} file ({error}); the "
                                      "papers before the damage were read")


def parse_part(path: Path, start: int, stop: int, first_line: int,
               progress: Callable[[int], None] | None = None) -> Iterator[Paper | Problem]:
    """Read bytes ``start..stop`` of an uncompressed JSON Lines file, both at the start of
    a line (see :mod:`tui.store.split_parse`): the lines there are numbered from
    ``first_line``; ``progress`` receives the bytes read from ``start``."""
    with open_binary(path) as opened:
        if opened.compression is not None:
            raise UnreadableFile("a compressed file is read whole")
        opened.stream.seek(start)
        yield from parse_stream(_Window(opened.stream, stop - start), str(path), progress,
                                first_line=first_line)


class _Window:
    """At most ``length`` bytes of a stream, from where it stands."""

    def __init__(self, stream: BinaryIO, length: int) -> None:
        self._stream, self._left = stream, length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        data = self._stream.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(data)
        return data


def _on_disk(progress: Callable[[int], None], opened: Opened) -> Callable[[int], None]:
    """Progress of a compressed file in bytes of the file on disk, not decompressed."""
    def report(_decompressed: int) -> None:
        progress(opened.position())

    return report


def parse_stream(stream: BinaryIO | _Window, name: str,
                 progress: Callable[[int], None] | None = None, *,
                 first_line: int = 1) -> Iterator[Paper | Problem]:
    """Read JSON Lines from a binary stream; ``name`` is used in sources and problems,
    with line numbers from ``first_line``.

    The stream is read in large chunks split at newlines, which is markedly faster than
    iterating over its lines one read at a time. A line longer than a chunk is gathered
    in pieces and joined once, so a 200 MB record costs one copy, not one per chunk."""
    number = first_line - 1
    done = 0
    pending: list[bytes] = []  # the start of a line that has not ended yet
    results: list[Paper | Problem] = []
    # read1: at most one read of the file, so what a damaged compressed file gives before
    # the damage is read (read() would drop it when the damage raises).
    read = getattr(stream, "read1", stream.read)
    while chunk := read(CHUNK_BYTES):
        first_end = chunk.find(b"\n")
        if first_end == -1:
            pending.append(chunk)
        else:
            if pending:
                pending.append(chunk[:first_end])
                number += 1
                _read_line(_take(pending), number, name, results)
                lines = chunk[first_end + 1:].split(b"\n")
            else:
                lines = chunk.split(b"\n")
            last = lines.pop()
            for raw in lines:
                number += 1
                _read_line(raw, number, name, results)
            if last:
                pending.append(last)
        done += len(chunk)
        if progress is not None:
            progress(done)
        yield from results
        results.clear()
    if pending:  # a last line without a newline, complete or cut short
        _read_line(_take(pending), number + 1, name, results)
        yield from results


def _take(pieces: list[bytes]) -> bytes:
    """The pieces joined, the list emptied (so the pieces are freed before the line is
    parsed, not after)."""
    joined = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    pieces.clear()
    return joined


def _read_line(raw: bytes, number: int, name: str, results: list[Paper | Problem]) -> None:
    """Append the paper on one line, and any problems with it, to ``results``."""
    if raw[:1] != b"{":  # the usual line starts with "{"; only others need a look
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
        if not raw.strip():
            return
    try:
        record = _loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        results.append(Problem(name, number, "not valid UTF-8; unreadable bytes replaced with \ufffd"))
        try:
            record = _loads(raw.decode("utf-8", errors="replace"))
        except ValueError as error:
            results.append(Problem(name, number, _json_message(error)))
            return
    except RecursionError:
        results.append(Problem(name, number, "JSON nested too deeply to read"))
        return
    except ValueError as error:
        results.append(Problem(name, number, _json_message(error)))
        return
    notes: list[str] = []
    try:
        results.append(paper_from_record(record, f"{name}:{number}", notes))
    except RecordError as error:
        results.append(Problem(name, number, str(error)))
    except RecursionError:
        results.append(Problem(name, number, "JSON nested too deeply to read"))
    results.extend(Problem(name, number, note) for note in notes)


def _json_message(error: ValueError) -> str:
    """One sentence for a line that is not JSON, with the column where it breaks."""
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg.lower()} at column {error.colno})"
    return f"not valid JSON ({error})"
