#!/usr/bin/env bash
# Load benchmark: builds the dataset, serves it with gunicorn (2 workers) on loopback, loads each
# page for 20 s with wrk and prints one table. Not run by CI. Usage: make bench
# (or bash bench/run.sh --reminders 100000: send_reminders against a fake push service)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
mkdir -p bench/out
export DJANGO_SETTINGS_MODULE=isodiary.settings DEBUG=0 HTTPS=0 TRUST_X_FORWARDED_PROTO=0
export SECRET_KEY="${SECRET_KEY:-bench-$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')}"
export DATABASE_URL="${BENCH_DATABASE_URL:-sqlite:///$PWD/bench/out/bench.sqlite3}"
# --reminders N: send_reminders with N push reminders due, on a database of its own.
if [[ " $* " == *" --reminders "* ]]; then
  export DATABASE_URL="${BENCH_DATABASE_URL:-sqlite:///$PWD/bench/out/reminders.sqlite3}"
fi
export ALLOWED_HOSTS=127.0.0.1,testserver
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
exec .venv/bin/python bench/bench.py "$@"
