#!/usr/bin/env bash
# Vendor the NL Design System's CSS from npm into faunaschade/static/vendor/nl-design-system/.
# The service serves these files itself (no CDN, no npm at run time); run this only to update
# them, then look at the pages and run `make test` (the axe sweep and the 375 px check).
#   - @utrecht/component-library-css: html.css styles plain HTML inside `.utrecht-html` with the
#     NL Design System's components (buttons, form fields, tables, headings...), driven by
#     design tokens (CSS custom properties).
#   - @nl-design-system-unstable/voorbeeld-design-tokens: the community's example theme, the
#     tokens for those components (`.voorbeeld-theme`). A province replaces it with its own
#     theme package; our own adjustments are in static/css/theme.css.
# Each tarball is checked against the integrity npm publishes for that exact version.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=faunaschade/static/vendor/nl-design-system
declare -A PACKAGES=(
  ["@utrecht/component-library-css@9.0.4"]="sha512-gVA7D6GfP9/+fzehkYLSBR+0UPUTA97PZmgvTYQE88lPQhHGMlUk8FjmCpLKRsRC9hAYd32JuF/KzG6fmBfjJA=="
  ["@nl-design-system-unstable/voorbeeld-design-tokens@7.4.1"]="sha512-GNnapAn2mTIzXRcCvs0JMr4Bf9+ivUJ3zFBJLRT1SYpAYm2xPwptVxIM3k4WLJ0c59E9FfxsEBPJluGuAHUVvg=="
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "${!PACKAGES[@]}"; do
  tarball=$(cd "$work" && npm pack --silent "$spec")
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
  if [ "$actual" != "${PACKAGES[$spec]}" ]; then
    echo "vendor: $spec does not match its published integrity" >&2
    exit 1
  fi
  mkdir -p "$work/${tarball%.tgz}"
  tar xzf "$work/$tarball" -C "$work/${tarball%.tgz}"
done
mkdir -p "$DEST"
cp "$work"/utrecht-component-library-css-*/package/dist/html.css "$DEST/utrecht-html.css"
cp "$work"/utrecht-component-library-css-*/package/LICENSE.md "$DEST/LICENSE-utrecht-component-library-css.md"
cp "$work"/nl-design-system-unstable-voorbeeld-design-tokens-*/package/dist/theme.css "$DEST/voorbeeld-theme.css"
cp "$work"/nl-design-system-unstable-voorbeeld-design-tokens-*/package/LICENSE.md "$DEST/LICENSE-voorbeeld-design-tokens.md"
{
  echo "Vendored by scripts/vendor-nl-design-system.sh on $(date -u +%Y-%m-%d); do not edit."
  for spec in "${!PACKAGES[@]}"; do echo "$spec ${PACKAGES[$spec]}"; done | sort
} >"$DEST/VERSIONS.txt"
echo "vendor: NL Design System CSS in $DEST"
