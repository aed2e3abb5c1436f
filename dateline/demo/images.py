"""Demo photos drawn with Pillow at load time, so nothing is downloaded.

Each scene is a simple labelled picture: sky, sea or land, and the objects the
caption talks about. They are clearly marked as illustrations.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 1067


def _gradient(draw, top, bottom, y0, y1):
    for y in range(y0, y1):
        t = (y - y0) / max(1, y1 - y0)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (WIDTH, y)], fill=colour)


def _cars(draw, rng, y, count, colour=(25, 25, 30), lights=True):
    x = 80
    for _ in range(count):
        length = rng.randint(150, 190)
        draw.rounded_rectangle([x, y, x + length, y + 55], radius=14, fill=colour)
        draw.rectangle([x + 30, y - 28, x + length - 40, y + 5], fill=colour)
        draw.rectangle([x + 40, y - 22, x + length - 50, y - 2], fill=(120, 140, 160))
        for wheel_x in (x + 30, x + length - 45):
            draw.ellipse([wheel_x, y + 40, wheel_x + 32, y + 72], fill=(10, 10, 10))
        if lights:
            draw.ellipse(
                [x + length // 2 - 8, y - 40, x + length // 2 + 8, y - 26], fill=(60, 110, 255)
            )
        x += length + rng.randint(40, 70)


def _sea_and_road(draw, rng):
    _gradient(draw, (150, 175, 200), (210, 220, 230), 0, 520)
    _gradient(draw, (90, 110, 125), (60, 80, 95), 520, 700)
    draw.rectangle([0, 700, WIDTH, HEIGHT], fill=(95, 100, 90))
    draw.rectangle([0, 760, WIDTH, 900], fill=(55, 55, 58))
    for x in range(0, WIDTH, 120):
        draw.rectangle([x, 826, x + 60, 834], fill=(230, 230, 230))


def _motorcade(draw, rng):
    _sea_and_road(draw, rng)
    _cars(draw, rng, 790, 7)


def _roadblock(draw, rng):
    _sea_and_road(draw, rng)
    for x in range(200, 1400, 180):
        draw.rectangle([x, 800, x + 150, 830], fill=(220, 40, 40))
        draw.rectangle([x, 830, x + 150, 845], fill=(245, 245, 245))
    for x in (300, 760, 1180):
        draw.ellipse([x, 610, x + 50, 660], fill=(230, 190, 160))
        draw.rectangle([x - 10, 660, x + 60, 790], fill=(235, 220, 40))


def _limousine(draw, rng):
    _gradient(draw, (170, 185, 200), (220, 225, 230), 0, 600)
    draw.polygon([(200, 600), (1500, 600), (1400, 420), (300, 420)], fill=(110, 115, 120))
    draw.rectangle([700, 300, 900, 420], fill=(100, 105, 110))
    draw.rectangle([0, 600, WIDTH, HEIGHT], fill=(120, 118, 110))
    _cars(draw, rng, 820, 1, lights=False)


def _parliament(draw, rng):
    _gradient(draw, (40, 50, 90), (220, 140, 90), 0, 700)
    draw.rectangle([200, 420, 1400, 760], fill=(150, 140, 120))
    draw.polygon([(180, 420), (1420, 420), (800, 260)], fill=(130, 120, 100))
    for x in range(260, 1360, 110):
        draw.rectangle([x, 500, x + 50, 600], fill=(250, 210, 120))
    draw.rectangle([0, 760, WIDTH, HEIGHT], fill=(70, 70, 70))


def _kelp(draw, rng):
    _gradient(draw, (40, 120, 130), (5, 40, 50), 0, HEIGHT)
    for _ in range(28):
        x = rng.randint(0, WIDTH)
        sway = rng.randint(-60, 60)
        draw.line([(x, HEIGHT), (x + sway, rng.randint(150, 600))], fill=(60, 130, 50), width=18)
    draw.rectangle([0, HEIGHT - 80, WIDTH, HEIGHT], fill=(70, 60, 50))


PAINTERS = {
    "motorcade": _motorcade,
    "roadblock": _roadblock,
    "limousine": _limousine,
    "parliament": _parliament,
    "kelp": _kelp,
}


def draw_scene(scene, title):
    """A JPEG of the named scene, labelled as a demo illustration."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    PAINTERS[scene](draw, random.Random(scene))  # noqa: S311 - shapes, not secrets
    font = ImageFont.load_default(size=40)
    label = f"Demo illustration: {title}"
    draw.rectangle([0, 0, WIDTH, 70], fill=(0, 0, 0))
    draw.text((24, 14), label, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()
