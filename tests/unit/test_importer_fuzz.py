"""Promise 7: every importer survives fuzzing.

For each format the store reads (JSON Lines, a generic JSON array, CSL-JSON, BibTeX, RIS,
PubMed MEDLINE, arXiv Atom and a copied web listing), two kinds of input:

* **generated**: hypothesis writes well-formed and half-formed files of that format whose
  fields hold anything (markup, controls, line separators, the format's own syntax, lone
  surrogates, JSON of the wrong type) in any of the encodings people's files come in;
* **mutated**: real files (the project's own sample listing and test papers, and every
  real-world fixture) with bytes flipped, cut, repeated, spliced and sprinkled with tokens
  that matter to some reader.

Whatever the bytes, ``open_store`` returns a store and every problem is reported as
``file:line`` with the line inside the file (only a whole-file problem has no line).
``tests/unit/test_store_fuzz.py`` covers random bytes and small damaged samples.
"""

from __future__ import annotations

import codecs
import json
import random
import re
import tempfile
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.export import write_papers
from tui.model import Paper
from tui.store import open_store, sample_path

TEST_PAPERS = Path(__file__).resolve().parents[1] / "ui" / "papers.jsonl"

WHOLE_FILE = re.compile(
    r"the file is empty|not a paper file|cannot be read|binary data|XML that is not|"
    r"no BibTeX entries|no papers found|no RIS records|more problems not listed|"
    r"not a JSON array or object of papers")
"""The only problems that may come without a line: they are about the whole file."""

FORMATS = ("jsonl", "json", "csl", "bibtex", "ris", "medline", "atom", "listing")
EXTENSION = {"jsonl": ".jsonl", "json": ".json", "csl": ".json", "bibtex": ".bib", "ris": ".ris",
             "medline": ".nbib", "atom": ".xml", "listing": ".txt"}

SYNTAX = ["\n", "\r", "\r\n", "\n\n", "{", "}", "[", "]", '"', "\\", ",", ":", "@", "#", "%", "=",
          "@string{x = {", "@comment{", "TY  - ", "ER  - ", "ER  -", "AU  - ", "PMID- 1", "TI  - ",
          "      ", "<", ">", "&", "&amp;", "&#0;", "]]>", "<![CDATA[", "<!DOCTYPE x [", "</entry>",
          "\\'", '\\"{o}', "{\\", "$", "$$", "\t", "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028",
          "\u2029", "\ufeff", "\u202e", "\u200b", "\x1b]0;x\x07", "\x9b", "[bold]", "[/]", "\ud800",
          "\udfff", "null", "true", "1e999", "-1e999", "NaN", "Infinity", "-0", "9" * 40, "\u00b2",
          "\u0662\u0660\u0662\u0661", "\uff11\uff12"]
"""Tokens that mean something to one reader or another (or to a terminal); the last are
digits ``str.isdigit`` accepts but ``int`` may not (superscript two, Arabic-Indic, fullwidth)."""

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "utf-8-surrogates", "latin-1-bytes"]


# -------------------------------------------------------------------- checking a result

def _line_count(data: bytes) -> int:
    """How many lines the store may name: decoded as the readers decode, any line end."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def open_and_check(data: bytes, extension: str) -> None:
    """Open ``data`` as a one-file store and hold it to the promise."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"papers{extension}"
        path.write_bytes(data)
        store = open_store(path)  # raising here fails the test with the reader's traceback
    lines = _line_count(data)
    for problem in store.problems:
        assert "reading stopped early" not in problem.message, problem  # a reader raised
        assert problem.path == str(path), problem
        if problem.line is None:
            assert WHOLE_FILE.search(problem.message), f"record problem without a line: {problem}"
        else:
            assert 1 <= problem.line <= lines, f"line out of range (file has {lines}): {problem}"
            assert str(problem).startswith(f"{path}:{problem.line}: ")
    for paper in store:
        # A paper without a title is kept when it has anything else to be known by.
        assert paper.key and paper.title == paper.title.strip(), paper
        assert (paper.title or paper.authors or paper.abstract or paper.doi or paper.arxiv
                or paper.url or paper.citekey), paper
        where, _, line = paper.source.rpartition(":")
        if where == str(path):
            assert 1 <= int(line) <= lines, f"source line out of range: {paper.source}"


# -------------------------------------------------------------------- writing each format

def _names(authors: list[str]) -> list[tuple[str, str]]:
    """(family, given) of "Given Family" names."""
    return [(a.rpartition(" ")[2], a.rpartition(" ")[0]) for a in authors]


def render(fmt: str, records: list[dict]) -> str:
    """``records`` (title, authors, year, month, abstract, doi, arxiv, venue) written as ``fmt``."""
    return _render(fmt, records).replace(json.dumps(OVERFLOW), "1e999").replace(OVERFLOW, "1e999")


def _render(fmt: str, records: list[dict]) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=1)
    if fmt == "csl":
        return json.dumps([{
            "type": "article-journal", "title": r.get("title"), "abstract": r.get("abstract"),
            "author": [_csl_name(a) for a in _as_list(r.get("authors"))],
            "issued": {"date-parts": [[r.get("year"), r.get("month", 1)]]}, "DOI": r.get("doi"),
            "container-title": r.get("venue")} for r in records], ensure_ascii=False, indent=2)
    out = []
    for number, r in enumerate(records):
        text = {k: _as_text(v) for k, v in r.items()}
        authors = [_as_text(a) for a in _as_list(r.get("authors"))]
        if fmt == "bibtex":
            out.append(f"@article{{key{number},\n  title = {{{text.get('title', '')}}},\n"
                       f"  author = {{{' and '.join(authors)}}},\n  year = {text.get('year', '')},\n"
                       f"  month = {{{text.get('month', '')}}},\n"
                       f"  journal = \"{text.get('venue', '')}\",\n  doi = {{{text.get('doi', '')}}},\n"
                       f"  abstract = {{{text.get('abstract', '')}}}\n}}\n")
        elif fmt == "ris":
            out.append("TY  - JOUR\n" + f"TI  - {text.get('title', '')}\n"
                       + "".join(f"AU  - {a}\n" for a in authors)
                       + f"PY  - {text.get('year', '')}\nDA  - {text.get('year', '')}/{text.get('month', '')}/\n"
                       + f"AB  - {text.get('abstract', '')}\n"
                       + f"DO  - {text.get('doi', '')}\nER  - \n")
        elif fmt == "medline":
            out.append(f"PMID- {number + 1}\nTI  - {text.get('title', '')}\n"
                       + "".join(f"FAU - {f}, {g}\n" for f, g in _names(authors))
                       + f"DP  - {text.get('year', '')} {text.get('month', 'Jan')}\n"
                       + f"AB  - {text.get('abstract', '')}\n"
                       + f"LID - {text.get('doi', '')} [doi]\n\n")
        elif fmt == "atom":
            out.append(f"<entry><id>http://arxiv.org/abs/{_xml(text.get('arxiv', ''))}v1</id>"
                       f"<title>{_xml(text.get('title', ''))}</title>"
                       f"<summary>{_xml(text.get('abstract', ''))}</summary>"
                       + "".join(f"<author><name>{_xml(a)}</name></author>" for a in authors)
                       + f"<published>{_xml(text.get('year', ''))}-{_xml(text.get('month', '01'))}-02T00:00:00Z"
                       "</published>"
                       "</entry>\n")
        else:
            out.append(f"{text.get('title', '')}\n{text.get('abstract', '')}\n\n")
    if fmt == "atom":
        return '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n' + "".join(out) + "</feed>\n"
    return "".join(out)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text as XML character data (mutation makes the malformed feeds)."""
    return xml_escape(_NOT_XML.sub("", text))


def _csl_name(author: object) -> object:
    if not isinstance(author, str):
        return author  # any JSON where a name should be
    given, _, family = author.rpartition(" ")
    return {"family": family, "given": given}


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


def encode(text: str, encoding: str) -> bytes:
    """``text`` as a file in ``encoding``; the last two make invalid UTF-8 on purpose."""
    if encoding == "utf-8-surrogates":
        return text.encode("utf-8", errors="surrogatepass")
    if encoding == "latin-1-bytes":
        return text.encode("latin-1", errors="replace")
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf-16") else "replace")


# -------------------------------------------------------------------- generated inputs

OVERFLOW = "<1e999>"
"""Stands for the JSON number 1e999, which json.dumps cannot write: it reads back as infinity."""

FIELD_TEXT = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=12)), max_size=6).map("".join)
NUMBERS = st.sampled_from([float("inf"), float("-inf"), float("nan"), OVERFLOW, -1, 0, 10**30,
                           "\u00b2", "\uff12\uff10\uff12\uff11", "2021", "02"])
"""Years and months no calendar has, numbers too big for a float, and digits ``int`` refuses."""
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | FIELD_TEXT,
                          lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.sampled_from(["family", "given", "literal", "name",
                                                             "date-parts", "0"]), inner, max_size=3),
                          max_leaves=6)


@st.composite
def records(draw: st.DrawFn, fmt: str) -> list[dict]:
    """Papers whose fields hold hostile text (or, for JSON formats, any JSON at all)."""
    strange = fmt in ("jsonl", "json", "csl")
    field = st.one_of(FIELD_TEXT, JSON_VALUE) if strange else FIELD_TEXT
    record = st.fixed_dictionaries({
        "title": st.one_of(FIELD_TEXT, st.sampled_from(["Attention Is All You Need", "", " "]), field),
        "authors": st.one_of(st.lists(FIELD_TEXT, max_size=3), field),
        "year": st.one_of(st.integers(-10, 3000), FIELD_TEXT, NUMBERS, field),
    }, optional={"month": st.one_of(st.integers(-1, 13), FIELD_TEXT, NUMBERS, field),
                 "abstract": field, "doi": st.one_of(st.just("10.1000/x"), field),
                 "arxiv": st.one_of(st.sampled_from(["2104.08821", "hep-th/9901001"]), field),
                 "venue": field})
    return draw(st.lists(record, min_size=1, max_size=4))


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_files_of_every_format_open_and_report_lines(fmt: str, data: st.DataObject) -> None:
    text = render(fmt, data.draw(records(fmt), label="records"))
    if data.draw(st.booleans(), label="cut short"):
        text = text[: data.draw(st.integers(0, len(text)), label="cut at")]
    open_and_check(encode(text, data.draw(st.sampled_from(ENCODINGS), label="encoding")), EXTENSION[fmt])


# -------------------------------------------------------------------- mutated real files

@cache
def own_samples() -> dict[str, bytes]:
    """The project's own files in every format: the bundled sample listing, the UI test
    papers, and those papers written out as each other format."""
    papers = [json.loads(line) for line in TEST_PAPERS.read_text(encoding="utf-8").splitlines()]
    samples = {fmt: render(fmt, papers).encode("utf-8") for fmt in FORMATS}
    samples["jsonl"] = TEST_PAPERS.read_bytes()
    samples["listing"] = sample_path().read_bytes()[:12_000]  # about 15 papers is plenty
    from io import StringIO
    out = StringIO()
    write_papers([_paper(p) for p in papers], "bibtex", out)  # the project's own BibTeX
    samples["bibtex"] = out.getvalue().encode("utf-8")
    return samples


def _paper(record: dict) -> Paper:
    from tui.model import stable_key
    return Paper(key=stable_key(title=record["title"], doi=record.get("doi", ""),
                                arxiv=record.get("arxiv", "")),
                 title=record["title"], authors=tuple(record.get("authors", ())),
                 year=record.get("year"), abstract=record.get("abstract", ""),
                 venue=record.get("venue", ""), arxiv=record.get("arxiv", ""))


def mutate(data: bytes, rng: random.Random, steps: int, other: bytes = b"") -> bytes:
    """``data`` after ``steps`` random edits of the kinds damage and bad tools make."""
    buffer = bytearray(data)
    for _ in range(steps):
        at = rng.randrange(len(buffer) + 1)
        size = rng.randint(1, 64)
        kind = rng.choice(["flip", "byte", "token", "token", "cut", "repeat", "truncate", "splice", "swap"])
        if kind == "flip" and buffer:
            buffer[min(at, len(buffer) - 1)] ^= 1 << rng.randrange(8)
        elif kind == "byte":
            buffer[at:at + 1] = bytes([rng.choice([0, 0x0c, 0x0d, 0x1b, 0x80, 0x85, 0xc2, 0xe2, 0xff,
                                                   rng.randrange(256)])])
        elif kind == "token":
            buffer[at:at] = rng.choice(SYNTAX).encode("utf-8", errors="surrogatepass")
        elif kind == "cut":
            del buffer[at:at + size]
        elif kind == "repeat":
            buffer[at:at] = buffer[at:at + size * 8]
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "splice" and other:
            start = rng.randrange(len(other))
            buffer[at:at] = other[start:start + size * 4]
        elif kind == "swap" and len(buffer) > 2:
            a, b = sorted((at, rng.randrange(len(buffer))))
            buffer[a:b] = buffer[a:b][::-1] if rng.random() < 0.2 else buffer[b - 1:b] + buffer[a:b - 1]
    return bytes(buffer)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 10), other=st.sampled_from(FORMATS))
def test_mutated_project_samples_of_every_format_open_and_report_lines(fmt: str, seed: int, steps: int,
                                                                     other: str) -> None:
    samples = own_samples()
    open_and_check(mutate(samples[fmt], random.Random(seed), steps, samples[other]), EXTENSION[fmt])


def _fixture_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "MANIFEST.md")


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_real_world_files_open_and_report_lines(fixtures_dir: Path, data: st.DataObject) -> None:
    files = _fixture_files(fixtures_dir)
    base = data.draw(st.sampled_from(files), label="file")
    original = base.read_bytes()
    start = data.draw(st.integers(0, max(0, len(original) - 20_000)), label="window")
    window = original[start:start + 20_000]  # big files are cut to a window, itself a damage
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    other = data.draw(st.sampled_from(files), label="spliced from").read_bytes()[:4000]
    mutated = mutate(window, rng, data.draw(st.integers(1, 12), label="steps"), other)
    open_and_check(mutated, "".join(base.suffixes[-1:]))


def test_every_real_world_file_survives_a_few_mutations(fixtures_dir: Path, seed_path: Path) -> None:
    """Each fixture (and the seed listing) mutated three ways, so none is left unfuzzed."""
    for number, path in enumerate([*_fixture_files(fixtures_dir), seed_path]):
        original = path.read_bytes()[:30_000]
        for attempt in range(3):
            rng = random.Random(number * 10 + attempt)
            open_and_check(mutate(original, rng, 1 + attempt * 3), path.suffix)


# -------------------------------------------------------------------- what fuzzing found

@pytest.mark.parametrize("name, content", [
    ("month.bib", "@article{k, title = {Kept}, year = 2001, month = {\u00b2}}\n"
                  "@article{l, title = {Next}, year = 2002}\n"),
    ("dates.ris", "TY  - JOUR\nTI  - Kept\nPY  - 2001\nDA  - \u00b2\nER  - \nTY  - JOUR\nTI  - Next\nER  - \n"),
    ("pubmed.nbib", "PMID- 1\nTI  - Kept.\nDP  - 2001 \u00b2\n\nPMID- 2\nTI  - Next.\n"),
    ("csl.json", '[{"title": "Kept", "issued": {"date-parts": [[1e999]]}}, {"title": "Next"}]'),
    ("generic.jsonl", '{"title": "Kept", "issued": {"date-parts": [[2001, -1e999]]}}\n{"title": "Next"}\n'),
], ids=["bibtex-superscript-month", "ris-superscript-month", "medline-superscript-month",
        "csl-infinite-year", "jsonl-infinite-month"])
def test_a_date_no_calendar_has_loses_the_date_not_the_rest_of_the_file(tmp_path: Path, name: str,
                                                                      content: str) -> None:
    """A superscript digit passes ``str.isdigit`` but not ``int``, and 1e999 reads as an
    infinite float: either used to stop the reader, losing every later paper."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    store = open_store(path)
    assert [paper.title for paper in store] == ["Kept", "Next"], store.problems
    assert not any("reading stopped early" in p.message for p in store.problems), store.problems


def test_json_lines_saved_as_utf16_are_read(tmp_path: Path) -> None:
    """Windows PowerShell 5 writes text files as UTF-16 with a BOM by default."""
    path = tmp_path / "from-powershell.jsonl"
    path.write_bytes('{"title": "\u020a first"}\r\n{"title": "Second"}\r\n{broken\r\n'.encode("utf-16"))
    store = open_store(path)
    assert [paper.title for paper in store] == ["\u020a first", "Second"]
    assert [(p.line, p.message[:14]) for p in store.problems] == [(3, "not valid JSON")]
