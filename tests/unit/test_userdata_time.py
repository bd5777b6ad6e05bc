"""Issue 10, case 6: time never crashes anything. Any timestamp in a shard, a backup's
name or an imported file is accepted or set aside with a message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import run
from tui.userdata import UserData, shard_of

KEY = "arxiv:2104.08821"


def _write_shard(profile: Path, key: str, **fields: object) -> Path:
    doc = {"key": key, "title": "SimCSE", "starred": True, "tags": ["thesis"], "note": "kept",
           "state": "read", "created": "2024-05-01T10:00:00.000000Z",
           "updated": "2024-05-01T10:00:00.000000Z", **fields}
    path = profile / "annotations" / f"{shard_of(key)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"annotations": {key: doc}, "schema_version": 1}), encoding="utf-8")
    return path


ODD_TIMES = {
    "year-1-east-of-utc": "0001-01-01T00:30:00+01:00",
    "year-9999": "9999-12-31T23:59:59.999999Z",
    "naive": "2024-05-01T10:00:00",
    "garbage": "yesterday at noon",
    "impossible": "2024-13-45T10:00:00Z",
}


@pytest.mark.parametrize("stamp", list(ODD_TIMES.values()), ids=list(ODD_TIMES))
def test_an_odd_time_in_a_shard_never_stops_the_profile(tmp_path: Path, stamp: str) -> None:
    profile = tmp_path / "profile"
    _write_shard(profile, KEY, updated=stamp, created=stamp)
    data = UserData(profile)
    kept = data.get(KEY)
    if kept is None:  # set aside: then the person is told where it went
        assert data.warnings and any("moved" in w or "set aside" in w for w in data.warnings)
    else:
        assert kept.note == "kept" and kept.starred and kept.tags == ("thesis",)
    data.update(KEY, note="edited after", add_tags=["new"])  # later edits work and win
    reopened = UserData(profile)
    assert reopened.get(KEY).note == "edited after" and "new" in reopened.get(KEY).tags


def test_every_command_runs_on_a_profile_with_a_year_one_time(capsys: pytest.CaptureFixture[str]) -> None:
    from tui import paths

    _write_shard(paths.profile_dir("tester"), KEY, updated="0001-01-01T00:30:00+01:00")
    for argv in (["stats"], ["search", "simcse"], ["annotate", f"key:{KEY}", "--star"]):
        status = run(argv)
        assert status in (0, 1), capsys.readouterr()
        assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59.999999Z", "0001-01-01T00:30:00+01:00",
                                   "2024-05-01T10:00:00", "not a time"])
def test_an_imported_annotation_with_an_odd_time_can_still_be_edited(tmp_path: Path, stamp: str) -> None:
    source = tmp_path / "other-machine.json"
    source.write_text(json.dumps({"annotations": [{"key": KEY, "note": "from elsewhere",
                                                   "updated": stamp}], "schema_version": 1}),
                      encoding="utf-8")
    data = UserData(tmp_path / "profile")
    report = data.import_file(source)
    assert report.added == 1 or report.problems, "neither taken in nor reported"
    data.update(KEY, note="mine, written after the import")
    assert UserData(tmp_path / "profile").get(KEY).note == "mine, written after the import"
    data.export(tmp_path / "back.json")
    again = UserData(tmp_path / "third")
    again.import_file(source)
    again.import_file(tmp_path / "back.json")
    assert again.get(KEY).note == "mine, written after the import", "the odd time won the merge"


@pytest.mark.parametrize("name", ["99991231T235959999999Z", "20241399T999999999999Z"],
                         ids=["future", "impossible"])
def test_an_odd_backup_name_neither_stops_saves_nor_new_backups(tmp_path: Path, name: str) -> None:
    profile = tmp_path / "profile"
    UserData(profile).update(KEY, starred=True)
    odd = profile / "backups" / f"{shard_of(KEY)}-{name}.json"
    odd.write_bytes((profile / "annotations" / f"{shard_of(KEY)}.json").read_bytes())
    data = UserData(profile, backup_every=0, backups_kept=3)
    for number in range(5):
        data.update(KEY, note=f"version {number}")
    assert UserData(profile).get(KEY).note == "version 4"
    newest = [p for p in data.backups.copies(shard_of(KEY)) if p != odd][0]
    assert "version 4" in newest.read_text(encoding="utf-8"), "new backups stopped"
