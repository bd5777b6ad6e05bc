"""The store cache: a big store is parsed once, then read back from compact shards.

Every test forces the cache on small generated stores (the real threshold is a few MB),
and checks what a person would notice: the same papers, problems and search results as
a direct read, files re-read only when they changed, and damaged cache files rebuilt.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

import tui.store.files as store_module
from tui import cache
from tui.bench.synthetic import write_jsonl
from tui.cache.container import FORMAT_VERSION
from tui.model import Annotation, Paper
from tui.search import SearchEngine
from tui.search.cached import load_index, open_engine, segment_paths
from tui.store import Store, open_store
from tui.store import cache as store_cache
from tui.store import files as store_files
from tui.store.base import PaperText
from tui.store.compact import CompactStore


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts how often each file is parsed."""
    counter: Counter = Counter()
    real = store_module.read_file

    def counting(path, *args, **kwargs):
        counter[Path(path).name] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(store_module, "read_file", counting)
    return counter


@pytest.fixture
def three_files(tmp_path: Path) -> list[Path]:
    """Three JSON Lines files; the second repeats 50 papers of the first with more fields."""
    folder = tmp_path / "store"
    first = write_jsonl(folder / "a.jsonl", 300, seed=1)
    lines = first.read_text(encoding="utf-8").splitlines()
    repeats = []
    for line in lines[:50]:
        record = json.loads(line)
        record.update({"journal-ref": "Journal of Repeats 7", "doi": "10.1/" + record["id"]})
        repeats.append(json.dumps(record))
    second = folder / "b.jsonl"
    second.write_text("\n".join(repeats) + "\nnot json at all\n", encoding="utf-8")
    third = write_jsonl(folder / "c.jsonl", 200, seed=2)
    return [first, second, third]


def _same(cached: Store, plain: Store) -> None:
    assert isinstance(cached, CompactStore) and not isinstance(plain, CompactStore)
    assert len(cached) == len(plain)
    assert list(cached) == list(plain.papers)  # every field of every paper, in order
    # What the index is built from: the same papers' text, merged ones too.
    assert list(cached.walk_texts()) == [PaperText.of(p) for p in plain.papers]
    assert [cached[i] for i in range(0, len(plain), 7)] == list(plain.papers[::7])
    assert cached.problems == plain.problems
    assert cached.source_counts == plain.source_counts
    assert cached.label == plain.label
    for i in range(0, len(plain), 11):
        assert cached.index_of(plain[i].key) == i
        assert cached.get(plain[i].key) == plain[i]


def test_cached_store_gives_the_same_papers_problems_and_searches(three_files: list[Path]) -> None:
    plain = open_store(three_files, cache=False)
    cold = open_store(three_files, cache=True)
    warm = open_store(three_files, cache=True)
    _same(cold, plain)
    _same(warm, plain)
    assert any(p.venue == "Journal of Repeats 7" for p in plain)  # merged from b.jsonl
    assert [p.line for p in warm.problems] == [51]
    assert warm.index_of("arxiv:0000.00000") is None and warm.get("nope") is None
    engine = SearchEngine(plain)
    cached_engine = open_engine(warm)
    notes = {plain[i].key: Annotation(plain[i].key, starred=i % 2 == 0, tags=("x",),
                                      state="read" if i % 3 else "later")
             for i in range(0, len(plain), 9)}
    notes["arxiv:9999.99999"] = Annotation("arxiv:9999.99999", starred=True)  # not in the store
    for query in ("contrastive learning", "year:2020..2023 model", '"sentence embeddings"',
                  "abs:retrieval", "venue:repeats", "-cat:cs.CL learning", "is:starred",
                  "is:inbox learning", "tag:x -is:read", "is:later"):
        expected = [h.paper for h in engine.search(query, notes, limit=20)]
        assert expected or query.startswith("venue"), query
        assert [h.paper for h in cached_engine.search(query, notes, limit=20)] == expected, query


def test_second_open_parses_nothing(three_files: list[Path], reads: Counter) -> None:
    open_store(three_files, cache=True)
    assert reads == {"a.jsonl": 1, "b.jsonl": 1, "c.jsonl": 1}
    reads.clear()
    store = open_store(three_files, cache=True)
    assert reads == {} and len(store) == len(open_store(three_files, cache=False))


def test_touching_one_file_parses_that_file_alone(three_files: list[Path], reads: Counter) -> None:
    before = open_store(three_files, cache=True)
    reads.clear()
    third = three_files[2]
    with third.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"title": "A Paper Added Later", "year": 2024}) + "\n")
    stat = third.stat()
    os.utime(third, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = open_store(three_files, cache=True)
    assert reads == {"c.jsonl": 1}
    assert len(after) == len(before) + 1 and after[-1].title == "A Paper Added Later"
    assert after.signature != before.signature
    reads.clear()
    # Same size and content, new time: still re-read (the time is part of the key).
    os.utime(three_files[0], ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000))
    open_store(three_files, cache=True)
    assert reads == {"a.jsonl": 1}


def _shard_of(path: Path) -> Path:
    return cache.shard_path(path.resolve())


def _damage_truncate(cache_file: Path) -> None:
    data = cache_file.read_bytes()
    cache_file.write_bytes(data[: len(data) // 2])


def _damage_middle(cache_file: Path) -> None:
    data = bytearray(cache_file.read_bytes())
    middle = len(data) // 3
    data[middle:middle + 64] = os.urandom(64)
    cache_file.write_bytes(bytes(data))


def _damage_garbage(cache_file: Path) -> None:
    cache_file.write_bytes(os.urandom(cache_file.stat().st_size))


def _damage_version(cache_file: Path) -> None:
    data = cache_file.read_bytes()
    old = f'"version": {FORMAT_VERSION}'.encode()
    assert old in data
    # Same length, valid header checksum is recomputed: only the version differs.
    import struct
    import zlib

    tail = struct.Struct("<8sQQI4x")
    magic, offset, length, _ = tail.unpack(data[-tail.size:])
    header = data[offset:offset + length].replace(old, f'"version": {FORMAT_VERSION + 1}'.encode())
    cache_file.write_bytes(data[:offset] + header
                           + tail.pack(magic, offset, len(header), zlib.crc32(header)))


def _damage_empty(cache_file: Path) -> None:
    cache_file.write_bytes(b"")


DAMAGE = [_damage_truncate, _damage_middle, _damage_garbage, _damage_version, _damage_empty]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.removeprefix("_damage_"))
def test_a_damaged_shard_is_parsed_again_not_trusted(three_files: list[Path], reads: Counter,
                                                      damage) -> None:
    plain = open_store(three_files, cache=False)
    open_store(three_files, cache=True)
    reads.clear()
    damage(_shard_of(three_files[0]))
    store = open_store(three_files, cache=True)
    assert reads == {"a.jsonl": 1}
    _same(store, plain)
    reads.clear()
    _same(open_store(three_files, cache=True), plain)  # and the rebuilt one is used again
    assert reads == {}


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.removeprefix("_damage_"))
def test_a_damaged_index_is_rebuilt_not_trusted(three_files: list[Path], damage) -> None:
    store = open_store(three_files, cache=True)
    expected = [h.paper for h in open_engine(store).search("learning model", limit=30)]
    where = segment_paths(store)[0]
    assert where.exists() and load_index(store) is not None
    damage(where)
    assert load_index(store) is None
    engine = open_engine(store)  # rebuilt and saved again
    assert [h.paper for h in engine.search("learning model", limit=30)] == expected
    assert load_index(store) is not None


def test_an_unusual_paper_survives_the_cache_exactly(tmp_path: Path) -> None:
    """Separators, empty names, lone surrogates and long text come back as they went in."""
    odd = [
        Paper(key="title:000000000001", title="Odd \x1f title \x1e here", authors=("", "B"),
              year=-5, abstract="x" * 200_000, categories=("a\x1eb",), source="elsewhere:3"),
        Paper(key="title:000000000002", title="Surrogate \udc80 kept", authors=("Ann Lee",),
              year=None, abstract="", source="no line"),
    ]
    _assert_read_back_as_written(odd, tmp_path)


def _assert_read_back_as_written(papers: list[Paper], tmp_path: Path) -> None:
    """Each paper written to a shard is read back equal to itself, one by one and walked."""
    from tui.store.shard import Shard, ShardWriter

    where = tmp_path / "odd.ptc"
    writer = ShardWriter(where, "file.txt", {})
    for paper in papers:
        writer.add(paper)
    writer.commit(True, [])
    shard = Shard(where, "file.txt")
    assert [shard.paper(row) for row in range(len(papers))] == papers
    assert list(shard.papers(0, len(papers))) == papers
    assert list(shard.texts(0, len(papers))) == [PaperText.of(p) for p in papers]


_PLAIN = Paper(key="doi:10.1/plain", title="Plain", authors=("Ann Lee", "Bo Li"), year=2020,
               venue="Venue", doi="10.1/plain", categories=("cs.LG", "cs.CL"),
               fields=(("volume", "3"), ("pages", "1--2")), source="file.txt:1")


@pytest.mark.parametrize("odd", [
    {"title": "a \x1f b"}, {"title": "a \x1e b"}, {"title": "\x00 first"}, {"venue": "v\x1fw"},
    {"doi": "10.1/\x1e"}, {"authors": ("Ann\x1eLee",)}, {"authors": ("Ann", "")},
    {"authors": ("\x1f",)}, {"categories": ("",)}, {"categories": ("a\x1fb", "c")},
    {"fields": (("no=te", "x"),)}, {"fields": (("", "x"),)}, {"fields": (("note", "a\x1eb"),)},
    {"fields": (("note", "a=b"), ("x", "y\x1f"))}, {"source": "elsewhere\x1f:3"},
], ids=repr)
def test_a_separator_anywhere_in_a_paper_comes_back_as_it_went_in(tmp_path: Path, odd) -> None:
    """Each field alone holding what the cache's rows use to separate fields, or an empty
    name: the paper read back is the paper written (and a plain one beside it too)."""
    from dataclasses import replace

    _assert_read_back_as_written([_PLAIN, replace(_PLAIN, key="doi:10.1/odd", **odd)], tmp_path)


def test_small_stores_skip_the_cache_and_big_ones_use_it(tmp_path: Path, monkeypatch) -> None:
    small = write_jsonl(tmp_path / "small.jsonl", 50, seed=4)
    assert not isinstance(open_store(small), CompactStore)
    assert not (cache.root() / "shards").exists()
    monkeypatch.setattr(store_files, "CACHE_MIN_BYTES", 1000)
    assert isinstance(open_store(small), CompactStore)
    assert isinstance(open_store(small, cache=False), Store)
    assert not isinstance(open_store(small, cache=False), CompactStore)


def test_an_unwritable_cache_folder_reads_the_files_directly(three_files: list[Path],
                                                             monkeypatch) -> None:
    blocker = Path(os.environ["PAPERTRAY_CACHE_DIR"])
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the cache folder should be")
    store = open_store(three_files, cache=True)
    assert not isinstance(store, CompactStore)
    assert len(store) == 499 and [p.line for p in store.problems] == [None, 51]
    assert "cache folder cannot be written" in store.problems[0].message


def test_forgetting_a_store_makes_the_next_open_parse_and_index_again(three_files, reads) -> None:
    store = open_store(three_files, cache=True)
    open_engine(store)
    assert load_index(store) is not None
    cache.forget(three_files)
    assert load_index(store) is None
    reads.clear()
    open_store(three_files, cache=True)
    assert reads == {"a.jsonl": 1, "b.jsonl": 1, "c.jsonl": 1}


def test_triage_counts_are_the_same_over_a_cached_store(three_files, tmp_path: Path) -> None:
    from tui.triage import Triage
    from tui.userdata import UserData

    plain = open_store(three_files, cache=False)
    cached = open_store(three_files, cache=True)
    userdata = UserData(tmp_path / "profile", "tester")
    try:
        userdata.update_many(((p.key, p.title) for p in plain.papers[:30]), state="read")
        userdata.update(plain[40].key, starred=True)
        userdata.update("title:000000000000", starred=True, state="later")  # left the store
        counts = Triage(cached, userdata).counts
        assert counts == Triage(plain, userdata).counts
        assert counts["read"] == 30 and counts["starred"] == 1 and counts["later"] == 0
    finally:
        userdata.close()


def test_pruning_drops_old_indexes_and_shards_of_vanished_files(tmp_path: Path, monkeypatch) -> None:
    files = [write_jsonl(tmp_path / f"s{i}.jsonl", 60, seed=i) for i in range(3)]
    for i, file in enumerate(files):
        open_engine(open_store(file, cache=True))
        [where] = segment_paths(open_store(file, cache=True))
        os.utime(where, (1_000_000 + i, 1_000_000 + i))  # older stores were used long ago
    monkeypatch.setattr(cache, "KEEP_SEGMENTS", 1)
    files[0].unlink()
    old_whole_index = cache.root() / "index" / "0123456789abcdef01234567.ptc"  # before segments
    old_whole_index.parent.mkdir(parents=True, exist_ok=True)
    old_whole_index.write_bytes(b"an index of an older version")
    cache.prune(keep=1)
    assert not old_whole_index.exists()
    assert [p.name for p in (cache.root() / "segments").glob("*.ptc")] == [
        segment_paths(open_store(files[2], cache=True))[0].name]
    shards = {p.name for p in (cache.root() / "shards").glob("*.ptc")}
    assert shards == {_shard_of(files[1]).name, _shard_of(files[2]).name}


def test_adding_a_file_resolves_only_the_records_linked_to_it(three_files: list[Path],
                                                               monkeypatch) -> None:
    """The merge of a big store is worked out once; a file added after its files costs
    only the records that share a key, DOI or title with the new ones, and gives exactly
    the papers and merges a full resolution gives."""
    from tui.store.shard import Shard

    open_store(three_files[:2], cache=True)  # a and b: 50 repeats merged, kept in the cache
    records = [json.loads(line) for line in three_files[0].read_text(encoding="utf-8").splitlines()]
    linked = dict(records[60], doi="10.9/new", abstract="")  # joins a paper of a.jsonl
    extra = three_files[0].parent / "d.jsonl"
    extra.write_text(json.dumps(linked) + "\n" + three_files[2].read_text(encoding="utf-8"),
                     encoding="utf-8")
    read: list[int] = []
    real = Shard.paper_without_abstract
    monkeypatch.setattr(Shard, "paper_without_abstract",
                        lambda self, row: read.append(row) or real(self, row))
    store = open_store([*three_files[:2], extra], cache=True)
    assert len(read) <= 2 + 2 * 5  # the new record and its paper (and a few c-like twins)
    full = store._resolve()
    assert store.resolved == full
    assert [str(m) for m in store.merges] == [str(m) for m in full[2]]
    assert [m.kept for m in store.merges if m.merged.endswith("d.jsonl:1")] == [store[60].source]


def test_files_parsed_on_both_cores_give_the_same_store(three_files: list[Path], monkeypatch,
                                                        reads: Counter) -> None:
    """A helper process parses some files of a big store while this one parses others;
    the store is the same as one read directly, and the next open parses nothing."""
    monkeypatch.setattr(store_cache, "HELPER_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    steps: list[tuple[int, int]] = []
    cold = open_store(three_files, cache=True, progress=lambda done, total: steps.append((done, total)))
    _same(cold, open_store(three_files, cache=False))
    assert steps[-1][0] == steps[-1][1] == sum(f.stat().st_size for f in three_files)
    reads.clear()
    _same(open_store(three_files, cache=True), open_store(three_files, cache=False))
    assert reads == {"a.jsonl": 1, "b.jsonl": 1, "c.jsonl": 1}  # (the direct reads only)


def _met_by_a_second(real, helped: list[str]):
    """``real``, whose first two calls made on other threads wait for each other (one
    thread alone never gets past: BrokenBarrierError); each such call noted in ``helped``."""
    import threading

    barrier = threading.Barrier(2, timeout=30)

    def meeting(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            helped.append(real.__name__)
            if len(helped) <= 2:
                barrier.wait()
        return real(*args, **kwargs)

    return meeting


def test_a_warm_open_checks_shards_and_segments_on_both_cores(three_files: list[Path], monkeypatch,
                                                              reads: Counter) -> None:
    """Opening the cache files is shared between threads; a damaged file among them is
    still found and only it parsed again, and papers and results are the same."""
    import tui.search.cached as cached_module
    from tui.store import shard as shard_module

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(store_cache, "HELPER_BYTES", 1 << 40)  # parsing stays here
    plain = open_store(three_files, cache=False)
    cold = open_store(three_files, cache=True)
    expected = [h.paper for h in open_engine(cold).search("learning model", limit=30)]
    _damage_middle(_shard_of(three_files[2]))
    shards: list[str] = []
    segments: list[str] = []
    monkeypatch.setattr(store_cache, "Shard", _met_by_a_second(shard_module.Shard, shards))
    monkeypatch.setattr(cached_module, "load_segment",
                        _met_by_a_second(cached_module.load_segment, segments))
    reads.clear()
    store = open_store(three_files, cache=True)
    assert reads == {"c.jsonl": 1}
    _same(store, plain)
    assert [h.paper for h in open_engine(store).search("learning model", limit=30)] == expected
    assert len(shards) == 3 and len(segments) == len(segment_paths(store))  # all off this thread


def test_a_store_with_no_merges_is_not_resolved_again_on_a_warm_open(tmp_path: Path,
                                                                      monkeypatch) -> None:
    """Same titles by other authors are read and found to be two papers once; the warm
    open (the first rows of a big store) must not read them again to learn nothing."""
    from tui.store.shard import Shard

    path = write_jsonl(tmp_path / "a.jsonl", 200, seed=3)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    namesake = dict(records[5], id="2401.99999", authors="Somebody Else", doi=None)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(namesake) + "\n")
    first = open_store(path, cache=True)
    assert len(first) == 201 and not first.merges  # the namesake stays its own paper
    read: list[int] = []
    real = Shard.paper_without_abstract
    monkeypatch.setattr(Shard, "paper_without_abstract",
                        lambda self, row: read.append(row) or real(self, row))
    warm = open_store(path, cache=True)
    assert read == [] and len(warm) == 201 and list(warm) == list(first)


def test_a_warm_open_reads_the_merge_map_back_instead_of_sorting_every_key(
        three_files: list[Path], monkeypatch) -> None:
    """At a few million papers, working out which records are one paper again (sorting
    every key hash) cost a second of every warm open: it is kept with the resolution."""
    from tui.store.merge_map import MergeMap

    cold = open_store(three_files, cache=True)
    built: list[int] = []
    real = MergeMap.build.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(MergeMap, "build",
                        classmethod(lambda cls, *args: built.append(1) or real(cls, *args)))
    warm = open_store(three_files, cache=True)
    assert built == []
    _same(warm, open_store(three_files, cache=False))
    assert [str(m) for m in warm.merges] == [str(m) for m in cold.merges] and len(warm.merges) == 51


def test_searching_a_warm_store_never_lists_its_merges(three_files: list[Path]) -> None:
    """The list of merges (a second at full-arXiv size) is for the problems view; asking
    whether a store is a cached one, or opening its engine, must not work it out."""
    from tui.search.cached import segment_paths
    from tui.store.base import CachedPaperStore, PaperStore

    open_store(three_files, cache=True)
    warm = open_store(three_files, cache=True)
    assert isinstance(warm, PaperStore) and isinstance(warm, CachedPaperStore)
    segment_paths(warm)
    open_engine(warm).search("learning model", limit=5)
    assert warm._resolved is None, "the merges were listed at open"
    assert len(warm.merges) == 51


def test_a_merge_map_that_does_not_fit_the_store_is_never_used() -> None:
    import numpy as np

    from tui.store.merge_map import MergeMap
    from tui.store.shard import key_hash

    hashes = np.array([key_hash(k) for k in ("a", "b", "c", "d")], dtype=np.uint64)
    merge = MergeMap.build(hashes, [[0, 2]], ["a"])  # records 0 and 2 are one paper
    arrays, keys = merge.arrays(), merge.kept_keys()
    back = MergeMap.from_arrays(arrays, keys, 4)
    assert back is not None and back.n_docs == 3 and back.doc_keys == {0: "a"}
    assert np.array_equal(back.sorted_docs, merge.sorted_docs)
    assert MergeMap.from_arrays(arrays, keys, 5) is None  # another store's
    for name, broken in (("sorted_docs", np.array([0, 0, 1])),  # a paper found twice, one never
                         ("sorted_hashes", arrays["sorted_hashes"][::-1].copy()),  # unsorted
                         ("doc_record", np.array([0, 3, 1])),  # out of reading order
                         ("extra_records", np.array([9])),  # a record the store has not
                         ("keyed_docs", np.array([7]))):  # a paper the store has not
        assert MergeMap.from_arrays(dict(arrays, **{name: broken}), keys, 4) is None, name
    assert MergeMap.from_arrays({k: v for k, v in arrays.items() if k != "extra_docs"}, keys, 4) is None
