"""The person's own data: stars, tags, notes and triage states, one profile per user.

``profile`` is the public face (:class:`UserData`); ``record`` is one paper's annotation
with a change time per field and the merge that keeps every field's later change;
``shards`` splits a profile into files by key hash, ``storage`` writes them durably
through TinyDB, ``format`` is the on-disk document, ``clock`` reads change times that
never crash, ``backups`` keeps copies, ``transfer`` reads and writes annotation files,
``drafts`` keeps note drafts as typed and ``journal`` the command line's bulk changes;
``readcache`` keeps what each shard held in the cache folder, ``summary`` and ``summed``
open a profile through those entries' compact summaries, ``outcomes`` says what a
change did.
"""

from tui.userdata.profile import ImportReport, Outcome, UserData
from tui.userdata.record import FieldChange
from tui.userdata.shards import SaveError, shard_of

__all__ = ["FieldChange", "ImportReport", "Outcome", "SaveError", "UserData", "shard_of"]
