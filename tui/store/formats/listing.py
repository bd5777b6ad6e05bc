"""Plain-text listings: a page of papers copied from a web page, each a title line then
its abstract paragraph, with the page's own words ("Get trending papers...",
"Subscribe") dropped.

Two layouts are read. Copied pages give one line per title and one long line per
abstract, with no blank lines (the bundled sample is one). Hand-written or wrapped
text separates papers with blank lines and wraps abstracts at a fixed width; there a
paper is either a block holding its title then its abstract, or a title block followed
by an abstract block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tui.model import Paper, Problem, with_key
from tui.store.clean import clean_block, clean_line
from tui.store.reading import read_text

__all__ = ["parse", "parse_text"]

TITLE_MAX = 300
"""Longer lines are never titles."""
WRAPPED_MAX = 200
"""A file whose lines are all this short or shorter was wrapped at a fixed width."""

_BOILERPLATE = re.compile(
    r"^(get trending papers in your email inbox.*|subscribe|sign up|sign in|log in|login"
    r"|trending papers|daily papers|upvote|share|copy link)$",
    re.IGNORECASE,
)
# A "Subscribe" button copied together with the first title: "SubscribeMultimodal ...".
_GLUED_BUTTON = re.compile(r"^Subscribe(?=[A-Z0-9])")


@dataclass
class _Draft:
    title: str
    line: int
    abstract: list[str] = field(default_factory=list)


def parse(path: Path) -> Iterator[Paper | Problem]:
    """Read a plain-text listing of papers."""
    text, problems = read_text(path)
    yield from problems
    yield from parse_text(text, str(path))


def _is_title(line: str) -> bool:
    """Titles are short and do not read as sentences ending in a full stop."""
    if len(line) > TITLE_MAX:
        return False
    return not (line.endswith(".") and len(line.split()) >= 15)


def _content_lines(text: str) -> list[tuple[int, str]]:
    """Numbered lines with page boilerplate removed; blank lines kept as ""."""
    result = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = clean_line(raw)
        if _BOILERPLATE.match(line):
            line = ""
        result.append((number, _GLUED_BUTTON.sub("", line)))
    return result


def parse_text(text: str, name: str) -> Iterator[Paper | Problem]:
    """Read papers from listing text; ``name`` is used in sources and problems."""
    lines = _content_lines(text)
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in lines:
        if line:
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    wrapped = len(blocks) > 1 and all(len(line) <= WRAPPED_MAX for _, line in lines)
    drafts: list[_Draft] = []
    problems: list[Problem] = []
    if wrapped:
        _read_wrapped(blocks, drafts, problems, name)
    else:
        _read_unwrapped([entry for block in blocks for entry in block], drafts, problems, name)
    yield from problems
    for draft in drafts:
        title = clean_line(draft.title)
        yield with_key(Paper(
            key="",
            title=title,
            abstract=clean_block("\n\n".join(draft.abstract)),
            source=f"{name}:{draft.line}",
        ))
    if not drafts and not problems:
        yield Problem(name, None, "no papers found in this text")


def _read_unwrapped(lines: list[tuple[int, str]], drafts: list[_Draft],
                    problems: list[Problem], name: str) -> None:
    """One title line, then one line per abstract paragraph."""
    for number, line in lines:
        if _is_title(line) and not (drafts and not drafts[-1].abstract and _is_abstract(line)):
            drafts.append(_Draft(line, number))
        elif drafts:
            drafts[-1].abstract.append(line)
        else:
            problems.append(Problem(name, number, "text without a title before it; skipped"))


def _is_abstract(line: str) -> bool:
    """A short line straight after a title is its abstract if it reads as sentences."""
    return line.endswith((".", "!", "?")) and len(line.split()) >= 6


def _read_wrapped(blocks: list[list[tuple[int, str]]], drafts: list[_Draft],
                  problems: list[Problem], name: str) -> None:
    """Blank-line separated blocks: either title block + abstract block, or one block
    per paper whose first line is the title."""
    single = sum(1 for block in blocks if len(block) == 1 and _is_title(block[0][1]))
    separate_blocks = single >= (len(blocks) - single) * 0.8
    for block in blocks:
        number, first = block[0]
        body = " ".join(line for _, line in block)
        if separate_blocks:
            # A one-line block after a bare title is its abstract when it reads as a
            # sentence; titles seldom end in a full stop.
            if len(block) == 1 and _is_title(first) and not (
                    drafts and not drafts[-1].abstract and first.endswith((".", "!", "?"))):
                drafts.append(_Draft(first, number))
            elif drafts:
                drafts[-1].abstract.append(body)
            else:
                problems.append(Problem(name, number, "text without a title before it; skipped"))
        elif _is_title(first):
            drafts.append(_Draft(first, number, [" ".join(line for _, line in block[1:])]))
        else:
            problems.append(Problem(name, number, "paragraph without a title line; skipped"))
