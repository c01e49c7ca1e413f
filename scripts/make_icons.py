"""Draw the web app's icons (static/icons/icon-192.png, icon-512.png) from the favicon's shapes.

Run once by hand (`python scripts/make_icons.py`); the PNGs are committed. Plain Python (zlib), so
the app needs no imaging library. The background fills the whole square and the letters stay inside
the central circle of 40% radius, so the icons are "maskable": any launcher's mask keeps them whole.
"""

import struct
import zlib
from pathlib import Path

BLUE, WHITE = (0x0B, 0x5C, 0xAD), (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def inside(x: float, y: float) -> bool:
    """The favicon's "ID" (static/favicon.svg), in its 32-unit box."""
    if 9 <= x <= 12 and 10 <= y <= 22:
        return True
    outer = (15 <= x <= 20 and 10 <= y <= 22) or (x > 20 and (x - 20) ** 2 + (y - 16) ** 2 <= 36)
    hole = (18 <= x <= 20 and 13 <= y <= 19) or (x > 20 and (x - 20) ** 2 + (y - 16) ** 2 <= 9)
    return outer and not hole


def png(size: int) -> bytes:
    samples = [(i + 0.5) / 4 for i in range(4)]
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            hits = sum(inside((px + sx) * 32 / size, (py + sy) * 32 / size) for sx in samples for sy in samples)
            share = hits / 16
            row += bytes(round(b + (w - b) * share) for b, w in zip(BLUE, WHITE, strict=True))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + \
        chunk(b"IEND", b"")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
