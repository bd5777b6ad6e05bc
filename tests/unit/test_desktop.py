"""The desktop opener and the clipboard tools, found on PATH as they would be."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tui import desktop


def program(folder: Path, name: str, body: str = "exit 0") -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


@pytest.mark.skipif(sys.platform != "linux", reason="xdg-open is the Linux opener")
def test_no_display_means_no_opener_even_with_xdg_open(tmp_path, monkeypatch):
    program(tmp_path, "xdg-open")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert desktop.find_opener() is None
    monkeypatch.setenv("DISPLAY", ":0")
    assert desktop.find_opener() == ["xdg-open"]


def test_an_opener_that_fails_is_reported_not_taken_for_success(tmp_path):
    failing = program(tmp_path, "xdg-open", "exit 4")
    opened = desktop.open_with([str(failing)], "/no/such.pdf")
    assert not opened.ok and "status 4" in opened.reason


def test_the_clipboard_tool_that_can_work_here_gets_the_text(tmp_path, monkeypatch):
    got = tmp_path / "got"
    program(tmp_path, "xclip", f'cat > "{got}"')
    program(tmp_path, "wl-copy", "exit 1")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")  # ours first; cat for the stand-in
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)  # wl-copy cannot work here
    monkeypatch.setenv("DISPLAY", ":0")
    tool = desktop.clipboard_tool()
    assert tool is not None and Path(tool[0]).name == "xclip"
    assert desktop.copy_with_tool(tool, "\\cite{karpukhin2020dense}")
    assert got.read_text() == "\\cite{karpukhin2020dense}"
    monkeypatch.delenv("DISPLAY")
    assert desktop.clipboard_tool() is None
