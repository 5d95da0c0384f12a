"""The pages are built on the NL Design System: its vendored CSS is loaded in a cascade layer
below ours and its tokens style what we leave open (seen in a real Chromium)."""

import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "faunaschade" / "static" / "vendor"
NLDS = VENDOR / "nl-design-system"

#: What the browser sees of the design system on the login page.
PROBE = """() => {
  const layered = [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules])
    .filter((rule) => rule instanceof CSSImportRule && rule.layerName === 'nl-design-system')
    .map((rule) => [rule.href, rule.styleSheet ? rule.styleSheet.cssRules.length : 0]);
  const root = getComputedStyle(document.documentElement);
  const probe = document.createElement('span');
  probe.style.color = root.getPropertyValue('--utrecht-heading-1-color').trim();
  document.body.append(probe);
  const token = getComputedStyle(probe).color;
  probe.remove();
  return {layered, token, heading: getComputedStyle(document.querySelector('main h1')).color};
}"""


@pytest.mark.browser
def test_the_design_system_is_loaded_below_our_styles_and_styles_the_headings(live_server, page):
    page.goto(f"{live_server}/login")
    seen = page.evaluate(PROBE)
    files = sorted(Path(href).name for href, _rules in seen["layered"])
    assert files == ["utrecht-html.css", "voorbeeld-theme.css"]
    assert all(rules > 0 for _href, rules in seen["layered"]), seen["layered"]
    # The heading takes the design system's heading colour (our theme's token), not the body
    # text colour site.css gives everything else.
    assert seen["token"] not in ("", "rgb(27, 27, 27)")
    assert seen["heading"] == seen["token"]


def test_the_vendored_files_are_the_published_packages_with_their_licences():
    versions = (NLDS / "VERSIONS.txt").read_text().splitlines()[1:]
    assert {line.split("@")[1].split("/")[0] for line in versions if line.startswith("@")} == {
        "utrecht",
        "nl-design-system-unstable",
    }
    assert all(re.fullmatch(r"@\S+@\d+\.\d+\.\d+ sha512-\S+", line) for line in versions)
    for name in ("utrecht-component-library-css", "voorbeeld-design-tokens"):
        assert "EUROPEAN UNION PUBLIC LICENCE" in (NLDS / f"LICENSE-{name}.md").read_text()
    # Not edited by hand: the component styles still carry their own licence header.
    css = (NLDS / "utrecht-html.css").read_text()
    assert css.startswith("/**\n * @license EUPL-1.2")
