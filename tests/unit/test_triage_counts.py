"""One count of triage states, shared by the reader's header and ``papertray stats``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import run
from tui.model import Paper
from tui.store import Store
from tui.triage import Triage, count_states
from tui.userdata import UserData


def _store(count: int) -> Store:
    return Store([Paper(key=f"arxiv:2301.{n:05d}", title=f"Paper {n}") for n in range(count)],
                 label="ten papers")


def test_counts_cover_only_papers_in_the_store(tmp_path: Path) -> None:
    store = _store(10)
    with UserData(tmp_path / "profile", "tester") as data:
        data.update_many([(p.key, p.title) for p in store.papers[:3]], state="read")
        data.update(store[3].key, starred=True)  # starred, still in the inbox
        data.update(store[4].key, state="later", tags=["thesis"])
        data.update("arxiv:1999.00001", state="skipped", starred=True)  # left the store
        counts = count_states(data.annotations(), store)
        assert counts == {"inbox": 6, "later": 1, "read": 3, "skipped": 0, "starred": 1,
                          "annotated": 5, "total": 10}
        assert Triage(store, data).counts == counts, "the reader counts another way"


def test_stats_and_the_reader_agree(seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["annotate", "simcse", "--state", "later", str(seed_path)]) == 0
    assert run(["annotate", "japanese simcse", "--star", str(seed_path)]) == 0
    capsys.readouterr()
    assert run(["stats", "--json", str(seed_path)]) == 0
    shown = json.loads(capsys.readouterr().out)["triage"]
    from tui.store import open_store

    store = open_store([seed_path])
    with UserData.open() as data:
        assert shown == Triage(store, data).counts
    assert shown["starred"] == 1 and shown["later"] >= 2 and shown["total"] == 119
