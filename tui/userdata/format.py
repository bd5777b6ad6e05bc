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
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any, Callable, Iterable, Mapping

from tui.model import STATES, Annotation

SCHEMA_VERSION = 1
"""Version of every annotation file's layout; a file with another version is not ours to edit."""

TABLE = "annotations"
"""The TinyDB table holding one document per annotated paper, keyed by the paper's stable key."""

FIELDS = ("created", "key", "note", "starred", "state", "tags", "title", "updated")

FINGERPRINT_FIELDS = {"arxiv": str, "author": str, "citekey": str, "doi": str, "source": str,
                      "year": int}
"""Optional fields: what the annotation remembers of its paper beyond its title, so it can
follow the paper when its key changes (:mod:`tui.follow`). Written only when known, so a
document of an earlier version is still a whole, valid document."""

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


def _fingerprint_of(annotation: Annotation) -> dict[str, Any]:
    """The fingerprint fields the annotation knows (empty ones left out)."""
    return {name: getattr(annotation, name) for name in FINGERPRINT_FIELDS
            if getattr(annotation, name)}


def to_document(annotation: Annotation) -> dict[str, Any]:
    """The JSON document for one annotation (every field, keys in sorted order)."""
    return dict(sorted({
        "created": annotation.created,
        "key": annotation.key,
        "note": annotation.note,
        "starred": annotation.starred,
        "state": annotation.state,
        "tags": list(annotation.tags),
        "title": annotation.title,
        "updated": annotation.updated,
        **_fingerprint_of(annotation),
    }.items()))


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
    if type(doc) is not dict or len(doc) < len(FIELDS):
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
    if len(doc) == len(FIELDS):
        return Annotation(key, starred, tuple(tags), note, state, title, created, updated)
    try:
        extra = _fingerprint(doc)
    except ValueError:
        return None
    if len(doc) != len(FIELDS) + len(extra):
        return None  # a field we do not know: the general path decides
    return Annotation(key, starred, tuple(tags), note, state, title, created, updated, **extra)


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
        state=state,  # checked against STATES above
        title=_typed(doc, "title", str, ""),
        created=stamps["created"],
        updated=stamps["updated"],
        **_fingerprint(doc),
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


def _document_text(annotation: Annotation, quote: Callable[[str], str]) -> str:
    """One shard entry exactly as ``json.dumps(indent=2, sort_keys=True)`` lays it out."""
    tags = "[]"
    if annotation.tags:
        tags = "[\n" + ",\n".join(f"        {quote(tag)}" for tag in annotation.tags) + "\n      ]"
    entries = {
        "created": quote(annotation.created),
        "key": quote(annotation.key),
        "note": quote(annotation.note),
        "starred": "true" if annotation.starred else "false",
        "state": quote(annotation.state),
        "tags": tags,
        "title": quote(annotation.title),
        "updated": quote(annotation.updated),
    }
    for name, value in _fingerprint_of(annotation).items():
        entries[name] = quote(value) if isinstance(value, str) else str(value)
    body = ",\n".join(f'      "{name}": {entries[name]}' for name in sorted(entries))
    return f"    {quote(annotation.key)}: {{\n{body}\n    }}"


def encode_shard(annotations: Mapping[str, Annotation]) -> bytes:
    """A shard file's bytes, identical to :func:`dump_json` of its TinyDB tables.

    Laid out by hand because the standard encoder with ``indent`` runs in pure Python
    and took 2.7 ms for a 400-paper shard, most of a triage key's time budget.
    """
    for quote in (encode_basestring, encode_basestring_ascii):
        body = ",\n".join(_document_text(annotations[key], quote) for key in sorted(annotations))
        table = f"{{\n{body}\n  }}" if body else "{}"
        text = f'{{\n  "{TABLE}": {table},\n  "schema_version": {SCHEMA_VERSION}\n}}\n'
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            continue  # a lone surrogate: escape everything, as dump_json does
    raise AssertionError("ASCII text always encodes")
