# Draws the workspace's PNG icons (the same picture as icon.svg): a speech bubble with three dots.
import sys
from PIL import Image, ImageDraw
for size in (192, 512):
    s = size / 512
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, size - 1, size - 1], radius=int(112 * s), fill="#0f766e")
    d.rounded_rectangle([int(88 * s), int(152 * s), int(424 * s), int(352 * s)], radius=int(24 * s), fill="#ffffff")
    d.polygon([(int(160 * s), int(340 * s)), (int(232 * s), int(352 * s)), (int(160 * s), int(408 * s))], fill="#ffffff")
    for cx in (192, 256, 320):
        r = 22 * s
        d.ellipse([cx * s - r, 252 * s - r, cx * s + r, 252 * s + r], fill="#0f766e")
    img.save(f"{sys.argv[1]}/icon-{size}.png", optimize=True)
