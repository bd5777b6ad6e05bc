"""Note drafts, written to disk as they are typed, so no kill, crash or quit loses one.

A draft is one small JSON file per paper in the profile's ``drafts/`` folder, replaced
atomically on every change (temp file and rename: a ``kill -9`` or a closed terminal
leaves the previous keystroke's draft or this one, never half a file). While typing it
is not fsynced, which keeps a keystroke cheap; when the editor closes it is. A draft
remembers the note it started from, so that saving it over a note someone changed
meanwhile (another window, the command line) keeps both texts: :func:`merge_note`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from tui.userdata.clock import now_stamp
from tui.userdata.storage import TEMP_SUFFIX, atomic_write

__all__ = ["Draft", "Drafts", "merge_note"]

log = logging.getLogger(__name__)

ALSO_WRITTEN = "Also in this note, written elsewhere while you were editing it:"
"""The line between the person's text and a version saved meanwhile by someone else."""


@dataclass(frozen=True)
class Draft:
    """Text typed in the note editor and not saved as the note yet."""

    key: str
    text: str
    base: str
    """The saved note the draft started from."""
    title: str = ""
    updated: str = ""


def merge_note(base: str, mine: str, current: str) -> str:
    """The note to save: ``mine``, unless the saved note changed since it was ``base``,
    in which case both are kept, the other version after a line saying what it is."""
    if current in (base, mine) or not current.strip():
        return mine
    if not mine.strip():
        return current  # "I emptied it" must not throw away what someone wrote meanwhile
    return f"{mine.rstrip()}\n\n---\n\n{ALSO_WRITTEN}\n\n{current}"


class Drafts:
    """A profile's note drafts, read once and kept in memory, saved as typed."""

    def __init__(self, profile_dir: Path) -> None:
        self.folder = Path(profile_dir) / "drafts"
        self.warnings: list[str] = []
        self._drafts: dict[str, Draft] = {}
        self._read_all()

    def _path(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()}.json"

    def _read_all(self) -> None:
        try:
            names = sorted(os.listdir(self.folder))
        except OSError:
            return
        for name in names:
            path = self.folder / name
            if name.endswith(TEMP_SUFFIX):
                continue  # a write a kill interrupted; the draft before it is still there
            if not name.endswith(".json"):
                continue
            try:
                value = json.loads(path.read_text(encoding="utf-8", errors="surrogatepass"))
                draft = Draft(str(value["key"]), str(value["text"]), str(value.get("base", "")),
                              str(value.get("title", "")), str(value.get("updated", "")))
            except (OSError, ValueError, KeyError, TypeError) as error:
                self.warnings.append(f"The note draft {path} could not be read ({error}); it is "
                                     "left where it is.")
                continue
            self._drafts[draft.key] = draft

    def __len__(self) -> int:
        return len(self._drafts)

    def __contains__(self, key: object) -> bool:
        return key in self._drafts

    def get(self, key: str) -> Draft | None:
        """The draft of one paper's note, or None."""
        return self._drafts.get(key)

    def all(self) -> list[Draft]:
        """Every draft, oldest first."""
        return sorted(self._drafts.values(), key=lambda draft: draft.updated)

    def save(self, key: str, text: str, base: str, title: str = "", *, durable: bool = False) -> None:
        """Keep ``text`` as the draft of ``key``'s note (replacing the previous one).

        Raises OSError when it cannot be written; the draft is still kept in memory.
        """
        draft = Draft(key, text, base, title, now_stamp())
        self._drafts[key] = draft
        payload = json.dumps({"base": base, "key": key, "text": text, "title": title,
                              "updated": draft.updated}, ensure_ascii=False, indent=1, sort_keys=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(self._path(key), payload.encode("utf-8", "surrogatepass"), durable=durable)

    def discard(self, key: str) -> None:
        """Forget the draft of ``key`` (saved, or given up)."""
        self._drafts.pop(key, None)
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            log.warning("could not remove the draft of %s: %s", key, error)
