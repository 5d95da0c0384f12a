"""The fixtures of the suite are plugins in tests/plugins/, available to every test by name.

services: database_url, app, session, committed, client, other_app, redis_url, redis_conn,
    run_worker, live_server (PostgreSQL or SQLite by TEST_DATABASE; a private redis-server);
people: make_user, api_token, farmer, officer, second_officer, assessor, auditor, admin;
claims: claim_in("decided");
browser: browser, page (Chromium);
mail: smtp_server;
pdf: pdf_text, pdf_pages;
scheduling: the longest files first (for pytest-xdist).
Plain helpers (request bodies, seeded worlds, production processes) are in tests/support/.
"""

pytest_plugins = [
    "tests.plugins.services",
    "tests.plugins.people",
    "tests.plugins.claims",
    "tests.plugins.browser",
    "tests.plugins.mail",
    "tests.plugins.pdf",
    "tests.plugins.scheduling",
]
