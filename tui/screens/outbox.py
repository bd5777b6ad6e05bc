"""Papers out of the reader: a link to the browser, BibTeX to the clipboard, a view to a file.

Not a screen: a helper the main screen owns for its ``o``, ``y`` and ``e`` keys. Exports
run as an :class:`tui.export_job.ExportJob` in a worker, so writing 100,000 papers never
freezes the screen.
"""

from __future__ import annotations

from typing import Callable

from textual.dom import DOMNode

from tui.export import FORMATS, bibtex_entry
from tui.export_job import ExportJob, RankedPapers, papers_in
from tui.model import Paper
from tui.paths import export_dir
from tui.screens.export_dialog import ExportDialog, ExportRequest, file_stem
from tui.status import selection_label
from tui.userdata import UserData
from tui.widgets.paper_detail import SAFE_LINK_SCHEMES
from tui.widgets.text import one_line

__all__ = ["Outbox"]


class Outbox:
    """Sends papers out of the reader, telling the person how it went."""

    def __init__(self, host: DOMNode, userdata: UserData) -> None:
        """``host``: the screen whose app shows the messages and runs the exports."""
        self._host = host
        self._userdata = userdata

    def open_link(self, paper: Paper) -> None:
        """Open the paper's web page in the browser."""
        app = self._host.app
        if not paper.link.lower().startswith(SAFE_LINK_SCHEMES):
            app.notify("This paper has no web link.", severity="warning", markup=False)
            return
        app.open_url(paper.link)
        app.notify(f"Opening {one_line(paper.link, 120)}", markup=False)

    def copy_citation(self, papers: list[Paper]) -> None:
        """Copy a BibTeX citation (no abstract) of ``papers`` to the clipboard."""
        if not papers:
            return
        text = "\n".join(bibtex_entry(p, self._userdata.get(p.key), with_abstract=False)
                         for p in papers)
        self._host.app.copy_to_clipboard(text)
        what = one_line(papers[0].title, 60) if len(papers) == 1 else f"{len(papers)} papers"
        self._host.app.notify(f"Copied BibTeX for {what}", markup=False)

    def export(self, marked: list[Paper] | None,
               view: Callable[[], RankedPapers | None], view_name: str = "") -> None:
        """Ask for a format and a file, then write the ``marked`` papers there, or when
        none are marked the papers in ``view()`` (as it is when the person confirms).
        ``view_name`` ("Inbox · #thesis simcse") names the file offered."""
        count = len(marked) if marked is not None else len(view() or ())
        what = selection_label(count, marked=marked is not None)

        def done(request: ExportRequest | None) -> None:
            if request is not None:
                result = view()
                papers = marked if marked is not None else papers_in(result) if result else ()
                job = ExportJob(request.path, request.fmt, papers, self._userdata.annotations())
                self._host.run_worker(lambda: self._run(job), thread=True, group="export",
                                      exit_on_error=False)

        stem = file_stem(view_name, marked=marked is not None)
        self._host.app.push_screen(ExportDialog(what, FORMATS, export_dir(), stem), done)

    def _run(self, job: ExportJob) -> None:
        outcome = job.run()
        self._host.app.call_from_thread(self._host.app.notify, outcome.message, markup=False,
                                        severity="information" if outcome.ok else "error")
