"""Text clean-up shared by every format: control characters, whitespace, names, dates.

Every function here takes whatever a file gave and returns plain Unicode that is safe to
keep as data. Each has a fast path for text that is already clean, because the JSON Lines
reader calls them a few times per record on stores of a million papers.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "arxiv_in_text",
    "clean_line",
    "clean_block",
    "fix_mojibake",
    "decode_accents",
    "display_name",
    "name_from_text",
    "split_author_string",
    "split_keywords",
    "parse_year",
    "parse_date",
    "month_number",
    "first_doi",
    "iso_date",
    "arxiv_from_doi",
    "arxiv_from_url",
]

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What is removed from every field: C0 controls but tab and newline, DEL, and the C1
block (0x9b starts a terminal escape sequence just as ESC [ does)."""
_CONTROL = CONTROL_CHARACTERS
_SURROGATE = re.compile(r"[\ud800-\udfff]")
"""Lone surrogates (JSON allows ``"\\ud800"``) cannot be encoded, so they become U+FFFD."""
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_INDENTED_LINE = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t])")


def fix_mojibake(value: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1 on its way here ("RamÃ­rez" -> "Ramírez").
    Text that does not turn into valid UTF-8 that way is left as it is."""
    try:
        return value.encode("cp1252").decode("utf-8")
    except UnicodeError:
        try:
            return value.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return value


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def clean_line(value: str) -> str:
    """One-line text (titles, names, venues): controls removed, whitespace collapsed."""
    if value.isascii():  # costs nothing; most text of most files
        # Deleting every printable byte leaves none: three times quicker than
        # isprintable on an abstract (a sixteenth of reading a record).
        printable = not value.encode("ascii").translate(None, _PRINTABLE_ASCII)
    else:
        if "Ã" in value or "Â" in value:
            value = fix_mojibake(value)
        printable = value.isprintable()
    if printable and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value
    if _CONTROL.search(value):
        # A control character between two words stands for a space, not for nothing.
        value = _CONTROL.sub(" ", value)
    value = _SURROGATE.sub("\ufffd", value)
    return squeeze(value)


_WHITESPACE = re.compile(r"\s")
_SPLIT_MAX = 1 << 16
"""Whitespace is squeezed by splitting text into words, the fastest way; text longer than
this is done a window at a time, because a list of all its words costs about ten times
the text in memory (a 200 MB abstract would take gigabytes)."""


def squeeze(value: str) -> str:
    """Every run of whitespace made one space, and none at either end."""
    if len(value) < _SPLIT_MAX:
        return " ".join(value.split())
    pieces, start, end_of_text = [], 0, len(value)
    while start < end_of_text:
        end = start + _SPLIT_MAX
        if end < end_of_text:  # move on to a space, so that no word is cut in two
            space = _WHITESPACE.search(value, end)
            end = space.start() if space else end_of_text
        if words := value[start:end].split():
            pieces.append(" ".join(words))
        start = end
    return " ".join(pieces)


def clean_block(value: str, *, indent_starts_paragraph: bool = False) -> str:
    """Multi-line text (abstracts): hard line wraps joined, paragraphs kept apart by a
    blank line. ``indent_starts_paragraph`` follows arXiv, where a line that begins
    with spaces opens a new paragraph instead of continuing the last one."""
    if "\n" not in value and "\r" not in value:
        return clean_line(value)
    if not value.isascii() and ("Ã" in value or "Â" in value):
        value = fix_mojibake(value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = _SURROGATE.sub("\ufffd", value)
    splitter = _INDENTED_LINE if indent_starts_paragraph else _BLANK_LINE
    paragraphs = (squeeze(part) for part in splitter.split(value.strip()))
    return "\n\n".join(p for p in paragraphs if p)


# --- LaTeX accents in names -------------------------------------------------------------
# A small, fast decoder for the accents people's names carry in arXiv metadata and
# BibTeX (M\"uller, {\'E}mile, \c{C}elik). Full LaTeX goes through tui.store.formats.latex.

_COMBINING = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    "u": "\u0306", ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b",
    "v": "\u030c", "d": "\u0323", "c": "\u0327", "k": "\u0328", "b": "\u0331",
}
_LETTERS = {
    "o": "ø", "O": "Ø", "ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
}
# A space after the accented letter is a space (Andr\'e Martins), unless a brace closes
# the group first (\'{e }); after \i or \j, a control word, TeX takes it (Na\"\i ve).
_ACCENT = re.compile(
    r"""\{?\\([`'^~=".]|[uvHrdckb](?=[\s{\\]))\s*\{?\s*(\\[ij](?![a-zA-Z])\s*|[a-zA-Z])(?:\s*\})?\}?"""
)
_LETTER = re.compile(r"\{?\\(ss|aa|AA|ae|AE|oe|OE|dh|DH|th|TH|ng|NG|[oOlLij])(?![a-zA-Z])\s*(\{\})?\}?")


def _accent(match: re.Match[str]) -> str:
    base = match.group(2)
    if base.startswith("\\"):
        base = base[1]  # an accent on dotless i or j is the accented i or j
    return unicodedata.normalize("NFC", base + _COMBINING[match.group(1)])


def decode_accents(value: str, *, keep_braces: bool = False) -> str:
    """Turn TeX accent commands and special letters into Unicode; other braces go
    unless ``keep_braces`` (the caller will parse the rest as LaTeX)."""
    if "\\" in value:
        value = _ACCENT.sub(_accent, value)
        value = _LETTER.sub(lambda m: _LETTERS[m.group(1)], value)
    if not keep_braces and ("{" in value or "}" in value):
        value = value.replace("{", "").replace("}", "")
    return value


# --- Names ------------------------------------------------------------------------------


def display_name(family: str, given: str = "", suffix: str = "") -> str:
    """Join name parts as people read them: "Given Family, Suffix"."""
    name = f"{given} {family}" if given and family else (family or given)
    if suffix:
        name = f"{name}, {suffix}"
    return clean_line(name)


_AND = re.compile(r"\s+and\s+|\s*;\s*|\s*&\s*", re.IGNORECASE)


def _split_outside_parens(text: str, separator: str) -> list[str]:
    """Split on ``separator`` except inside parentheses (arXiv puts affiliations there)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def split_author_string(text: str) -> tuple[str, ...]:
    """Split one string of authors into display names.

    Understands "A, B and C" (arXiv), "Family, Given and Family, Given" (BibTeX style),
    and "; " separated lists. Affiliations in parentheses are dropped."""
    text = clean_line(text)
    if not text:
        return ()
    pieces = [p.strip() for p in _AND.split(text) if p.strip()]
    # "Family, Given and Family, Given": every piece holds exactly one comma. arXiv's
    # "A B, C D and E F" has that shape too, so with two pieces or fewer the part before
    # the comma must also look like a family name rather than a whole name.
    if all(p.count(",") == 1 for p in pieces) and (
        len(pieces) > 2 or all(_looks_like_family(p.partition(",")[0]) for p in pieces)
    ):
        return tuple(name_from_text(p) for p in pieces)
    names: list[str] = []
    for piece in pieces:
        names.extend(p.strip() for p in _split_outside_parens(piece, ","))
    result: list[str] = []
    for name in (_AFFILIATION.sub("", n).strip() for n in names):
        if name.lower() in _SUFFIXES and result:
            result[-1] = f"{result[-1]}, {name}"  # "John Smith, Jr."
        elif name:
            result.append(name)
    return tuple(result)


# "[^()]", not "[^)]": with the latter an unclosed "(" scans to the end of the text, and
# 150,000 of them took 23 s; now each scan stops at the next parenthesis.
_AFFILIATION = re.compile(r"\s*\([^()]*\)")


def _looks_like_family(text: str) -> bool:
    """One word ("Smith") or a particle first ("van der Berg"), not "Alice Smith"."""
    text = text.strip()
    return bool(text) and (" " not in text or text[:1].islower())


_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_NO_NAME = frozenset({"null", "NULL", "undefined", "none", "None", "nan", "NaN"})
"""What exporters write for a missing name part (Zotero's RIS: "van den Hoven, null";
Python's None, a spreadsheet's NaN), as they write it: "Nan" and "Null" are names
(Du, Nan; Nan, Feng)."""


def name_from_text(name: str) -> str:
    """One name as written: "Family, Given" turned round, "Given Family" kept, and
    "Given Family, Jr." left alone; RIS's "Family, Given, Suffix" read as such."""
    name = clean_line(name)
    if "," in name:
        name = ", ".join(part.strip() for part in name.split(",")
                         if part.strip() not in _NO_NAME)
    if name.count(",") == 2:
        family, given, suffix = (part.strip() for part in name.split(","))
        return display_name(family, given, suffix) if family and given and suffix else name
    if name.count(",") != 1:
        return name
    family, _, given = (part.strip() for part in name.partition(","))
    if not family or not given or given.lower() in _SUFFIXES:
        return name.strip(", ")
    return display_name(family, given)


def split_keywords(value: str) -> tuple[str, ...]:
    """Split a keyword field on commas or semicolons; keep order, drop repeats."""
    separator = ";" if ";" in value else ","
    seen: dict[str, None] = {}
    for word in value.split(separator):
        word = clean_line(word)
        if word:
            seen.setdefault(word, None)
    return tuple(seen)


# --- Dates ------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january", "janvier", "januar"), ("feb", "february", "février", "februar"),
         ("mar", "march", "mars", "märz"), ("apr", "april", "avril"), ("may", "mai"),
         ("jun", "june", "juin", "juni"), ("jul", "july", "juillet", "juli"),
         ("aug", "august", "août"), ("sep", "sept", "september", "septembre"),
         ("oct", "october", "octobre", "oktober"), ("nov", "november", "novembre"),
         ("dec", "december", "décembre", "dezember")],
        start=1,
    )
    for name in names
}
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ISO = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


def month_number(value: str) -> int | None:
    """1-12 from "jan", "January", "Jan.", "OCT 1" or "10"; None otherwise."""
    text = value.strip().lower().rstrip(".")
    if text.isdecimal():  # not isdigit: "²" is a digit that int() refuses
        number = int(text)
        return number if 1 <= number <= 12 else None
    word = re.split(r"[\s.,/-]+", text, maxsplit=1)[0] if text else ""
    return _MONTHS.get(word)


def parse_year(value: object) -> int | None:
    """A plausible four-digit year from an int or any text holding one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    if isinstance(value, float):
        return int(value) if value == value and 1000 <= value <= 2999 else None
    if isinstance(value, str) and (match := _YEAR.search(value)):
        year = int(match.group(1))
        return year if 1000 <= year <= 2999 else None
    return None


def parse_date(value: str, month: str = "") -> str:
    """An ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) from what a file gave:
    "2018/07/01", "2019///", "2017-03-05T10:00Z", or a year plus a month word."""
    text = value.strip()
    match = _ISO.match(text)
    if not match:
        year = parse_year(text)
        if year is None:
            return ""
        match = None
        parts = [year, month_number(month) if month else None, None]
    else:
        parts = [int(match.group(1)), None, None]
        if match.group(2):
            parts[1] = int(match.group(2))
            if match.group(3):
                parts[2] = int(match.group(3))
        elif month:
            parts[1] = month_number(month)
    return iso_date(*parts)


def iso_date(year: int | None, month: int | None = None, day: int | None = None) -> str:
    """Format known date parts; a month outside 1-12 (CSL seasons) or a bad day is dropped."""
    if year is None or not 1000 <= year <= 2999:
        return ""
    if not month or not 1 <= month <= 12:
        return f"{year:04d}"
    if not day or not 1 <= day <= 31:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


_DOI = re.compile(r"10\.\d{4,9}/\S+")


def first_doi(value: str) -> str:
    """The first DOI in a field that may hold a URL, a prefix, or several DOIs."""
    # Braces are BibTeX protection ({{10.1016/x}}), never part of the DOI itself.
    text = value.strip().replace("{", " ").replace("}", " ")
    if not text.strip():
        return ""
    match = _DOI.search(text)
    return match.group(0).rstrip(".,;)") if match else ""


_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(\S+)$", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+)", re.IGNORECASE)


def arxiv_from_doi(doi: str) -> str:
    """The arXiv id inside an arXiv-issued DOI (``10.48550/arXiv.2104.08821``), or ""."""
    match = _ARXIV_DOI.match(doi.strip())
    return match.group(1) if match else ""


_ARXIV_NAMED = re.compile(
    r"(?:arxiv\s+preprint\s+|preprint\s+|e-?prints?,?\s+)?arxiv\s*[:\s]\s*"
    r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?\s*(?:\[[^\]\s]*\])?\s*[.,;]?",
    re.IGNORECASE)


def arxiv_in_text(*texts: str) -> str:
    """The arXiv id of the first of ``texts`` that is only an arXiv id ("arXiv:1706.03762
    [cs]", as Zotero writes a preprint's journal; Google Scholar's "arXiv preprint
    arXiv:1706.03762"), or "". An id inside other words ("Builds on arXiv:1706.03762")
    may be another paper's: taken, it would make this paper that one."""
    for text in texts:
        if text and (match := _ARXIV_NAMED.fullmatch(text.strip())):
            return match.group(1)
    return ""


def arxiv_from_url(url: str) -> str:
    """The arXiv id in an ``arxiv.org/abs/...`` or ``/pdf/...`` link, or ""."""
    match = _ARXIV_URL.search(url)
    return match.group(1).removesuffix(".pdf") if match else ""
