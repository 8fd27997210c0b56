#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1:54329 for the multi-desk tests.
# Prints the URL to use as CASEDESK_TEST_PG. Installs the server when missing (Debian, as root).
#
# The server runs with fsync on, as an office's server does: the crash test (tests/test_postgres_crash.py)
# kills desks and the server itself, and what it proves holds only if the server writes the way a real one
# does. A server this script started earlier with fsync off is restarted with it on.
set -euo pipefail
PORT=${PGPORT_TEST:-54329}
DIR=${PGDATA_TEST:-/tmp/casedesk-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [ ! -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  run "$bin/initdb -D $DIR -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
fi
OPTS="-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
if run "$bin/pg_ctl -D $DIR status" >/dev/null 2>&1; then
  if [ "$(run "$bin/psql -h 127.0.0.1 -p $PORT -U postgres -tAc 'SHOW fsync'")" != "on" ]; then
    run "$bin/pg_ctl -D $DIR -l $DIR/server.log -o '$OPTS' -w -m fast restart" >/dev/null
  fi
else
  run "$bin/pg_ctl -D $DIR -l $DIR/server.log -o '$OPTS' -w start" >/dev/null
fi
run "$bin/psql -h 127.0.0.1 -p $PORT -U postgres -tc \"SELECT 1 FROM pg_database WHERE datname='casedesk_test'\"" | grep -q 1 \
  || run "$bin/createdb -h 127.0.0.1 -p $PORT -U postgres casedesk_test"
echo "postgresql://postgres@127.0.0.1:$PORT/casedesk_test"
