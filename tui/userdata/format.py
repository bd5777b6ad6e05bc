"""The on-disk form of annotations: documents, timestamps, tags and the merge rule.

One annotation is one JSON document with every field present and keys sorted, so the
files diff cleanly. Timestamps are ISO 8601 UTC with microseconds and a ``Z`` suffix,
one fixed width, so that comparing two of them as strings compares the instants and
"newest wins" is well defined. Nothing here touches the disk.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from json.encoder import encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, Callable, Iterable, Mapping

from tui.model import STATES, Annotation

SCHEMA_VERSION = 1
"""Version of every annotation file's layout; a file with another version is not ours to edit."""

TABLE = "annotations"
"""The TinyDB table holding one document per annotated paper, keyed by the paper's stable key."""

FIELDS = ("created", "key", "note", "starred", "state", "tags", "title", "updated")

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_WHITESPACE = re.compile(r"\s+")
_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_ONE_MICROSECOND = timedelta(microseconds=1)


def now_stamp(after: str = "") -> str:
    """The current UTC instant as a canonical timestamp, strictly later than ``after``.

    Being strictly later than the value it replaces means an edit always wins a merge
    against the version it was made from, even when the clock stepped back meanwhile.
    """
    now = datetime.now(timezone.utc)
    try:
        previous = datetime.strptime(after, _TIME_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:  # "" (never saved) or a hand-edited impossible date
        previous = None
    if previous is not None and now <= previous:
        now = previous + _ONE_MICROSECOND
    return now.strftime(_TIME_FORMAT)


def canonical_stamp(value: str) -> str:
    """Rewrite any ISO 8601 timestamp in the canonical form; "" stays "" (oldest possible).

    A timestamp without a zone is taken as UTC. Raises ValueError for anything else.
    """
    if value == "" or _CANONICAL.fullmatch(value):
        return value  # the common case, checked cheaply: opening 100k annotations reads 200k
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(_TIME_FORMAT)


def stamp_for_filename(moment: datetime | None = None) -> str:
    """A UTC timestamp usable in a file name, e.g. ``20240501T101500123456Z``."""
    moment = moment or datetime.now(timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%S%fZ")


def normalise_tag(tag: str) -> str:
    """A tag as stored: lowercase, no surrounding or inner whitespace (inner runs become ``-``)."""
    return _WHITESPACE.sub("-", tag.strip()).lower()


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags sorted, lowercase, unique and whitespace-free; empty ones dropped."""
    return tuple(sorted({t for t in (normalise_tag(tag) for tag in tags) if t}))


def to_document(annotation: Annotation) -> dict[str, Any]:
    """The JSON document for one annotation (every field, keys in sorted order)."""
    return {
        "created": annotation.created,
        "key": annotation.key,
        "note": annotation.note,
        "starred": annotation.starred,
        "state": annotation.state,
        "tags": list(annotation.tags),
        "title": annotation.title,
        "updated": annotation.updated,
    }


def _typed(doc: Mapping[str, Any], name: str, kind: type, default: Any) -> Any:
    value = doc.get(name, default)
    # bool is a subclass of int; be exact so `"starred": 1` is reported, not guessed at.
    if type(value) is not kind:
        raise ValueError(f'"{name}" should be {kind.__name__}, not {type(value).__name__}')
    return value


def _already_normal(tags: list[Any]) -> bool:
    """True when normalise_tags would return these tags unchanged (a cheap check)."""
    # str.split() and the regex \s agree on what whitespace is: both use str.isspace.
    return (all(type(tag) is str and tag.split() == [tag] and tag == tag.lower() for tag in tags)
            and all(a < b for a, b in zip(tags, tags[1:])))


def _as_written(doc: Any) -> Annotation | None:
    """The annotation when ``doc`` is exactly as we write it (every field, canonical), else None.

    Opening 100,000 annotations checks them all; this path is about three times faster
    than the general one and accepts nothing the general one would refuse or change.
    """
    if not isinstance(doc, dict) or len(doc) != len(FIELDS):  # TinyDB hands a dict subclass
        return None
    try:
        key, starred, tags, note = doc["key"], doc["starred"], doc["tags"], doc["note"]
        state, title, created, updated = doc["state"], doc["title"], doc["created"], doc["updated"]
    except KeyError:
        return None
    if not (type(key) is str and key.strip() and type(starred) is bool and type(tags) is list
            and type(note) is str and state in STATES and type(title) is str
            and type(created) is str and (not created or _CANONICAL.fullmatch(created))
            and type(updated) is str and (not updated or _CANONICAL.fullmatch(updated))):
        return None
    if tags and not _already_normal(tags):
        return None
    return Annotation(key, starred, tuple(tags), note, state, title, created, updated)


def from_document(doc: Any) -> Annotation:
    """Read one annotation document; raise ValueError naming the first thing wrong with it.

    Missing fields take their defaults (files written by hand or by older tools); present
    fields must have the right type, as a wrong type means the file is not what we wrote.
    """
    if (annotation := _as_written(doc)) is not None:
        return annotation
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
    stamps = {}
    for name in ("created", "updated"):
        try:
            stamps[name] = canonical_stamp(_typed(doc, name, str, ""))
        except ValueError as error:
            raise ValueError(f'"{name}" is not an ISO 8601 time ({error})') from None
    return Annotation(
        key=key,
        starred=_typed(doc, "starred", bool, False),
        tags=normalise_tags(tags),
        note=_typed(doc, "note", str, ""),
        state=state,  # type: ignore[arg-type]  # checked against STATES above
        title=_typed(doc, "title", str, ""),
        created=stamps["created"],
        updated=stamps["updated"],
    )


def _tie_breaker(annotation: Annotation) -> str:
    return json.dumps(to_document(annotation), sort_keys=True, ensure_ascii=False)


def is_newer(candidate: Annotation, current: Annotation) -> bool:
    """True when ``candidate`` should replace ``current`` in a merge: newest ``updated`` wins.

    Equal times (two machines in the same microsecond) fall back to comparing the whole
    documents, so both sides of a merge pick the same winner whatever the order.
    """
    if candidate.updated != current.updated:
        return candidate.updated > current.updated
    return candidate != current and _tie_breaker(candidate) > _tie_breaker(current)


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


_FAST_FIELDS = frozenset(FIELDS)


def _document_text(key: str, doc: Mapping[str, Any], quote: Callable[[str], str]) -> str:
    """One shard entry exactly as ``json.dumps(indent=2, sort_keys=True)`` lays it out.

    Documents of the usual shape are laid out by one format string: the generic path
    costs three times as much, and a shard holds about 400 documents at 100k annotations.
    """
    starred = doc.get("starred")
    if doc.keys() == _FAST_FIELDS and type(doc["tags"]) is list and (starred is True or starred is False):
        try:  # quote() refuses anything but a string: such a document takes the generic path
            tags = doc["tags"]
            tag_text = "[]"
            if tags:
                tag_text = "[\n" + ",\n".join([f"        {quote(tag)}" for tag in tags]) + "\n      ]"
            return (f"    {quote(key)}: {{\n"
                    f'      "created": {quote(doc["created"])},\n'
                    f'      "key": {quote(doc["key"])},\n'
                    f'      "note": {quote(doc["note"])},\n'
                    f'      "starred": {"true" if starred else "false"},\n'
                    f'      "state": {quote(doc["state"])},\n'
                    f'      "tags": {tag_text},\n'
                    f'      "title": {quote(doc["title"])},\n'
                    f'      "updated": {quote(doc["updated"])}\n'
                    "    }")
        except TypeError:
            pass
    return f"    {quote(key)}: {_value_text(doc, '    ', quote)}"


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
