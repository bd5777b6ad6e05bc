"""Note drafts, written to disk as they are typed, so no kill, crash or quit loses one.

A draft is one small JSON file per paper *and per window* in the profile's ``drafts/``
folder, replaced atomically on every change (temp file and rename: a ``kill -9`` or a closed
terminal leaves the previous keystroke's draft or this one, never half a file). Each window
writes only files of its own, so two windows on one profile never write over or remove each
other's drafts: a window removes another's draft only when it opened that draft itself and
the file is still as it read it (its text is then in what this window saved or gave up).
While typing a draft is not fsynced, which keeps a keystroke cheap; when the editor closes
it is. A draft remembers the note it started from, so that saving it over a note someone
changed meanwhile (another window, the command line) keeps both texts: :func:`merge_note`.

The person's own editor (``N``) edits a ``note.md`` kept here too, in a folder of its own
(the editor's swap and backup files go with it) beside a record of the paper it is for:
the reader waits for the editor with the terminal handed over, and when it is killed
meanwhile the editor goes on, so what the person saves there must be where the next start
finds drafts (it used to be in a temporary folder nobody looked in).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from tui.model import Fingerprint
from tui.userdata.clock import now_stamp
from tui.userdata.storage import TEMP_SUFFIX, atomic_write

__all__ = ["Draft", "Drafts", "merge_note"]

log = logging.getLogger(__name__)

EDITOR_RECORD = ".editor.json"
"""The end of the record of a note handed to the person's editor (see ``_editor_file``)."""

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
    path: Path | None = None
    """The file it is kept in; None while it could not be written."""
    raw: bytes = b""
    """The file's bytes as last read or written, to tell whether someone rewrote it since."""
    about: Fingerprint | None = None
    """What the paper was when the draft was typed, so the draft can follow it to a new
    key (a title typo fixed, a DOI added) even when the paper has no annotation yet."""

    @property
    def fingerprint(self) -> Fingerprint:
        """What finds the draft's paper again: what it remembers, else its title."""
        return self.about if self.about is not None else Fingerprint(title=self.title)


def merge_note(base: str, mine: str, current: str) -> str:
    """The note to save: ``mine``, unless the saved note changed since it was ``base``,
    in which case both are kept, the other version after a line saying what it is."""
    if current in (base, mine) or not current.strip():
        return mine
    if not mine.strip():
        return current  # "I emptied it" must not throw away what someone wrote meanwhile
    return f"{mine.rstrip()}\n\n---\n\n{ALSO_WRITTEN}\n\n{current}"


def _hashed(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()


_ABOUT_FIELDS = {"title": str, "author": str, "year": int, "citekey": str, "doi": str,
                 "arxiv": str, "source": str}


def _encode(draft: Draft) -> bytes:
    value: dict[str, object] = {"base": draft.base, "key": draft.key, "text": draft.text,
                                "title": draft.title, "updated": draft.updated}
    if draft.about is not None:
        value["about"] = {name: getattr(draft.about, name) for name in _ABOUT_FIELDS
                          if getattr(draft.about, name)}
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode(
        "utf-8", "surrogatepass")


def _writer_alive(record: Path) -> bool:
    """True unless the process that wrote ``record`` (its name holds the writer's pid:
    ``<paper>.<pid>-<token>...``) is known to be gone."""
    try:
        pid = int(record.name.split(".")[1].split("-")[0])
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (ValueError, IndexError, OSError):
        return True  # not ours to read, or not allowed to ask: keep it
    try:  # a killed process nobody has reaped yet is still listed, as a zombie
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return state.rpartition(") ")[2][:1] not in ("Z", "X")
    except OSError:
        return True


def _editor_file(record: Path) -> Path:
    """The file handed to the editor: ``note.md`` in a folder named as its record."""
    return record.with_name(record.name[: -len(".json")]) / "note.md"


def _about(value: object) -> Fingerprint | None:
    """The fingerprint a draft file remembers (None in files of earlier versions); a field
    of the wrong type is left out rather than make the draft unreadable."""
    if not isinstance(value, dict):
        return None
    return Fingerprint(**{name: value[name] for name, kind in _ABOUT_FIELDS.items()
                          if type(value.get(name)) is kind})


class Drafts:
    """A profile's note drafts: this window's in memory, every window's read from disk
    when the folder changed."""

    def __init__(self, profile_dir: Path) -> None:
        self.folder = Path(profile_dir) / "drafts"
        self.warnings: list[str] = []
        self._owner = f"{os.getpid()}-{secrets.token_hex(3)}"
        self._mine: dict[str, Draft] = {}
        """Drafts this window wrote (or tried to), by paper key."""
        self._on_disk: dict[Path, Draft] = {}
        self._seen: int | None = None
        self._told: set[Path] = set()
        self._refresh()

    def _own_path(self, key: str) -> Path:
        return self.folder / f"{_hashed(key)}.{self._owner}.json"

    def _refresh(self) -> None:
        """Read the folder again when a file in it was written, renamed or removed."""
        try:
            seen = os.stat(self.folder).st_mtime_ns
        except OSError:
            self._on_disk, self._seen = {}, None
            return
        if seen == self._seen:
            return
        self._seen = seen
        found: dict[Path, Draft] = {}
        for name in sorted(os.listdir(self.folder)):
            if name.endswith(TEMP_SUFFIX) or not name.endswith(".json"):
                continue  # a write a kill interrupted; the draft before it is still there
            path = self.folder / name
            known = self._on_disk.get(path)
            by_editor = name.endswith(EDITOR_RECORD)  # its text is in the editor's file
            try:
                raw = path.read_bytes()
                if known is not None and known.raw == raw and not by_editor:
                    found[path] = known
                    continue
                value = json.loads(raw.decode("utf-8", "surrogatepass"))
                text, base = str(value["text"]), str(value.get("base", ""))
                if by_editor:
                    text = _editor_file(path).read_text(encoding="utf-8", errors="replace")
                    if text == base:
                        continue  # nothing typed in the editor: no draft to offer
                found[path] = Draft(str(value["key"]), text, base,
                                    str(value.get("title", "")), str(value.get("updated", "")),
                                    path, raw, _about(value.get("about")))
            except FileNotFoundError:
                continue  # removed as it was listed
            except (OSError, ValueError, KeyError, TypeError) as error:
                if path not in self._told:
                    self._told.add(path)
                    self.warnings.append(f"The note draft {path} could not be read ({error}); "
                                         "it is left where it is.")
        self._on_disk = found

    def _everyone(self) -> dict[str, list[Draft]]:
        self._refresh()
        drafts: dict[str, list[Draft]] = {}
        for draft in self._on_disk.values():
            if (mine := self._mine.get(draft.key)) is not None and mine.path == draft.path:
                continue
            drafts.setdefault(draft.key, []).append(draft)
        for key in list(self._mine):
            if (kept := self._still_mine(key)) is not None:
                drafts.setdefault(key, []).append(kept)
        return drafts

    def __len__(self) -> int:
        return len(self._everyone())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def _still_mine(self, key: str) -> Draft | None:
        """This window's draft of ``key``, unless another window removed its file: that
        window opened it and saved or kept what it became (see :meth:`supersede`)."""
        mine = self._mine.get(key)
        if mine is not None and mine.path is not None and not mine.path.exists():
            del self._mine[key]
            return None
        return mine

    def get(self, key: str) -> Draft | None:
        """The draft of one paper's note: this window's, else the newest on disk; or None."""
        if (mine := self._still_mine(key)) is not None:
            return mine
        others = self._everyone().get(key, [])
        return max(others, key=lambda draft: draft.updated) if others else None

    def all(self) -> list[Draft]:
        """Every draft on disk or kept in memory, oldest first."""
        return sorted((draft for drafts in self._everyone().values() for draft in drafts),
                      key=lambda draft: draft.updated)

    def written_here(self) -> list[Draft]:
        """The drafts this window wrote, oldest first."""
        mine = (self._still_mine(key) for key in list(self._mine))
        return sorted((draft for draft in mine if draft is not None), key=lambda d: d.updated)

    def unwritten(self) -> list[Draft]:
        """This window's drafts that are only in memory: the disk refused them."""
        return [draft for draft in self.written_here() if draft.path is None]

    def save(self, key: str, text: str, base: str, title: str = "", *,
             about: Fingerprint | None = None, durable: bool = False) -> None:
        """Keep ``text`` as this window's draft of ``key``'s note (replacing its previous one);
        ``about``: what the paper is, so the draft follows it if its key changes.

        Raises OSError when it cannot be written; the draft is still kept in memory.
        """
        draft = Draft(key, text, base, title, now_stamp(), about=about)
        self._mine[key] = draft
        self._write(draft, durable=durable)

    def _write(self, draft: Draft, *, durable: bool) -> None:
        raw = _encode(draft)
        path = self._own_path(draft.key)
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, raw, durable=durable)
        self._mine[draft.key] = replace(draft, path=path, raw=raw)

    def open_in_editor(self, key: str, text: str, base: str, title: str = "", *,
                       about: Fingerprint | None = None) -> Path:
        """A file holding ``text`` for the person's editor, kept with the drafts: should the
        reader die while the editor is open, what is saved in the file is a draft of
        ``key``'s note at the next start. :meth:`close_editor` removes it.

        Raises OSError when it cannot be written."""
        record = self.folder / f"{_hashed(key)}.{self._owner}{EDITOR_RECORD}"
        _editor_file(record).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(_editor_file(record), text.encode("utf-8", "surrogatepass"))
        atomic_write(record, _encode(Draft(key, text, base, title, now_stamp(), about=about)))
        return _editor_file(record)

    def close_editor(self, file: Path) -> None:
        """The editor is closed and its text taken: the file, its folder and record go."""
        record = file.parent.with_name(file.parent.name + ".json")
        self._unlink(record, record.name)

    def write_unwritten(self) -> list[Draft]:
        """Try again to write the drafts the disk refused; those it still refuses."""
        for draft in self.unwritten():
            try:
                self._write(draft, durable=True)
            except OSError as error:
                log.warning("could not write the draft of %s: %s", draft.key, error)
        return self.unwritten()

    def discard(self, key: str, opened: Draft | None = None) -> None:
        """Forget this window's draft of ``key`` (saved, or given up), and ``opened``, the
        draft the editor was opened with: see :meth:`supersede`."""
        mine = self._mine.pop(key, None)
        if mine is not None and mine.path is not None:
            self._unlink(mine.path, key)
        if opened is not None:
            self.supersede(opened)

    def supersede(self, opened: Draft) -> None:
        """Remove the file of ``opened``, another window's (or an earlier run's) draft this
        window's editor was opened with, if it is still as it was read: what this window
        keeps or saves now begins from it. Rewritten since, it is someone's newer text and
        stays."""
        if opened.path is None or opened.path == self._own_path(opened.key):
            return
        if opened.path.name.endswith(EDITOR_RECORD) and _writer_alive(opened.path):
            return  # its window's editor may still be open: its folder is where it saves
        try:
            if opened.path.read_bytes() != opened.raw:
                return
        except OSError:
            return
        self._unlink(opened.path, opened.key)

    @staticmethod
    def _unlink(path: Path, key: str) -> None:
        """Remove a draft's file (and the editor's folder, for a draft typed there: the
        record first, as without it the folder is no draft)."""
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            log.warning("could not remove the draft of %s: %s", key, error)
        if path.name.endswith(EDITOR_RECORD):
            shutil.rmtree(_editor_file(path).parent, ignore_errors=True)

    def rename(self, moves: dict[str, str]) -> int:
        """Carry drafts over to their papers' new keys (``old key -> new key``), as the
        papers' annotations are; how many moved. A draft already kept under the new key
        stays, and the moved one goes beside it."""
        moved = 0
        for old_key, drafts in self._everyone().items():
            if (new_key := moves.get(old_key)) is None or new_key == old_key:
                continue
            for draft in drafts:
                if draft.path is not None and draft.path.name.endswith(EDITOR_RECORD):
                    if _writer_alive(draft.path):
                        continue  # its window takes the note when its editor closes
                    # Its window is gone, maybe not its editor: the text stays in the file
                    # the editor saves to, and the record says whose note it is now.
                    try:
                        atomic_write(draft.path, _encode(replace(draft, key=new_key)), durable=True)
                    except OSError as error:
                        log.warning("could not move the draft of %s to %s: %s", old_key, new_key, error)
                        continue
                    moved += 1
                    continue
                moving = replace(draft, key=new_key, path=None, raw=b"")
                raw = _encode(moving)
                target = self.folder / f"{_hashed(new_key)}.{self._owner}.{secrets.token_hex(3)}.json"
                try:
                    atomic_write(target, raw, durable=True)
                    if draft.path is not None:
                        draft.path.unlink(missing_ok=True)
                except OSError as error:
                    log.warning("could not move the draft of %s to %s: %s", old_key, new_key, error)
                    continue
                if self._mine.get(old_key) is draft:
                    del self._mine[old_key]
                moved += 1
        return moved
