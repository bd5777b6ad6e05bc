"""JSON Lines: one paper per line, the arXiv snapshot schema or the generic schema.

This is the format of the largest stores (the arXiv snapshot is millions of lines), so
the file is streamed line by line as bytes and each line costs one ``json.loads`` plus
the lean arXiv mapping; nothing else is done per line unless the line is damaged.
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
from tui.store.reading import SNIFF_BYTES, UnreadableFile, looks_binary

__all__ = ["parse", "parse_stream"]

CHUNK_BYTES = 1 << 20
"""Bytes read at a time; progress is reported after each chunk."""

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_decoder = json.JSONDecoder(parse_constant=lambda name: None)  # NaN, Infinity -> null
_loads = _decoder.decode


def parse(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Paper | Problem]:
    """Read a JSON Lines file; ``progress`` receives the bytes read so far."""
    with path.open("rb") as stream:
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        if looks_binary(head):
            raise UnreadableFile("binary data, not a paper file")
        if head.startswith(_UTF16_BOMS):
            # Windows PowerShell 5 writes text as UTF-16 by default. Such files are made by
            # hand, not million-line snapshots, so recoding the whole file is fine.
            text = stream.read().decode("utf-16", errors="replace")
            yield from parse_stream(io.BytesIO(text.encode("utf-8")), str(path), progress)
            return
        yield from parse_stream(stream, str(path), progress)


def parse_stream(stream: BinaryIO, name: str,
                 progress: Callable[[int], None] | None = None) -> Iterator[Paper | Problem]:
    """Read JSON Lines from a binary stream; ``name`` is used in sources and problems.

    The stream is read in large chunks split at newlines, which is markedly faster
    than iterating over its lines one read at a time."""
    number = 0
    done = 0
    tail = b""
    results: list[Paper | Problem] = []
    while chunk := stream.read(CHUNK_BYTES):
        lines = (tail + chunk).split(b"\n") if tail else chunk.split(b"\n")
        tail = lines.pop()
        for raw in lines:
            number += 1
            _read_line(raw, number, name, results)
        done += len(chunk)
        if progress is not None:
            progress(done)
        yield from results
        results.clear()
    if tail:  # a last line without a newline, complete or cut short
        _read_line(tail, number + 1, name, results)
        yield from results


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
