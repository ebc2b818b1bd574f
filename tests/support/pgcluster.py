"""A private PostgreSQL cluster for the practice tests (SPEC §8): initdb into a temporary
folder, scram-sha-256 passwords for every login (no trust, no peer), a unix socket in a
private folder and no TCP port. The superuser that initdb makes is kept for setting up
only; the practice itself is run by an owner role and by coach roles that are neither
superusers nor BYPASSRLS, as a real practice would be.

As root (CI runs as root on Debian), the server runs as the `postgres` user, as
.ci/postgres.sh does: initdb refuses to run as root."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


def pg_bin() -> Path | None:
    """The newest PostgreSQL server binaries installed (Debian's layout), or $PG_BIN."""
    given = os.environ.get("PG_BIN")
    if given and (Path(given) / "initdb").exists():
        return Path(given)
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent.parent.name
    )
    return found[-1].parent if found else None


SUPER_PASSWORD = "super-secret-setup"


@dataclass
class Cluster:
    bin: Path
    root: Path  # holds data/, sock/, log
    runas: list[str]

    @property
    def socket(self) -> Path:
        return self.root / "sock"

    port = 54391

    def url(self, role: str, password: str | None, db: str = "practice") -> str:
        auth = quote(role, safe="") + (":" + quote(password, safe="") if password else "")
        return f"postgresql+psycopg://{auth}@/{db}?host={self.socket}&port={self.port}"

    def libpq(self, role: str, db: str = "practice") -> list[str]:
        return ["-h", str(self.socket), "-p", str(self.port), "-U", role, "-d", db]

    def psql(
        self, role: str, password: str | None, sql: str, db: str = "practice"
    ) -> subprocess.CompletedProcess[str]:
        """psql as `role` with its password (PGPASSWORD), as a coach would open it."""
        env = {**os.environ, "PGPASSWORD": password or "", "PGCONNECT_TIMEOUT": "10"}
        env.pop("PGPASSFILE", None)
        return subprocess.run(
            [str(self.bin / "psql"), *self.libpq(role, db), "-X", "-v", "ON_ERROR_STOP=1",
             "-A", "-t", "-f", "-"],
            input=sql, capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip

    def su(self, sql: str, db: str = "practice") -> str:
        """Run SQL as the setup superuser; fails the test on any error."""
        r = self.psql("postgres", SUPER_PASSWORD, sql, db)
        if r.returncode != 0:
            raise RuntimeError(f"setup SQL failed: {r.stderr}")
        return r.stdout

    def stop(self) -> None:
        subprocess.run(
            [*self.runas, str(self.bin / "pg_ctl"), "-D", str(self.root / "data"),
             "-m", "immediate", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def start(bin_dir: Path) -> Cluster:
    root = Path(tempfile.mkdtemp(prefix="coachlog-practice-pg-"))
    runas: list[str] = []
    if os.geteuid() == 0:
        runas = ["runuser", "-u", "postgres", "--"]
        os.chmod(root, 0o755)  # the test (root) reads the socket; postgres owns the rest
        shutil.chown(root, "postgres")
    (root / "sock").mkdir()
    if runas:
        shutil.chown(root / "sock", "postgres")
    pwfile = root / "pw"
    pwfile.write_text(SUPER_PASSWORD + "\n")
    if runas:
        shutil.chown(pwfile, "postgres")
    subprocess.run(
        [*runas, str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", "postgres",
         "-A", "scram-sha-256", "--pwfile", str(pwfile), "-E", "UTF8", "--locale", "C.UTF-8"],
        check=True, capture_output=True,
    )  # fmt: skip
    pwfile.unlink()
    cluster = Cluster(bin_dir, root, runas)
    log = root / "log"
    p = subprocess.run(
        [*runas, str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-l", str(log), "-w",
         "start", "-o",
         f"-k {root / 'sock'} -p {cluster.port} -c listen_addresses='' -c fsync=off "
         "-c max_connections=40 -c shared_buffers=16MB"],
        capture_output=True, text=True,
    )  # fmt: skip
    if p.returncode != 0:
        text = log.read_text() if log.exists() else p.stderr
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"the private PostgreSQL server did not start: {text}")
    return cluster
