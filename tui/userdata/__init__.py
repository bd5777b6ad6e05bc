"""The person's own data: stars, tags, notes and triage states, one profile per user.

``profile`` is the public face (:class:`UserData`); ``shards`` splits a profile into files by
key hash, ``storage`` writes them durably through TinyDB, ``format`` is the on-disk document,
``transfer`` reads and writes annotation backups.
"""

from tui.userdata.profile import ImportReport, UserData
from tui.userdata.shards import SaveError, shard_of

__all__ = ["SaveError", "ImportReport", "UserData", "shard_of"]
