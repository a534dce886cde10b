#!/usr/bin/env python3
"""Render a terminal capture with ANSI colours (`tmux capture-pane -e -p`) to PNG.

    python3 scripts/screenshot.py capture.txt out.png

Needs Pillow (pip install pillow) and the DejaVu Sans Mono font (Debian: fonts-dejavu-core).
Only the SGR attributes the monitor uses are understood: reset, bold, reverse, the 16
ANSI colours (also as 38;5;n / 48;5;n with n < 16) and the default colours.
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

PALETTE = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
    (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
    (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
    (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255),
]
DEFAULT_FG, DEFAULT_BG = (204, 204, 204), (24, 24, 24)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"


def cells(line):
    """Yield (char, fg, bg, bold) for one captured line."""
    fg, bg, bold, reverse = None, None, False, False
    for token in re.split(r"(\x1b\[[0-9;]*m)", line):
        if token.startswith("\x1b["):
            codes = [int(c) if c else 0 for c in token[2:-1].split(";")] or [0]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    fg, bg, bold, reverse = None, None, False, False
                elif c == 1:
                    bold = True
                elif c == 22:
                    bold = False
                elif c == 7:
                    reverse = True
                elif c == 27:
                    reverse = False
                elif 30 <= c <= 37:
                    fg = PALETTE[c - 30]
                elif 90 <= c <= 97:
                    fg = PALETTE[c - 90 + 8]
                elif 40 <= c <= 47:
                    bg = PALETTE[c - 40]
                elif 100 <= c <= 107:
                    bg = PALETTE[c - 100 + 8]
                elif c == 39:
                    fg = None
                elif c == 49:
                    bg = None
                elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                    n = codes[i + 2]
                    color = PALETTE[n] if n < 16 else None
                    if c == 38:
                        fg = color
                    else:
                        bg = color
                    i += 2
                i += 1
            continue
        for ch in token:
            f, b = fg or DEFAULT_FG, bg or DEFAULT_BG
            if reverse:
                f, b = b, f
            yield ch, f, b, bold


def main():
    src, out = sys.argv[1], sys.argv[2]
    lines = open(src, encoding="utf-8").read().rstrip("\n").split("\n")
    font, bold = ImageFont.truetype(FONT, 15), ImageFont.truetype(BOLD, 15)
    cw = round(font.getlength("M"))
    ch = 19
    width = max(sum(1 for _ in cells(l)) for l in lines)
    img = Image.new("RGB", (width * cw + 16, len(lines) * ch + 16), DEFAULT_BG)
    draw = ImageDraw.Draw(img)
    for row, line in enumerate(lines):
        for col, (c, f, b, is_bold) in enumerate(cells(line)):
            x, y = 8 + col * cw, 8 + row * ch
            draw.rectangle([x, y, x + cw - 1, y + ch - 1], fill=b)
            if c != " ":
                draw.text((x, y + 1), c, font=bold if is_bold else font, fill=f)
    img.save(out)


if __name__ == "__main__":
    main()
