"""Papers out of the reader: the PDF or link to a desktop program, text to the clipboard,
a view to a file.

Not a screen: a helper the main screen owns for its ``o``, ``y`` and ``e`` keys. Opening
and the clipboard tool run in a thread worker (a desktop program can take a moment to say
it failed), and exports run as an :class:`tui.export_job.ExportJob` in a worker, so
writing 100,000 papers never freezes the screen. The export modules are imported on first
use: the first screen does not need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from textual.dom import DOMNode

from tui.model import Paper
from tui.status import selection_label
from tui.store import PaperStore
from tui.store.attachments import local_pdf, remote_pdf
from tui.userdata import UserData
from tui.widgets.paper_detail import SAFE_LINK_SCHEMES
from tui.widgets.text import one_line

if TYPE_CHECKING:
    from tui.screens.copy_menu import CopyChoice
    from textual.notifications import SeverityLevel

    from tui.export_job import ExportJob, RankedPapers

__all__ = ["Outbox"]

NOTICE_SECONDS = 20
"""How long a message with a path or link to copy by hand stays up."""


class Outbox:
    """Sends papers out of the reader, telling the person how it went."""

    def __init__(self, host: DOMNode, userdata: UserData,
                 store: Callable[[], PaperStore]) -> None:
        """``host``: the screen whose app shows the messages and runs the workers;
        ``store()``: the store open now (its files are never exported over)."""
        self._host = host
        self._userdata = userdata
        self._store = store

    def _notify(self, message: str, severity: SeverityLevel = "information",
                timeout: float = 5) -> None:
        """Tell the person (on the UI thread)."""
        self._host.app.notify(message, severity=severity, markup=False, timeout=timeout)

    def _notify_from_worker(self, message: str, severity: SeverityLevel = "information",
                            timeout: float = 5) -> None:
        """Tell the person from a thread worker."""
        self._host.app.call_from_thread(self._notify, message, severity, timeout)

    # -- o ------------------------------------------------------------------------------
    def open_link(self, paper: Paper) -> None:
        """Open the paper's PDF when its record names one on this machine, else its link
        (else a PDF on the web); say plainly when nothing here can open it."""
        from tui import desktop  # loaded on first use, not before the first screen

        pdf = local_pdf(paper)
        link = paper.link if paper.link.lower().startswith(SAFE_LINK_SCHEMES) else ""
        link = link or remote_pdf(paper)
        if pdf is None and not link:
            self._notify("This paper has no PDF on this machine and no web link.", "warning")
            return
        target, what = (str(pdf), "the PDF") if pdf is not None else (link, "the link")
        opener = desktop.find_opener()
        if opener is None:
            self._notify(f"Nothing here can open {what}: no desktop opener (xdg-open with a "
                         f"display, open, wslview). {what.capitalize()}: {one_line(target, 300)}"
                         + ("" if pdf is not None else "  (y u copies it)"),
                         "warning", NOTICE_SECONDS)
            return

        def run() -> None:
            opened = desktop.open_with(opener, target)
            if opened.ok:
                self._notify_from_worker(f"Opened {what} with {opener[0]}: {one_line(target, 120)}")
            else:
                self._notify_from_worker(f"Could not open {what}: {opened.reason}. "
                             f"{what.capitalize()}: {one_line(target, 300)}", "warning",
                             NOTICE_SECONDS)

        self._host.run_worker(run, thread=True, group="desktop", exit_on_error=False)

    # -- y ------------------------------------------------------------------------------
    def copy_citation(self, papers: list[Paper]) -> None:
        """Ask what to copy of ``papers`` (BibTeX, \\cite{key}, DOI, link), then copy it."""
        from tui.screens.copy_menu import CopyChoice, CopyMenu

        if not papers:
            return
        from tui.export import bibtex_entry, citekey_for

        what = one_line(papers[0].title, 60) if len(papers) == 1 else f"{len(papers):,} papers"
        choices = [
            CopyChoice("bibtex", "BibTeX", "\n".join(
                bibtex_entry(p, self._userdata.get(p.key), with_abstract=False) for p in papers)),
            CopyChoice("cite", "\\cite{key}",
                       "\\cite{" + ",".join(citekey_for(p) for p in papers) + "}"),
            CopyChoice("doi", "DOI", "\n".join(p.doi for p in papers if p.doi)),
            CopyChoice("url", "Link", "\n".join(
                p.link for p in papers if p.link.lower().startswith(SAFE_LINK_SCHEMES))),
        ]

        def chosen(choice: CopyChoice | None) -> None:
            if choice is not None:
                self.copy(choice.text, f"{choice.label} of {what}"
                          if choice.kind != "cite" else one_line(choice.text, 80))

        self._host.app.push_screen(CopyMenu(what, choices), chosen)

    def copy(self, text: str, what: str) -> None:
        """Put ``text`` on the clipboard through the terminal (OSC 52) and through the
        system clipboard tool when there is one, and say which were used."""
        from tui import desktop

        self._host.app.copy_to_clipboard(text)
        tool = desktop.clipboard_tool()
        if tool is None:
            self._notify(f"Copied {what} through the terminal (OSC 52); no clipboard tool "
                         "(wl-copy, xclip, xsel, pbcopy) here, so it only arrives if the "
                         "terminal allows OSC 52.")
            return
        name = tool[0].rsplit("/", 1)[-1]

        def run() -> None:
            if desktop.copy_with_tool(tool, text):
                self._notify_from_worker(f"Copied {what} with {name} and through the terminal (OSC 52).")
            else:
                self._notify_from_worker(f"Copied {what} through the terminal (OSC 52); {name} failed.",
                             "warning")

        self._host.run_worker(run, thread=True, group="desktop", exit_on_error=False)

    # -- e ------------------------------------------------------------------------------
    def export(self, marked: list[Paper] | None,
               view: Callable[[], RankedPapers | None], view_name: str = "") -> None:
        """Ask for a format and a file, then write the ``marked`` papers there, or when
        none are marked the papers in ``view()`` (as it is when the person confirms).
        ``view_name`` ("Inbox · #thesis simcse") names the file offered."""
        from tui.export import FORMATS
        from tui.export_job import ExportJob, files_read, papers_in
        from tui.paths import export_dir
        from tui.screens.export_dialog import ExportDialog, ExportRequest, file_stem

        count = len(marked) if marked is not None else len(view() or ())
        what = selection_label(count, marked=marked is not None)

        def done(request: ExportRequest | None) -> None:
            if request is not None:
                result = view()
                papers = marked if marked is not None else papers_in(result) if result else ()
                job = ExportJob(request.path, request.fmt, papers, self._userdata.annotations(),
                                read=files_read(self._store().source_counts),
                                profile_dir=self._userdata.profile_dir)
                self._host.run_worker(lambda: self._run(job), thread=True, group="export",
                                      exit_on_error=False)

        stem = file_stem(view_name, marked=marked is not None)
        self._host.app.push_screen(ExportDialog(what, FORMATS, export_dir(), stem), done)

    def _run(self, job: ExportJob) -> None:
        outcome = job.run()
        self._notify_from_worker(outcome.message, "information" if outcome.ok else "error")
