"""Fixtures every end-to-end test shares: the fresh folders and environment of a run."""

from tests.e2e.test_tmux import env  # noqa: F401  (the fixture, for the other e2e modules)
