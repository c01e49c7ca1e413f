"""A fake Web Push service on loopback: records what it is sent and answers with a chosen status,
optionally after a delay (the benchmark's 100 ms). Tests send traffic to 127.0.0.1 only."""

import base64
import json
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class PushService:
    status: dict = field(default_factory=dict)  # path -> HTTP status (default 201)
    delay: float = 0.0
    received: list = field(default_factory=list)
    count: int = 0
    keep: bool = True  # keep each request (tests); the benchmark only counts
    origin: str = ""

    def paths(self) -> list[str]:
        return [r.path for r in self.received]


@contextmanager
def push_service(**options):
    service = PushService(**options)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real services

        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if service.delay:
                time.sleep(service.delay)
            with lock:
                service.count += 1
                if service.keep:
                    service.received.append(Received(self.path, dict(self.headers.items()), body))
            status = service.status.get(self.path, 201)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    service.origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Browser:
    """A browser's side of a subscription: the keys it gives the server, and what it can decrypt."""

    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def keys(self) -> dict:
        point = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        return {"p256dh": b64url(point), "auth": b64url(self.auth)}

    def subscription(self, endpoint: str) -> dict:
        """What PushSubscription.toJSON() gives."""
        return {"endpoint": endpoint, "expirationTime": None, "keys": self.keys()}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def vapid_token(authorization: str) -> tuple[dict, dict, bytes, str]:
    """(JWT header, claims, signed part, public key) of a `vapid t=…, k=…` Authorization header."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    header, claims, _signature = values["t"].split(".")
    return json.loads(unb64url(header)), json.loads(unb64url(claims)), values["t"], values["k"]


def vapid_signature_ok(token: str, public_key_b64url: str) -> bool:
    """ES256 (RFC 7518): the signature is r and s, 32 bytes each, over "header.claims"."""
    signed, _, signature = token.rpartition(".")
    raw = unb64url(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key_b64url))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))
    except Exception:  # noqa: BLE001 - InvalidSignature: the answer is no
        return False
    return True


def vapid_pair() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(public), b64url(key.private_numbers().private_value.to_bytes(32, "big"))
