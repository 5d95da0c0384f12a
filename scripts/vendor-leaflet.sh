#!/usr/bin/env bash
# Vendor Leaflet (the map on the claim pages) from npm into faunaschade/static/vendor/leaflet/.
# The service serves these files itself (no CDN, no npm at run time); run this only to update
# them, then look at a claim page's map and run the map tests (tests/claims/test_area_map*.py).
# The tarball is checked against the integrity npm publishes for that exact version.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=faunaschade/static/vendor/leaflet
SPEC="leaflet@1.9.4"
INTEGRITY="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$work" && npm pack --silent "$SPEC")
actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "vendor: $SPEC does not match its published integrity" >&2
  exit 1
fi
tar xzf "$work/$tarball" -C "$work"
rm -rf "$DEST"
mkdir -p "$DEST/images"
cp "$work/package/dist/leaflet.js" "$work/package/dist/leaflet.css" "$DEST/"
cp "$work"/package/dist/images/*.png "$DEST/images/"
cp "$work/package/LICENSE" "$DEST/LICENSE-leaflet.txt"
{
  echo "Vendored by scripts/vendor-leaflet.sh on $(date -u +%Y-%m-%d); do not edit."
  echo "$SPEC $INTEGRITY"
} >"$DEST/VERSIONS.txt"
echo "vendor: Leaflet in $DEST"
