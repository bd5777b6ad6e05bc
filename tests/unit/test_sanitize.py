"""Untrusted text is made safe for the terminal: shown, never obeyed."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tui.sanitize import REPLACEMENT, clean, clean_line, truncate


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def test_clean_text_is_returned_unchanged() -> None:
    title = "Japanese SimCSE Technical Report — 日本語, naïve [bold]x[/]"
    assert clean(title) is title


def test_osc_window_title_sequence_is_made_visible_not_obeyed() -> None:
    shown = clean("\x1b]0;owned\x07")
    assert shown == "␛]0;owned␇"
    assert not _has_control(shown)


def test_csi_colour_and_c1_csi_are_defused() -> None:
    assert clean("\x1b[31mred\x1b[0m") == "␛[31mred␛[0m"
    assert clean("a\x9b31mb") == f"a{REPLACEMENT}31mb"


def test_nul_and_del_are_visible() -> None:
    assert clean("a\x00b\x7fc") == "a␀b␡c"


def test_bidi_override_and_zero_width_characters_are_removed() -> None:
    spoof = "invoice\u202egpj.exe"
    assert clean(spoof) == "invoicegpj.exe"
    assert clean("Sim\u200bCSE\ufeff\u2066x\u2069") == "SimCSEx"


def test_lone_surrogate_becomes_replacement_character() -> None:
    bad = b"caf\xe9".decode("utf-8", "surrogateescape")
    shown = clean(bad)
    assert shown == f"caf{REPLACEMENT}"
    shown.encode("utf-8")  # printable without UnicodeEncodeError


def test_line_breaks_become_spaces_unless_multiline() -> None:
    assert clean("one\ntwo\r\nthree\tfour") == "one two three four"
    assert clean("one\r\ntwo\rthree\n\tfour", multiline=True) == "one\ntwo\nthree\n\tfour"


def test_carriage_return_cannot_overwrite_a_line() -> None:
    assert "\r" not in clean("harmless\rEVIL", multiline=True)


def test_huge_field_is_truncated_with_a_marker() -> None:
    huge = "x" * 10_000_000
    shown = clean(huge, max_chars=1000)
    assert shown.startswith("x" * 1000)
    assert shown.endswith("[9,999,000 more characters]")
    assert len(shown) < 1100


def test_truncate_leaves_short_text_alone() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("abcdef", 3) == "abc… [3 more characters]"


def test_clean_line_squeezes_and_trims() -> None:
    assert clean_line("  A\n\n  title\t with   gaps ") == "A title with gaps"


@given(st.text())
def test_no_output_ever_contains_a_control_or_bidi_character(text: str) -> None:
    for shown in (clean(text), clean_line(text)):
        assert not _has_control(shown)
        assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in shown)
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in shown)
    assert all(c in "\n\t" for c in clean(text, multiline=True) if unicodedata.category(c) == "Cc")
