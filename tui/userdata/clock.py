"""Change times: one canonical form, and readings that never crash on an odd one.

A change time is ISO 8601 UTC with microseconds and a ``Z`` suffix, one fixed width
(years 0001 to 9999), so comparing two of them as strings compares the instants and
"the later change wins" is well defined. ``""`` means "unknown", older than any time.

Times come from files a person, another machine or a sync tool wrote, so reading one
never raises: a time without a zone is taken as UTC, one beyond the calendar's ends is
pinned to them, and one that is not a time at all, or is more than a day ahead of this
computer's clock, is taken as unknown: older than any other change (a time far in the
future would otherwise win every merge, and no edit could ever change that field again;
"unknown" rather than "now" so that every machine reads the file alike and merges agree).
Each such reading leaves a sentence in :attr:`Reading.notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

__all__ = ["Reading", "canonical_stamp", "now_stamp", "parse_filename_stamp", "stamp_for_filename"]

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
EARLIEST = "0001-01-01T00:00:00.000000Z"
LATEST = "9999-12-31T23:59:59.999999Z"
FUTURE_SLACK = timedelta(days=1)
"""How far ahead of this computer's clock a change time may be (another machine's clock)."""

_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_FILENAME_FORMAT = "%Y%m%dT%H%M%S%fZ"
_ONE_MICROSECOND = timedelta(microseconds=1)


def _format(moment: datetime) -> str:
    # Not strftime: it writes year 1 as "1", which would not sort before "2024".
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
            f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}Z")


def now_stamp(after: str = "") -> str:
    """The current UTC instant as a canonical time, strictly later than ``after``.

    Being strictly later than the value it replaces means an edit always wins a merge
    against the version it was made from, even when the clock stepped back meanwhile.
    """
    stamp = _format(datetime.now(timezone.utc))
    if stamp > after:
        return stamp
    try:
        return _format(datetime.strptime(after, TIME_FORMAT) + _ONE_MICROSECOND)
    except (ValueError, OverflowError):  # not canonical, or the very last microsecond
        return after if after >= LATEST else stamp


def canonical_stamp(value: str) -> str:
    """Any ISO 8601 time in the canonical form; "" stays "". Raises ValueError when
    ``value`` is not a time; times beyond the calendar's ends are pinned to them."""
    if value == "" or _CANONICAL.fullmatch(value):
        return value  # the common case, checked cheaply: opening 100k annotations reads 300k
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return _format(moment.astimezone(timezone.utc))
    except OverflowError:  # 0001-01-01T00:30+01:00 is before the first UTC instant
        return EARLIEST if moment.year == 1 else LATEST


def stamp_for_filename(moment: datetime | None = None) -> str:
    """A UTC time usable in a file name, e.g. ``20240501T101500123456Z``."""
    moment = moment or datetime.now(timezone.utc)
    return moment.strftime(_FILENAME_FORMAT)


def parse_filename_stamp(text: str) -> float | None:
    """The POSIX time of a :func:`stamp_for_filename` stamp, or None when it is not one."""
    try:
        return datetime.strptime(text, _FILENAME_FORMAT).replace(tzinfo=timezone.utc).timestamp()
    except (ValueError, OverflowError):
        return None


@dataclass
class Reading:
    """Reads the change times of one file, noting what it had to interpret."""

    source: str
    """The file being read, for the notes."""
    limit: str = field(default="")
    """Times later than this are from the future (default: a day from now)."""
    notes: list[str] = field(default_factory=list)
    """One sentence per kind of odd time met, naming the file and a paper."""
    _kinds: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.limit = self.limit or _format(datetime.now(timezone.utc) + FUTURE_SLACK)

    def stamp(self, value: object, key: str, name: str) -> str:
        """The canonical form of the time ``value`` of field ``name`` of paper ``key``."""
        if value is None or value == "":
            return ""
        if type(value) is str and _CANONICAL.fullmatch(value) and value <= self.limit:
            return value
        try:
            if type(value) is not str:
                raise ValueError(type(value).__name__)
            stamp = canonical_stamp(value)
        except ValueError:
            self._note("garbage", f"{self.source}: the time {str(value)[:40]!r} of {key!r} is "
                       "not a time, so that change is taken as older than any other.")
            return ""
        if stamp > self.limit:
            self._note("future", f"{self.source}: {key!r} was changed at {stamp[:10]}, in the "
                       "future, so that change is taken as older than any other.")
            return ""
        return stamp

    def _note(self, kind: str, sentence: str) -> None:
        if kind not in self._kinds:  # one sentence per file and kind, not one per paper
            self._kinds.add(kind)
            self.notes.append(sentence)
