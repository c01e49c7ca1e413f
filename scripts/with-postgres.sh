#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on a loopback port, removed afterwards.
# In CI (CI=true) a missing PostgreSQL is a failure, never a silent skip.
set -euo pipefail
if ! command -v pg_virtualenv >/dev/null; then
  echo "PostgreSQL is not installed (pg_virtualenv missing): run 'make system-deps'." >&2
  exit 1
fi
inner='export DATABASE_URL="postgres://${PGUSER}:${PGPASSWORD}@127.0.0.1:${PGPORT}/postgres"; exec "$@"'
exec pg_virtualenv -o fsync=off bash -c "$inner" bash "$@"
