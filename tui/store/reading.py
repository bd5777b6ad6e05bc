"""Reading a file's bytes as text, whatever encoding, compression or damage it arrives with.

Paper files come from many tools and decades: UTF-8 with or without a BOM, UTF-16 from
Windows exports (with or without its BOM), Latin-1 BibTeX from old JabRef, CRLF line
ends, and big exports compressed (the arXiv snapshot and many dumps ship as ``.gz``,
``.bz2``, ``.xz`` or ``.zst``). The store must read them all, and say so when it had to
guess, rather than refuse the file. What is not a file at all (a named pipe, a socket,
``/dev/zero``) is refused before a byte is read, with a sentence saying what it is.
"""

from __future__ import annotations

import bisect
import bz2
import codecs
import gzip
import io
import lzma
import os
import re
import stat
import zlib
from pathlib import Path
from collections.abc import Iterator
from typing import BinaryIO

from tui.model import Problem

__all__ = ["UnreadableFile", "read_text", "decode_bytes", "looks_binary", "utf16_codec",
           "open_binary", "compression_of", "format_suffix", "check_regular", "LineIndex",
           "DECOMPRESSION_ERRORS", "MAX_EXPANSION", "COMPRESSED_SUFFIXES", "iter_lines"]

SNIFF_BYTES = 8192
"""How much of a file is looked at to tell text from binary."""

COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
"""File endings of the compressions read transparently."""

MAX_EXPANSION = 100
"""A compressed file may expand to at most this many times its size (plus
:data:`EXPANSION_FLOOR`). Paper files compress 3 to 20 times; a 1 KB bzip2 "bomb"
expands to over a gigabyte, and must not cost seconds and all the memory there is."""
EXPANSION_FLOOR = 16 << 20

def _decompression_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [EOFError, OSError, ValueError, lzma.LZMAError, zlib.error]
    try:
        import zstandard
    except ImportError:
        return tuple(errors)
    return (*errors, zstandard.ZstdError)


DECOMPRESSION_ERRORS = _decompression_errors()
"""What reading a damaged compressed file raises (OSError also covers plain read errors)."""

_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"),
          (b"\x28\xb5\x2f\xfd", "zstd"))

_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
"""A well-formed multi-byte UTF-8 sequence."""


class UnreadableFile(Exception):
    """The whole file cannot be read as papers; the message is one short sentence."""


def _kind_of(mode: int) -> str | None:
    """Why a file of this mode is not read (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return ("a named pipe (FIFO), not a file; papertray reads only regular files "
                "(save what it carries to a file first)")
    if stat.S_ISSOCK(mode):
        return "a socket, not a file; papertray reads only regular files"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file; papertray reads only regular files"
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    return "not a regular file; papertray reads only regular files"


def check_regular(path: Path) -> os.stat_result:
    """The file's status; raises :class:`UnreadableFile` naming what it is when it is no
    regular file (OSError when it cannot be looked at)."""
    status = path.stat()
    reason = _kind_of(status.st_mode)
    if reason:
        raise UnreadableFile(reason)
    return status


def compression_of(head: bytes) -> str | None:
    """The compression a file starts with ("gzip", "bzip2", "xz", "zstd") or None."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def format_suffix(path: Path) -> str:
    """The ending that names the format, lowercase: ``.jsonl`` for ``a.jsonl.gz``."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        return suffixes[-2] if len(suffixes) == 2 else ""
    return path.suffix.lower()


class _Counted(io.RawIOBase):
    """The raw file under a decompressor, counting the compressed bytes read (progress)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        got = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self.position += got or 0
        return got or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Bounded(io.RawIOBase):
    """A decompressed stream that stops with :class:`UnreadableFile` once it has given
    more than ``limit`` bytes."""

    def __init__(self, inner: BinaryIO, limit: int) -> None:
        self._inner = inner
        self._limit = limit
        self._given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        # read1, not readinto: a decompressor's readinto fills the whole buffer or raises,
        # dropping what it decompressed before a damaged part.
        data = self._inner.read1(len(buffer))  # type: ignore[attr-defined]
        got = len(data)
        buffer[:got] = data
        self._given += got
        if self._given > self._limit:
            raise UnreadableFile(f"decompresses to more than {MAX_EXPANSION} times its size "
                                 "(a damaged file or a compression bomb); reading stopped there")
        return got

    def close(self) -> None:
        self._inner.close()
        super().close()


class Opened:
    """An open paper file: ``stream`` gives its (decompressed) bytes, ``position()`` how
    far into the file on disk reading is, for progress."""

    def __init__(self, stream: BinaryIO, compression: str | None, position) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream
        self.compression = compression
        self.position = position

    def __enter__(self) -> "Opened":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()


def _decompressor(compression: str, raw: BinaryIO) -> BinaryIO:
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if compression == "bzip2":
        return bz2.BZ2File(raw, mode="rb")  # type: ignore[return-value]
    if compression == "xz":
        return lzma.LZMAFile(raw, mode="rb")  # type: ignore[return-value]
    try:
        import zstandard  # an optional dependency: pip install zstandard
    except ImportError:
        raise UnreadableFile("compressed with Zstandard, which needs the zstandard package "
                             "(pip install zstandard); decompress it with 'unzstd' to read "
                             "it without") from None
    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw))


def open_binary(path: Path) -> Opened:
    """Open a paper file for reading bytes, decompressing it if it is compressed.

    Raises :class:`UnreadableFile` for anything that is not a regular file (checked on
    the opened file, so a FIFO put in its place cannot block the reader) and OSError as
    the system gives it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        reason = _kind_of(os.fstat(fd).st_mode)
        if reason:
            raise UnreadableFile(reason)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        raw = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    try:
        compression = compression_of(raw.peek(8)[:8])
        if compression is None:
            return Opened(raw, None, raw.tell)
        counted = _Counted(raw)
        limit = MAX_EXPANSION * os.fstat(raw.fileno()).st_size + EXPANSION_FLOOR
        stream = io.BufferedReader(_Bounded(_decompressor(compression, counted), limit),  # type: ignore[arg-type]
                                   buffer_size=1 << 16)
    except BaseException:
        raw.close()
        raise
    return Opened(stream, compression, lambda: counted.position)


def read_head(path: Path, size: int) -> tuple[bytes, str | None]:
    """The first ``size`` bytes of the file's (decompressed) content, and its compression."""
    head = bytearray()
    with open_binary(path) as opened:
        try:
            while len(head) < size and (piece := opened.stream.read1(size - len(head))):  # type: ignore[attr-defined]
                head += piece
        except DECOMPRESSION_ERRORS as error:
            if not head:  # else the reader reads up to the damage and says so
                raise _damaged(opened.compression, error) from error
        return bytes(head), opened.compression


def _damaged(compression: str | None, error: BaseException) -> BaseException:
    """A decompression error as one sentence (plain read errors pass through)."""
    if compression is None:
        return error
    return UnreadableFile(f"a damaged {compression} file ({error})")


def utf16_codec(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text without a byte order mark (mostly
    Latin letters, so every other byte is NUL), else None."""
    sample = head[:SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def looks_binary(head: bytes) -> bool:
    """True for data that is no text file: NUL bytes outside a UTF-16 text, or mostly
    control characters."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return utf16_codec(head) is None
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
    elif b"\x00" in data[:SNIFF_BYTES] and (codec := utf16_codec(data[:SNIFF_BYTES])):
        text = data.decode(codec, errors="replace")
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
    """Read a file as text, decompressing it if needed, raising :class:`UnreadableFile`
    for binary data or what is no file, and passing on :class:`OSError` for files the
    system will not give us."""
    with open_binary(path) as opened:
        try:
            data = opened.stream.read()
        except DECOMPRESSION_ERRORS as error:
            raise _damaged(opened.compression, error) from error
    if looks_binary(data[:SNIFF_BYTES]):
        raise UnreadableFile("binary data, not a paper file")
    return decode_bytes(data, str(path))


def iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as ``text.split("\\n")`` gives them, one at a time (a list
    of a million short lines costs many times the text)."""
    start = 0
    find = text.find
    while (end := find("\n", start)) != -1:
        yield text[start:end]
        start = end + 1
    yield text[start:]


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
