"""How long a change takes to persist in a heavy user's profile: ``python -m tui.bench.userdata``.

Fills a throwaway profile with 100,000 varied annotations (more than a year of triage at
200 papers a day), reopens it, and times what a person does: single triage changes
(each persisted before returning: the target is <= 5 ms), a 200-paper bulk change, an
undo, a reload with nothing new, and the snapshot search reads. Reports median and p95.
With ``--command``, also what a person pays at the command line: a whole
``papertray annotate key:… --star`` process with that profile against an empty one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from tui.model import STATES, Annotation
from tui.userdata import UserData
from tui.userdata.clock import now_stamp
from tui.userdata.readcache import RACY_NS
from tui.userdata.transfer import export_payload

TARGET_MS = 5.0
"""A triage key persists within this many milliseconds (median) at 100,000 annotations."""

TAGS = ("thesis", "to-cite", "retrieval", "reading-group", "contrastive", "survey", "baseline")


def fake_annotations(count: int, rng: random.Random) -> list[Annotation]:
    """Varied annotations like a year of triage: mostly read/skipped, some notes and tags."""
    stamp = now_stamp()
    result = []
    for number in range(count):
        note = "" if rng.random() < 0.8 else "Read this for the method section. " * rng.randint(1, 6)
        result.append(Annotation(
            key=f"arxiv:{2100 + number // 100000}.{number % 100000:05d}",
            starred=rng.random() < 0.1,
            tags=tuple(sorted(rng.sample(TAGS, rng.randint(0, 2)))),
            note=note,
            state=rng.choice(STATES),
            title=f"A study of contrastive sentence embeddings, part {number}",
            author=f"Author {number % 997}", year=2015 + number % 10,
            arxiv=f"{2100 + number // 100000}.{number % 100000:05d}",
            source="/home/ada/papers/arxiv-metadata.jsonl",  # what the reader remembers
            created=stamp,
            updated=stamp,
        ))
    return result


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds each of ``repeat`` calls took."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
            "n": len(ordered)}


def run(count: int, changes: int, bulk_repeat: int, folder: Path, seed: int = 1) -> dict[str, object]:
    """Fill a profile in ``folder`` and measure; returns the report as a dict."""
    rng = random.Random(seed)
    seed_file = folder / "seed-annotations.json"
    seed_file.write_bytes(export_payload("bench", fake_annotations(count, rng)))
    profile = folder / "profile"
    start = time.perf_counter()
    report = UserData(profile).import_file(seed_file)
    fill_s = time.perf_counter() - start
    assert report.added == count and not report.problems, report

    start = time.perf_counter()
    data = UserData(profile)
    open_s = time.perf_counter() - start
    keys = list(data.annotations())
    cache = folder / "cache"
    time.sleep(max(0.0, RACY_NS / 1e9 + 0.1 - (time.perf_counter() - start)))  # files settled
    UserData(profile, cache_dir=cache)  # keeps what each shard holds
    start = time.perf_counter()
    UserData(profile, cache_dir=cache)
    open_cached_s = time.perf_counter() - start

    def star_toggle() -> None:
        key = rng.choice(keys)
        current = data.get(key)
        data.update(key, starred=not (current and current.starred))

    def triage() -> None:
        data.update(rng.choice(keys), state=rng.choice(STATES))

    def tag() -> None:
        data.update(rng.choice(keys), add_tags=[rng.choice(TAGS)], remove_tags=[rng.choice(TAGS)])

    def bulk() -> None:
        data.update_many([(k, "") for k in rng.sample(keys, 200)], state=rng.choice(STATES))

    def undo() -> None:
        key = rng.choice(keys)
        outcome = data.change([(key, "")], note=f"note {rng.random()}")
        start_undo = time.perf_counter()
        data.revert(outcome.changes)
        undo_samples.append((time.perf_counter() - start_undo) * 1000)

    undo_samples: list[float] = []
    single = timed(star_toggle, changes // 3) + timed(triage, changes // 3) + timed(tag, changes // 3)
    results: dict[str, object] = {
        "annotations": count,
        "fill_by_import_s": round(fill_s, 2),
        "open_s": round(open_s, 3),
        "open_from_cache_s": round(open_cached_s, 3),
        "single_change": summary(single),
        "bulk_200_papers": summary(timed(bulk, bulk_repeat)),
    }
    timed(undo, max(10, changes // 10))
    results["undo"] = summary(undo_samples)
    results["reload_nothing_new"] = summary(timed(data.reload, 20))

    def change_then_snapshot() -> None:
        triage()
        data.annotations()

    results["annotations_snapshot_after_change"] = summary(timed(change_then_snapshot, 20))
    results["shard_files"] = len(list((profile / "annotations").glob("*.json")))
    return results


def command_cost(count: int, folder: Path, runs: int = 5) -> dict[str, float]:
    """Seconds (median of ``runs``, interleaved) of a whole ``papertray annotate key:…
    --star`` process on the bundled sample, with an empty profile and with ``count``
    annotations; and the difference in milliseconds. The first run of each (not counted)
    fills its own cache folder, as a person's first command does."""
    from tui.paths import safe_profile_name
    from tui.store import open_store

    homes = {"empty": folder / "empty", "full": folder / "full"}
    seed_file = folder / "seed-annotations.json"
    seed_file.write_bytes(export_payload("bench", fake_annotations(count, random.Random(1))))
    for home in homes.values():
        home.mkdir()
    UserData(homes["full"] / "profiles" / safe_profile_name("bench")).import_file(seed_file)
    time.sleep(RACY_NS / 1e9 + 0.1)  # as a profile is, a moment after its last change
    argv = [sys.executable, "-m", "tui", "annotate", f"key:{open_store(None)[5].key}", "--star"]
    times: dict[str, list[float]] = {name: [] for name in homes}
    for run in range(runs + 1):
        for name, home in homes.items():
            env = dict(os.environ, PAPERTRAY_DATA_DIR=str(home), PAPERTRAY_CONFIG_DIR=str(home),
                       PAPERTRAY_CACHE_DIR=str(home / "cache"), PAPERTRAY_USER="bench")
            start = time.perf_counter()
            subprocess.run(argv, env=env, capture_output=True, check=True)
            if run:  # the first run of each warms the disk cache
                times[name].append(time.perf_counter() - start)
    empty, full = (statistics.median(times[name]) for name in homes)
    return {"empty_s": round(empty, 3), "full_s": round(full, 3),
            "extra_ms": round((full - empty) * 1000)}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m tui.bench.userdata", description=__doc__)
    parser.add_argument("--annotations", type=int, default=100_000, help="profile size (100000)")
    parser.add_argument("--changes", type=int, default=300, help="single changes to time (300)")
    parser.add_argument("--bulk", type=int, default=20, help="200-paper bulk changes to time (20)")
    parser.add_argument("--dir", type=Path, help="where to build the profile (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--command", action="store_true",
                        help="also time a whole `papertray annotate --star`, empty profile vs full")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="papertray-bench-", dir=args.dir) as temp:
        results = run(args.annotations, args.changes, args.bulk, Path(temp))
        if args.command:
            (Path(temp) / "command").mkdir()
            results["annotate_star_whole_process"] = command_cost(
                args.annotations, Path(temp) / "command")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, value in results.items():
            print(f"{name:36} {value}")
        single = results["single_change"]
        verdict = "meets" if single["median_ms"] <= TARGET_MS else "MISSES"  # type: ignore[index]
        print(f"single change median {single['median_ms']} ms {verdict} the {TARGET_MS:g} ms target")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    sys.exit(main())
