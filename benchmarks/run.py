"""coachlog's benchmark: every command as a whole process, on a 1-year and a 10-year store,
against floors measured in the same run and against its peers, Taskwarrior and jrnl, loaded
with the same practice (benchmarks/peers.py) when they are installed.

    python benchmarks/run.py            # full run (about 10 minutes): docs/performance.md
    python benchmarks/run.py --runs 3   # quicker, noisier
    python benchmarks/run.py --smoke    # tiny store, one run each, writes nothing (for tests)

Each command runs once to warm the file cache, then --runs times (the reads, their peers
and the floors in rounds, each once a round); the table shows the
median wall time, that time as a ratio to its floor, and the peak memory (max RSS) of the
child process, read with os.wait4 so that each figure is that process's own. Each read
command is also shown as a ratio to Taskwarrior's `task due` and to jrnl's nearest
equivalent, from the same run (PEER_EQUIVALENT below says which).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import peers

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
    task: float | None = None  # the ratio to `task due` in the same store
    jrnl: float | None = None  # the ratio to jrnl's equivalent (PEER_EQUIVALENT)

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


Job = tuple[Measure, list[str], dict[str, str]]


def interleaved(jobs: list[Job], runs: int) -> list[Measure]:
    """Each command once a round, `runs` rounds after a warm-up round. A slow spell of a
    shared machine then falls on every command of a round alike instead of on one
    command's runs, so the ratios between commands hold even when the seconds move."""
    for i in range(runs + 1):
        for m, argv, env in jobs:
            elapsed, rss = run_once(argv, env)
            if i:
                m.times.append(elapsed)
                m.rss_mib = max(m.rss_mib, rss)
    return [m for m, _, _ in jobs]


# The executable a coach types (installed beside this Python); `python -m coachlog` adds
# runpy's own start-up, about 30 ms, which no coach pays.
EXE = Path(sys.executable).with_name("coachlog")


def coachlog(*args: str) -> list[str]:
    return [str(EXE), *args] if EXE.exists() else [PY, "-m", "coachlog", *args]


def compile_coachlog() -> None:
    """Write the bytecode of the coachlog this Python runs (an editable install's too)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("coachlog")
    assert spec is not None and spec.submodule_search_locations, "coachlog is not installed"
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)


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
    # PYTHONDONTWRITEBYTECODE (set in many containers) would make every run of an editable
    # install compile coachlog from source, 30-50 ms a command that no coach pays: pip
    # compiles an installed package once. The bytecode is written here, before any run.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COACHLOG_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    compile_coachlog()
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
    floors = {
        "python": [PY, "-c", "pass"],
        "typer": [PY, "-c", "import typer"],
        "stack": [PY, "-c", "import typer, rich, sqlmodel, pendulum"],
    }
    # measured in the rounds of every store, beside the commands they are floors of
    floor_jobs = [(Measure(f"floor: {cmd[-1]}", "-", "-"), cmd, env) for cmd in floors.values()]
    results += [m for m, _, _ in floor_jobs]

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
            ("promises list --client CLIENT", coachlog("promises", "list", "--client", client)),
            ("coachlog (today's view)", coachlog()),
        ]
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
        comp_env = {
            **e,
            "_COACHLOG_COMPLETE": "complete_bash",
            "COMP_WORDS": f"coachlog prep {prefix}",
            "COMP_CWORD": "2",
        }
        jobs: list[Job] = [
            (Measure("--help", size, "typer"), coachlog("--help"), e),
            (Measure("completion of a client name", size, "typer"), coachlog(), comp_env),
            *((Measure(name, size, "stack"), cmd, e) for name, cmd in reads),
            *peer_jobs(work, size, client, export_file, env),
        ]
        results += interleaved([*jobs, *floor_jobs], runs)[: len(jobs)]
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

    floor_times = {name: m.median for name, (m, _, _) in zip(floors, floor_jobs, strict=True)}
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


# The same question asked of jrnl. jrnl keeps no due dates, so for the promise and overview
# screens its nearest question is "the latest promises" — which, like every jrnl query, parses
# the whole journal first.
PEER_EQUIVALENT = {
    "promises due": "jrnl -n 5 @promise",
    "dashboard": "jrnl -n 5 @promise",
    "trust": "jrnl -n 5 @promise",
    "coachlog (today's view)": "jrnl -n 5 @promise",
    "prep CLIENT": "jrnl -n 5 @CLIENT",
    "client show CLIENT": "jrnl -n 5 @CLIENT",
    "session list --client CLIENT": "jrnl -n 5 @CLIENT",
    "promises list --client CLIENT": "jrnl -n 5 @CLIENT",
    "search WORD": "jrnl -contains WORD",
    "export CLIENT": "jrnl @CLIENT --format markdown",
}
READS = set(PEER_EQUIVALENT)
TASK_DUE = "task due.before:now+7d status:pending list"


def peer_jobs(
    work: Path, size: str, client: str, export_file: Path, env: dict[str, str]
) -> list[Job]:
    """Taskwarrior's and jrnl's answers over the same practice (left out when not installed).
    They are loaded by a child process: a command started later by this one would otherwise
    report this process's memory, the practice parsed, as its own peak (Linux counts what a
    child shares with its parent before exec)."""
    loaded = subprocess.run(
        [PY, "-c", LOAD_PEERS, str(Path(__file__).parent), str(export_file), str(work), size],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    tw_env, jr_env = json.loads(loaded.stdout)
    found: list[Job] = []
    if tw_env is not None:
        argv = ["task", *TASK_DUE.split()[1:]]
        found.append((Measure(TASK_DUE, size, "peer"), argv, tw_env))
    if jr_env is not None:
        jr = peers.Peer("jrnl", jr_env)
        tag = peers.client_tag(client)
        for question in sorted(set(PEER_EQUIVALENT.values())):
            words = question.replace("@CLIENT", tag).replace("WORD", "delegation").split()[1:]
            found.append((Measure(question, size, "peer"), peers.jrnl_argv(jr, *words), jr_env))
    return found


LOAD_PEERS = """
import json, os, sys
from pathlib import Path
here, export_file, work, size = sys.argv[1:]
sys.path.insert(0, here)
import peers
practice = json.loads(Path(export_file).read_text())
env = dict(os.environ)
tw = peers.taskwarrior(practice, Path(work) / f"{size}-task", env)
jr = peers.jrnl(practice, Path(work) / f"{size}-jrnl", env)
print(json.dumps([tw.env if tw else None, jr.env if jr else None]))
"""


def peer_versions() -> dict[str, str]:
    found = {}
    for name, argv in (
        ("Taskwarrior", ["task", "--version"]),
        ("jrnl", [os.environ.get("JRNL", "jrnl"), "--version"]),
    ):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
        except OSError:
            continue
        found[name] = out.split()[1] if name == "jrnl" and len(out.split()) > 1 else out.strip()
    return found


def judge(results: list[Measure], floors: dict[str, float]) -> None:
    by = {(m.name, m.size): m for m in results}
    for m in results:
        if m.size == "-" or m.floor == "peer":
            continue
        if m.name in ("--help", "completion of a client name"):
            m.target = "≤ 1.5 × typer"
            m.ok = m.median <= 1.5 * floors["typer"]
        elif m.name in READS:
            # Issue 11's targets: against the peers where they ran, else the old floor.
            task = by.get((TASK_DUE, m.size))
            jrnl = by.get((PEER_EQUIVALENT[m.name], m.size))
            goals: list[tuple[str, bool]] = []
            if task:
                m.task = m.median / task.median
                goals.append(("≤ 1.5 × task", m.task <= 1.5))
            if jrnl:
                m.jrnl = m.median / jrnl.median
                goals.append(("≤ 0.2 × jrnl", m.jrnl <= 0.2))
            if not goals:
                goals.append(("≤ 1.3 × stack", m.median <= 1.3 * floors["stack"]))
            small = by.get((m.name, "1y"))
            if m.size == "10y" and small:
                goals.append(("≤ 1.15 × 1y", m.median <= 1.15 * small.median))
            if m.rss_mib > 100:
                goals.append(("≤ 100 MiB", False))
            m.target = ", ".join(goal for goal, _ in goals)
            m.ok = all(ok for _, ok in goals)
        elif m.name.startswith("session new"):
            m.target = "≤ 1.3 × stack"
            m.ok = m.median <= 1.3 * floors["stack"]
        elif m.name.startswith("import"):
            m.target = "≤ 15 s"
            m.ok = m.median <= 15
        elif m.name.startswith("export --all"):
            m.target = "≤ 5 s"
            m.ok = m.median <= 5
        if m.rss_mib > 150 and m.name not in READS:
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
        "a warm-up, each command a whole process. The read commands, their peers and the "
        "floors run in rounds, each once a round, so that a slow spell of the machine falls "
        "on all of them alike. Ratios are against floors measured in the "
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
    peer_rows = [m for m in results if m.floor == "peer"]
    if peer_rows:
        lines += [
            "",
            "Peers, loaded with the same practice (benchmarks/peers.py): "
            + ", ".join(f"{n} {v}" for n, v in peer_versions().items() if v)
            + ".",
            "",
            "| peer | store | median | peak memory |",
            "|---|---|---:|---:|",
        ]
        lines += [
            f"| `{m.name}` | {m.size} | {m.median:.3f} s | {m.rss_mib:.0f} MiB |" for m in peer_rows
        ]
    else:
        lines += ["", "Peers: neither Taskwarrior nor jrnl is installed, so no ratios to them."]
    lines += [
        "",
        "| command | store | median | × floor | × `task due` | × jrnl | peak memory | target "
        "| met |",
        "|---|---|---:|---:|---:|---:|---:|---|:-:|",
    ]
    for m in results:
        if m.size == "-" or m.floor == "peer":
            continue
        ratio = m.median / floors[m.floor]
        met = "" if m.ok is None else ("yes" if m.ok else "**no**")
        task = f"{m.task:.2f}" if m.task is not None else ""
        jrnl = f"{m.jrnl:.2f}" if m.jrnl is not None else ""
        lines.append(
            f"| `{m.name}` | {m.size} | {m.median:.3f} s | {ratio:.2f} × {m.floor} | {task} | "
            f"{jrnl} | {m.rss_mib:.0f} MiB | {m.target} | {met} |"
        )
    if peer_rows:
        lines += ["", "jrnl's equivalent of each read command:", ""]
        lines += [f"- `{name}`: `{question}`" for name, question in PEER_EQUIVALENT.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
