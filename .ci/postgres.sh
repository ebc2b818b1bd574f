# Sourced by .ci/run: a throwaway PostgreSQL server on a private socket for the practice
# tests (SPEC §8). Installs the server when the machine lacks it (CI runs as root on
# Debian), fails when it cannot start, and removes its data folder at exit.
# Exports COACHLOG_TEST_PG_URL. Needs apt_install from .ci/run.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

PG_BIN=$(pg_bin)
if [[ -z "${PG_BIN}" || ! -x "${PG_BIN}/initdb" ]]; then
  echo "Installing the PostgreSQL server (apt-get)…"
  apt_install postgresql
  PG_BIN=$(pg_bin)
fi
if [[ -z "${PG_BIN}" || ! -x "${PG_BIN}/initdb" ]]; then
  echo "CI: no PostgreSQL server could be installed" >&2
  exit 1
fi

PGDATA=$(mktemp -d /tmp/coachlog-pg.XXXXXX)
chmod 0755 "$PGDATA"
PG_RUN=()
if [[ $(id -u) == 0 ]]; then
  PG_RUN=(runuser -u postgres --)
  chown postgres "$PGDATA"
fi
PG_PORT=54329
pg_stop() {
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap pg_stop EXIT
"${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PGDATA/data" -A trust -U coachlog >/dev/null
if ! "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA/data" -l "$PGDATA/log" -w start \
     -o "-k $PGDATA -p $PG_PORT -c listen_addresses='' -c max_connections=200 -c fsync=off" >/dev/null; then
  echo "CI: the PostgreSQL server did not start:" >&2
  cat "$PGDATA/log" >&2 || true
  exit 1
fi
"${PG_RUN[@]}" "$PG_BIN/createdb" -h "$PGDATA" -p "$PG_PORT" -U coachlog coachlog_test
export COACHLOG_TEST_PG_URL="postgresql+psycopg://coachlog@/coachlog_test?host=$PGDATA&port=$PG_PORT"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') for tests: $COACHLOG_TEST_PG_URL"
