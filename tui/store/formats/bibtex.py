"""BibTeX and BibLaTeX files, read with bibtexparser 2.

bibtexparser splits the file into blocks and keeps going past broken ones; we take the
raw field values from it and do the rest here, because its middlewares fall short on
real files: ``@string`` concatenation (``ieee # " and " # acm``) stays unresolved, and
its LaTeX decoding would also rewrite URLs and split no names. Each problem (a broken
entry, a duplicate key, an undefined macro) is reported on the line its entry starts.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser import model
from bibtexparser.exceptions import BlockAbortedException

from tui.model import Paper, Problem, normalise_arxiv_id, with_key
from tui.store.clean import (
    arxiv_from_doi,
    arxiv_from_url,
    arxiv_in_text,
    first_doi,
    iso_date,
    month_number,
    parse_date,
    parse_year,
    split_keywords,
)
from tui.store.formats.bibfields import EMPTY_RECORD, VENUE_FIELDS, is_empty_record, unescape_verbatim
from tui.store.formats.bibvalues import abstract_text, display_names, first_url, one_line_per_paragraph
from tui.store.formats.latex import latex_to_text
from tui.store.limits import MacroBudget
from tui.store.reading import read_text

__all__ = ["parse", "parse_text"]

# bibtexparser logs every broken block at ERROR; those are reported as Problems instead,
# so keep them off the terminal unless the application configures logging itself.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

MONTH_MACROS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}
"""The month macros every BibTeX style predefines."""

# TeX's line break "\\\\" before a brace or quote ({Dept. of Physics\\\\}): bibtexparser
# takes the second backslash to escape the delimiter, and the value runs on into the next
# entries. A space after the line break, which TeX ignores, keeps the delimiter one.
_LINE_BREAK_BEFORE_DELIMITER = re.compile(r'(?<!\\)((?:\\\\)+)(?=[{}"])')
_MISSING_KEY = re.compile(r"^(\s*@\s*\w+\s*[{(])(?=\s*[\w-]+\s*=)")


def parse(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Paper | Problem]:
    """Read a BibTeX file; ``progress`` receives about how many of its bytes are parsed."""
    text, problems = read_text(path)
    yield from problems
    size = path.stat().st_size
    yield from parse_text(text, str(path), None if progress is None else
                          lambda chars: progress(size * chars // max(1, len(text))))


def parse_text(text: str, name: str, progress: Callable[[int], None] | None = None
               ) -> Iterator[Paper | Problem]:
    """Read papers from BibTeX text; ``name`` is used in sources and problems.

    Papers come as each chunk of entries is parsed (see :func:`_chunks`), so the first
    rows of a big file show at once. Order is kept: an entry whose ``crossref`` parent
    is not read yet waits (with everything after it) until the parent comes, as BibTeX
    puts parents after their children, or the file ends."""
    by_key: dict[str, _Raw] = {}
    waiting: deque[_Raw | Problem] = deque()
    anything = False
    for item in _read_blocks(text, name, progress):
        anything = True
        if isinstance(item, _Raw) and item.key:
            by_key[item.key.lower()] = item
        waiting.append(item)
        while waiting and not _parent_pending(waiting[0], by_key):
            yield _finished(waiting.popleft(), by_key, name)
    while waiting:
        yield _finished(waiting.popleft(), by_key, name)
    if not anything and text.strip():
        yield Problem(name, None, "no BibTeX entries (@article{...} and the like) found")


def _parent_pending(item: _Raw | Problem, by_key: dict[str, _Raw]) -> bool:
    """Whether ``item`` names a crossref parent that has not been read yet."""
    if not isinstance(item, _Raw):
        return False
    parent = item.fields.get("crossref", "").strip().lower()
    return bool(parent) and parent not in by_key


def _finished(item: _Raw | Problem, by_key: dict[str, _Raw], name: str) -> Paper | Problem:
    if isinstance(item, Problem):
        return item
    _inherit(item, by_key)
    return _paper(item, name)


CHUNK_CHARS = 1 << 18
"""About how much text bibtexparser is given at once: a few hundred entries, parsed in
a tenth of a second, so rows show long before a 30 MB file is read through."""
_ENTRY_START = re.compile(r"^@[ \t]*\w+[ \t]*[{(]", re.MULTILINE)


FIRST_CHUNK_CHARS = 1 << 14
"""The first piece is small (a dozen entries) so the first rows come at once; pieces
then double up to :data:`CHUNK_CHARS`."""


def _chunks(text: str) -> Iterator[tuple[str, int]]:
    """``text`` cut into pieces of up to about :data:`CHUNK_CHARS` characters, each
    ending just before an entry starts (``@type{`` at a line start), with the number of
    lines before it."""
    size = min(FIRST_CHUNK_CHARS, CHUNK_CHARS)
    start, lines_before = 0, 0
    while start < len(text):
        found = _ENTRY_START.search(text, start + size) if start + size < len(text) else None
        end = found.start() if found else len(text)
        chunk = text[start:end]
        yield chunk, lines_before
        lines_before += chunk.count("\n")
        start = end
        size = min(size * 2, CHUNK_CHARS)


@dataclass
class _Raw:
    """One entry's fields as text, macros expanded, LaTeX not yet decoded."""

    key: str
    entry_type: str
    line: int
    fields: dict[str, str]


def _inherit(item: _Raw, by_key: dict[str, _Raw]) -> None:
    """Fill fields from the entry named by ``crossref`` (one level, as BibTeX does);
    the parent's title becomes the child's booktitle."""
    parent_key = item.fields.get("crossref", "").strip().lower()
    parent = by_key.get(parent_key)
    if parent is None or parent is item:
        return
    for field, value in parent.fields.items():
        if field not in ("crossref", "title", "key") and value.strip():
            item.fields.setdefault(field, value)
    if parent.fields.get("title") and not item.fields.get("booktitle"):
        item.fields["booktitle"] = parent.fields["title"]


def _read_blocks(text: str, name: str, progress: Callable[[int], None] | None = None
                 ) -> Iterator[_Raw | Problem]:
    # Macros, the budget and the keys seen run across chunks, as over one whole file.
    macros = dict(MONTH_MACROS)
    budget = MacroBudget(len(text))
    first_line: dict[str, int] = {}
    chunks = _chunks(text)
    done = 0
    ahead = next(chunks, None)
    while ahead is not None:
        chunk, lines_before = ahead
        ahead = next(chunks, None)
        yield from _read_chunk(chunk, lines_before, name, macros, budget, first_line,
                               last=ahead is None)
        done += len(chunk)
        if progress is not None:
            progress(done)


def _read_chunk(chunk: str, lines_before: int, name: str, macros: dict[str, str],
                budget: MacroBudget, first_line: dict[str, int], last: bool
                ) -> Iterator[_Raw | Problem]:
    if "\\\\" in chunk:
        chunk = _LINE_BREAK_BEFORE_DELIMITER.sub(r"\1 ", chunk)
    library = bibtexparser.parse_string(chunk, parse_stack=[])
    blocks = library.blocks
    chunk_lines = chunk.split("\n")
    for position, block in enumerate(blocks):
        here = (block.start_line or 0) + 1
        line = here + lines_before
        if isinstance(block, model.String):
            macros[block.key.lower()] = _evaluate(block.value, macros, [], budget)
            yield from _over_budget(budget, name, line)
        elif isinstance(block, model.Entry):
            if block.key and block.key in first_line:  # a duplicate from an earlier chunk
                yield _duplicate(block.key, first_line, name, line)
            first_line.setdefault(block.key, line)
            yield from _read_entry(block, line, macros, name, budget)
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            duplicate = block.ignore_error_block
            if isinstance(duplicate, model.String):
                macros[duplicate.key.lower()] = _evaluate(duplicate.value, macros, [], budget)
                yield from _over_budget(budget, name, line)
            elif isinstance(duplicate, model.Entry):
                if duplicate.key:
                    yield _duplicate(duplicate.key, first_line, name, line)
                yield from _read_entry(duplicate, line, macros, name, budget)
        elif isinstance(block, model.DuplicateFieldKeyBlock):
            fields = str(block.error).split("'")[1] if "'" in str(block.error) else "a field"
            yield Problem(name, line, f"{fields} given twice in one entry; the first is used")
            if isinstance(block.ignore_error_block, model.Entry):
                yield from _read_entry(block.ignore_error_block, line, macros, name, budget)
        elif isinstance(block, model.ParsingFailedBlock):
            # The block's raw text stops where parsing stopped; a retry needs all of it.
            end = next((b.start_line for b in blocks[position + 1:]
                        if not isinstance(b, model.ImplicitComment)), None)
            whole = "\n".join(chunk_lines[here - 1:end])
            # A chunk ends where the next entry starts: running off it is not the file's end.
            yield from _failed(block, whole, line, macros, name, budget, ends_file=last)


def _duplicate(key: str, first_line: dict[str, int], name: str, line: int) -> Problem:
    first = first_line.get(key)
    where = f" (first at line {first})" if first else ""
    return Problem(name, line, f"duplicate key '{key}'{where}; both kept")


def _failed(block: model.ParsingFailedBlock, raw: str, line: int, macros: dict[str, str],
            name: str, budget: MacroBudget, ends_file: bool = True) -> Iterator[_Raw | Problem]:
    """A block the splitter gave up on: an entry without a key (EndNote writes those)
    is read anyway; anything else is reported with bibtexparser's reason."""
    if _MISSING_KEY.match(raw):
        retry = bibtexparser.parse_string(_MISSING_KEY.sub(r"\1 papertray-no-key,", raw, count=1),
                                          parse_stack=[])
        if len(retry.entries) == 1 and not retry.failed_blocks:
            entry = retry.entries[0]
            entry.key = ""
            yield from _read_entry(entry, line, macros, name, budget)
            return
    error = block.error
    if isinstance(error, BlockAbortedException):
        reason = error.abort_reason.strip().rstrip(".")
        if "end of file" in reason.lower() and ends_file:
            reason = "unbalanced braces or quotes: the entry never closes"
        elif "Unexpected block start" in reason or "end of file" in reason.lower():
            reason = "unbalanced braces or quotes: the next entry starts inside this one"
    else:
        reason = str(error) or type(error).__name__
    reason = reason.splitlines()[0] if reason else "unreadable entry"
    yield Problem(name, line, f"entry skipped: {reason[:1].lower()}{reason[1:]}")


def _over_budget(budget: MacroBudget, name: str, line: int) -> Iterator[Problem]:
    """The one problem for the block where macro expansion was stopped."""
    if budget.exhausted and budget.left >= 0:
        budget.left = -1  # said once per file
        yield Problem(name, line, f"@string macros expand to more than {budget.limit:,} "
                                  "characters (macros built from macros); from here on "
                                  "they are kept as their names")


def _evaluate(raw: str, macros: dict[str, str], undefined: list[str],
              budget: MacroBudget) -> str:
    """The text of a raw field value: ``{...}`` and ``"..."`` pieces, numbers and
    ``@string`` names, joined by ``#``. Undefined names are kept as text and noted.
    Macro text counts against ``budget``; past it, a macro stays its name."""
    pieces, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(raw):
        if index and raw[index - 1] == "\\":
            continue  # escaped (``\\}``, ``\\#``), as bibtexparser reads the entry
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(raw[start:index])
            start = index + 1
    pieces.append(raw[start:])
    parts = []
    for piece in pieces:
        piece = piece.strip()
        if piece[:1] == "{":
            parts.append(piece[1:-1] if piece.endswith("}") else piece[1:])
        elif piece[:1] == '"':
            parts.append(piece[1:-1] if piece.endswith('"') and len(piece) > 1 else piece[1:])
        elif piece.isdigit() or not piece:
            parts.append(piece)
        elif piece.lower() in macros:
            value = macros[piece.lower()]
            parts.append(value if budget.take(len(value)) else piece)
        else:
            undefined.append(piece)
            parts.append(piece)
    return "".join(parts)


NOT_PAPERS = {"set": "groups other entries", "xdata": "holds fields other entries inherit"}
"""biblatex entry types that are not publications of their own."""
_NOT_KEPT_AS_FIELDS = frozenset({"abstract"})
"""Raw fields not kept in :attr:`Paper.fields`: the abstract is kept (decoded) in its own
column, and twice would double what a big store holds."""


def _read_entry(entry: model.Entry, line: int, macros: dict[str, str],
                name: str, budget: MacroBudget) -> Iterator[_Raw | Problem]:
    undefined: list[str] = []
    fields: dict[str, str] = {}
    for field in entry.fields:
        key = field.key.lower()
        if key not in fields and isinstance(field.value, str):
            fields[key] = _evaluate(field.value, macros, undefined, budget)
    yield from _over_budget(budget, name, line)
    for macro in dict.fromkeys(undefined):
        yield Problem(name, line, f"undefined macro '{macro}' kept as text")
    yield _Raw(entry.key, entry.entry_type.lower(), line, fields)


def _paper(raw: _Raw, name: str) -> Paper | Problem:
    """A paper from one entry's fields, or the reason there is none."""
    fields, line = raw.fields, raw.line
    label = f"entry '{raw.key}'" if raw.key else "entry"
    if raw.entry_type in NOT_PAPERS:
        members = fields.get("entryset", "").strip()
        what = f" ({members})" if members else ""
        return Problem(name, line, f"@{raw.entry_type} {label.removeprefix('entry ')} "
                       f"{NOT_PAPERS[raw.entry_type]}{what}; not a paper of its own")
    title = latex_to_text(fields.get("title", ""))
    doi = first_doi(unescape_verbatim(fields.get("doi", "")))
    url = first_url(fields.get("url", ""))
    eprint = fields.get("eprint", "").strip()
    eprint_type = (fields.get("eprinttype") or fields.get("archiveprefix") or "").strip().lower()
    arxiv_id = ""
    if eprint and eprint_type in ("", "arxiv"):
        arxiv_id = normalise_arxiv_id(eprint)
    if not arxiv_id:
        arxiv_id = normalise_arxiv_id(fields.get("arxivid", "")) or normalise_arxiv_id(
            arxiv_from_doi(doi)) or normalise_arxiv_id(arxiv_from_url(url))
    if not arxiv_id:
        arxiv_id = normalise_arxiv_id(arxiv_in_text(
            *(fields.get(name, "") for name in ("journal", "journaltitle", "note", "howpublished"))))
    date = parse_date(fields.get("date", ""))
    year = parse_year(fields.get("year", "")) or (int(date[:4]) if date else None)
    if not date and year:
        date = iso_date(year, month_number(fields.get("month", "")))
    authors = display_names(fields.get("author", "")) or display_names(fields.get("editor", ""))
    abstract = abstract_text(fields.get("abstract", ""))
    if is_empty_record(title=title, authors=authors, abstract=abstract, doi=doi, arxiv=arxiv_id,
                       url=url, citekey=raw.key):
        return Problem(name, line, EMPTY_RECORD.replace("record", label, 1))
    venue = next((latex_to_text(fields[f]) for f in VENUE_FIELDS if fields.get(f, "").strip()), "")
    return with_key(Paper(
        key="",
        title=title,
        authors=authors,
        year=year,
        venue=venue,
        abstract=abstract,
        doi=doi,
        arxiv=arxiv_id,
        url=url,
        categories=split_keywords(latex_to_text(fields.get("keywords", ""))),
        date=date,
        citekey=raw.key,
        entry_type=raw.entry_type,
        source=f"{name}:{line}",
        fields=tuple((field, one_line_per_paragraph(value)) for field, value in fields.items()
                     if field not in _NOT_KEPT_AS_FIELDS and value.strip()),
    ))
