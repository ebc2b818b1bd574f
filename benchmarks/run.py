"""coachlog's benchmark: every command as a whole process, on a 1-year and a 10-year store,
against floors measured in the same run.

    python benchmarks/run.py            # full run (about 10 minutes): docs/performance.md
    python benchmarks/run.py --runs 3   # quicker, noisier
    python benchmarks/run.py --smoke    # tiny store, one run each, writes nothing (for tests)

Each command runs once to warm the file cache, then --runs times; the table shows the
median wall time, that time as a ratio to its floor, and the peak memory (max RSS) of the
child process, read with os.wait4 so that each figure is that process's own.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T10:00:00+00:00"  # pinned so every run sees the same "today"
PY = sys.executable

# Demo sizes: a busy solo practice, about 1,000 sessions and 2,000 promises a year.
DEMO_CLIENTS_PER_YEAR = 42
SIZES = {"1y": 1, "10y": 10}


@dataclass
class Measure:
    name: str
    size: str
    floor: str
    times: list[float] = field(default_factory=list)
    rss_mib: float = 0.0
    target: str = ""
    ok: bool | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def run_once(argv: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(argv)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(
    m: Measure,
    argv: list[str],
    env: dict[str, str],
    runs: int,
    prepare: object = None,
    stdin: str | None = None,
) -> Measure:
    for i in range(runs + 1):
        if callable(prepare):
            prepare()
        elapsed, rss = run_once(argv, env, stdin)
        if i == 0:
            continue  # warm-up
        m.times.append(elapsed)
        m.rss_mib = max(m.rss_mib, rss)
    return m


# The executable a coach types (installed beside this Python); `python -m coachlog` adds
# runpy's own start-up, about 30 ms, which no coach pays.
EXE = Path(sys.executable).with_name("coachlog")


def coachlog(*args: str) -> list[str]:
    return [str(EXE), *args] if EXE.exists() else [PY, "-m", "coachlog", *args]


def build_store(work: Path, size: str, years: int, env: dict[str, str], smoke: bool) -> Path:
    path = work / f"{size}.db"
    clients = 3 if smoke else DEMO_CLIENTS_PER_YEAR
    argv = coachlog(
        "--db", str(path), "demo", "--clients", str(clients), "--years", str(years), "--seed", "7"
    )
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"  built {size} store in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return path


def store_counts(path: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("clients", "sessions", "promises", "agreements")
        }
    finally:
        conn.close()


def busiest_client(path: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT c.name FROM clients c JOIN sessions s ON s.client_id = c.id "
            "WHERE c.status = 'active' GROUP BY c.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        return row[0]
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="tiny store, one run, no docs")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    args = parser.parse_args(argv)
    runs = 1 if args.smoke else args.runs

    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHLOG_")}
    env.update(
        {
            "COACHLOG_NOW": NOW,
            "COACHLOG_TZ": "Europe/Lisbon",
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "HOME": str(work / "home"),
            "XDG_DATA_HOME": str(work / "xdg"),
        }
    )

    results: list[Measure] = []
    print("floors", file=sys.stderr)
    floors = {
        "python": [PY, "-c", "pass"],
        "typer": [PY, "-c", "import typer"],
        "stack": [PY, "-c", "import typer, rich, sqlmodel, pendulum"],
    }
    floor_times: dict[str, float] = {}
    for name, cmd in floors.items():
        m = measure(Measure(f"floor: {cmd[-1]}", "-", "-"), cmd, env, runs)
        floor_times[name] = m.median
        results.append(m)

    sizes = {"tiny": 1} if args.smoke else SIZES
    stores = {s: build_store(work, s, y, env, args.smoke) for s, y in sizes.items()}
    counts = {s: store_counts(p) for s, p in stores.items()}

    for size, path in stores.items():
        print(f"commands on {size}", file=sys.stderr)
        e = {**env, "COACHLOG_DB": str(path)}
        client = busiest_client(path)
        prefix = client.split()[0][:3]
        reads: list[tuple[str, list[str]]] = [
            ("promises due", coachlog("promises", "due")),
            ("dashboard", coachlog("dashboard")),
            ("trust", coachlog("trust")),
            ("prep CLIENT", coachlog("prep", client)),
            ("client show CLIENT", coachlog("client", "show", client)),
            ("session list --client CLIENT", coachlog("session", "list", "--client", client)),
            ("search WORD", coachlog("search", "delegation")),
            ("export CLIENT", coachlog("export", client)),
        ]
        results.append(measure(Measure("--help", size, "typer"), coachlog("--help"), e, runs))
        comp_env = {
            **e,
            "_COACHLOG_COMPLETE": "complete_bash",
            "COMP_WORDS": f"coachlog prep {prefix}",
            "COMP_CWORD": "2",
        }
        results.append(
            measure(
                Measure("completion of a client name", size, "typer"),
                coachlog(),
                comp_env,
                runs,
            )
        )
        for name, cmd in reads:
            results.append(measure(Measure(name, size, "stack"), cmd, e, runs))
        # The same report through Typer and the ORM, for comparison with the fast path.
        results.append(
            measure(
                Measure("promises due (ORM path)", size, "stack"),
                coachlog("promises", "due"),
                {**e, "COACHLOG_NO_FASTPATH": "1"},
                runs,
            )
        )
        export_file = work / f"{size}-export.json"
        results.append(
            measure(
                Measure("export --all --format json", size, "stack"),
                coachlog("export", "--all", "--format", "json", "--out", str(export_file)),
                e,
                runs,
                prepare=lambda f=export_file: f.unlink(missing_ok=True),
            )
        )
        results.append(
            measure(
                Measure("session new (2 promises)", size, "stack"),
                coachlog(
                    "session",
                    "new",
                    client,
                    "--notes",
                    "Benchmark session notes.",
                    "--promise",
                    "Send the article @ +3d",
                    "--commitment",
                    "Draft the plan @ fri",
                ),
                e,
                runs,
            )
        )
        target = work / f"{size}-import.db"

        def fresh(t: Path = target) -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(t) + suffix).unlink(missing_ok=True)

        results.append(
            measure(
                Measure("import (into an empty store)", size, "stack"),
                coachlog("--db", str(target), "import", str(export_file)),
                e,
                runs,
                prepare=fresh,
            )
        )

    judge(results, floor_times)
    text = report(results, floor_times, counts, runs)
    findings = Path(__file__).with_name("FINDINGS.md")
    if findings.exists():
        text += "\n" + findings.read_text()
    print(text)
    if not args.smoke:
        args.out.write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


READS = {
    "promises due",
    "promises due (ORM path)",
    "dashboard",
    "trust",
    "prep CLIENT",
    "client show CLIENT",
    "session list --client CLIENT",
    "search WORD",
    "export CLIENT",
}


def judge(results: list[Measure], floors: dict[str, float]) -> None:
    by = {(m.name, m.size): m for m in results}
    for m in results:
        if m.size == "-":
            continue
        if m.name in ("--help", "completion of a client name"):
            m.target = "≤ 1.5 × typer"
            m.ok = m.median <= 1.5 * floors["typer"]
        elif m.name in READS:
            m.target = "≤ 1.3 × stack"
            m.ok = m.median <= 1.3 * floors["stack"]
            small = by.get((m.name, "1y"))
            if m.size == "10y" and small:
                m.target += ", ≤ 1.15 × 1y"
                m.ok = m.ok and m.median <= 1.15 * small.median
        elif m.name.startswith("session new"):
            m.target = "≤ 1.3 × stack"
            m.ok = m.median <= 1.3 * floors["stack"]
        elif m.name.startswith("import"):
            m.target = "≤ 15 s"
            m.ok = m.median <= 15
        elif m.name.startswith("export --all"):
            m.target = "≤ 5 s"
            m.ok = m.median <= 5
        if m.rss_mib > 150:
            m.ok = False
            m.target += ", ≤ 150 MiB"


def report(results: list[Measure], floors: dict[str, float], counts: dict, runs: int) -> str:
    lines = [
        "# Performance",
        "",
        "<!-- Written by `python benchmarks/run.py`; do not edit by hand. -->",
        "",
        f"Measured on {platform.machine()} with {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}; median of {runs} runs after "
        "a warm-up, each command a whole process. Ratios are against floors measured in the "
        'same run: `python -c pass`, `python -c "import typer"` (typer) and `python -c '
        '"import typer, rich, sqlmodel, pendulum"` (stack).',
        "",
        "| floor | median |",
        "|---|---:|",
    ]
    lines += [
        f"| `{m.name.removeprefix('floor: ')}` | {m.median:.3f} s |"
        for m in results
        if m.size == "-"
    ]
    lines += ["", "Stores (made by `coachlog demo`):", ""]
    for size, c in counts.items():
        lines.append(
            f"- **{size}**: {c['clients']} clients, {c['sessions']:,} sessions, "
            f"{c['promises']:,} promises, {c['agreements']} agreements"
        )
    lines += [
        "",
        "| command | store | median | ratio | peak memory | target | met |",
        "|---|---|---:|---:|---:|---|:-:|",
    ]
    for m in results:
        if m.size == "-":
            continue
        ratio = m.median / floors[m.floor]
        met = "" if m.ok is None else ("yes" if m.ok else "**no**")
        lines.append(
            f"| `{m.name}` | {m.size} | {m.median:.3f} s | {ratio:.2f} × {m.floor} | "
            f"{m.rss_mib:.0f} MiB | {m.target} | {met} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
