"""The on-disk form of annotations: one JSON document per paper, and the file layout.

A document holds the annotation's fields and ``changed``, the change time of each field
(``starred``, ``state``, ``note``, and ``tag:<name>`` per tag, removed tags included),
so files merge per field (see :mod:`tui.userdata.record`). Keys are sorted and the file
indented, so it diffs and merges cleanly in git or a synced folder. Fields this version
does not know are kept as they are. Documents of schema_version 1 (no ``changed``) are
read as "every field changed at ``updated``", which is what they meant. Nothing here
touches the disk.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any, Callable, Iterable, Iterator, Mapping

from tui.model import STATES, Annotation
from tui.userdata.clock import Reading
from tui.userdata.record import CLOCKED, TAG, Record, compact, new_annotation, new_record

SCHEMA_VERSION = 2
"""Version of the annotation files this code writes: 2 added per-field change times."""
READABLE = (1, 2)
"""Versions it reads; a file of another version is not ours to edit."""

TABLE = "annotations"
"""The TinyDB table holding one document per annotated paper, keyed by the paper's stable key."""


def shard_of(key: str) -> str:
    """The shard (two hex digits) holding a paper's annotation, in ``<shard>.json``."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:2]


FIELDS = ("changed", "created", "key", "note", "starred", "state", "tags", "title", "updated")

FINGERPRINT_FIELDS = {"arxiv": str, "author": str, "citekey": str, "doi": str, "source": str,
                      "year": int}
"""Optional fields: what the annotation remembers of its paper beyond its title, so it can
follow the paper when its key changes (:mod:`tui.follow`). Written only when known, so a
document of an earlier version is still a whole, valid document."""

_WHITESPACE = re.compile(r"\s+")


def normalise_tag(tag: str) -> str:
    """A tag as stored: lowercase, no surrounding or inner whitespace (inner runs become ``-``)."""
    return _WHITESPACE.sub("-", tag.strip()).lower()


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags sorted, lowercase, unique and whitespace-free; empty ones dropped."""
    return tuple(sorted({t for t in (normalise_tag(tag) for tag in tags) if t}))


def _fingerprint_of(annotation: Annotation) -> dict[str, Any]:
    """The fingerprint fields the annotation knows (empty ones left out)."""
    return {name: getattr(annotation, name) for name in FINGERPRINT_FIELDS
            if getattr(annotation, name)}


def _fingerprint(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The fingerprint fields of a document (raise ValueError for a wrong type)."""
    found = {}
    for name, kind in FINGERPRINT_FIELDS.items():
        value = doc.get(name)
        if value is None:
            continue
        if type(value) is not kind:
            raise ValueError(f'"{name}" should be {kind.__name__}, not {type(value).__name__}')
        found[name] = value
    return found


def to_document(record: Record) -> dict[str, Any]:
    """The JSON document for one record (every field, the fingerprint fields it knows,
    unknown ones kept)."""
    annotation = record.annotation
    doc = {
        **_fingerprint_of(annotation),
        "changed": record.changed,  # shared, never changed in place: records are immutable
        "created": annotation.created,
        "key": annotation.key,
        "note": annotation.note,
        "starred": annotation.starred,
        "state": annotation.state,
        "tags": list(annotation.tags),
        "title": annotation.title,
        "updated": annotation.updated,
    }
    return {**record.extra, **doc} if record.extra else doc


class RecordDocument(Mapping[str, Any]):
    """A record seen as its JSON document, the dict built only if something reads it.

    A write puts a whole shard through TinyDB; its ~400 unchanged papers are only laid
    out again, which :func:`encode_tables` does straight from their records.
    """

    __slots__ = ("record", "_doc")

    def __init__(self, record: Record) -> None:
        self.record = record
        self._doc: dict[str, Any] | None = None

    def _document(self) -> dict[str, Any]:
        if self._doc is None:
            self._doc = to_document(self.record)
        return self._doc

    def __getitem__(self, name: str) -> Any:
        return self._document()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._document())

    def __len__(self) -> int:
        return len(self._document())


def _typed(doc: Mapping[str, Any], name: str, kind: type, default: Any) -> Any:
    value = doc.get(name, default)
    # bool is a subclass of int; be exact so `"starred": 1` is reported, not guessed at.
    if type(value) is not kind:
        raise ValueError(f'"{name}" should be {kind.__name__}, not {type(value).__name__}')
    return value


def _already_normal(tags: list[Any]) -> bool:
    """True when normalise_tags would return these tags unchanged (a cheap check)."""
    try:
        joined = "\x00".join(tags)
    except TypeError:
        return False
    # str.split() and the regex \s agree on what whitespace is: both use str.isspace.
    return (joined == joined.lower() and joined.split() == [joined] and "\x00\x00" not in joined
            and not joined.startswith("\x00") and not joined.endswith("\x00")
            and tags == sorted(set(tags)))


_STAMP = r"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)?"
_ONE_STAMP = re.compile(_STAMP)
"""A canonical time, or ""."""
_CLOCKED = frozenset(CLOCKED)
_FIELDS_OF = operator.itemgetter(*FIELDS)
_DEFAULTS = {"note": "", "starred": False, "state": "inbox"}
_GOOD_STAMPS: set[str] = set()
"""Times already seen to be canonical: most repeat (a bulk change stamps 200 papers alike)."""
_GOOD_TAGS: dict[tuple[str, ...], tuple[str, ...]] = {}
"""Tag lists already seen to be normal, each kept once (shared by the papers carrying it)."""
_REMEMBERED = 50_000


def _canonical(stamp: object) -> bool:
    """True when ``stamp`` is a canonical time or "" (remembered when it is)."""
    if type(stamp) is not str:
        return False
    if stamp in _GOOD_STAMPS:
        return True
    if not _ONE_STAMP.fullmatch(stamp):
        return False
    if len(_GOOD_STAMPS) > _REMEMBERED:
        _GOOD_STAMPS.clear()
    _GOOD_STAMPS.add(stamp)
    return True


_TEXT_FINGERPRINT = tuple(sorted(name for name, kind in FINGERPRINT_FIELDS.items() if kind is str))
"""The fingerprint fields held as text ("" when absent): arxiv, author, citekey, doi, source."""


def _as_written(doc: Any, limit: str) -> Record | None:
    """The record when ``doc`` is exactly as we write it (every field, canonical), else None.

    Opening 100,000 annotations checks them all; this path is several times faster than
    the general one and accepts nothing the general one would refuse or change.
    """
    if not isinstance(doc, dict) or len(doc) < 9:  # TinyDB hands a dict subclass
        return None
    try:
        changed, created, key, note, starred, state, tags, title, updated = _FIELDS_OF(doc)
    except KeyError:
        return None
    if not (type(key) is str and type(starred) is bool and type(tags) is list and type(note) is str
            and type(title) is str and type(changed) is dict and state in STATES and key.strip()
            and _canonical(updated) and updated <= limit
            and (created == updated or (_canonical(created) and created <= limit))):
        return None
    if changed:
        for name, stamp in changed.items():
            # Known names, canonical times no later than "updated", nothing implied listed.
            if stamp != updated and not (_canonical(stamp) and stamp < updated):
                return None
            if name in _CLOCKED:
                if stamp == updated and doc[name] != _DEFAULTS[name]:
                    return None
            elif not name.startswith(TAG) or (stamp == updated and name[len(TAG):] in tags):
                return None
    if tags:
        tagged = tuple(tags)
        try:
            shared = _GOOD_TAGS.get(tagged)
        except TypeError:  # a list or an object among the tags: not ours
            return None
        if shared is None:
            if not _already_normal(tags):
                return None
            if len(_GOOD_TAGS) > _REMEMBERED:
                _GOOD_TAGS.clear()
            shared = _GOOD_TAGS[tagged] = tagged
    else:
        shared = ()
    size = len(doc)
    if size == 9:
        return new_record(new_annotation(key, starred, shared, note, state, title, created,
                                         updated, "", None, "", "", "", ""), changed, {})
    # The fingerprint fields (FINGERPRINT_FIELDS), each of its type when present.
    known = 9
    year = doc.get("year")
    if year is not None:
        if type(year) is not int:
            return None
        known += 1
    texts = []
    for name in _TEXT_FINGERPRINT:
        value = doc.get(name)
        if value is None:
            value = ""
        elif type(value) is str:
            known += 1
        else:
            return None
        texts.append(value)
    arxiv, author, citekey, doi, source = texts
    if size != known:
        return None  # a field we do not know (or a null one): the general path decides
    return new_record(new_annotation(key, starred, shared, note, state, title, created, updated,
                                     author, year, citekey, doi, arxiv, source), changed, {})


def from_document(doc: Any, reading: Reading | None = None) -> Record:
    """Read one annotation document; raise ValueError naming the first thing wrong with it.

    Missing fields take their defaults (files written by hand, older versions); present
    fields must have the right type, as a wrong type means the file is not what we wrote.
    Odd change times never raise: ``reading`` interprets them and notes what it did.
    """
    reading = reading or Reading("an annotation file")
    if (record := _as_written(doc, reading.limit)) is not None:
        return record
    if not isinstance(doc, dict):
        raise ValueError(f"an annotation should be an object, not {type(doc).__name__}")
    key = _typed(doc, "key", str, "")
    if not key.strip():
        raise ValueError('an annotation needs a non-empty "key"')
    tags = _typed(doc, "tags", list, [])
    if not all(type(tag) is str for tag in tags):
        raise ValueError('"tags" should be a list of strings')
    state = _typed(doc, "state", str, "inbox")
    if state not in STATES:
        raise ValueError(f'"state" should be one of {", ".join(STATES)}, not {state!r}')
    raw_changed = _typed(doc, "changed", dict, {})
    updated = reading.stamp(doc.get("updated"), key, "updated")
    changed: dict[str, str] = {}
    for name, stamp in raw_changed.items():
        if not (name in CLOCKED or (name.startswith(TAG) and normalise_tag(name[len(TAG):]))):
            raise ValueError(f'"changed" names {name!r}, which is not a field')
        name = name if name in CLOCKED else TAG + normalise_tag(name[len(TAG):])
        changed[name] = max(changed.get(name, ""), reading.stamp(stamp, key, name))
    annotation = Annotation(
        key=key,
        starred=_typed(doc, "starred", bool, False),
        tags=normalise_tags(tags),
        note=_typed(doc, "note", str, ""),
        state=state,  # checked against STATES above
        title=_typed(doc, "title", str, ""),
        created=reading.stamp(doc.get("created"), key, "created"),
        updated=max([updated, *changed.values()]),
        **_fingerprint(doc),
    )
    # A value without its own change time (schema_version 1, a hand-written file) was
    # set as of the document's "updated"; in version 1 every field was, defaults too.
    record, default = Record(annotation), Record(Annotation(key))
    for name in [*CLOCKED, *(TAG + tag for tag in annotation.tags)]:
        if name not in changed and ("changed" not in doc or record.value(name) != default.value(name)):
            changed[name] = annotation.updated
    extra = {name: value for name, value in doc.items()
             if name not in FIELDS and name not in FINGERPRINT_FIELDS}
    return Record(annotation, compact(annotation, changed), extra)


def record_of(annotation: Annotation) -> Record:
    """An annotation without change times as a record: every field as of ``updated``."""
    doc = to_document(Record(annotation))
    del doc["changed"]  # read as schema_version 1 meant it
    return from_document(doc)


def dump_json(value: Any) -> bytes:
    """The stable file form: sorted keys, two-space indent, UTF-8, final newline.

    Text that cannot be UTF-8 (a lone surrogate pasted into a note) is written as a
    ``\\udXXX`` escape instead, so it reads back exactly rather than failing the save.
    """
    try:
        return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode("utf-8")


def _value_text(value: Any, pad: str, quote: Callable[[str], str]) -> str:
    """Any JSON value exactly as ``json.dumps(indent=2, sort_keys=True)`` lays it out at ``pad``."""
    kind = type(value)
    if kind is str:
        return quote(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is dict:
        if not value:
            return "{}"
        inner = pad + "  "
        items = ",\n".join(f"{inner}{quote(str(name))}: {_value_text(value[name], inner, quote)}"
                           for name in sorted(value))
        return "{\n" + items + "\n" + pad + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = pad + "  "
        return "[\n" + ",\n".join(inner + _value_text(item, inner, quote) for item in value) + "\n" + pad + "]"
    return json.dumps(value)  # numbers: the standard encoder's exact spelling




def _record_text(key: str, record: Record, quote: Callable[[str], str]) -> str:
    """One shard entry laid out straight from a record, exactly as ``json.dumps(indent=2,
    sort_keys=True)`` would (fields in alphabetical order, fingerprint ones when known)."""
    ann = record.annotation
    changed = record.changed
    changed_text, tag_text = "{}", "[]"
    if changed:
        changed_text = "{\n" + ",\n".join([f"        {quote(name)}: {quote(changed[name])}"
                                            for name in sorted(changed)]) + "\n      }"
    if ann.tags:
        tag_text = "[\n" + ",\n".join([f"        {quote(tag)}" for tag in ann.tags]) + "\n      ]"
    lines = []
    if ann.arxiv:
        lines.append(f'      "arxiv": {quote(ann.arxiv)}')
    if ann.author:
        lines.append(f'      "author": {quote(ann.author)}')
    lines.append(f'      "changed": {changed_text}')
    if ann.citekey:
        lines.append(f'      "citekey": {quote(ann.citekey)}')
    lines.append(f'      "created": {quote(ann.created)}')
    if ann.doi:
        lines.append(f'      "doi": {quote(ann.doi)}')
    lines.append(f'      "key": {quote(ann.key)}')
    lines.append(f'      "note": {quote(ann.note)}')
    if ann.source:
        lines.append(f'      "source": {quote(ann.source)}')
    lines.append(f'      "starred": {"true" if ann.starred else "false"}')
    lines.append(f'      "state": {quote(ann.state)}')
    lines.append(f'      "tags": {tag_text}')
    lines.append(f'      "title": {quote(ann.title)}')
    lines.append(f'      "updated": {quote(ann.updated)}')
    if ann.year:
        if type(ann.year) is not int:
            raise TypeError("a year is a whole number")
        lines.append(f'      "year": {ann.year}')
    return f"    {quote(key)}: {{\n" + ",\n".join(lines) + "\n    }"


def _document_text(key: str, doc: Mapping[str, Any], quote: Callable[[str], str]) -> str:
    """One shard entry exactly as ``json.dumps(indent=2, sort_keys=True)`` lays it out.

    Records and documents of the usual shape are laid out by format strings: the
    generic path costs three times as much, and a shard holds ~400 papers at 100k.
    """
    record = doc.record if type(doc) is RecordDocument else _as_written(doc, "9999")
    if record is not None and not record.extra and type(record.annotation.starred) is bool:
        try:  # quote() refuses anything but a string: such a record takes the generic path
            return _record_text(key, record, quote)
        except TypeError:
            pass
    return f"    {quote(key)}: {_value_text(dict(doc), '    ', quote)}"


def encode_tables(tables: Mapping[str, Mapping[str, Any]]) -> bytes:
    """A shard file's bytes: TinyDB's tables plus ``schema_version``, identical to
    :func:`dump_json` of them, but laid out by hand because the standard encoder with
    ``indent`` runs in pure Python (2.7 ms for a 400-paper shard, most of a triage key)."""
    for quote in (encode_basestring, encode_basestring_ascii):
        parts = []
        for name in sorted([*tables, "schema_version"]):
            if name == "schema_version":
                parts.append(f'  "schema_version": {SCHEMA_VERSION}')
                continue
            docs = tables[name]
            if name == TABLE and docs:
                body = ",\n".join([_document_text(key, docs[key], quote) for key in sorted(docs)])
                parts.append(f"  {quote(name)}: {{\n{body}\n  }}")
            else:
                parts.append(f"  {quote(name)}: {_value_text(docs, '  ', quote)}")
        text = "{\n" + ",\n".join(parts) + "\n}\n"
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            continue  # a lone surrogate: escape everything, as dump_json does
    raise AssertionError("ASCII text always encodes")
