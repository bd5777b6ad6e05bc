"""Reading a profile gives exactly what it always gave: the same records, warnings and
damaged files, whatever is in the files (odd, old, hand-written or broken).

The expected result is pinned in ``tests/data/profile-read-golden.json``, made by the
reading code as it was before it was made faster (``python -m tests.unit.test_profile_read
--regenerate`` writes it again with the code at hand: do that only on purpose).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model import Annotation
from tui.userdata import UserData, shard_of
from tui.userdata import format as userformat
from tui.userdata.clock import Reading
from tui.userdata.format import TABLE, encode_tables, from_document, to_document
from tui.userdata.record import Record

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "profile-read-golden.json"

T1 = "2021-03-04T05:06:07.000001Z"
T2 = "2022-07-08T09:10:11.123456Z"
T3 = "2023-01-02T03:04:05.654321Z"
FUTURE = "2999-01-01T00:00:00.000000Z"  # more than a day ahead of any clock running this


def _written(annotation: Annotation, changed: dict[str, str] | None = None,
             extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A document exactly as papertray writes it."""
    return to_document(Record(annotation, changed or {}, extra or {}))


def _documents() -> list[dict[str, Any] | tuple[str, dict[str, Any]]]:
    """Documents of every kind a shard can hold (readable ones: damaged files are below)."""
    fp = dict(author="Ōtsuka, Ken", year=2021, citekey="otsuka2021", doi="10.1/x",
              arxiv="2104.08821", source="/home/ada/papers/ref.bib")
    docs: list[dict[str, Any] | tuple[str, dict[str, Any]]] = [
        # As written by papertray: plain, with fingerprints, with removals listed.
        _written(Annotation("arxiv:2104.08821", True, ("thesis",), "# Read\n\nmethod", "read",
                            "Japanese SimCSE", T1, T2, **fp)),  # type: ignore[arg-type]
        _written(Annotation("doi:10.1/y", False, (), "", "skipped", "Ünïcödé 😀 title", T1, T1)),
        _written(Annotation("title:removals", False, ("kept",), "", "later", "Removals", T1, T3),
                 {"starred": T2, "tag:gone": T3, "note": T2}),
        _written(Annotation("title:bidi", False, ("\u200fthesis", "a\u200db", "\u202ereversed"),
                            "", "inbox", "Bidi marks in tags", T1, T2)),
        _written(Annotation("title:surrogate", True, (), "lone \ud800 surrogate", "inbox",
                            "Surrogate", T1, T2)),
        _written(Annotation("title:year-only", True, (), "", "inbox", "Year only", T1, T2,
                            year=1999)),
        _written(Annotation("title:empty-stamps", True, (), "", "inbox", "No times", "", "")),
        _written(Annotation("title:blank", False, (), "", "inbox", "Taken back", T1, T3),
                 {"starred": T3, "state": T2}),
        _written(Annotation("title:extra", True, (), "", "read", "Extra fields", T1, T2),
                 extra={"color": "red", "nested": {"a": [1, 2.5, None, True]}, "big": 10 ** 30}),
        # A tag removal whose name is not normal (hand-edited): kept as the file says.
        _written(Annotation("title:odd-tag-clock", False, (), "", "read", "Odd", T1, T3),
                 {"tag:To Cite": T2}),
        # Written by hand or by an earlier version: missing fields, odd values.
        {"key": "title:only-key"},
        {"key": "title:starred-only", "starred": True},
        {"key": "title:no-tags", "state": "later", "updated": T2, "changed": {}},
        {"key": "title:v1-like", "starred": True, "tags": ["Thesis", " to cite ", "thesis", ""],
         "note": "n", "state": "read", "title": "v1", "created": T1, "updated": T2},
        {"key": "title:zone", "starred": True, "created": "2021-03-04T05:06:07+02:00",
         "updated": "2021-03-04 05:06:07", "changed": {"starred": "2021-03-04T05:06:07.5"}},
        {"key": "title:garbage-time", "starred": True, "created": "yesterday", "updated": 12345},
        {"key": "title:future", "starred": True, "created": T1, "updated": FUTURE},
        {"key": "title:future-field", "starred": True, "created": T1, "updated": T2,
         "changed": {"starred": FUTURE, "tag:x": T1}},
        {"key": "title:null-fingerprint", "author": None, "year": None, "starred": True,
         "created": T1, "updated": T2, "changed": {}},
        {"key": "title:tag-clock-names", "tags": ["b", "a"], "created": T1, "updated": T2,
         "changed": {"tag: B ": T1, "tag:a": T2, "tag:c": T1}},
        {"key": "title:unicode-key-\u05d0\u200f", "note": "עברית", "created": T1, "updated": T2,
         "changed": {"note": T1}},
        {"key": "title:pipe", "starred": True, "created": f"{T1}|{T1}", "updated": T2,
         "changed": {}},
        {**_written(Annotation("title:unknown-clock-order", True, (), "", "read", "x", T2, T1))},
        # One field in the wrong place: a doc whose changed time is after updated.
        {**_written(Annotation("title:late-change", True, (), "", "read", "Late", T1, T1)),
         "changed": {"note": T3}},
    ]
    return docs


def _shard_text(docs: list[dict[str, Any]], version: int = 2) -> bytes:
    """A shard file's bytes as papertray lays them out (by the standard library, so the
    code under test does not make its own input)."""
    value = {"schema_version": version, TABLE: {d["key"]: d for d in docs}}
    try:
        return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    except UnicodeEncodeError:  # a lone surrogate: escaped
        return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode()


def build_profile(folder: Path) -> Path:
    """A profile whose files hold every odd thing we know of, and a few damaged ones."""
    annotations = folder / "annotations"
    annotations.mkdir(parents=True)
    by_shard: dict[str, list[dict[str, Any]]] = {}
    for doc in _documents():
        assert isinstance(doc, dict)
        by_shard.setdefault(shard_of(doc["key"]), []).append(doc)
    for stem, docs in by_shard.items():
        (annotations / f"{stem}.json").write_bytes(_shard_text(docs))
    free = sorted({f"{n:02x}" for n in range(256)} - set(by_shard))
    # schema_version 1: every field as of "updated".
    (annotations / f"{free[0]}.json").write_bytes(_shard_text(
        [{"key": "v1:" + free[0], "starred": True, "tags": ["one", "two"], "note": "old",
          "state": "later", "title": "Old file", "created": T1, "updated": T2}], version=1))
    # A JSON file with a duplicated field, written by hand.
    (annotations / f"{free[1]}.json").write_text(
        '{"schema_version": 2, "annotations": {"dup:1": {"key": "dup:1", "starred": false, '
        f'"starred": true, "updated": "{T2}", "created": "{T1}"}}}}}}\n', encoding="utf-8")
    damaged = {
        free[2]: b"{ not json",
        free[3]: b"",
        free[4]: b'{"schema_version": 7, "annotations": {}}',
        free[5]: b"\xff\xfe\x00garbage",
        free[6]: _shard_text([{"key": "bad:starred", "starred": 1}]),
        free[7]: json.dumps({"schema_version": 2, TABLE: {"bad:key": {"key": "other:key"}}}).encode(),
        free[8]: b'["a list"]',
        free[9]: json.dumps({"schema_version": 2, TABLE: [1, 2]}).encode(),
    }
    for stem, payload in damaged.items():
        (annotations / f"{stem}.json").write_bytes(payload)
    backups = folder / "backups"
    backups.mkdir()
    (backups / f"{free[2]}-20240101T000000000000Z.json").write_bytes(_shard_text(
        [{"key": "backup:1", "starred": True, "created": T1, "updated": T1}]))
    # Leftovers that are not shards.
    (annotations / "notes.txt").write_text("not a shard", encoding="utf-8")
    (annotations / "1.json").write_text("{}", encoding="utf-8")
    return folder


def _plain(value: Any) -> Any:
    """A JSON-ready copy (tuples as lists, mappings as dicts) of ``value``."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _annotation(annotation: Annotation) -> list[Any]:
    return [annotation.key, annotation.starred, list(annotation.tags), annotation.note,
            annotation.state, annotation.title, annotation.created, annotation.updated,
            annotation.author, annotation.year, annotation.citekey, annotation.doi,
            annotation.arxiv, annotation.source]


def _words(text: str, folder: Path) -> str:
    text = text.replace(str(folder), "<P>")
    return re.sub(r"\.broken-[0-9TZ]+", ".broken-<T>", text)


def outcome(folder: Path, *, lazy: bool = False, cache_dir: Path | None = None,
            write: bool = True) -> dict[str, Any]:
    """Everything a profile read shows, in a form to compare and store (and, ``write``,
    the shard written by a change saved after it)."""
    kwargs = {"cache_dir": cache_dir} if cache_dir is not None else {}  # earlier code has none
    data = UserData(folder, "golden", lazy=lazy, **kwargs)  # type: ignore[arg-type]
    if lazy:
        for doc in _documents():
            assert isinstance(doc, dict)
            data.get(doc["key"])
    keys = sorted(data.annotations())  # every shard read by now
    records = {key: [_annotation(r.annotation), _plain(r.changed), _plain(r.extra)]
               for key, r in sorted(data._records.items())}
    result = {
        "records": records,
        "annotations": keys,
        "tags": [list(t) for t in data.all_tags()],
        "count": len(data),
        "warnings": sorted(_words(w, folder) for w in data.warnings),
        "damaged": sorted([_words(str(a), folder), _words(str(b), folder),
                           _words(str(c), folder) if c else None] for a, b, c in data.damaged),
        "unsaved": data.unsaved,
        "files": sorted(_words(p.name, folder) for p in (folder / "annotations").iterdir()),
    }
    if cache_dir is not None:
        result["from_cache"] = len(data._files.from_cache)
    if not write:
        data.close()
        return result
    # A change saved after the read: its shard is written whole, every other paper kept.
    data.update("title:only-key", note="saved after reading")
    changed = shard_of("title:only-key")
    text = (folder / "annotations" / f"{changed}.json").read_text(encoding="utf-8")
    note = data.get("title:only-key")
    assert note is not None
    result["written"] = text.replace(note.updated, "<NOW>").replace(note.created, "<NOW>")
    data.close()
    return result


def _regenerate(scratch: Path) -> None:
    GOLDEN.write_text(json.dumps(outcome(build_profile(scratch / "profile")), indent=1,
                                 sort_keys=True, ensure_ascii=True) + "\n", encoding="utf-8")


def _golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_reading_odd_old_and_damaged_files_gives_what_it_always_gave(tmp_path: Path) -> None:
    assert outcome(build_profile(tmp_path / "profile")) == _golden()


def test_reading_shard_by_shard_gives_the_same(tmp_path: Path) -> None:
    assert outcome(build_profile(tmp_path / "profile"), lazy=True) == _golden()


def test_reading_twice_changes_nothing_on_disk(tmp_path: Path) -> None:
    folder = build_profile(tmp_path / "profile")
    UserData(folder).close()
    before = {p.name: p.read_bytes() for p in (folder / "annotations").iterdir()}
    again = UserData(folder)
    assert {p.name: p.read_bytes() for p in (folder / "annotations").iterdir()} == before
    assert not again.warnings or all("moved" not in w for w in again.warnings)


def test_a_document_that_is_not_an_object_is_a_damaged_file_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    (folder / "annotations").mkdir(parents=True)
    (folder / "annotations" / "00.json").write_text(
        '{"schema_version": 2, "annotations": {"k:1": 5}}', encoding="utf-8")
    good = _written(Annotation("k:2", True, (), "", "read", "Kept", T1, T2))
    (folder / "annotations" / "01.json").write_bytes(encode_tables({TABLE: {"k:2": good}}))
    data = UserData(folder)  # raised TypeError, and no profile could be opened
    assert [str(path.name) for path, _, _ in data.damaged] == ["00.json"]
    assert "'k:1' is wrong: an annotation should be an object, not int" in data.warnings[0]
    assert data.get("k:2") == Annotation("k:2", True, (), "", "read", "Kept", T1, T2)


def test_a_time_holding_two_times_is_not_a_time(tmp_path: Path) -> None:
    doc = _written(Annotation("k:1", True, (), "", "read", "Two", T1, T2))
    doc["created"] = f"{T1}|{T1}"  # was read as written, "|" and all
    reading = Reading("a file")
    record = from_document(doc, reading)
    assert record.annotation.created == "" and "is not a time" in reading.notes[0]


# ----- the fast path for documents as written, against the general reading -----------

_STAMPS = st.sampled_from(["", T1, T2, T3, FUTURE, f"{T1}|{T2}", "2021-03-04T05:06:07Z", "x"])
_TAGS = st.lists(st.sampled_from(["a", "b", "thesis", "To", "a b", "", "\u200fx"]), max_size=3)
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 3000), st.text(max_size=3),
                    _STAMPS, _TAGS, st.just([["a"]]), st.just(["b", 1]), st.dictionaries(st.sampled_from(
                        ["starred", "note", "state", "tag:a", "tag:b", "tag:c", "x"]), _STAMPS,
                        max_size=3))


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    tags = tuple(sorted(set(draw(st.lists(st.sampled_from(["a", "b", "thesis"]), max_size=2)))))
    annotation = Annotation(
        "k:" + draw(st.sampled_from(["1", "2"])), draw(st.booleans()), tags,
        draw(st.sampled_from(["", "note"])), draw(st.sampled_from(["inbox", "read", "later"])),
        "title", draw(_STAMPS), draw(_STAMPS), author=draw(st.sampled_from(["", "Ada"])),
        year=draw(st.sampled_from([None, 2020])))
    changed = draw(st.dictionaries(st.sampled_from(["starred", "note", "state", "tag:a", "tag:c"]),
                                   _STAMPS, max_size=3))
    doc = to_document(Record(annotation, changed))
    for name in draw(st.lists(st.sampled_from(sorted(doc) + ["citekey", "year", "other"]),
                              max_size=2)):
        if draw(st.booleans()):
            doc.pop(name, None)
        else:
            doc[name] = draw(_VALUES)
    return doc


@settings(max_examples=400, deadline=None)
@given(documents())
def test_documents_as_written_read_as_the_general_reading_reads_them(doc: dict[str, Any]) -> None:
    reading = Reading("a file", limit="2100-01-01T00:00:00.000000Z")
    fast = userformat._as_written(doc, reading.limit)
    if fast is None:
        return
    original = userformat._as_written
    try:
        userformat._as_written = lambda doc, limit: None  # type: ignore[assignment]
        general = from_document(doc, Reading("a file", limit=reading.limit))
    finally:
        userformat._as_written = original
    assert fast == general


if __name__ == "__main__":  # pragma: no cover - regenerating the golden file, on purpose
    import tempfile

    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python -m tests.unit.test_profile_read --regenerate")
    with tempfile.TemporaryDirectory() as temp:
        _regenerate(Path(temp))
    print(f"wrote {GOLDEN}")
