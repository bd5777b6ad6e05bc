"""Compressed files open as if they were not; what is no file at all is named for what it
is; UTF-16 without a byte order mark is read, not called binary."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import socket
import sys
from pathlib import Path

import pytest

from tui.store import open_store

RECORDS = "".join(json.dumps({"title": f"Compressed paper {i}", "authors": "Ada Lovelace"}) + "\n"
                  for i in range(50))
BIB = "@article{zoe, title={A paper written on Windows}, author={Zo\u00eb Doe}, year=2020}\n"


@pytest.mark.parametrize("suffix, compress", [(".gz", gzip.compress), (".bz2", bz2.compress),
                                              (".xz", lzma.compress)])
def test_a_compressed_file_opens_transparently(tmp_path: Path, suffix: str, compress) -> None:
    path = tmp_path / f"arxiv.jsonl{suffix}"
    path.write_bytes(compress(RECORDS.encode()))
    store = open_store(path)
    assert len(store) == 50 and store.problems == []
    assert store[0].title == "Compressed paper 0"


def test_a_folder_of_compressed_json_lines_opens_every_file(tmp_path: Path) -> None:
    for part in range(3):
        lines = "".join(json.dumps({"title": f"Part {part} paper {i}"}) + "\n" for i in range(10))
        (tmp_path / f"part{part}.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    store = open_store(tmp_path)
    assert len(store) == 30
    assert store.problems == []


def test_a_compressed_bibtex_file_is_read_by_its_inner_ending(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib.xz"
    path.write_bytes(lzma.compress(BIB.encode()))
    store = open_store(path)
    assert [p.citekey for p in store] == ["zoe"]


def test_zstandard_files_open_or_say_what_they_need(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    zstandard = pytest.importorskip("zstandard")
    path = tmp_path / "arxiv.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(RECORDS.encode()))
    assert len(open_store(path)) == 50
    monkeypatch.setitem(sys.modules, "zstandard", None)  # as if it were not installed
    store = open_store(path)
    assert len(store) == 0
    assert [p.message for p in store.problems] == [
        "compressed with Zstandard, which needs the zstandard package (pip install zstandard); "
        "decompress it with 'unzstd' to read it without"]


def test_a_cut_compressed_file_keeps_the_papers_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    whole = gzip.compress(RECORDS.encode() * 20)
    path.write_bytes(whole[: len(whole) // 2])
    store = open_store(path)
    assert len(store) > 0
    assert [p.message for p in store.problems] == [
        "a damaged gzip file (Compressed file ended before the end-of-stream marker was "
        "reached); the papers before the damage were read"]


def test_a_compression_bomb_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "bomb.bib.bz2"
    path.write_bytes(bz2.compress(b"@article{k, title={" + b"a" * 400_000_000 + b"}}"))
    assert path.stat().st_size < 1024
    store = open_store(path)
    assert [p.message for p in store.problems] == [
        "decompresses to more than 100 times its size (a damaged file or a compression "
        "bomb); reading stopped there"]


def test_a_fifo_is_named_as_such_and_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "papers.bib"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading would wait forever
    store = open_store(fifo)
    assert [p.message for p in store.problems] == [
        "a named pipe (FIFO), not a file; papertray reads only regular files (save what it "
        "carries to a file first)"]


def test_a_socket_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        store = open_store(path)
    finally:
        server.close()
    assert [p.message for p in store.problems] == [
        "a socket, not a file; papertray reads only regular files"]


def test_dev_zero_is_a_device_not_an_empty_file() -> None:
    store = open_store("/dev/zero")
    assert [p.message for p in store.problems] == [
        "a device, not a file; papertray reads only regular files"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, codec: str) -> None:
    bib = tmp_path / "windows.bib"
    bib.write_bytes(BIB.encode(codec))
    lines = tmp_path / "windows.jsonl"
    lines.write_bytes(RECORDS.encode(codec))
    store = open_store([bib, lines])
    assert store.problems == []
    assert store[0].authors == ("Zo\u00eb Doe",)
    assert len(store) == 51
