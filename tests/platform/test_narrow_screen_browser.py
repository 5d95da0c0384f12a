"""A phone's width (375 px): every page of every role fits without scrolling the page sideways.

The pages are those of the accessibility sweep (every GET page of the web blueprints, filled
in from the same seeded world: a claim in every status, assessments, batches). What is wider
than the screen — a table of the queue, the statistics or the audit log — scrolls inside its
own box (.table-scroll, a focusable region), never the page. The photo thumbnails on the
claim pages load.
"""

from __future__ import annotations

import pytest

from tests.platform.test_accessibility import (
    ROLES,
    build_world,
    candidate_urls,
    login,
    openable_pages,
)

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_pass_only]

PHONE = {"width": 375, "height": 812}
#: What the issue names, each of which must have been measured for the roles that have it.
REQUIRED = {
    ("farmer", "claims_web.claim_form"),
    ("farmer", "claims_web.claim_detail"),
    ("assessor", "claims_web.claim_detail"),
    ("officer", "claims_web.claim_detail"),
    ("auditor", "claims_web.claim_detail"),
    ("officer", "claims_web.queue_page"),
    ("officer", "statistics_web.dashboard"),
    ("auditor", "statistics_web.dashboard"),
    ("auditor", "audit_web.page"),
}
#: The page's width and the outermost elements sticking out past the right edge (the culprits).
MEASURE = """() => {
  const root = document.documentElement;
  const out = (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (out(el) && !out(el.parentElement) && !el.closest('.table-scroll')) {
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.getAttribute('class') ? '.' + el.getAttribute('class') : '')
                + ' ' + Math.round(el.getBoundingClientRect().right));
    }
  }
  const loose = document.querySelectorAll('main table:not(.table-scroll > table)').length;
  return {scroll: root.scrollWidth, inner: window.innerWidth, wide: wide.slice(0, 4), loose};
}"""

#: The photo thumbnails on the page, each loaded and decoded by the browser (rejects if broken).
THUMBNAILS = """async () => {
  const images = [...document.querySelectorAll('img.thumbnail')];
  for (const img of images) { img.loading = 'eager'; await img.decode(); }
  return images.length;
}"""


def test_every_page_fits_a_375_px_screen(browser, live_server, committed):
    world = build_world(committed)
    urls = candidate_urls(committed, world)
    measured: dict[tuple[str, str], int] = {}
    thumbnails: dict[str, int] = {}
    too_wide: list[str] = []
    for role, email in ROLES.items():
        context = browser.new_context(locale="nl-NL", viewport=PHONE)
        page = login(context, live_server, email)
        for endpoint, path in openable_pages(context, live_server, urls, set(), set()):
            page.goto(f"{live_server}{path}")
            width = page.evaluate(MEASURE)
            assert width["inner"] == PHONE["width"]
            key = (role, endpoint)
            measured[key] = max(measured.get(key, 0), width["scroll"])
            if width["loose"]:  # a table that fits today grows with its data tomorrow
                too_wide.append(f"[{role}] {path}: {width['loose']} table(s) not in .table-scroll")
            if width["scroll"] > width["inner"]:
                too_wide.append(f"[{role}] {path}: {width['scroll']} px; {width['wide']}")
            thumbnails[role] = thumbnails.get(role, 0) + page.evaluate(THUMBNAILS)
        context.close()

    missing = REQUIRED - measured.keys()
    assert not missing, f"pages not measured: {sorted(missing)}"
    # The world's claims have a photo: its thumbnail shows on the claim pages of every role
    # who sees them (served inline, allowed by the CSP, a picture the browser can decode).
    assert all(thumbnails[role] for role in ("farmer", "assessor", "officer", "auditor"))
    print("\nscrollWidth at 375 px (widest view per role and page):")
    for (role, endpoint), scroll in sorted(measured.items()):
        print(f"  {role:9} {endpoint:40} {scroll}")
    assert not too_wide, "pages wider than 375 px:\n" + "\n".join(too_wide)
