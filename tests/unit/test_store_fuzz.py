"""Whatever bytes a file holds, open_store returns a store and never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.store import open_store

SAMPLES = {
    ".bib": b"@string{j = \"J\"}\n@article{k, title = {T\\\"{o} {X}}, author = {Doe, J. and {Org}},"
            b" journal = j # \" x\", year = 2001, month = jan}\n",
    ".ris": b"TY  - JOUR\nTI  - Title\nAU  - Doe, J\nPY  - 2001///\nER  - \n",
    ".jsonl": b'{"id": "2104.08821", "title": "T", "authors_parsed": [["Doe", "J", ""]], '
              b'"abstract": "  a\\n  b", "update_date": "2021-01-01"}\n{"title": "U", "year": 2000}\n',
    ".json": b'[{"type": "book", "title": "T", "author": [{"family": "Doe"}], '
             b'"issued": {"date-parts": [["2001", 2]]}}]',
    ".xml": b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2101.00001v1'
            b'</id><title>T</title><author><name>A</name></author></entry></feed>',
    ".txt": b"Subscribe A Title\nAn abstract that runs on for a while and ends with a full stop.\n",
    ".nbib": b"PMID- 1\nTI  - Title.\nFAU - Doe, Jane\nDP  - 2001 Jan\n",
}


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid sample of some format with bytes cut, inserted or replaced."""
    extension = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[extension])
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "truncate"]))
        if action == "cut":
            del data[position:position + draw(st.integers(1, 8))]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[position:]
    return extension, bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_files())
def test_damaged_files_never_raise(case: tuple[str, bytes]) -> None:
    extension, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"store{extension}"
        path.write_bytes(data)
        store = open_store(path)
    # Text readers take a lone CR as a line end too, as editors do.
    line_count = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
    # open_store turns a reader's exception into this problem; no reader may need it.
    assert not any("reading stopped early" in p.message for p in store.problems), store.problems
    for problem in store.problems:
        assert problem.line is None or 1 <= problem.line <= line_count, problem
    for paper in store:
        assert paper.title == paper.title.strip() and paper.key


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(sorted(SAMPLES)))
def test_random_bytes_never_raise(data: bytes, extension: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{extension}"
        path.write_bytes(data)
        store = open_store(path)
    assert not any("reading stopped early" in p.message for p in store.problems), store.problems
