"""Which records are one paper: the identity rule, and the report of every merge.

DESIGN.md ("The paper store") and the README state the rule; here it is in code:

1. Two records whose arXiv ids (without version) both exist are the same paper exactly
   when the ids agree; otherwise, when both have DOIs, exactly when a DOI agrees.
2. Otherwise (one or both lack them) they are the same only when their normalised titles
   agree and nothing contradicts it: the first author's family name, the year where both
   have one, the edition where both have one, and a reprint mark.
3. A record without a title never joins another by its title.

Records are first grouped by their own key (equal keys always mean the same paper), then
joined one group at a time, most specific first (arXiv id, DOI, then those with author
and year), each into the one earlier group it agrees with. A group that agrees with two
groups that disagree with each other stays apart: "Introduction" without author or year
could be Smith's or Jones's, so it is neither. Every join is a :class:`Merge`, kept so
``papertray stats`` can list it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tui.model import Paper, family_name, is_reprint, normalise_edition, normalise_title, paper_key

__all__ = ["Merge", "Resolution", "resolve", "merge_order", "shared_records", "title_hash_input"]


@dataclass(frozen=True, slots=True)
class Merge:
    """One record taken into a paper first read elsewhere."""

    key: str
    """The paper's key after the merge."""
    kept: str
    """Where the paper was first read (``path:line``)."""
    merged: str
    """The record merged into it (``path:line``)."""
    reason: str
    """Why they are one paper: "same DOI 10.1/x", "same title, first author and year"."""

    def __str__(self) -> str:
        return f"{self.merged} is {self.kept} ({self.reason})"


def title_hash_input(paper: Paper) -> str:
    """The normalised title, or "" for an untitled paper (never joined by title)."""
    return normalise_title(paper.title) if paper.title else ""


@dataclass(slots=True, eq=False)  # compared by identity: groups are found in buckets
class _Group:
    """Records known to be one paper, and everything that tells it apart from others."""

    records: list[int]
    arxiv: set[str] = field(default_factory=set)
    doi: set[str] = field(default_factory=set)
    title: str = ""
    family: str = ""
    year: int | None = None
    edition: str = ""
    reprint: bool = False
    into: "_Group | None" = None

    def add(self, paper: Paper) -> None:
        if paper.arxiv:
            self.arxiv.add(paper.arxiv)
        if paper.doi:
            self.doi.add(paper.doi.lower())
        self.title = self.title or title_hash_input(paper)
        self.family = self.family or (family_name(paper.authors[0]) if paper.authors else "")
        self.year = self.year or paper.year
        self.edition = self.edition or normalise_edition(paper.field("edition"))
        self.reprint = self.reprint or (bool(paper.fields) and is_reprint(paper))

    def absorb(self, other: "_Group") -> None:
        self.records += other.records
        self.arxiv |= other.arxiv
        self.doi |= other.doi
        self.title = self.title or other.title
        self.family = self.family or other.family
        self.year = self.year or other.year
        self.edition = self.edition or other.edition
        self.reprint = self.reprint or other.reprint
        other.into = self

    @property
    def specificity(self) -> int:
        """Joined first when higher: ids, then author and year."""
        return (8 * bool(self.arxiv) + 4 * bool(self.doi) + 2 * bool(self.family)
                + bool(self.year))


def _agree(a: _Group, b: _Group) -> str | None:
    """Why ``a`` and ``b`` are one paper, or None when they are not (the rule above)."""
    if a.arxiv and b.arxiv:
        shared = a.arxiv & b.arxiv
        return f"same arXiv id {min(shared)}" if shared else None
    if a.doi and b.doi:
        shared = a.doi & b.doi
        return f"same DOI {min(shared)}" if shared else None
    if not a.title or a.title != b.title:
        return None
    said = ["title"]
    for name in ("family", "year", "edition"):
        mine, theirs = getattr(a, name), getattr(b, name)
        if mine and theirs:
            if mine != theirs:
                return None
            said.append({"family": "first author"}.get(name, name))
    if a.reprint != b.reprint:
        return None
    return "same " + (", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else said[0])


@dataclass
class Resolution:
    """Which records make which paper, for records that may be one paper with another."""

    groups: list[list[int]]
    """Records of each paper with more than one record, ascending (the first is where
    the paper was first read)."""
    merges: list[Merge]
    """One per record taken into a paper, in reading order of the papers."""


def resolve(papers: Mapping[int, Paper], combine: Callable[[list[Paper]], Paper]) -> Resolution:
    """Group ``papers`` (record number -> the record as read) into papers by the identity
    rule. ``combine`` makes one paper of a group's records in reading order (the store's
    merge), so a group's key is the key of the paper it becomes."""
    by_key: dict[str, _Group] = {}
    for record in sorted(papers):
        paper = papers[record]
        group = by_key.get(paper.key)
        if group is None:
            group = by_key[paper.key] = _Group([record])
        else:
            group.records.append(record)
        group.add(paper)
    reasons: dict[int, str] = {}
    for group in by_key.values():
        for record in group.records[1:]:
            reasons[record] = _same_key_reason(papers[group.records[0]], papers[record])
    joined = _join(list(by_key.values()), reasons)
    groups = _merge_equal_keys(joined, papers, combine, reasons)
    merges = []
    for records in groups:
        records.sort()
        kept = papers[records[0]]
        key = paper_key(combine([papers[r] for r in records]))
        merges += [Merge(key, kept.source, papers[r].source, reasons.get(r, "same key"))
                   for r in records[1:]]
    groups.sort()
    merges.sort(key=merge_order)
    return Resolution(groups, merges)


def merge_order(merge: Merge) -> tuple[tuple[str, int], tuple[str, int]]:
    """Where a merge is listed: by the place of the paper kept, then of the record taken."""
    return _place(merge.kept), _place(merge.merged)


def _place(source: str) -> tuple[str, int]:
    """``path:line`` in file order (line 9 before line 10)."""
    path, _, line = source.rpartition(":")
    return (path, int(line)) if line.isdigit() else (source, 0)


def _same_key_reason(first: Paper, later: Paper) -> str:
    if first.arxiv and first.arxiv == later.arxiv:
        return f"same arXiv id {first.arxiv}"
    if first.doi and first.doi.lower() == later.doi.lower():
        return f"same DOI {first.doi.lower()}"
    if not first.title:
        return "same content, no title"
    return "same title" + (", first author" if first.authors else "") + (
        " and year" if first.year else "")


def _join(groups: list[_Group], reasons: dict[int, str]) -> list[_Group]:
    """Join groups that the rule says are one paper, most specific first."""
    order = sorted(groups, key=lambda g: (-g.specificity, g.records[0]))
    by_arxiv: dict[str, dict[int, _Group]] = {}
    by_doi: dict[str, dict[int, _Group]] = {}
    # By title, then first author: a title shared by many papers (an "Introduction")
    # must not make every one of them compared with every other.
    by_title: dict[str, dict[str, dict[int, _Group]]] = {}
    placed: list[_Group] = []
    for group in order:
        candidates: dict[int, _Group] = {}
        buckets = [by_arxiv.get(value, {}) for value in group.arxiv]
        buckets += [by_doi.get(value, {}) for value in group.doi]
        if group.title:
            families = by_title.get(group.title, {})
            # Authors that differ never agree; a missing author agrees with any.
            buckets += list(families.values()) if not group.family else [
                families.get(group.family, {}), families.get("", {})]
        for bucket in buckets:
            for other in bucket.values():
                while other.into is not None:
                    other = other.into
                candidates[id(other)] = other
        agreeing = [(other, why) for other in candidates.values()
                    if (why := _agree(other, group)) is not None]
        if len(agreeing) == 1:
            target, why = agreeing[0]
            # Either side may turn out to be read first: both remember why they joined.
            for record in group.records + target.records:
                reasons.setdefault(record, why)
            target.absorb(group)
            home = target
        else:
            placed.append(group)
            home = group
        for value in home.arxiv:
            by_arxiv.setdefault(value, {})[id(home)] = home
        for value in home.doi:
            by_doi.setdefault(value, {})[id(home)] = home
        if home.title:
            by_title.setdefault(home.title, {}).setdefault(home.family, {})[id(home)] = home
    return [g for g in placed if g.into is None]


def _merge_equal_keys(groups: list[_Group], papers: Mapping[int, Paper],
                      combine: Callable[[list[Paper]], Paper],
                      reasons: dict[int, str]) -> list[list[int]]:
    """Groups whose papers end up with the same key are one paper (a key names one paper);
    only groups that stayed apart as ambiguous can meet here."""
    by_key: dict[str, list[int]] = {}
    for group in groups:
        records = sorted(group.records)
        key = paper_key(combine([papers[r] for r in records]))
        if key in by_key:
            for record in records:
                reasons.setdefault(record, "same key")
            by_key[key] = sorted(by_key[key] + records)
        else:
            by_key[key] = records
    return [records for records in by_key.values() if len(records) > 1]


def shared_records(keys: list[str], dois: list[str], titles: list[str]) -> list[int]:
    """The records that may be one paper with another: those sharing a key, a DOI or a
    normalised title with any other record ("" means none). Every other record is a
    paper of its own, with its own key, and need not be looked at again."""
    seen: dict[tuple[int, str], int] = {}
    shared: set[int] = set()
    for kind, values in enumerate((keys, dois, titles)):
        for record, value in enumerate(values):
            if not value:
                continue
            first = seen.setdefault((kind, value), record)
            if first != record:
                shared.update((first, record))
    return sorted(shared)
