# Sourced by .ci/run: start a throwaway PostgreSQL on a private socket and port if the
# machine has the server binaries, and export COACHLOG_TEST_PG_URL for the tests.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -n "${PG_BIN}" && -x "${PG_BIN}/initdb" ]]; then
  PGDATA=$(mktemp -d /tmp/coachlog-pg.XXXXXX)
  chmod 0777 "$PGDATA"
  RUN=(); [[ $(id -u) == 0 ]] && RUN=(runuser -u postgres --)
  chown postgres "$PGDATA" 2>/dev/null || true
  if "${RUN[@]}" "$PG_BIN/initdb" -D "$PGDATA/data" -A trust -U coachlog >/dev/null &&
     "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA/data" -o "-k $PGDATA -p 54329 -c listen_addresses=''" \
        -l "$PGDATA/log" -w start >/dev/null; then
    "${RUN[@]}" "$PG_BIN/createdb" -h "$PGDATA" -p 54329 -U coachlog coachlog_test
    export COACHLOG_TEST_PG_URL="postgresql+psycopg://coachlog@/coachlog_test?host=$PGDATA&port=54329"
    trap '"${RUN[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA/data" -m fast stop >/dev/null 2>&1 || true' EXIT
    echo "PostgreSQL for tests: $COACHLOG_TEST_PG_URL"
  else
    echo "PostgreSQL could not start; its tests will be skipped."
  fi
else
  echo "No PostgreSQL server on this machine; its tests will be skipped."
fi
