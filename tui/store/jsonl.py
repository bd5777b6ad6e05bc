"""JSON Lines: one paper per line, the arXiv snapshot schema or the generic schema.

This is the format of the largest stores (the arXiv snapshot is millions of lines), so
the file is streamed line by line as bytes and each line costs one ``json.loads`` plus
the lean arXiv mapping; nothing else is done per line unless the line is damaged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from tui.model import Paper, Problem
from tui.store.reading import SNIFF_BYTES, UnreadableFile, looks_binary
from tui.store.records import read_record

__all__ = ["parse", "parse_lines"]

PROGRESS_EVERY = 4096
"""Lines between two progress reports."""

_BOM = b"\xef\xbb\xbf"
_decoder = json.JSONDecoder(parse_constant=lambda name: None)  # NaN, Infinity -> null
_loads = _decoder.decode


def parse(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Paper | Problem]:
    """Read a JSON Lines file; ``progress`` receives the bytes read so far."""
    with path.open("rb") as stream:
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
        if looks_binary(head):
            raise UnreadableFile("binary data, not a paper file")
        yield from parse_lines(stream, str(path), progress)


def parse_lines(lines: Iterator[bytes] | object, name: str,
                progress: Callable[[int], None] | None = None) -> Iterator[Paper | Problem]:
    """Read JSON Lines from an iterable of byte lines; ``name`` is used in sources."""
    done = 0
    for number, raw in enumerate(lines, start=1):  # type: ignore[call-overload]
        done += len(raw)
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(done)
        if raw[:1] != b"{":  # the usual line starts with "{"; only others need a look
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM):]
            if not raw.strip():
                continue
        try:
            record = _loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield Problem(name, number, "not valid UTF-8; unreadable bytes replaced with \ufffd")
            try:
                record = _loads(raw.decode("utf-8", errors="replace"))
            except ValueError as error:
                yield Problem(name, number, _json_message(error))
                continue
        except RecursionError:
            yield Problem(name, number, "JSON nested too deeply to read")
            continue
        except ValueError as error:
            yield Problem(name, number, _json_message(error))
            continue
        yield from read_record(record, name, number)
    if progress is not None:
        progress(done)


def _json_message(error: ValueError) -> str:
    """One sentence for a line that is not JSON, with the column where it breaks."""
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg.lower()} at column {error.colno})"
    return f"not valid JSON ({error})"
