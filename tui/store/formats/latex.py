"""LaTeX in BibTeX fields turned into readable Unicode.

pylatexenc does the real work (it is what bibtexparser's own decoding middleware wraps).
We call it directly rather than through that middleware for three reasons: we decode
only the fields people read (never URLs, DOIs or file paths, whose ``_`` and ``%`` are
data); we decode each name after splitting authors, so ``{Barnes and Noble}`` stays one
name; and most field values hold no backslash at all, and for them a plain brace strip
is a hundred times cheaper than a parse.
"""

from __future__ import annotations

import logging

from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from tui.store.clean import clean_line, decode_accents

__all__ = ["latex_to_text"]

logger = logging.getLogger(__name__)

_WALKER_CONTEXT = latexwalker.get_default_latex_context_db()
_WALKER_CONTEXT.add_context_category(
    "papertray",
    prepend=True,
    macros=[
        macrospec.MacroSpec("href", "{{"),
        macrospec.MacroSpec("url", "{"),
        macrospec.MacroSpec("mkbibquote", "{"),
        macrospec.MacroSpec("enquote", "{"),
    ],
)
_TEXT_CONTEXT = get_default_latex_context_db()
_TEXT_CONTEXT.add_context_category(
    "papertray",
    prepend=True,
    macros=[
        MacroTextSpec("url", simplify_repl="%s"),  # no <angle brackets> round links
        MacroTextSpec("href", simplify_repl="%(2)s"),
        MacroTextSpec("LaTeX", simplify_repl="LaTeX"),
        MacroTextSpec("LaTeXe", simplify_repl="LaTeX2e"),
        MacroTextSpec("TeX", simplify_repl="TeX"),
        MacroTextSpec("BibTeX", simplify_repl="BibTeX"),
        MacroTextSpec("hyphen", simplify_repl="-"),  # biblatex's breakable hyphen
        MacroTextSpec("mbox", simplify_repl="%s"),
        MacroTextSpec("hbox", simplify_repl="%s"),
        MacroTextSpec("text", simplify_repl="%s"),
        MacroTextSpec("mkbibquote", simplify_repl="“%s”"),
        MacroTextSpec("enquote", simplify_repl="“%s”"),
    ],
)
_CONVERTER = LatexNodes2Text(latex_context=_TEXT_CONTEXT, math_mode="text",
                             strict_latex_spaces=True)

_ESCAPES = (("\\&", "&"), ("\\%", "%"), ("\\_", "_"), ("\\#", "#"),
            ("\\$", "\x03"), ("\\{", "\x01"), ("\\}", "\x02"))
"""Escaped characters, with placeholders for the three that mean something to LaTeX."""
_PLACEHOLDERS = str.maketrans({"\x01": "{", "\x02": "}", "\x03": "$"})


def latex_to_text(value: str) -> str:
    """Readable one-line text from a LaTeX field value. Never raises: text that cannot
    be parsed keeps its characters, less braces."""
    if "~" in value:
        value = value.replace("\\~", "\x00").replace("~", " ").replace("\x00", "\\~")
    if "--" in value:
        value = value.replace("---", "—").replace("--", "–")
    if "\\" in value:
        # Accents are most of the backslashes in real files; the fast decoder handles
        # them, and only what is left (macros, math) needs the full parser.
        value = decode_accents(value, keep_braces=True)
    simple = value
    for escaped, plain in _ESCAPES:
        if escaped in simple:
            simple = simple.replace(escaped, plain)
    if "\\" not in simple and "$" not in simple:
        return clean_line(simple.replace("{", "").replace("}", "").translate(_PLACEHOLDERS))
    try:
        nodes = latexwalker.LatexWalker(value, latex_context=_WALKER_CONTEXT,
                                        tolerant_parsing=True).get_latex_nodes()[0]
        text = _CONVERTER.nodelist_to_text(nodes)
    except Exception as error:  # pylatexenc raises many kinds; the text is still useful
        logger.debug("LaTeX not decoded (%s): %r", error, value[:80])
        text = value.replace("{", "").replace("}", "")
    return clean_line(text)
