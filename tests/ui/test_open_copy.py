"""o opens the PDF a record names (else the link) and says so plainly when nothing can;
y offers BibTeX, \\cite{key}, the DOI and the link, through OSC 52 and a clipboard tool."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import SIZE, settle
from tui.model import Paper


def stand_in(tmp_path: Path, name: str, body: str) -> Path:
    """A program on no PATH that records what it was given."""
    program = tmp_path / name
    program.write_text(f"#!/bin/sh\n{body}\n")
    program.chmod(0o755)
    return program


def messages(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_with_no_opener_o_says_so_and_shows_the_link(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        link = app.main_screen.paper_list.current.link
        said = messages(app)
        assert "Nothing here can open the link" in said and link in said
        assert "Opening" not in said


@pytest.mark.parametrize("form", ["zotero", "jabref", "mendeley", "ris"])
async def test_o_opens_the_local_pdf_the_record_names(make_app, tmp_path, monkeypatch, form):
    library = tmp_path / "library"
    (library / "files" / "F64").mkdir(parents=True)
    pdf = library / "files" / "F64" / "Robinson 2007.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    if form == "ris":
        store = library / "refs.ris"
        store.write_text(f"TY  - JOUR\nTI  - Theories of globalization\nAU  - Robinson, W.\n"
                         f"UR  - https://example.org/robinson\nL1  - {pdf}\nER  - \n")
    else:
        field = {"zotero": "Robinson 2007.pdf:files/F64/Robinson 2007.pdf:application/pdf",
                 "jabref": f"Full text:{str(pdf).replace(':', chr(92) + ':')}:PDF",
                 "mendeley": f":{str(pdf).lstrip('/')}:pdf"}[form]
        store = library / "refs.bib"
        store.write_text("@article{robinson2007, title={Theories of globalization}, "
                         "author={Robinson, W.}, url={https://example.org/robinson}, "
                         f"file={{{field}}}}}\n")
    opened = tmp_path / "opened"
    opener = stand_in(tmp_path, "xdg-open", f'echo "$1" > "{opened}"')
    monkeypatch.setattr("tui.desktop.find_opener", lambda: [str(opener)])
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert Path(opened.read_text().strip()) == pdf
        assert "Opened the PDF" in messages(app)


DPR = Paper(key="doi:10.18653/v1/2020.emnlp-main.550", citekey="karpukhin2020dense",
            title="Dense Passage Retrieval for Open-Domain Question Answering",
            authors=("Vladimir Karpukhin",), year=2020, doi="10.18653/v1/2020.emnlp-main.550",
            url="https://aclanthology.org/2020.emnlp-main.550")


@pytest.mark.parametrize(("key", "expected"), [
    ("c", "\\cite{karpukhin2020dense}"),
    ("d", "10.18653/v1/2020.emnlp-main.550"),
    ("u", "https://aclanthology.org/2020.emnlp-main.550"),
    ("y", "@misc{karpukhin2020dense,"),
])
async def test_y_copies_bibtex_the_cite_key_doi_or_link_with_the_clipboard_tool(
        make_app, tmp_path, monkeypatch, key, expected):
    clipboard = tmp_path / "clipboard"
    xclip = stand_in(tmp_path, "xclip", f'cat > "{clipboard}"')
    monkeypatch.setattr("tui.desktop.clipboard_tool",
                        lambda: (str(xclip), "-selection", "clipboard"))
    app = make_app(papers=[DPR])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y", key)
        await settle(pilot)
        assert app.clipboard.startswith(expected), "through OSC 52"
        assert clipboard.read_text().startswith(expected), "and through xclip"
        assert "with xclip and through the terminal (OSC 52)" in messages(app)


async def test_y_d_on_a_paper_without_a_doi_says_there_is_none(make_app):
    app = make_app(papers=[Paper(key="ref:x", title="No identifiers at all")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y", "d")
        await pilot.pause()
        assert "No DOI to copy" in str(app.screen.query_one("#copy-hint").render())
        assert app.clipboard == ""


async def test_without_a_clipboard_tool_y_says_it_used_the_terminal_only(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y", "y")
        await settle(pilot)
        assert app.clipboard.startswith("@")
        assert "through the terminal (OSC 52); no clipboard tool" in messages(app)
