"""Speed of `qualitycheck check` against a naive one-regex baseline, on generated corpora.

    python benchmarks/speed.py                          # 2,000 and 20,000 articles, 3 repetitions
    python benchmarks/speed.py --sizes 2000 --repeat 5
    python benchmarks/speed.py --no-profile             # skip the per-rule time shares

For each corpus size (written once by `benchmarks/corpus.py` under --workdir,
seeded, so every run measures the same bytes) it runs the real CLI as
subprocesses and prints the median whole-process wall time (start-up
included) of each configuration; the configurations take turns, once each
per repetition, so that a slow spell of a shared host does not fall on one:

- the naive baseline (`benchmarks/naive_baseline.py`: one `re` alternation
  of the shipped ad phrases over lower-cased text, every hit with line and
  column), and every configuration divided by it;
- `check` with all cores and with `--jobs 1`, each with a cold cache (an
  empty cache folder, so the run also writes the cache) and a warm one;
- one changed article in the repository (the pre-commit case), with the
  archive index (`qualitycheck index build`) and without it (`--no-index`).

Peak memory is measured per run: `max RSS` is the largest single process
(`wait4` rusage of the run: the CLI or one of its workers), `tree` the
largest sum of the resident sizes of the run's whole process tree, sampled
every 20 ms from /proc (forked workers share pages, so `tree` overstates).
The per-rule profile runs every rule alone, in this process, on one core,
over the loaded documents (collect and corpus check timed separately).

Every run is the default rule set and the default (text) report on standard
output (to /dev/null), with `--as-of 2026-01-15` so that future-url does not
depend on the calendar. Subprocesses run with compiled bytecode, as an
installed package does (PYTHONDONTWRITEBYTECODE is dropped and bytecode goes
to --workdir/pycache, warmed before timing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402

AS_OF = "2026-01-15"
CHECK = [sys.executable, "-m", "qualitycheck", "check", "--as-of", AS_OF, "--exit-zero", "--no-progress"]
ENV = dict(os.environ)


@dataclass
class Run:
    wall: float
    max_rss: int  # KiB, largest single process
    tree_rss: int  # KiB, largest sampled sum over the process tree


def _tree_rss(root: int) -> int:
    """Resident KiB of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGESIZE") // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def run_once(argv: list[str], cwd: Path) -> Run:
    """Run `argv` to the end; wall time, largest process RSS and largest process-tree RSS."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(map(str, argv))} failed ({process.returncode}):\n{stderr.decode()}")
    return Run(wall, usage.ru_maxrss, max(peak[0], usage.ru_maxrss))


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in runs), max(r.max_rss for r in runs), max(r.tree_rss for r in runs))


def corpus(workdir: Path, size: int, seed: int) -> tuple[Path, dict]:
    """The corpus of `size` articles (written on first use), and its manifest."""
    folder = workdir / f"corpus-{size}-{seed}"
    stamp = folder / "manifest.json"
    if not stamp.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        manifest = write_corpus(folder / "articles", size, seed).to_dict()
        (folder / "rules.yaml").write_text('version: 1\ninclude:\n  - "articles/**"\n')
        stamp.write_text(json.dumps(manifest))
    return folder, json.loads(stamp.read_text())


def repeat(argv: list[str], cwd: Path, times: int, before=None) -> Run:
    runs = []
    for number in range(times):
        if before:
            before(number)
        runs.append(run_once(argv, cwd))
    return median_run(runs)


def measure(folder: Path, manifest: dict, times: int, jobs: int) -> list[tuple[str, Run, int]]:
    """(configuration, median run, files checked) for every configuration on one corpus.

    The configurations take turns (baseline, cold, warm, cold --jobs 1, warm --jobs 1; then again),
    so that a slow spell of a shared host slows every configuration, not only the one it fell on.
    """
    files = manifest["files"]
    drop_index(folder)  # an index left by an earlier version would be stale: only the one-file rows build one
    first = sorted((folder / "articles").glob("part-*/*.md"))[0].relative_to(folder)
    for warm_up in (CHECK + ["--no-cache", str(first)], [sys.executable, str(HERE / "naive_baseline.py"), "rules.yaml"]):
        run_once(warm_up, folder)  # bytecode of everything a run imports is written before timing
    cache = folder / "cache"
    turns: list[tuple[str, list[str], bool]] = [  # label, argv, whether the cache is emptied first
        ("naive baseline (one regex, 1 core)", [sys.executable, str(HERE / "naive_baseline.py"), "articles"], False)]
    for label, jobs_args in ((f"all cores ({jobs})", []), ("--jobs 1", ["--jobs", "1"])):
        argv = CHECK + jobs_args + ["--cache-dir", str(cache)]
        turns += [(f"check, {label}, cold cache", argv, True), (f"check, {label}, warm cache", argv, False)]
    runs: dict[str, list[Run]] = {label: [] for label, _, _ in turns}
    for _ in range(times):
        for label, argv, cold in turns:
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            runs[label].append(run_once(argv, folder))
    rows = [(label, median_run(runs[label]), files) for label, _, _ in turns]
    return rows + one_file_rows(folder, manifest, times, cache)


def one_file_rows(folder: Path, manifest: dict, times: int, cache: Path) -> list[tuple[str, Run, int]]:
    """The pre-commit case: one article edited, with the index and without (--no-index)."""
    rows = []
    output: list[str] = []
    # The pre-commit case: one article edited, the rest of the repository unchanged and warm.
    drop_index(folder)
    target = sorted((folder / "articles").glob("part-*/*.md"))[len(manifest) % 7]
    original = target.read_text()

    def edit(number: int) -> None:
        target.write_text(original + f"\nA line added in edit {number} {time.time_ns()}.\n")

    one = CHECK + output + ["--cache-dir", str(cache), str(target.relative_to(folder))]
    try:
        rows.append(("one changed article, no index (--no-index)", repeat(one + ["--no-index"], folder, times, edit),
                     1))
        subprocess.run([sys.executable, "-m", "qualitycheck", "index", "build"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL, env=ENV)
        rows.append(("one changed article, with index", repeat(one, folder, times, edit), 1))
    finally:
        target.write_text(original)
        drop_index(folder)
    return rows


def drop_index(folder: Path) -> None:
    """Remove the archive index from the benchmark repository, if there is one."""
    (folder / ".qualitycheck" / "index.sqlite").unlink(missing_ok=True)


def profile_rules(folder: Path) -> list[tuple[str, float]]:
    """Seconds per rule, each alone on one core over the loaded documents (collect + corpus check)."""
    import datetime as dt

    from qualitycheck.config import load_config
    from qualitycheck.model import CorpusEntry, Document
    from qualitycheck.paths import display_path
    from qualitycheck.plugins import load_registry
    from qualitycheck.ruleset import build_ruleset
    from qualitycheck.runner import make_plan, select_files

    here = os.getcwd()
    os.chdir(folder)
    try:
        config = load_config(None)
        registry = load_registry(config)
        plan = make_plan(config, registry, build_ruleset(config, registry, [], []), dt.date.fromisoformat(AS_OF))
        targets, _ = select_files(config, registry, [])
        start = time.process_time()
        documents = []
        for path in targets:
            loader = plan.loaders[path.suffix.lower()]
            documents += [d for d in loader.load(path, display_path(path), plan.loader_options.get(loader.name, {}))
                          if isinstance(d, Document)]
        for document in documents:
            document.index  # noqa: B018 - line splitting, shared by every rule
        shares = [("(load, split lines)", time.process_time() - start)]
        for active in plan.rules:
            context = plan.context(active)
            if active.rule.scope == "document":
                active.rule.check(documents[0], context)  # lazy set-up outside the timing
                start = time.process_time()
                for document in documents:
                    for _ in active.rule.check(document, context):
                        pass
            else:
                active.rule.collect(documents[0], context)
                start = time.process_time()
                data = [active.rule.collect(document, context) for document in documents]
                entries = [CorpusEntry(d.ref, d.metadata, item, True) for d, item in zip(documents, data)]
                for _ in active.rule.check(entries, context):
                    pass
            shares.append((active.name, time.process_time() - start))
        return shares
    finally:
        os.chdir(here)


_LOOP = "x = 0\nfor i in range(8_000_000): x += i"  # a fixed amount of pure-Python CPU work


def parallel_capacity(jobs: int) -> tuple[float, float]:
    """(seconds of a fixed CPU loop alone, how many cores `jobs` copies of it at once really got).

    On a shared host the cores a machine shows are not always there: when the
    host is busy, two processes can run at little more than one's speed. A
    run on all cores can only be compared with the one-core baseline knowing
    that; the benchmark prints it before and after its runs (2 cores, fully there: 2.00).
    """
    argv = [sys.executable, "-c", _LOOP]

    def alone() -> float:
        start = time.perf_counter()
        subprocess.run(argv, check=True)
        return time.perf_counter() - start

    before = alone()
    start = time.perf_counter()
    processes = [subprocess.Popen(argv) for _ in range(jobs)]
    for process in processes:
        process.wait()
    together = time.perf_counter() - start
    single = min(before, alone())  # the faster of the loops alone, before and after
    return single, jobs * single / together


def _capacity_line(jobs: int) -> str:
    alone, cores = parallel_capacity(jobs)
    return f"Host: a CPU loop took {alone:.2f} s alone; {jobs} at once got {cores:.2f} cores' worth."


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000", help="comma-separated article counts")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per configuration (median shown)")
    parser.add_argument("--repeat-large", type=int, default=None,
                        help="repetitions for corpora over 5,000 articles (default: --repeat)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/qualitycheck-speed"))
    parser.add_argument("--no-profile", action="store_true", help="skip the per-rule time shares")
    parser.add_argument("--one-file-only", action="store_true",
                        help="only the one-changed-article rows (with and without the index)")
    args = parser.parse_args(argv)
    jobs = len(os.sched_getaffinity(0))
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = str(args.workdir / "pycache")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "src"), str(HERE)], env=ENV,
                   stdout=subprocess.DEVNULL)
    print(f"Python {sys.version.split()[0]}, {jobs} cores; median of {args.repeat} runs, whole process, "
          f"start-up included")
    print(_capacity_line(jobs))
    peaks = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder, manifest = corpus(args.workdir, size, args.seed)
        mb = manifest["bytes"] / 1e6
        planted = ", ".join(f"{kind} {count}" for kind, count in manifest["planted"].items())
        print(f"\n### {size:,} articles: {manifest['files']:,} files, {mb:.1f} MB (planted: {planted})\n")
        times = args.repeat if size <= 5000 or args.repeat_large is None else args.repeat_large
        if args.one_file_only:
            drop_index(folder)
            run_once(CHECK + ["--cache-dir", str(folder / "cache")], folder)  # warm cache and bytecode
            for label, run, _ in one_file_rows(folder, manifest, times, folder / "cache"):
                print(f"| {label} | {run.wall:.3f} | - | - | {run.max_rss / 1024:.0f} | {run.tree_rss / 1024:.0f} | - |")
            continue
        rows = measure(folder, manifest, times, jobs)
        base = rows[0][1].wall
        print("| configuration | wall s | files/s | MB/s | max RSS MB | tree MB | / baseline |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for label, run, files in rows:
            rate = f"{files / run.wall:,.0f}" if files > 1 else "-"
            throughput = f"{mb / run.wall:.1f}" if files > 1 else "-"
            print(f"| {label} | {run.wall:.3f} | {rate} | {throughput} | {run.max_rss / 1024:.0f} | "
                  f"{run.tree_rss / 1024:.0f} | {run.wall / base:.2f} |")
        cold = next(run for label, run, _ in rows if label.startswith("check, all") and "cold" in label)
        peaks.append((size, cold.max_rss))
        if not args.no_profile:
            shares = profile_rules(folder)
            total = sum(seconds for _, seconds in shares)
            print(f"\nTime per rule, each alone on one core (total {total:.2f} s CPU):\n")
            print("| rule | s | share |")
            print("|---|---:|---:|")
            for name, seconds in sorted(shares, key=lambda item: -item[1]):
                print(f"| {name} | {seconds:.3f} | {seconds / total:.0%} |")
    print("\n" + _capacity_line(jobs))
    if len(peaks) > 1:
        (small, small_rss), (large, large_rss) = peaks[0], peaks[-1]
        per_article = (large_rss - small_rss) * 1024 / (large - small)
        print(f"\nPeak memory (largest process, cold, all cores) {small_rss / 1024:.0f} MB at {small:,} articles, "
              f"{large_rss / 1024:.0f} MB at {large:,}: {per_article:,.0f} bytes per added article.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
