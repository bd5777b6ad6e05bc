"""Annotations follow their papers in the reader: once the whole store is open, a worker
runs :func:`tui.follow.follow`, and the person is told what moved and what is orphaned.

Kept out of the main screen's modules: the screen only starts it when its engine is
ready (every paper is known then), and everything else happens here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING


from tui.messages import AnnotationsChanged
from tui.triage import Step

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tui.follow import FollowReport
    from tui.model import Fingerprint
    from tui.screens.main import MainScreen

__all__ = ["follow_in_background"]

log = logging.getLogger(__name__)


def follow_in_background(screen: "MainScreen", marked: "Mapping[str, Fingerprint] | None" = None
                         ) -> None:
    """Move annotations whose paper's key changed, in a thread; then tell the person.
    ``marked``: the papers marked before the files were read again, by their old keys:
    their marks move to their new keys too."""
    store, userdata = screen.store, screen.userdata

    def run() -> None:
        try:
            from tui.follow import follow, follow_keys  # after the first screen, in the worker

            report = follow(store, userdata)
            if report.reloaded:  # others saved meanwhile (maybe joined what this window
                # wrote under an old key): counted afresh
                screen.post_message(AnnotationsChanged(()))
            moved_marks = follow_keys(store, marked) if marked else {}
        except Exception:  # the reader goes on; nothing was moved
            log.exception("following annotations failed")
            return
        if moved_marks:
            screen.app.call_from_thread(screen.paper_list.rekey_marks, moved_marks)
        if report.followed or report.orphans or report.error:
            screen.app.call_from_thread(_tell, screen, report)

    screen.run_worker(run, thread=True, group="follow", exclusive=True, exit_on_error=False)


def _tell(screen: "MainScreen", report: FollowReport) -> None:
    """Say what moved (and show it), and which annotations found no single paper."""
    if report.followed:
        moves = {moved.old_key: moved.new_key for moved in report.followed}
        screen.triage.rekey(moves)
        screen.triage.record(Step("follow",
                                  tuple(dict.fromkeys(c.key for c in report.changes)),
                                  report.changes, tuple(moves.items())))
        screen.app.notify(f"{report.summary()} z takes it back.", title="Annotations followed",
                          timeout=12, markup=False)
        screen.triage.recount()
        screen.refresh_counts()
        screen.start_search(keep_paper=True)
    if report.orphans:
        screen.app.notify(report.orphan_summary(), title="Orphaned annotations",
                          severity="warning", timeout=15, markup=False)
    if report.error:
        screen.app.notify(report.error, title="Not saved yet", severity="error", markup=False)
