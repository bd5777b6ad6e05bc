"""The files a record points to: the ``file`` field of BibTeX and RIS's ``L1``.

Reference managers write the field in several forms, all seen in real files
(/work/shared/fixtures): Zotero ``Name:path:application/pdf`` or ``path:application/pdf``,
JabRef ``Description:C\\:\\\\dir\\\\x.pdf:PDF`` (``\\:`` and ``\\\\`` escaped), Mendeley
``:/Volumes/dir/x.pdf:pdf`` (and ``:Users/dir/x.pdf:pdf`` without its leading slash), a
bare path, and several of these joined by ``;``. A relative path is relative to the
folder of the file the record was read from. Pure: no Textual, no I/O beyond ``exists``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tui.model import Paper

__all__ = ["Attachment", "attachments", "local_pdf", "remote_pdf", "source_folder"]

_TYPE = re.compile(r"^(?:[A-Za-z0-9]{1,12}|[a-z]+/[\w.+-]+)$")
"""The last part of an entry when it names a file type: ``PDF``, ``application/pdf``."""
_REMOTE = ("http://", "https://", "ftp://")


@dataclass(frozen=True)
class Attachment:
    """One file a record names: where it is as written, and whether it is a PDF."""

    path: str
    is_pdf: bool

    @property
    def remote(self) -> bool:
        """True for a web address rather than a file on this machine."""
        return self.path.lower().startswith(_REMOTE)


def _split(text: str, separator: str) -> list[str]:
    """Split on ``separator`` where it is not escaped with a backslash; unescape ``\\x``
    only for the separators and the backslash itself (a Windows path keeps its ``\\``)."""
    parts, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in ":;\\":
            current.append(char + text[index + 1] if separator == ";" else text[index + 1])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _entry(text: str) -> Attachment | None:
    text = text.strip()
    if not text:
        return None
    if text.lower().startswith(_REMOTE):
        return Attachment(text, text.lower().split("?")[0].endswith(".pdf"))
    parts = _split(text, ":")
    kind = ""
    if len(parts) > 1 and _TYPE.match(parts[-1].strip()) and "." not in parts[-1]:
        kind = parts.pop().strip().lower()
    if len(parts) > 1 and not (len(parts[0]) == 1 and parts[0].isalpha()):
        parts = parts[1:]  # a description, or Mendeley's empty one
    path = ":".join(parts).strip()
    if not path:
        return None
    return Attachment(path, kind.endswith("pdf") or path.lower().endswith(".pdf"))


def attachments(value: str) -> list[Attachment]:
    """The files of one ``file`` field value, in the order written."""
    return [entry for part in _split(value, ";") if (entry := _entry(part)) is not None]


def source_folder(paper: Paper) -> Path | None:
    """The folder of the file ``paper`` was read from (its ``source`` is ``path:line``)."""
    path = paper.source.rpartition(":")[0] if ":" in paper.source else paper.source
    return Path(path).parent if path else None


def _candidates(path: str, folder: Path | None) -> list[Path]:
    written = Path(path).expanduser()
    if written.is_absolute():
        return [written]
    found = [folder / written] if folder is not None else []
    return [*found, Path("/") / written]  # Mendeley drops the leading slash


def local_pdf(paper: Paper) -> Path | None:
    """The PDF of ``paper`` on this machine, when its record names one that exists."""
    folder = source_folder(paper)
    for attachment in attachments(paper.field("file")):
        if attachment.remote or not attachment.is_pdf:
            continue
        for candidate in _candidates(attachment.path, folder):
            try:
                if candidate.is_file():
                    return candidate
            except OSError:
                continue
    return None


def remote_pdf(paper: Paper) -> str:
    """A web address of the paper's PDF named in its ``file`` field, or ""."""
    return next((a.path for a in attachments(paper.field("file")) if a.remote and a.is_pdf), "")
