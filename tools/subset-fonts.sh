#!/bin/sh
# The fonts shipped in app/static/fonts: Debian's fonts-noto-core (OFL 1.1, app/static/fonts/OFL.txt)
# cut down to the letters a language's pages use, as WOFF2. Run again after changing the ranges:
#   apt-get install fonts-noto-core && tools/subset-fonts.sh
set -eu
SRC=/usr/share/fonts/truetype/noto
OUT=app/static/fonts
# Urdu: Arabic letters and Urdu's own, Arabic-Indic and Urdu digits, its punctuation, joiners and marks
URDU="U+0020-007E,U+00A0,U+060C,U+061B,U+061F,U+0621-063A,U+0640-065F,U+0660-066D,U+0670-06D5,U+06F0-06F9,U+200C-200F,U+FD3E-FD3F"
for weight in Regular Bold; do
  .venv/bin/pyftsubset "$SRC/NotoNastaliqUrdu-$weight.ttf" --unicodes="$URDU" --layout-features='*' \
    --flavor=woff2 --output-file="$OUT/NotoNastaliqUrdu-$weight.woff2"
done
# Arabic (Naskh), Bengali and Gurmukhi (Punjabi): each script's block, Latin basics, danda, joiners
ARABIC="U+0020-007E,U+00A0,U+0600-06FF,U+200C-200F,U+FD3E-FD3F"
BENGALI="U+0020-007E,U+00A0,U+0964-0965,U+0980-09FF,U+200C-200D,U+25CC"
GURMUKHI="U+0020-007E,U+00A0,U+0964-0965,U+0A00-0A7F,U+200C-200D,U+25CC"
for weight in Regular Bold; do
  .venv/bin/pyftsubset "$SRC/NotoNaskhArabic-$weight.ttf" --unicodes="$ARABIC" --layout-features='*' \
    --flavor=woff2 --output-file="$OUT/NotoNaskhArabic-$weight.woff2"
  .venv/bin/pyftsubset "$SRC/NotoSansBengali-$weight.ttf" --unicodes="$BENGALI" --layout-features='*' \
    --flavor=woff2 --output-file="$OUT/NotoSansBengali-$weight.woff2"
  .venv/bin/pyftsubset "$SRC/NotoSansGurmukhi-$weight.ttf" --unicodes="$GURMUKHI" --layout-features='*' \
    --flavor=woff2 --output-file="$OUT/NotoSansGurmukhi-$weight.woff2"
done
