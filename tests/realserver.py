"""Start isodiary under gunicorn on a loopback port, on its own fresh database of the same kind
as the test run (a SQLite file, or a new database on the test PostgreSQL server)."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "a-Long-server-pass-31"


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    database_url: str

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.database_url.startswith("sqlite"):
            with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, params).fetchall()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _database():
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        name = f"isodiary_server_{uuid.uuid4().hex[:8]}"
        server = f"{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        with psycopg.connect(f"postgres://{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgres://{server}/{name}"
        finally:
            with psycopg.connect(f"postgres://{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/db.sqlite3"


@contextmanager
def running_server(workers: int = 4, patients: tuple[str, ...] = ("racer",), env: dict | None = None):
    """`env`: more settings for the server, e.g. {"PROXY_COUNT": "1"}."""
    extra_env = env or {}
    with _database() as database_url:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
        env.update(
            DJANGO_SETTINGS_MODULE="isodiary.test_settings", DATABASE_URL=database_url, DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1", BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers),
            GUNICORN_ACCESS_LOG="", GUNICORN_LOG_LEVEL="warning", **extra_env,
        )
        python = [sys.executable, "manage.py"]
        subprocess.run([*python, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
        make_users = (
            "from django.contrib.auth.models import User; from core.models import Patient\n"
            f"for name in {list(patients)!r}:\n"
            f"    Patient.objects.create(user=User.objects.create_user(name, password={PASSWORD!r}))"
        )
        subprocess.run([*python, "shell", "-c", make_users], cwd=ROOT, env=env, check=True, timeout=60)
        process = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "isodiary.wsgi"], cwd=ROOT, env=env)
        server = Server(f"http://127.0.0.1:{port}", process, database_url)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(server.url + "/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not become ready")
                time.sleep(0.2)
            yield server
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def signed_in_client(server: Server, username: str = "racer") -> tuple[httpx.Client, str]:
    """A client with a patient's session, and a CSRF token for its form posts."""
    client = httpx.Client(base_url=server.url, timeout=30)
    token = csrf_token(client.get("/accounts/login/").text)
    response = client.post("/accounts/login/", data={"username": username, "password": PASSWORD,
                                                    "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.status_code
    return client, csrf_token(client.get("/diary/new/").text)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
