"""Which format a file is in, from its first bytes and then its name, and which files
under a folder are paper files.

Content comes first because names lie: Web of Science and PubMed hand out RIS as
``.txt``, Zotero's CSL-JSON and a generic JSON array share ``.json``, and a listing copied
from a web page can be saved under any name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from tui.store.reading import format_suffix, looks_binary, read_head, utf16_codec

__all__ = ["FORMATS", "EXTENSIONS", "detect_format", "sniff_text", "iter_store_files"]

FORMATS = ("jsonl", "json", "bibtex", "ris", "medline", "atom", "listing")
"""Format names, each the reader module of the same name (json is json_array)."""

EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".bib": "bibtex",
    ".bibtex": "bibtex", ".biblatex": "bibtex", ".ris": "ris", ".nbib": "medline",
    ".atom": "atom", ".xml": "atom", ".rss": "atom", ".txt": "listing",
}
"""File endings a folder is searched for, with the format each suggests."""

HEAD_BYTES = 65536

_RIS_LINE = re.compile(r"^(TY  - |PT [A-Z]\s*$|FN (Clarivate|Thomson))", re.MULTILINE)
_MEDLINE_LINE = re.compile(r"^PMID- ?\d", re.MULTILINE)
_BIBTEX_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_JSON_ARRAY_START = re.compile(r"^\[\s*(\{|\]|$)")


def sniff_text(head: str, extension: str = "") -> str | None:
    """The format of a text from its beginning, or None if it holds no papers we read.

    ``extension`` (lowercase, with the dot) breaks ties only."""
    text = head.lstrip("\ufeff \t\r\n")
    if not text:
        return EXTENSIONS.get(extension, "listing")
    first = text[0]
    if first == "[" and _JSON_ARRAY_START.match(text):
        return "json"
    if first == "{":
        first_line = text.split("\n", 1)[0].rstrip()
        if first_line.endswith("}") or extension in (".jsonl", ".ndjson"):
            return "jsonl"
        return "json"
    if first == "<":
        lowered = text[:4096].lower()
        if "<feed" in lowered or "<rss" in lowered or "<rdf:rdf" in lowered:
            return "atom"
        return None  # other XML or HTML: not a paper file we read
    if _RIS_LINE.search(text):
        return "ris"
    if _MEDLINE_LINE.search(text):
        return "medline"
    if _BIBTEX_ENTRY.search(text):
        return "bibtex"
    # Nothing in the content decides: the file's ending does (a .bib of comments only,
    # a .jsonl whose first line is broken), else it is read as a listing.
    return EXTENSIONS.get(extension, "listing")


def detect_format(path: Path) -> str | None:
    """The format of the file at ``path`` (None: binary or not papers), looking through
    its compression. Raises OSError, or UnreadableFile for what is no regular file."""
    head, _ = read_head(path, HEAD_BYTES)
    if looks_binary(head[:8192]):
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    elif b"\x00" in head[:8192] and (codec := utf16_codec(head[:8192])):
        text = head[:len(head) - len(head) % 2].decode(codec, errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    return sniff_text(text, format_suffix(path))


def iter_store_files(folder: Path) -> Iterator[Path]:
    """Paper files under ``folder``, recursively, in a stable (sorted) order.

    Hidden files and folders (a leading dot: .git, .venv, editor swap files) are
    skipped, and so is any file whose ending is not one we read (README.md, PDFs); a
    compressed paper file (``a.jsonl.gz``) counts by the ending inside."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root, name)
            if format_suffix(path) in EXTENSIONS:
                yield path
