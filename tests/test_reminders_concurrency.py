"""send_reminders never holds the database while it talks to the network, and overlapping runs
(each on its own database connection, as on several cron hosts) send each reminder once."""

import socket
import threading
import time as clock
from concurrent.futures import ThreadPoolExecutor
from datetime import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from core import reminders
from core.models import DiaryEntry, PushSubscription, Reminder
from tests.factories import PatientFactory, entry_data
from tests.pushservice import Browser, push_service, vapid_pair

pytestmark = pytest.mark.django_db(transaction=True)


class HungMailServer:
    """Accepts SMTP connections on loopback and never says a word (not even the greeting)."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connected = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.held.append(conn)
            self.connected.set()

    def close(self):
        for conn in self.held:
            conn.close()
        self.socket.close()


def test_a_hung_mail_server_does_not_block_a_patients_save(client, settings):
    server = HungMailServer()
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        smtp, "127.0.0.1", server.port, 4)
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": smtp}}
    PatientFactory(user__username="reminded", reminder_time=time(0))  # due all day, by e-mail
    writer = PatientFactory(user__username="writer")
    client.force_login(writer.user)

    def reminder_run():
        try:
            call_command("send_reminders", stdout=StringIO(), stderr=StringIO())
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            run = pool.submit(reminder_run)
            assert server.connected.wait(20), "send_reminders never reached the mail server"
            started = clock.monotonic()
            response = client.post("/diary/new/", entry_data(date=writer.today().isoformat()))
            took = clock.monotonic() - started
            assert run.running()  # the reminder run is still waiting for the mail server
            run.result(timeout=60)
    finally:
        server.close()
    assert response.status_code == 302
    assert took < 2, f"the save waited {took:.1f} s for the reminder run"
    assert DiaryEntry.objects.filter(patient=writer).count() == 1


def test_overlapping_runs_on_separate_connections_send_each_reminder_once(settings, monkeypatch):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_pair()
    settings.VAPID_SUBJECT = "mailto:clinic@example.org"
    monkeypatch.setattr(reminders, "BATCH", 7)  # many small claims, so that the runs interleave
    with push_service(delay=0.01) as service:
        host, port = service.origin.removeprefix("http://").split(":")
        settings.WEBPUSH_ALLOWED_ORIGINS = [("http", host, int(port))]
        for n in range(60):
            patient = PatientFactory(reminder_time=time(0))
            PushSubscription.objects.create(patient=patient, endpoint=f"{service.origin}/push/{n}", **Browser().keys())
        runs = 4
        barrier = threading.Barrier(runs, timeout=30)

        def one_run():
            try:
                barrier.wait()
                call_command("send_reminders", stdout=StringIO(), stderr=StringIO())
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=runs) as pool:
            for future in [pool.submit(one_run) for _ in range(runs)]:
                future.result()
        paths = service.paths()
    assert len(paths) == 60
    assert len(set(paths)) == 60
    assert Reminder.objects.filter(sent_at__isnull=False, channel="push").count() == 60
