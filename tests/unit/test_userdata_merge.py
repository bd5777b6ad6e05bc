"""Issue 10, cases 4 and 7: changes merge per field, so nothing one side wrote is lost and
removals travel like additions; and profiles of the earlier format are upgraded intact."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from tests.helpers.folders import read_only
from tui.userdata import SaveError, UserData, shard_of
from tui.userdata.transfer import read_annotation_file

KEY = "arxiv:2104.08821"
OTHER = "arxiv:1810.04805"
V1 = Path(__file__).resolve().parents[1] / "data" / "userdata-v1"
"""A profile and an export written by the schema_version 1 code (before per-field merging)."""


def _shard(profile: Path, key: str) -> Path:
    return profile / "annotations" / f"{shard_of(key)}.json"


# ---------------------------------------------------------------- case 4: a pending change

def test_a_change_kept_while_read_only_merges_with_what_another_instance_wrote(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    a = UserData(profile)
    a.update(KEY, title="SimCSE", note="first thoughts", tags=["thesis"])
    b = UserData(profile)
    with read_only(profile / "annotations"):
        try:
            a.update(KEY, starred=True)  # "the change is kept and will be saved again"
        except SaveError:
            pass
        assert a.unsaved == 1
    b.update(KEY, add_tags=["from-b"], note="first thoughts, and more")  # newer, other fields
    a.flush()
    for view in (a, UserData(profile)):
        saved = view.get(KEY)
        assert saved.starred, "A's kept star was dropped when B's newer copy came in"
        assert saved.tags == ("from-b", "thesis") and saved.note == "first thoughts, and more"


def test_a_kept_removal_survives_another_instances_addition(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    a = UserData(profile)
    a.update(KEY, title="SimCSE", starred=True, tags=["thesis"])
    b = UserData(profile)
    with read_only(profile / "annotations"):
        try:
            a.update(KEY, starred=False, remove_tags=["thesis"])
        except SaveError:
            pass
    b.update(KEY, add_tags=["later-reading"])
    a.flush()
    saved = UserData(profile).get(KEY)
    assert not saved.starred and saved.tags == ("later-reading",)


# ---------------------------------------------------------------- case 7: removals travel

def _round_trip(tmp_path: Path, laptop: UserData, desktop: UserData) -> None:
    laptop.export(tmp_path / "laptop.json")
    desktop.export(tmp_path / "desktop.json")
    laptop.import_file(tmp_path / "desktop.json")
    desktop.import_file(tmp_path / "laptop.json")


def test_two_profiles_edited_apart_converge_to_the_union_with_removals_applied(tmp_path: Path) -> None:
    laptop = UserData(tmp_path / "laptop", "laptop")
    laptop.update(KEY, title="SimCSE", starred=True, tags=["thesis", "to-cite", "old"],
                  note="shared note", state="later")
    laptop.update(OTHER, title="BERT", tags=["baseline"], note="BERT note")
    laptop.export(tmp_path / "start.json")
    desktop = UserData(tmp_path / "desktop", "desktop")
    desktop.import_file(tmp_path / "start.json")

    laptop.update(KEY, remove_tags=["old"], add_tags=["laptop"])  # a removal and an addition
    laptop.update(OTHER, note="")  # a note removed
    desktop.update(KEY, add_tags=["desktop"], state="read")  # other tags, another field
    desktop.update(OTHER, starred=True)
    desktop.update(KEY, starred=False)  # a star removed on the other machine
    _round_trip(tmp_path, laptop, desktop)

    for side in (laptop, desktop, UserData(tmp_path / "laptop"), UserData(tmp_path / "desktop")):
        paper, other = side.get(KEY), side.get(OTHER)
        assert paper.tags == ("desktop", "laptop", "thesis", "to-cite"), side.profile_dir
        assert (paper.state, paper.starred, paper.note) == ("read", False, "shared note")
        assert other.note == "", "the removed note came back from the other machine"
        assert other.starred and other.tags == ("baseline",)
    assert dict(laptop.annotations()) == dict(desktop.annotations())

    # Converged: another round changes no file.
    before = {p: p.read_bytes() for p in (tmp_path / "laptop").rglob("annotations/*.json")}
    _round_trip(tmp_path, laptop, desktop)
    assert {p: p.read_bytes() for p in (tmp_path / "laptop").rglob("annotations/*.json")} == before


def test_the_same_field_changed_on_both_sides_keeps_the_later_change(tmp_path: Path) -> None:
    laptop, desktop = UserData(tmp_path / "laptop"), UserData(tmp_path / "desktop")
    laptop.update(KEY, note="written first on the laptop", add_tags=["a"])
    desktop.update(KEY, note="written later on the desktop")
    _round_trip(tmp_path, laptop, desktop)
    assert laptop.get(KEY).note == desktop.get(KEY).note == "written later on the desktop"
    assert laptop.get(KEY).tags == desktop.get(KEY).tags == ("a",)


def test_a_removal_travels_through_a_synced_folder(tmp_path: Path) -> None:
    """A sync tool replaces this computer's file by the other computer's version."""
    here, there = tmp_path / "here", tmp_path / "there"
    UserData(here).update(KEY, title="SimCSE", tags=["x", "keep"], starred=True)
    shutil.copytree(here, there)
    mine = UserData(here)
    mine.update(KEY, remove_tags=["x"])  # written to my file...
    UserData(there).update(KEY, add_tags=["y"])
    shutil.copy(_shard(there, KEY), _shard(here, KEY))  # ...which the sync then replaces
    mine.reload()
    mine.flush()
    for view in (mine, UserData(here)):
        assert view.get(KEY).tags == ("keep", "y"), "my removal was undone by the sync"
        assert view.get(KEY).starred


# ---------------------------------------------------------------- the earlier format

def _as_v1(annotation: object) -> tuple:
    return tuple(getattr(annotation, name) for name in
                 ("key", "starred", "tags", "note", "state", "title", "created", "updated"))


def test_a_profile_of_the_earlier_format_is_read_and_upgraded_without_loss(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    shutil.copytree(V1 / "profile", profile)
    records, problems = read_annotation_file(V1 / "export-v1.json")
    expected = [record.annotation for record in records]
    assert problems == [] and len(expected) == 44
    files = {p: p.read_bytes() for p in profile.rglob("*.json")}

    data = UserData(profile)
    assert data.warnings == []
    assert sorted(map(_as_v1, data.annotations().values())) == sorted(map(_as_v1, expected))
    assert {p: p.read_bytes() for p in profile.rglob("*.json")} == files, "reading wrote"

    shard = _shard(profile, KEY)
    old_bytes = shard.read_bytes()
    data.update(KEY, add_tags=["upgraded"])
    assert json.loads(shard.read_text(encoding="utf-8"))["schema_version"] >= 2
    kept = [p for p in profile.rglob("*.json") if p != shard and p.read_bytes() == old_bytes]
    assert kept and "backups" in kept[0].parts, "the earlier file was not backed up first"
    reopened = UserData(profile)
    assert reopened.get(KEY).tags == ("thesis", "to-cite", "upgraded")
    assert reopened.get("title:3f2a9c1b0d4e").note == "pasted \ud800 half a surrogate, \u202e bidi"
    others = sorted(_as_v1(a) for a in reopened.annotations().values() if a.key != KEY)
    assert others == sorted(_as_v1(a) for a in expected if a.key != KEY)


def test_an_export_of_the_earlier_format_merges_per_field(tmp_path: Path) -> None:
    data = UserData(tmp_path / "profile")
    report = data.import_file(V1 / "export-v1.json")
    assert report.added == 44 and report.problems == []
    data.update(KEY, remove_tags=["to-cite"])
    again = data.import_file(V1 / "export-v1.json")  # the old export is older: nothing returns
    assert again.added == 0 and data.get(KEY).tags == ("thesis",)
    digest = hashlib.sha256(_shard(tmp_path / "profile", KEY).read_bytes()).hexdigest()
    data.import_file(V1 / "export-v1.json")
    assert hashlib.sha256(_shard(tmp_path / "profile", KEY).read_bytes()).hexdigest() == digest
