"""Where papertray keeps things: platformdirs locations, each overridable by environment.

Nothing is created at import time; a folder is made the first time something is written
to it (by the code that writes).
"""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "papertray"

_PROFILE_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def data_dir() -> Path:
    """Root of per-user data (profiles, the personal library). ``PAPERTRAY_DATA_DIR`` wins."""
    if override := os.environ.get("PAPERTRAY_DATA_DIR"):
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME)


def config_dir() -> Path:
    """Where ``config.toml`` lives. ``PAPERTRAY_CONFIG_DIR`` wins."""
    if override := os.environ.get("PAPERTRAY_CONFIG_DIR"):
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME)


def cache_dir() -> Path:
    """Where rebuildable things (search indexes) go. ``PAPERTRAY_CACHE_DIR`` wins."""
    if override := os.environ.get("PAPERTRAY_CACHE_DIR"):
        return Path(override).expanduser()
    return platformdirs.user_cache_path(APP_NAME)


def export_dir() -> Path:
    """Where the reader offers to export: ``PAPERTRAY_EXPORT_DIR``, else the person's
    documents folder, else downloads, else home (never the folder papertray started in,
    which may be anywhere)."""
    if override := os.environ.get("PAPERTRAY_EXPORT_DIR"):
        return Path(override).expanduser()
    for folder in (platformdirs.user_documents_path, platformdirs.user_downloads_path):
        try:
            path = folder()
            if path.is_dir():
                return path
        except OSError:  # an odd XDG setting: try the next one
            continue
    return Path.home()


def config_file() -> Path:
    """The TOML settings file."""
    return config_dir() / "config.toml"


def default_profile() -> str:
    """The profile used when none is named: ``PAPERTRAY_USER``, else the login name."""
    if named := os.environ.get("PAPERTRAY_USER"):
        return safe_profile_name(named)
    try:
        return safe_profile_name(getpass.getuser())
    except Exception:  # no login name in some containers; any fixed name will do
        return "default"


def safe_profile_name(name: str) -> str:
    """A profile name usable as a folder name on every platform."""
    cleaned = _PROFILE_SAFE.sub("_", name.strip()).strip("._")
    return cleaned or "default"


def profile_dir(profile: str) -> Path:
    """The folder holding one profile's annotations."""
    return data_dir() / "profiles" / safe_profile_name(profile)


def library_dir() -> Path:
    """The personal library that ``papertray import`` adds papers to."""
    return data_dir() / "library"
