"""papertray: a keyboard-driven terminal reader for research papers."""

__version__ = "0.1.0"

import logging as _logging

# Everything a person must know reaches them as one sentence through the CLI's stderr or
# the reader's notifications. Without a handler, Python would also print every warning
# logged here on stderr (its "last resort"), so each one appeared twice.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
