"""Child processes for the user-data durability tests.

Run as ``python tests/helpers/userdata_child.py MODE PROFILE_DIR ...``:

- ``writer PROFILE_DIR SEED``: apply annotation changes as fast as possible, forever,
  printing ``ack <key> <seq>`` after each change is saved (the test kills it with -9).
  Notes vary in length so files shrink as well as grow, as a real person's do.
- ``tagger PROFILE_DIR NAME COUNT GO_FILE``: wait for GO_FILE, then make COUNT changes:
  a new annotation per change on its own papers, and every 6th change also adds the
  tag NAME to one of 50 papers both taggers touch. Prints ``done``.
- ``fsize PROFILE_DIR KEY``: save one change under a tiny RLIMIT_FSIZE (disk full), then
  again with the limit lifted; prints one JSON line describing what happened.
"""

from __future__ import annotations

import hashlib
import json
import random
import resource
import signal
import sys
import time
from pathlib import Path

from tui.userdata import SaveError, UserData

SHARED_PAPERS = [f"arxiv:2201.{n:05d}" for n in range(50)]


def writer(profile_dir: Path, seed: int) -> None:
    rng = random.Random(seed)
    data = UserData(profile_dir)
    pool = [f"arxiv:2104.{n:05d}" for n in range(300)]
    seq = seed * 1_000_000
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    while True:
        seq += 1
        note = f"{seq}|" + "x" * rng.choice((0, 10, 300, 3000))
        if rng.random() < 0.1:
            batch = rng.sample(pool, 8)
            data.update_many([(key, "") for key in batch], note=note, add_tags=[f"t{seq % 5}"])
            out.write("".join(f"ack {key} {seq}\n" for key in batch))
        else:
            key = rng.choice(pool)
            data.update(key, title=f"Paper {key}", note=note, starred=bool(seq % 2))
            out.write(f"ack {key} {seq}\n")
        out.flush()


def tagger(profile_dir: Path, name: str, count: int, go_file: Path) -> None:
    data = UserData(profile_dir)
    print("ready", flush=True)
    while not go_file.exists():
        time.sleep(0.001)
    for number in range(count):
        data.update(f"doi:10.{name}/{number}", title=f"{name} {number}", note=f"by {name}")
        if number % 6 == 0:
            data.update(SHARED_PAPERS[number // 6 % len(SHARED_PAPERS)], add_tags=[name])
    print("done", flush=True)


def fsize(profile_dir: Path, key: str) -> None:
    data = UserData(profile_dir)
    shard_files = sorted((profile_dir / "annotations").glob("*.json"))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in shard_files}
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, hard))
    report: dict[str, object] = {}
    try:
        data.update(key, note="written while the disk was full " * 40)
        report["error"] = None
    except SaveError as error:
        report["error"] = str(error)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in shard_files}
    report["files_unchanged"] = before == after
    current = data.get(key)
    report["kept_in_memory"] = current is not None and current.note.startswith("written while")
    report["unsaved"] = data.unsaved
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    data.flush()
    report["unsaved_after_flush"] = data.unsaved
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    mode, folder, *rest = sys.argv[1:]
    if mode == "writer":
        writer(Path(folder), int(rest[0]))
    elif mode == "tagger":
        tagger(Path(folder), rest[0], int(rest[1]), Path(rest[2]))
    elif mode == "fsize":
        fsize(Path(folder), rest[0])
    else:
        sys.exit(f"unknown mode {mode}")
