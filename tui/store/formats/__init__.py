"""One reader per paper file format; each module's ``parse(path)`` yields papers and problems.

The store (:mod:`tui.store`) detects a file's format and imports its reader on first use,
so a store of JSON Lines never pays for loading bibtexparser or rispy.
"""
