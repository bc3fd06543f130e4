"""Decodes a QR code given as rows of 0/1 characters on standard input with zxing-cpp; prints the text."""
import sys

import zxingcpp
from PIL import Image

rows = [line.strip() for line in sys.stdin if line.strip()]
size, quiet, scale = len(rows), 4, 8
image = Image.new("L", ((size + 2 * quiet) * scale,) * 2, 255)
for y, row in enumerate(rows):
    for x, bit in enumerate(row):
        if bit == "1":
            for dy in range(scale):
                for dx in range(scale):
                    image.putpixel(((x + quiet) * scale + dx, (y + quiet) * scale + dy), 0)
results = zxingcpp.read_barcodes(image)
if not results:
    print("no QR code found")
    sys.exit(1)
print(results[0].text)
