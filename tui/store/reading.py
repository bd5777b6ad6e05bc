"""Reading a file's bytes as text, whatever encoding or damage it arrives with.

Paper files come from many tools and decades: UTF-8 with or without a BOM, UTF-16 from
Windows exports, Latin-1 BibTeX from old JabRef, CRLF line ends. The store must read
them all, and say so when it had to guess, rather than refuse the file.
"""

from __future__ import annotations

import bisect
import codecs
import re
from pathlib import Path

from tui.model import Problem

__all__ = ["UnreadableFile", "read_text", "decode_bytes", "looks_binary", "LineIndex"]

SNIFF_BYTES = 8192
"""How much of a file is looked at to tell text from binary."""


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
"""A well-formed multi-byte UTF-8 sequence."""


class UnreadableFile(Exception):
    """The whole file cannot be read as papers; the message is one short sentence."""


def looks_binary(head: bytes) -> bool:
    """True for data that is no text file: NUL bytes outside a UTF-16 text, or mostly
    control characters."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.1


def decode_bytes(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """Decode a whole file; a BOM picks the codec, else UTF-8, else a reported fallback.

    Line ends are normalised to ``\\n`` so every reader counts lines the same way."""
    problems: list[Problem] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            text, message = _decode_fallback(data, error)
            line = data.count(b"\n", 0, error.start) + 1
            problems.append(Problem(path, line, message))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, problems


def _decode_fallback(data: bytes, error: UnicodeDecodeError) -> tuple[str, str]:
    """Pick between a legacy 8-bit reading and UTF-8 with replacement characters.

    A file with no valid multi-byte UTF-8 sequence at all was written in an 8-bit code
    page (Windows-1252 covers Latin-1 and its quotes); one that mixes valid sequences
    with bad bytes is damaged UTF-8, where replacing the bad bytes loses least."""
    has_utf8_sequence = _UTF8_SEQUENCE.search(data) is not None
    if not has_utf8_sequence:
        return (data.decode("cp1252", errors="replace"),
                "not valid UTF-8; read as Windows-1252 (Latin-1)")
    return (data.decode("utf-8", errors="replace"),
            "not valid UTF-8; unreadable bytes replaced with \ufffd")


def read_text(path: Path) -> tuple[str, list[Problem]]:
    """Read a file as text, raising :class:`UnreadableFile` for binary data and passing
    on :class:`OSError` for files the system will not give us."""
    data = path.read_bytes()
    if looks_binary(data[:SNIFF_BYTES]):
        raise UnreadableFile("binary data, not a paper file")
    return decode_bytes(data, str(path))


class LineIndex:
    """Turns character offsets in a text into 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        find = text.find
        position = find("\n")
        while position != -1:
            self._starts.append(position + 1)
            position = find("\n", position + 1)

    def line_of(self, offset: int) -> int:
        """The line holding the character at ``offset``."""
        return bisect.bisect_right(self._starts, offset)
