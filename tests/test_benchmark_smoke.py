"""The shipped benchmark keeps working: a tiny store, one run of every command. Timings
are not judged here (shared machines are noisy); docs/performance.md holds real figures."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmark_smoke_run(tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("the benchmark measures the embedded store")
    p = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--smoke",
            "--work",
            str(tmp_path / "bench"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    table = p.stdout
    for name in (
        "--help",
        "completion of a client name",
        "promises due",
        "dashboard",
        "trust",
        "prep CLIENT",
        "client show CLIENT",
        "session list --client CLIENT",
        "search WORD",
        "export CLIENT",
        "export --all --format json",
        "session new (2 promises)",
        "import (into an empty store)",
    ):
        assert f"| `{name}` | tiny |" in table, name
