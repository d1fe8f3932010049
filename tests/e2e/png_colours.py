#!/usr/bin/env python3
"""Count the pixels of given colours in a PNG screenshot.

Usage: png_colours.py FILE RRGGBB... Prints one count per colour, on one
line. Reads 8-bit RGB or RGBA PNGs, as Chromium writes them, with the
standard library alone (zlib and the five PNG row filters).
"""
import struct
import sys
import zlib


def rows(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                sys.exit(f"{path}: not 8-bit RGB or RGBA")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        yield line, channels
        prev = line


def main():
    path, colours = sys.argv[1], [bytes.fromhex(c) for c in sys.argv[2:]]
    counts = [0] * len(colours)
    for line, channels in rows(path):
        for x in range(0, len(line), channels):
            pixel = bytes(line[x:x + 3])
            for i, colour in enumerate(colours):
                if pixel == colour:
                    counts[i] += 1
    print(" ".join(str(c) for c in counts))


if __name__ == "__main__":
    main()
