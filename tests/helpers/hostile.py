"""A paper file whose every string tries to drive the terminal, and a check for what a
terminal would obey."""

from __future__ import annotations

import unicodedata
from pathlib import Path

EVIL = "ev\x1b]0;OWNED\x07il\x1b[2J"
"""Retitles the terminal window and clears the screen when printed raw."""


def obeyable(text: str) -> list[str]:
    """Characters a terminal would act on: controls other than newline (and the carriage
    return of CSV line ends), bidi and zero-width formatting characters, lone surrogates."""
    text = text.replace("\r\n", "\n")
    return [c for c in text if (unicodedata.category(c) in ("Cc", "Cs") and c != "\n")
            or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"]


def write_evil_bibtex(path: Path) -> Path:
    """A BibTeX file with the hostile string in the citekey and every field."""
    path.write_text(
        f"@article{{{EVIL},\n  title = {{Evil {EVIL} title}},\n  author = {{Doe{EVIL}, Jane}},\n"
        f"  journal = {{J {EVIL}}},\n  year = 2024,\n  doi = {{10.1234/{EVIL}}},\n"
        f"  url = {{https://example.org/{EVIL}}},\n  keywords = {{k{EVIL}}},\n"
        f"  abstract = {{Abstract {EVIL} text}}\n}}\n", encoding="utf-8")
    return path
