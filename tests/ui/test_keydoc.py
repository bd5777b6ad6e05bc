"""The README's key table is the one the bindings generate, so it cannot drift."""

from pathlib import Path

from tui.dev.keydoc import README_END, README_START, markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_key_table_matches_the_bindings() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    assert text[start:end] == markdown_table(), (
        "README key table is stale: paste the output of `python -m tui.dev.keydoc`")


def test_key_table_lists_the_triage_keys_with_their_ids() -> None:
    table = markdown_table()
    for row in ("| `s` | Star | `star` |", "| `z` | Undo | `undo` |", "| `^s` | Save | `note.save` |"):
        assert row in table
