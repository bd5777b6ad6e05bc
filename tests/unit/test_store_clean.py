"""Text clean-up helpers every reader relies on: names, dates, control characters."""

from __future__ import annotations

import pytest

from tui.store.clean import (
    clean_block,
    clean_line,
    decode_accents,
    fix_mojibake,
    name_from_text,
    parse_date,
    parse_year,
    split_author_string,
)
from tui.store.formats.latex import latex_to_text
from tui.store.reading import decode_bytes


@pytest.mark.parametrize(("text", "names"), [
    ("Tianyu Gao, Xingcheng Yao and Danqi Chen", ("Tianyu Gao", "Xingcheng Yao", "Danqi Chen")),
    ("Alice Smith, Bob Jones and Carol White, Dan Brown",
     ("Alice Smith", "Bob Jones", "Carol White", "Dan Brown")),
    ("Smith, John and Doe, Jane", ("John Smith", "Jane Doe")),
    ("von Neumann, John and Doe, J.", ("John von Neumann", "J. Doe")),
    ("Smith, John", ("John Smith",)),
    ("John Smith, Jr., Ann Lee and Bo Li", ("John Smith, Jr.", "Ann Lee", "Bo Li")),
    ("Alice Smith (MIT), Bob Jones (CMU, Pittsburgh)", ("Alice Smith", "Bob Jones")),
    ("Ann Lee; Bo Kim", ("Ann Lee", "Bo Kim")),
    ("", ()),
])
def test_author_strings_split_into_display_names(text: str, names: tuple[str, ...]) -> None:
    assert split_author_string(text) == names


def test_single_names() -> None:
    assert name_from_text("Shannon,Claude E.") == "Claude E. Shannon"
    assert name_from_text("John Smith, Jr.") == "John Smith, Jr."
    assert name_from_text("Fanning E.") == "Fanning E."


def test_tex_accents_in_names() -> None:
    assert decode_accents(r'M\"uller {\"O}zg{\"u}r \c{C}elik Erd\H{o}s \o ystein {\ss} \v{S}koda \`{\i}') == \
        "Müller Özgür Çelik Erdős øystein ß Škoda ì"


def test_latex_fields_never_raise_and_keep_text() -> None:
    assert latex_to_text(r"\href{http://a}{link} \url{http://x.org/a_b}") == "link http://x.org/a_b"
    assert latex_to_text(r"Price \$5 \{x\} \unknownmacro{kept}") == "Price $5 {x} kept"
    assert latex_to_text(r"Unbalanced {brace \'e") == "Unbalanced brace é"
    assert latex_to_text("\\") == ""


@pytest.mark.parametrize(("value", "month", "iso"), [
    ("2019///", "", "2019"), ("1948/07//", "", "1948-07"), ("2017-03-05T10:00Z", "", "2017-03-05"),
    ("2001", "jan", "2001-01"), ("2018", "OCT 1", "2018-10"), ("c. 1984", "", "1984"),
    ("2017-14", "", "2017"), ("nothing", "", ""),
])
def test_dates(value: str, month: str, iso: str) -> None:
    assert parse_date(value, month) == iso


def test_years() -> None:
    assert [parse_year(v) for v in (2020, "2020", "c. 1999", 1e3, float("nan"), True, "12", None)] == \
        [2020, 2020, 1999, 1000, None, None, None, None]


def test_control_characters_are_removed_newlines_kept_in_blocks() -> None:
    assert clean_line("a\x00b\tc  d\x1b[31m\x9b2J") == "a b c d [31m 2J"
    assert clean_block("One\nwrapped line.\n\n\x07Two.") == "One wrapped line.\n\nTwo."
    assert clean_block("  Para one\nmore.\n  Para two.", indent_starts_paragraph=True) == \
        "Para one more.\n\nPara two."


def test_mojibake_is_repaired_but_real_text_is_left_alone() -> None:
    assert fix_mojibake("JosÃ© RaÃºl") == "José Raúl"
    assert fix_mojibake("SÃO PAULO") == "SÃO PAULO"


def test_decoding_bom_utf16_crlf_and_latin1() -> None:
    assert decode_bytes(b"\xef\xbb\xbfA\r\nB\rC", "f") == ("A\nB\nC", [])
    assert decode_bytes("Zoë\n".encode("utf-16"), "f") == ("Zoë\n", [])
    text, problems = decode_bytes(b"ok\nCaf\xe9\n", "f")
    assert text == "ok\nCafé\n"
    assert [(p.line, p.message) for p in problems] == [(2, "not valid UTF-8; read as Windows-1252 (Latin-1)")]
    text, problems = decode_bytes("ü ok\n".encode() + b"bad \xff\n", "f")
    assert text == "ü ok\nbad \ufffd\n" and problems[0].line == 2


def test_every_ascii_control_character_in_a_line_becomes_a_space() -> None:
    # Plain ASCII lines take a fast path of their own: it must clean exactly what the
    # general one does (a DEL or a tab kept in a title would reach the screen).
    for code in [*range(0x20), 0x7F]:
        assert clean_line(f"deep{chr(code)}learning") == "deep learning", hex(code)
        assert clean_line(f"deep{chr(code)}learning é") == "deep learning é", hex(code)
    printable = "".join(chr(code) for code in range(0x21, 0x7F))
    assert clean_line(printable) == printable
    assert clean_line(f" {printable}  end ") == f"{printable} end"


def test_the_space_after_an_accented_letter_is_kept() -> None:
    from tui.store.clean import decode_accents

    assert decode_accents(r"Andr\'e Martins, Caf\'{e} society, {\"O}zge and \v s y") == \
        "André Martins, Café society, Özge and š y"
    assert decode_accents(r"\'{ e } x") == "é x"  # inside the group: the brace's


def test_the_space_after_an_accented_dotless_i_is_tex_s() -> None:
    """``\\i`` is a control word: TeX takes the space after it (Na\\"\\i ve is one word)."""
    from tui.store.clean import decode_accents

    assert decode_accents(r"Na\"\i ve Bayes by Mart\'\i nez, Garc\'\i a and \^\j z") == \
        "Naïve Bayes by Martínez, García and ĵz"
    assert decode_accents(r"{\'\i} \'{\i}x \'{\i }x") == "í íx íx"
