"""Files that tests upload as a citizen or a handler would."""

import struct
import zlib


def photo_png(width: int = 96, height: int = 64) -> bytes:
    """A real (if plain) PNG photo, so pages show it as an image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    # Each row: filter byte 0, then RGB pixels in a blue gradient.
    row = b"\x00" + bytes(c for x in range(width) for c in (60 + x, 120 + x // 2, 200))
    pixels = row * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )
