#!/usr/bin/env bash
# Regenerates glyphs.png and glyphs.tsv from characters.txt, the only text the card renders draw.
# Run it after adding a character to the synthetic identities; a test fails until then.
# Needs Debian's ImageMagick and WenQuanYi Micro Hei: apt-get install imagemagick fonts-wqy-microhei
set -euo pipefail
cd "$(dirname "$0")"

convert=/usr/bin/convert
font=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
size=32 # pixels per em: the cards' values are drawn at exactly this size, hinted and crisp; labels are scaled down
cell_width=38
cell_height=44
columns=16

if ! "$convert" -version 2>/dev/null | grep -q ImageMagick; then
  echo "make-glyphs: $convert is not ImageMagick (apt-get install imagemagick)" >&2
  exit 1
fi
if [ ! -f "$font" ]; then
  echo "make-glyphs: $font is missing (apt-get install fonts-wqy-microhei)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

characters=$(tr -d '\n' < characters.txt)
count=${#characters}
printf '# character\tadvance (px at %d px/em), in atlas order: %d per row, cells of %dx%d px\n' "$size" "$columns" "$cell_width" "$cell_height" > glyphs.tsv
for ((i = 0; i < count; i++)); do
  c=${characters:i:1}
  advance=$("$convert" -background black -fill white -font "$font" -pointsize "$size" "label:$c" -format '%w' info:)
  # North gravity keeps every glyph on the same baseline: each label is one line box of the same height.
  "$convert" -background black -fill white -font "$font" -pointsize "$size" -size "${cell_width}x${cell_height}" \
    -gravity north "label:$c" -colorspace gray -depth 8 "$work/$(printf '%04d' "$i").pgm"
  printf '%s\t%s\n' "$c" "$advance" >> glyphs.tsv
done

rows=$(((count + columns - 1) / columns))
row_files=()
for ((r = 0; r < rows; r++)); do
  files=()
  for ((i = r * columns; i < (r + 1) * columns && i < count; i++)); do
    files+=("$work/$(printf '%04d' "$i").pgm")
  done
  "$convert" "${files[@]}" -background black +append -extent "$((cell_width * columns))x${cell_height}" "$work/row$(printf '%03d' "$r").pgm"
  row_files+=("$work/row$(printf '%03d' "$r").pgm")
done
"$convert" "${row_files[@]}" -append -colorspace gray -depth 8 -define png:color-type=0 -define png:bit-depth=8 -strip glyphs.png
echo "make-glyphs: $count glyphs"
