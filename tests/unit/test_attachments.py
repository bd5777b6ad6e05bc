"""The PDF a record points to: every form of the ``file`` field seen in real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.model import Paper
from tui.store import open_store
from tui.store.attachments import attachments, local_pdf, remote_pdf
from tui.store.formats.ris import parse_text

FIXTURES = Path("/work/shared/fixtures")


@pytest.mark.parametrize(("value", "path"), [
    # Zotero (Better BibTeX): Name:path:mime
    ("Robinson.pdf:store/F64PVIN4/Robinson.pdf:application/pdf", "store/F64PVIN4/Robinson.pdf"),
    ("store/x.pdf:application/pdf", "store/x.pdf"),
    # JabRef: escaped colons and backslashes, one of several files
    (r"R1:C\:\\papers\\R1.pdf:PDF;R2:C\:\\papers\\R2.pdf:PDF", r"C:\papers\R1.pdf"),
    # Mendeley: an empty description
    (":/Volumes/iDisk/Freie Universität/p11-bostrom.pdf:PDF", "/Volumes/iDisk/Freie Universität/p11-bostrom.pdf"),
    ("/home/me/a.pdf", "/home/me/a.pdf"),
])
def test_every_reference_managers_form_names_the_pdf(value: str, path: str) -> None:
    assert attachments(value)[0].path == path
    assert attachments(value)[0].is_pdf


def _paper(file: str, source: Path) -> Paper:
    return Paper(key="ref:x", title="x", source=f"{source}:3", fields=(("file", file),))


def test_a_relative_pdf_is_found_beside_the_bib_file(tmp_path: Path) -> None:
    (tmp_path / "store" / "F64").mkdir(parents=True)
    pdf = tmp_path / "store" / "F64" / "Robinson 2007.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    paper = _paper("Robinson 2007.pdf:store/F64/Robinson 2007.pdf:application/pdf",
                   tmp_path / "refs.bib")
    assert local_pdf(paper) == pdf
    assert local_pdf(_paper("gone.pdf:store/gone.pdf:application/pdf", tmp_path / "r.bib")) is None


def test_the_fixtures_zotero_and_jabref_records_name_their_pdfs() -> None:
    zotero = open_store(FIXTURES / "bib/quirks/Better_BibTeX.015.bib", cache=False)
    assert attachments(zotero[0].field("file"))[0].path.endswith(
        "F64PVIN4/Robinson_2007_Theories of globalization.pdf")
    jabref = [p for p in open_store(FIXTURES / "bib/jabref__complex.bib", cache=False)
              if p.field("file")]
    assert any(a.path.endswith("p11-bostrom.pdf") for p in jabref
               for a in attachments(p.field("file")))


def test_a_ris_l1_pdf_is_kept_and_a_placeholder_is_not() -> None:
    papers = list(parse_text("TY  - JOUR\nTI  - One\nL1  - https://x.org/one.pdf\nER  - \n\n"
                             "TY  - JOUR\nTI  - Two\nL1  - File Attachments 1\nER  - \n", "e.ris"))
    one, two = papers
    assert isinstance(one, Paper) and isinstance(two, Paper)
    assert remote_pdf(one) == "https://x.org/one.pdf"
    assert not two.field("file")


def test_a_ris_author_with_a_null_first_name_is_just_the_family_name() -> None:
    (paper,) = parse_text("TY  - JOUR\nTI  - T\nAU  - van den Hoven, null\n"
                          "AU  - Smits, Maarten L. J.\nER  - \n", "e.ris")
    assert isinstance(paper, Paper)
    assert paper.authors == ("van den Hoven", "Maarten L. J. Smits")
