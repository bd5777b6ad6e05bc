"""Make untrusted text safe to print on a terminal.

Paper files come from anywhere: a title may carry an escape sequence that retitles the
window (``ESC ] 0 ; owned BEL``), a bidi override that makes text read backwards, or a
10 MB abstract. Everything papertray shows a person passes through :func:`clean` first,
so the data is *displayed, never obeyed*:

- C0 controls, DEL and C1 controls become visible symbols (``ESC`` shows as ``␛``,
  ``BEL`` as ``␇``, a C1 control as ``�``), which defuses every escape sequence because its
  introducer is no longer a control; the rest of the sequence stays as readable text;
- bidi embeddings, overrides and isolates and zero-width characters are removed;
- lone surrogates (from a badly decoded file) become ``�``;
- line breaks and tabs become spaces unless the caller asks for several lines;
- a huge field is cut to a length with a marker saying how much was left out.

JSON output never goes through here: it must stay exact, and ``json.dumps`` already
escapes controls. Pure functions, no textual or rich.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["clean", "clean_line", "dumps_json", "truncate", "DEFAULT_MAX_CHARS", "REPLACEMENT",
           "INVISIBLE"]

DEFAULT_MAX_CHARS = 20_000
"""Longest text :func:`clean` returns by default: a screenful many times over, yet far
below what would stall a terminal (a 10 MB abstract is cut)."""

REPLACEMENT = "\ufffd"
"""Shown in place of a C1 control or a lone surrogate."""

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\ufff9\ufffa\ufffb"
INVISIBLE = _BIDI_CONTROLS + _ZERO_WIDTH
"""Characters :func:`clean` removes: what a person sees, and every export writes, has none."""

# One class holding everything that needs attention, so clean text (the common case)
# costs one regex scan and no allocation.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"
    + _BIDI_CONTROLS
    + _ZERO_WIDTH
    + "\u2028\u2029\ud800-\udfff]"
)
# Characters JSON may legally carry raw but a terminal would act on; written as \uXXXX
# escapes instead, which decode to the very same string.
_JSON_UNSAFE = re.compile("[\x7f-\x9f" + _BIDI_CONTROLS + _ZERO_WIDTH + "\u2028\u2029\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_RUNS_OF_SPACE = re.compile(r"[ \t]{2,}")


def _visible(char: str) -> str:
    """The replacement for one unsafe character (never a control)."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": ␀ ␁ ... ␛ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if char in _BIDI_CONTROLS or char in _ZERO_WIDTH:
        return ""
    return REPLACEMENT  # C1 controls and lone surrogates


def truncate(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars`` characters, saying how much was dropped."""
    if max_chars <= 0 or len(text) <= max_chars:
        return text
    dropped = len(text) - max_chars
    return f"{text[:max_chars]}… [{dropped:,} more characters]"


def clean(text: str, *, multiline: bool = False, max_chars: int | None = DEFAULT_MAX_CHARS) -> str:
    """Return ``text`` safe to write to a terminal (see the module docstring).

    ``multiline`` keeps line breaks (``\\r\\n`` and lone ``\\r`` become ``\\n``, so a
    carriage return cannot overwrite what was printed) and tabs; otherwise every break
    or tab becomes one space. ``max_chars`` (None for no limit) cuts huge text first,
    so cleaning a 10 MB field costs no more than cleaning its first screenfuls.
    """
    if not isinstance(text, str):
        text = str(text)
    if max_chars is not None:
        text = truncate(text, max_chars)
    if not _UNSAFE.search(text):
        return text
    if multiline:
        text = _LINE_BREAKS.sub("\n", text)
        keep = "\n\t"
    else:
        text = _LINE_BREAKS.sub(" ", text).replace("\t", " ")
        keep = ""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _visible(m.group()), text)


def clean_line(text: str, max_chars: int | None = 500) -> str:
    """One line of display text: :func:`clean`, runs of spaces squeezed, ends trimmed."""
    return _RUNS_OF_SPACE.sub(" ", clean(text, max_chars=max_chars)).strip()


def dumps_json(value: Any) -> str:
    """``json.dumps`` on one line, readable (non-ASCII letters kept) yet exact and safe to
    print: controls, bidi and zero-width characters and lone surrogates are ``\\u``-escaped,
    so a JSON reader gets every character back and the terminal obeys none of them."""
    text = json.dumps(value, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
