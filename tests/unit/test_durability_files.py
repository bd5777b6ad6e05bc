"""Promises 3, 5 and 8: damaged files are never overwritten, reads never write, and
annotation files from two machines merge per paper with nothing dropped."""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path

import pytest

from tests.helpers.folders import read_only
from tui.model import Annotation
from tui.userdata import SaveError, UserData, shard_of
from tui.userdata.storage import decode_annotations
from tui.userdata.transfer import export_payload

KEY = "arxiv:2104.08821"
NEIGHBOUR = next(f"doi:10.1/{n}" for n in range(10_000) if shard_of(f"doi:10.1/{n}") == shard_of(KEY))
"""Another paper in the same shard file as KEY."""

DAMAGE = {
    "empty": b"",
    "null": b"null",
    "list": b"[1]",
    "truncated": b'{\n  "annotations": {\n    "arxiv:2104.08821": {\n      "created": "20',
    "newer-schema": b'{"annotations": {}, "schema_version": 3}',
    "wrong-types": (b'{"annotations": {"arxiv:2104.08821": {"key": "arxiv:2104.08821", '
                    b'"starred": "yes"}}, "schema_version": 1}'),
}


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _fingerprint(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Content hash, inode and mtime of every file: even rewriting the same bytes shows."""
    return {name: (digest, (folder / name).stat().st_ino, (folder / name).stat().st_mtime_ns)
            for name, digest in _hashes(folder).items()}


def _profile_with_backups(folder: Path) -> UserData:
    """A profile whose shard of KEY has been written a few times, so it has backups."""
    data = UserData(folder, backup_every=0)
    data.update(KEY, title="SimCSE", starred=True, tags=["thesis"])
    data.update(NEIGHBOUR, title="Neighbour", note="first")
    data.update(NEIGHBOUR, note="second")
    return data


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damaged_data_is_never_overwritten(tmp_path: Path, damage: str) -> None:
    profile = tmp_path / "profile"
    _profile_with_backups(profile)
    shard = profile / "annotations" / f"{shard_of(KEY)}.json"
    shard.write_bytes(DAMAGE[damage])

    data = UserData(profile)
    moved = list(shard.parent.glob(f"{shard.name}.broken-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == DAMAGE[damage], "the damaged file was not kept"
    assert len(data.warnings) == 1
    warning = data.warnings[0]
    assert str(shard) in warning and str(moved[0]) in warning and warning.count(". ") == 0
    _, _, backup = data.damaged[0]
    assert backup is not None and str(backup) in warning, "the last good backup was not offered"

    data.update(KEY, note="written after the damage")  # a new file, never over the kept one
    assert moved[0].read_bytes() == DAMAGE[damage]
    report = data.restore_backups()
    assert report.problems == [] and report.added == 1  # the neighbour comes back
    assert data.get(NEIGHBOUR).note == "second"
    # Per field: the backup brings back KEY's star and tag, and never beats the newer note.
    assert report.updated == 1, "the backed-up KEY must be counted, not silently dropped"
    assert data.get(KEY).note == "written after the damage", "the backup beat a newer change"
    assert data.get(KEY).starred and data.get(KEY).tags == ("thesis",)


def test_damage_that_appears_while_running_loses_nothing_known(tmp_path: Path) -> None:
    """A sync tool writes garbage over a shard while the app is open: it is moved aside
    and what the app knew of that shard is written back."""
    profile = tmp_path / "profile"
    data = _profile_with_backups(profile)
    shard = profile / "annotations" / f"{shard_of(KEY)}.json"
    shard.write_bytes(DAMAGE["truncated"])
    data.update(KEY, state="read")
    assert [p.read_bytes() for p in shard.parent.glob("*.broken-*")] == [DAMAGE["truncated"]]
    reopened = UserData(profile)
    assert reopened.get(KEY).state == "read" and reopened.get(KEY).starred
    assert reopened.get(NEIGHBOUR).note == "second"
    assert len(data.warnings) == 1 and reopened.warnings == []


def test_a_damaged_file_that_cannot_be_moved_aside_is_left_alone(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    _profile_with_backups(profile)
    shard = profile / "annotations" / f"{shard_of(KEY)}.json"
    shard.write_bytes(DAMAGE["truncated"])
    with read_only(shard.parent):
        data = UserData(profile)
        assert len(data.warnings) == 1 and str(shard) in data.warnings[0]
        assert "nothing will be saved over it" in data.warnings[0]
        with pytest.raises(SaveError, match="damaged"):
            data.update(KEY, note="kept in memory")
        assert shard.read_bytes() == DAMAGE["truncated"]
    data.update(KEY, starred=True)  # writable again: moved aside first, then saved
    assert [p.read_bytes() for p in shard.parent.glob("*.broken-*")] == [DAMAGE["truncated"]]
    assert UserData(profile).get(KEY).note == "kept in memory"


def test_every_backup_parses_and_rotation_keeps_five(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    data = UserData(profile, backup_every=0, backups_kept=5)
    for number in range(12):
        data.update(KEY, note=f"version {number}")
        data.update(NEIGHBOUR, starred=bool(number % 2))
    backups = data.backups.all_copies()
    assert len(backups) == 5, "rotation should keep the newest five copies of the shard"
    for backup in backups:
        json.loads(backup.read_text(encoding="utf-8"))
        assert KEY in decode_annotations(backup.read_bytes())
    newest = decode_annotations(data.backups.copies(shard_of(KEY))[0].read_bytes())
    assert newest[KEY].note == "version 11"  # the copy taken just before the last write


def test_backups_are_not_taken_more_often_than_asked(tmp_path: Path) -> None:
    data = UserData(tmp_path / "profile", backup_every=3600)
    for number in range(5):
        data.update(KEY, note=f"version {number}")
    assert len(data.backups.all_copies()) == 1
    assert len(UserData(tmp_path / "profile", backup_every=3600).backups.all_copies()) == 1


def test_reads_never_modify_user_data(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    _profile_with_backups(profile).update("doi:10.9/x", note="elsewhere", state="later")
    export_source = tmp_path / "other-machine.json"
    other = UserData(tmp_path / "other")
    other.update("arxiv:9999.00001", starred=True)
    other.export(export_source)
    before, source_before = _fingerprint(profile), _fingerprint(tmp_path / "other")
    export_before = export_source.read_bytes()

    data = UserData(profile)
    data.get(KEY), data.annotations(), data.all_tags(), data.reload()
    data.export(tmp_path / "export.json")
    UserData(tmp_path / "third").import_file(export_source)  # importing reads its source only
    data.close()

    assert _fingerprint(profile) == before, "opening, reading or exporting changed the profile"
    assert _fingerprint(tmp_path / "other") == source_before
    assert export_source.read_bytes() == export_before


def _stamp(day: int) -> str:
    return f"2024-05-{day:02d}T10:00:00.000000Z"


def _annotation(key: str, day: int, **fields: object) -> Annotation:
    return Annotation(key=key, title=key.upper(), created=_stamp(1), updated=_stamp(day), **fields)  # type: ignore[arg-type]


def _machine(folder: Path, name: str, annotations: list[Annotation]) -> UserData:
    """A profile holding exactly these annotations, as another machine would."""
    source = folder / f"{name}-start.json"
    source.write_bytes(export_payload(name, annotations))
    data = UserData(folder / name, name)
    data.import_file(source)
    return data


def test_annotation_files_merge(tmp_path: Path) -> None:
    laptop = _machine(tmp_path, "laptop", [
        _annotation("p:both-laptop-newer", 5, note="laptop"),
        _annotation("p:both-desktop-newer", 3, starred=True),
        _annotation("p:only-laptop", 2, tags=("thesis",))])
    desktop = _machine(tmp_path, "desktop", [
        _annotation("p:both-laptop-newer", 4, note="desktop"),
        _annotation("p:both-desktop-newer", 6, state="read"),
        _annotation("p:only-desktop", 2, state="later")])
    laptop.export(tmp_path / "laptop.json")
    desktop.export(tmp_path / "desktop.json")

    to_laptop = laptop.import_file(tmp_path / "desktop.json")
    to_desktop = desktop.import_file(tmp_path / "laptop.json")
    assert (to_laptop.added, to_laptop.updated, to_laptop.kept, to_laptop.problems) == (1, 1, 1, [])
    assert (to_desktop.added, to_desktop.updated, to_desktop.kept, to_desktop.problems) == (1, 1, 1, [])
    assert dict(laptop.annotations()) == dict(desktop.annotations()), "the machines disagree"
    merged = laptop.annotations()
    assert len(merged) == 4, "a paper was dropped"
    assert merged["p:both-laptop-newer"].note == "laptop"
    assert merged["p:both-desktop-newer"].state == "read" and not merged["p:both-desktop-newer"].starred

    # Importing again changes nothing, byte for byte.
    before = _hashes(tmp_path / "laptop")
    again = laptop.import_file(tmp_path / "desktop.json")
    assert (again.added, again.updated, again.kept, again.unchanged) == (0, 0, 1, 2)
    assert _hashes(tmp_path / "laptop") == before

    # The file is stable and sorted: exporting twice gives the same bytes, keys in order,
    # and one paper's change touches only that paper's lines.
    laptop.export(tmp_path / "a.json")
    laptop.export(tmp_path / "b.json")
    first = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert first == (tmp_path / "b.json").read_text(encoding="utf-8")
    keys = [a["key"] for a in json.loads(first)["annotations"]]
    assert keys == sorted(keys)
    assert first == json.dumps(json.loads(first), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    laptop.update("p:only-desktop", note="one more thought")
    laptop.export(tmp_path / "c.json")
    changed = [line for line in difflib.unified_diff(first.splitlines(), (tmp_path / "c.json").read_text(
        encoding="utf-8").splitlines(), lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    now = laptop.get("p:only-desktop").updated
    assert '+      "note": "one more thought",' in changed and f'+      "updated": "{now}"' in changed
    before_doc, after_doc = ([d for d in json.loads(text)["annotations"] if d["key"] == "p:only-desktop"][0]
                             for text in (first, (tmp_path / "c.json").read_text(encoding="utf-8")))
    own_lines = {line.strip() for doc in (before_doc, after_doc)
                 for line in json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).splitlines()}
    assert all(line[1:].strip() in own_lines for line in changed), "other papers' lines changed"


def test_import_reports_each_bad_record_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "annotations.json"
    good = {"key": "arxiv:1", "starred": True, "updated": _stamp(3)}
    source.write_text(json.dumps({"annotations": [good, {"key": "arxiv:2", "state": "maybe"},
                                                  {"starred": True}, good | {"key": "arxiv:3"}],
                                  "schema_version": 1}, indent=2), encoding="utf-8")
    data = UserData(tmp_path / "profile")
    report = data.import_file(source)
    assert (report.added, len(report.problems)) == (2, 2)
    text_lines = source.read_text(encoding="utf-8").splitlines()
    first, second = report.problems
    assert str(first).startswith(f"{source}:{first.line}:") and "state" in first.message
    assert '"key": "arxiv:2"' in "".join(text_lines[first.line - 1:first.line + 2])
    assert "key" in second.message and second.line > first.line
    assert data.get("arxiv:1").starred and data.get("arxiv:3") is not None


@pytest.mark.parametrize("content, expected", [
    ("{not json", ":1: is not valid JSON"),
    ('{"annotations": [], "schema_version": 9}', "newer papertray"),
    ('"hello"', "not an annotation file"),
])
def test_import_of_an_unreadable_file_says_why_and_changes_nothing(tmp_path: Path, content: str,
                                                                    expected: str) -> None:
    source = tmp_path / "bad.json"
    source.write_text(content, encoding="utf-8")
    data = UserData(tmp_path / "profile")
    report = data.import_file(source)
    assert len(report.problems) == 1 and expected in str(report.problems[0])
    assert len(data) == 0 and not (tmp_path / "profile").exists()
