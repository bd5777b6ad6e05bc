"""A view keeps the papers triaged since it opened, in its searches too, until ctrl+r."""

from __future__ import annotations

import types

from tui.model import Annotation
from tui.view_scope import ViewScope


def test_a_paper_queued_for_later_still_reads_as_it_was_for_the_views_searches() -> None:
    scope = ViewScope()
    scope.reset(types.MappingProxyType({}))
    now = types.MappingProxyType({"k": Annotation("k", starred=True, state="later", note="n")})
    scope.touched(["k"])
    seen = scope.annotations(now)
    assert seen["k"].state == "inbox" and not seen["k"].starred, "as the inbox view saw it"
    assert seen["k"].note == "n", "its new note is searchable at once"
    scope.reset(now)  # ctrl+r, or another view
    assert scope.annotations(now)["k"].state == "later"
