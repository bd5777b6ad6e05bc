"""One paper's annotation with a change time per field, and the merge that never loses.

A :class:`Record` is what a profile stores: the :class:`~tui.model.Annotation` a person
sees, plus when each of its fields last changed: ``starred``, ``state``, ``note`` and
each tag on its own (``tag:thesis``; a tag whose time is known but which is not in the
tags was removed then). ``changed`` is kept compact: a field that holds a value (not
its default) and changed at the record's ``updated`` time is implied, not listed, so a
paper triaged once carries no list at all; a removal is always listed. :func:`merge`
keeps, field by field, the later change, so two
instances or two machines that changed different fields, or different tags, of one
paper both keep their changes, and a removal travels exactly like an addition. The
merge is commutative, associative and idempotent: whatever order files are exchanged
in, every copy ends up the same.

Undo and redo are :class:`FieldChange` lists applied to the current record (see
:func:`revert`), never a snapshot of a whole record written back.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, TypeVar

from tui.model import Annotation, Fingerprint
from tui.userdata.clock import now_stamp

__all__ = ["CLOCKED", "FieldChange", "Record", "TAG", "compact", "diff", "edit", "merge", "revert"]

CLOCKED = ("note", "starred", "state")
"""Fields with a change time of their own (each tag has one too, as ``tag:<name>``)."""
TAG = "tag:"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one paper changed from ``old`` to ``new`` (a tag: absent/present)."""

    key: str
    name: str
    """``starred``, ``state``, ``note`` or ``tag:<name>``."""
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        """The change as a JSON object (for the undo journal)."""
        return {"key": self.key, "field": self.name, "old": self.old, "new": self.new}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> "FieldChange":
        """Read :meth:`to_json` back; raises ValueError (KeyError, TypeError) on a bad one."""
        name = value["field"]
        if not (name in CLOCKED or (isinstance(name, str) and name.startswith(TAG))):
            raise ValueError(f"unknown field {name!r}")
        return cls(str(value["key"]), name, value["old"], value["new"])


_DEFAULTS = {"note": "", "starred": False, "state": "inbox"}
_REMEMBERED = ("title", "author", "year", "citekey", "doi", "arxiv", "source")


def _is_default(annotation: Annotation, name: str) -> bool:
    if name.startswith(TAG):
        return name[len(TAG):] not in annotation.tags
    return bool(getattr(annotation, name) == _DEFAULTS[name])


def compact(annotation: Annotation, stamps: Mapping[str, str]) -> dict[str, str]:
    """``stamps`` without what is implied: a field holding a value, changed at ``updated``."""
    updated = annotation.updated
    return {name: stamp for name, stamp in stamps.items()
            if stamp != updated or _is_default(annotation, name)}


@dataclass(frozen=True, slots=True)
class Record:
    """An annotation with the change time of each of its fields."""

    annotation: Annotation
    changed: Mapping[str, str] = field(default_factory=dict)
    """Field name (``starred``, ``state``, ``note``, ``tag:<t>``) -> canonical change time,
    compact: a field holding a value and changed at ``annotation.updated`` is not listed."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Document fields this version does not know (a newer papertray's), kept as they are."""

    @property
    def key(self) -> str:
        """The paper's stable key."""
        return self.annotation.key

    def value(self, name: str) -> Any:
        """The value of one clocked field (for a tag: whether the paper has it)."""
        if name.startswith(TAG):
            return name[len(TAG):] in self.annotation.tags
        return getattr(self.annotation, name)

    def stamps(self) -> dict[str, str]:
        """Every field's change time, the implied ones included ("" : never set)."""
        ann = self.annotation
        full = dict(self.changed)
        for name in (*CLOCKED, *(TAG + tag for tag in ann.tags)):
            if name not in full and not _is_default(ann, name):
                full[name] = ann.updated
        return full

    def without_initial_defaults(self) -> "Record":
        """This record without the change times of fields that hold the value they had when
        it was created, stamped no later than that: never set, rather than taken off (an
        upgraded record of schema_version 1 stamps every field so). A star or tag that was
        taken off after it was set keeps its time."""
        created = self.annotation.created
        kept = {name: stamp for name, stamp in self.changed.items()
                if not (created and stamp <= created and _is_default(self.annotation, name))}
        return self if len(kept) == len(self.changed) else Record(self.annotation, kept, self.extra)

    def with_values(self, values: Mapping[str, Any], stamp: str,
                    about: str | Fingerprint = "") -> "Record":
        """This record with ``values`` (field name -> value) set, changed at ``stamp``;
        ``about`` is the paper's title, or its whole fingerprint, copied."""
        ann = _about(self.annotation, about)
        tags = set(ann.tags)
        fields: dict[str, Any] = {}
        for name, value in values.items():
            if name.startswith(TAG):
                (tags.add if value else tags.discard)(name[len(TAG):])
            else:
                fields[name] = value
        new = replace(ann, **fields, tags=tuple(sorted(tags)), created=ann.created or stamp,
                      updated=max(ann.updated, stamp))
        stamps = {**self.stamps(), **dict.fromkeys(values, stamp)}
        return Record(new, compact(new, stamps), self.extra)


Built = TypeVar("Built")


def constructor(cls: type[Built]) -> Callable[..., Built]:
    """A function building ``cls`` from every field, in order, as ``cls(...)`` would, in
    half the time: a frozen dataclass's ``__init__`` sets each slot through
    ``object.__setattr__``, this through the slot's own descriptor (opening 100,000
    annotations builds 100,000 of each). ``cls`` itself when it is not a slotted
    dataclass whose ``__init__`` only sets its fields."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]  # checked: a dataclass
    names = [f.name for f in fields]
    if (hasattr(cls, "__post_init__") or not all(f.init for f in fields)
            or "__slots__" not in cls.__dict__ or not all(n.isidentifier() for n in names)):
        return cls
    setters = {f"_set_{i}": cls.__dict__[name].__set__ for i, name in enumerate(names)}
    body = "".join(f"    _set_{i}(self, {name})\n" for i, name in enumerate(names))
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **setters}
    exec(f"def build({', '.join(names)}):\n    self = _new(_cls)\n{body}    return self\n",  # noqa: S102
         namespace)
    build: Callable[..., Built] = namespace["build"]
    build.__doc__ = f"{cls.__name__}(...) with every field given, in order."
    return build


new_annotation = constructor(Annotation)
"""``Annotation(key, starred, tags, note, state, title, created, updated, author, year,
citekey, doi, arxiv, source)``, every field given, faster."""


def _about(annotation: Annotation, about: str | Fingerprint) -> Annotation:
    """``annotation`` with the paper's title, or its whole fingerprint, copied in."""
    if isinstance(about, Fingerprint):
        return replace(annotation, title=about.title or annotation.title, author=about.author,
                       year=about.year, citekey=about.citekey, doi=about.doi, arxiv=about.arxiv,
                       source=about.source)
    return replace(annotation, title=about) if about else annotation


def tag_as_shown(tag: str) -> str:
    """``tag`` as it reads: without format and control characters (bidi marks, ZWJ)."""
    return "".join(char for char in tag if unicodedata.category(char) not in ("Cf", "Cc"))


def blank(key: str, about: str | Fingerprint = "") -> Record:
    """The record of a paper nobody annotated."""
    return Record(_about(Annotation(key=key), about))


def edit(record: Record | None, key: str, title: str | Fingerprint = "", *,
         starred: bool | None = None,
         tags: Iterable[str] | None = None, add_tags: Iterable[str] = (),
         remove_tags: Iterable[str] = (), note: str | None = None, state: str | None = None
         ) -> Record | None:
    """The record after a person's change (tags already normalised), or None when the
    change changes nothing. ``tags`` replaces the tags, then ``add_tags`` and
    ``remove_tags`` apply; None leaves a field alone. ``title`` is the paper's title or
    its fingerprint, copied in with the change (so the annotation can follow its paper)."""
    base = record or blank(key, title)
    ann = base.annotation
    values: dict[str, Any] = {}
    for name, value in (("starred", starred), ("note", note), ("state", state)):
        if value is not None and value != getattr(ann, name):
            values[name] = value
    present = set(ann.tags)
    wanted = (set(ann.tags) if tags is None else set(tags)) | set(add_tags)
    removed = set(remove_tags)
    # A tag from another file may hold a bidi or zero-width mark nobody can type: naming
    # the letters it shows removes it.
    wanted -= removed | {tag for tag in present if tag_as_shown(tag) in removed}
    for tag in sorted(present ^ wanted):
        values[TAG + tag] = tag in wanted
    if not values:
        return None
    return base.with_values(values, now_stamp(after=ann.updated), title)


def diff(key: str, before: Record | None, after: Record | None) -> list[FieldChange]:
    """What changed in one paper's fields between two versions of its record."""
    old, new = before or blank(key), after or blank(key)
    if old.annotation == new.annotation:
        return []
    names = list(CLOCKED) + [TAG + t for t in sorted(set(old.annotation.tags) ^ set(new.annotation.tags))]
    return [FieldChange(key, name, old.value(name), new.value(name))
            for name in names if old.value(name) != new.value(name)]


def revert(record: Record | None, key: str, changes: Iterable[FieldChange], *, forward: bool = False,
           since: str = "") -> tuple[Record | None, list[FieldChange]]:
    """Undo (or, ``forward``, redo) ``changes`` of one paper on its current record.

    A field is put back only while it still holds what the change left in it: a field
    someone changed since (another window, the command line, a sync) keeps their value.
    ``since``: when the change was made; a field changed after it was changed since even
    when it holds that value again (unstarred, then starred again).
    Returns the new record (None: nothing to do) and the changes left alone.
    """
    current = record or blank(key)
    stamps = current.stamps() if since else {}
    values: dict[str, Any] = {}
    skipped = []
    for change in changes:
        expected, target = (change.old, change.new) if forward else (change.new, change.old)
        if stamps.get(change.name, "") > since:
            skipped.append(change)
        elif current.value(change.name) == expected:
            values[change.name] = target
        elif current.value(change.name) != target:
            skipped.append(change)
    if not values:
        return None, skipped
    return current.with_values(values, now_stamp(after=current.annotation.updated)), skipped


def _order(value: Any) -> str:
    """A total order on field values, to break a tie between two changes at one instant."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


def merge(a: Record, b: Record) -> Record:
    """Both records' changes, field by field: each field keeps its later change."""
    if a == b:
        return a
    values: dict[str, Any] = {}
    stamps: dict[str, str] = {}
    stamps_a, stamps_b = a.stamps(), b.stamps()
    for name in stamps_a.keys() | stamps_b.keys():
        when_a, when_b = stamps_a.get(name, ""), stamps_b.get(name, "")
        value_a, value_b = a.value(name), b.value(name)
        if when_a > when_b or (when_a == when_b and _order(value_a) >= _order(value_b)):
            values[name], stamps[name] = value_a, when_a
        else:
            values[name], stamps[name] = value_b, when_b
    later, earlier = (a, b) if (a.annotation.updated, _order(a.extra)) >= (
        b.annotation.updated, _order(b.extra)) else (b, a)
    tags = {name[len(TAG):] for name, present in values.items() if name.startswith(TAG) and present}
    plain = {name: value for name, value in values.items() if not name.startswith(TAG)}
    created = min((s for s in (a.annotation.created, b.annotation.created) if s), default="")
    remembered = {name: getattr(later.annotation, name) or getattr(earlier.annotation, name)
                  for name in _REMEMBERED}  # what it knows of its paper: the later copy
    annotation = replace(later.annotation, **plain, **remembered, tags=tuple(sorted(tags)),
                         created=created, updated=later.annotation.updated)
    return Record(annotation, compact(annotation, stamps), {**earlier.extra, **later.extra})


new_record = constructor(Record)
"""``Record(annotation, changed, extra)``, every field given, faster."""
