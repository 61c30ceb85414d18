"""Draw the app's PNG icons (our own artwork: two linked rings) with Pillow.

Run once when the design changes: ``python scripts/make_icons.py``. The PNGs are committed.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "app" / "static" / "icons"
TEAL, WHITE, GOLD = (11, 94, 85), (255, 255, 255), (255, 213, 128)


def draw(size: int, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then shrink, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=TEAL)  # full bleed: the launcher crops to its own shape
        art = 0.6  # keep the rings inside the maskable safe zone (80% circle)
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=TEAL)
        art = 0.8
    radius = big * art * 0.27
    width = round(big * art * 0.11)
    centre_y = big / 2
    for centre_x, colour in ((big / 2 - radius * 0.58, WHITE), (big / 2 + radius * 0.58, GOLD)):
        pen.ellipse(
            (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius),
            outline=colour,
            width=width,
        )
    # A small palette keeps the anti-aliased edges and makes the files a fraction of the size.
    return image.resize((size, size), Image.LANCZOS).quantize(colors=48, method=Image.Quantize.FASTOCTREE)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, False).save(OUT / "icon-192.png", optimize=True)
    draw(512, False).save(OUT / "icon-512.png", optimize=True)
    draw(512, True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
