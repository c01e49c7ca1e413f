"""A fake Web Push service for the reminders benchmark, in its own process so that it does not share
send_reminders' interpreter: answers every POST with 201 after a delay (default 100 ms), on
127.0.0.1, and GET /count with how many it has answered. Prints its port, then serves until killed."""

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DELAY = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1
count = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 - http.server's name
        global count
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(DELAY)
        with lock:
            count += 1
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: N802
        body = str(count).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
server.request_queue_size = 512
print(server.server_address[1], flush=True)
server.serve_forever()
