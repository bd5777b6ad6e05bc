"""Invalid [keys] entries in config.toml are reported when the reader starts and their
bindings keep their default keys; valid ones still apply."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import SIZE, settle
from tests.ui.test_hostile import visible_text
from tui.settings import load_settings

CONFIG = """\
theme = "textual-dark"

[keys]
star = "not a key!!"
later = "L,w"
read = "q"
skip = "Enter"
strar = "S"
"""


async def test_bad_key_entries_are_reported_and_defaults_kept(make_app, hermetic_dirs: Path):
    config = hermetic_dirs / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG, encoding="utf-8")
    settings, problems = load_settings(config)
    assert problems == []  # the file itself is fine; the keys are checked by the reader
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert messages == [
            f"{config}:4: keys.star: 'not a key!!' is not a key (write keys like \"S\", "
            "\"ctrl+s\" or \"pagedown\"); Star keeps s.",
            f"{config}:7: keys.skip: 'Enter' is not a key (write keys like \"S\", \"ctrl+s\" "
            "or \"pagedown\"); Skip keeps x.",
            f"{config}:8: keys.strar: no binding has this id (press ? in the reader or see "
            "the README for the ids); it is ignored.",
            f"{config}:6: keys.read: q is already the key of Quit (quit); Read keeps r.",
        ]
        assert "not a key!!" not in visible_text(app)
        key = app.main_screen.paper_list.current.key
        await pilot.press("s")  # the default key still stars
        assert app.userdata.get(key).starred
        await pilot.press("w")  # the valid remapping applies
        assert app.userdata.get(key).state == "later"
        await pilot.press("q")  # and Quit still has its key
        await pilot.pause()
    assert not app.is_running
