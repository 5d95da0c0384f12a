"""Configuration classes, driven by environment variables."""

from __future__ import annotations

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _database_url(default: str) -> str:
    url = _env("DATABASE_URL", default)
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


#: ILLUSTRATIVE debtor accounts for development and tests only. The bank code FAUN exists
#: nowhere, so no bank executes a pain.001 made with them; the IBANs merely pass the checksum.
ILLUSTRATIVE_PROVINCE_ACCOUNTS = {
    code: {"name": f"Provincie {name}", "iban": iban, "bic": "FAUNNL2A", "illustrative": True}
    for code, name, iban in [
        ("GR", "Groningen", "NL32FAUN0000000001"),
        ("FR", "Fryslân", "NL05FAUN0000000002"),
        ("DR", "Drenthe", "NL75FAUN0000000003"),
        ("OV", "Overijssel", "NL48FAUN0000000004"),
        ("FL", "Flevoland", "NL21FAUN0000000005"),
        ("GE", "Gelderland", "NL91FAUN0000000006"),
        ("UT", "Utrecht", "NL64FAUN0000000007"),
        ("NH", "Noord-Holland", "NL37FAUN0000000008"),
        ("ZH", "Zuid-Holland", "NL10FAUN0000000009"),
        ("ZE", "Zeeland", "NL80FAUN0000000010"),
        ("NB", "Noord-Brabant", "NL53FAUN0000000011"),
        ("LI", "Limburg", "NL26FAUN0000000012"),
    ]
}


def _json_setting(name: str, fallback: dict | None = None, *, strict: bool = False) -> dict:
    """A JSON object from the environment, else the fallback; bad JSON counts as unset unless
    strict (production's check names it)."""
    raw = _env(name)
    try:
        return json.loads(raw) if raw else dict(fallback or {})
    except ValueError:
        if strict:
            raise
        return {}


#: The secret development and `make run` sign sessions with; production refuses it.
DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{BASE_DIR / 'instance' / 'faunaschade.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = _env("REDIS_URL")
    #: "test" (built-in betaalpagina) or the name of a real provider plugged in later.
    PAYMENT_PROVIDER = _env("PAYMENT_PROVIDER", "test")
    MAIL_SERVER = _env("MAIL_SERVER", "localhost")
    MAIL_PORT = int(_env("MAIL_PORT", "25") or 25)
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "false") == "true"
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "noreply@faunaschade.example")
    #: Where farmers open the service; links in e-mails start with it.
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    #: A tile server for the claim map's background, as Leaflet takes it
    #: ("https://{s}.example.nl/{z}/{x}/{y}.png"); unset: a plain background (no tiles).
    MAP_TILE_URL = _env("MAP_TILE_URL")
    #: The attribution the tile server asks for (plain text), shown on the map.
    MAP_TILE_ATTRIBUTION = _env("MAP_TILE_ATTRIBUTION", "")
    #: Sender block of the letters as JSON: name, postal_address, postal_city, email, phone,
    #: website. Without it letters carry placeholder contact details (development only).
    LETTER_SENDER = json.loads(_env("LETTER_SENDER_JSON", "{}") or "{}")
    #: Debtor account per province for the SEPA payment batches, as JSON in
    #: PROVINCE_ACCOUNTS_JSON: {"DR": {"name": "Provincie Drenthe", "iban": "NL…", "bic": "…"}}.
    PROVINCE_ACCOUNTS = _json_setting("PROVINCE_ACCOUNTS_JSON")
    #: Per province, as JSON in LETTER_PROVINCES_JSON: {"FR": {"sender": {…}, "objection_address":
    #: {"name", "postal_address", "postal_city"}, "signatory": {"name", "function"}}}. The
    #: sender fields override LETTER_SENDER_JSON for that province. A province without an entry
    #: gets ILLUSTRATIVE settings (documents/letterhead.py; development and tests only).
    LETTER_PROVINCES = _json_setting("LETTER_PROVINCES_JSON")
    #: Every letter is PDF/A-3b; another WeasyPrint variant only for an experiment.
    LETTER_PDF_VARIANT = _env("LETTER_PDF_VARIANT", "pdf/a-3b")
    #: The certificate (PEM file path or PEM text, the signer's first, then its chain) and key
    #: that sign every letter (PAdES) and audit checkpoint. Required in production; elsewhere a
    #: self-signed development certificate is made in instance/letter-signing/.
    LETTER_SIGNING_CERT = _env("LETTER_SIGNING_CERT")
    LETTER_SIGNING_KEY = _env("LETTER_SIGNING_KEY")
    LETTER_SIGNING_KEY_PASSPHRASE = _env("LETTER_SIGNING_KEY_PASSPHRASE")
    #: Largest PDF the public letter check accepts (our letters are well under 200 kB).
    LETTER_VERIFY_MAX_BYTES = int(_env("LETTER_VERIFY_MAX_BYTES", str(5 * 1024 * 1024)) or 0)
    #: How long a letter check (its answer, under its token) is kept before the sweep purges it.
    LETTER_CHECK_KEEP_SECONDS = int(_env("LETTER_CHECK_KEEP_SECONDS", "3600") or 3600)
    #: Letter checks per client address, the page and the API counted together.
    RATELIMIT_LETTER_VERIFY = _env("RATELIMIT_LETTER_VERIFY", "30 per hour")
    #: "database" keeps files in PostgreSQL/SQLite so every web and worker machine sees them.
    STORAGE_BACKEND = _env("STORAGE_BACKEND", "database")
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    #: Largest photo or document a farmer may upload.
    MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "nl"
    LANGUAGES = ("nl", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    API_TITLE = "Faunaschade API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    RATELIMIT_HEADERS_ENABLED = True
    #: With Redis down the limits are kept in each process's memory until it is back (login
    #: stays possible and limited), and a storage that answers slowly never holds a worker.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    #: Login attempts per client address, the login page and the token endpoint counted together.
    RATELIMIT_LOGIN = _env("RATELIMIT_LOGIN", "10 per minute")
    #: Failed logins per account (its normalised e-mail address), from any address: a guesser
    #: spreading over many addresses gets no more. 20 wrong guesses lock the account that hour.
    RATELIMIT_LOGIN_ACCOUNT = _env("RATELIMIT_LOGIN_ACCOUNT", "20 per hour")
    #: Registrations per client address, page and API together.
    RATELIMIT_REGISTER = _env("RATELIMIT_REGISTER", "10 per hour")
    #: Open data (GET /api/v1/open-data/…, /open-data): figures with claims or meldingen below
    #: this number are suppressed, and so are those resting on fewer farmers than the second.
    OPEN_DATA_MIN_CELL = int(_env("OPEN_DATA_MIN_CELL", "5") or 5)
    OPEN_DATA_MIN_FARMERS = int(_env("OPEN_DATA_MIN_FARMERS", "3") or 3)
    #: For this long a web process serves the newest release it knows, without asking whether
    #: a newer one was published.
    OPEN_DATA_MAX_AGE_SECONDS = float(_env("OPEN_DATA_MAX_AGE_SECONDS", "300") or 300)
    #: How often every `flask worker` cuts a release of the open data (the figures everyone
    #: sees until the next): daily, weekly, monthly (on the 1st, Dutch time), quarterly, or off
    #: (only `flask open-data release`). No release is made when nothing changed.
    OPEN_DATA_RELEASE_INTERVAL = _env("OPEN_DATA_RELEASE_INTERVAL", "monthly")
    #: Who publishes the open data, and where to ask about them (the DCAT catalogue).
    OPEN_DATA_PUBLISHER = _env("OPEN_DATA_PUBLISHER", "BIJ12, namens de twaalf provincies")
    OPEN_DATA_PUBLISHER_URI = _env("OPEN_DATA_PUBLISHER_URI", "https://www.bij12.nl/")
    OPEN_DATA_CONTACT_EMAIL = _env("OPEN_DATA_CONTACT_EMAIL", "opendata@faunaschade.example")
    #: Requests per client address to the open data (page, statistics, catalogue together).
    RATELIMIT_OPEN_DATA = _env("RATELIMIT_OPEN_DATA", "120 per minute")
    #: How many proxies (load balancer, TLS terminator) stand before gunicorn and set
    #: X-Forwarded-For/-Proto/-Host. Only then are those headers believed: the login rate limit
    #: keys on the client's real address, not the balancer's. 0 = serve clients directly.
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0") or 0)
    API_TOKEN_HOURS = 12
    #: argon2id parameters (faunaschade.passwords.PROFILES); not read from the environment, so
    #: no deployment can weaken them. Only the test configuration uses "cheap".
    PASSWORD_HASHING = "strong"
    #: Seconds between rq retries of a failed job.
    JOB_RETRY_INTERVALS = [
        int(s) for s in (_env("JOB_RETRY_INTERVALS", "10,60,300") or "").split(",")
    ]
    #: Seconds between a worker's heartbeats for the job it runs. A worker killed outright is
    #: noticed this + 60 s after its last heartbeat (rq's grace), and its job retried.
    JOB_MONITORING_INTERVAL = int(_env("JOB_MONITORING_INTERVAL", "10") or 10)
    #: /healthz reports the audit seal as behind (audit.ok false) when an event has waited longer.
    AUDIT_SEAL_MAX_LAG_SECONDS = float(_env("AUDIT_SEAL_MAX_LAG_SECONDS", "60") or 60)
    #: Who seals audit events into the chain: "commit" (the process that wrote them, right after
    #: its commit: one writer at a time wins, nothing to run beside it) or "worker" (every
    #: `flask worker` seals every AUDIT_SEAL_INTERVAL_SECONDS; requests never do).
    AUDIT_SEALER = _env("AUDIT_SEALER", "commit")
    AUDIT_SEAL_INTERVAL_SECONDS = float(_env("AUDIT_SEAL_INTERVAL_SECONDS", "0.5") or 0.5)
    #: How often the workers sign and publish the audit chain's head (a checkpoint).
    AUDIT_CHECKPOINT_INTERVAL_SECONDS = float(
        _env("AUDIT_CHECKPOINT_INTERVAL_SECONDS", "3600") or 3600
    )
    #: Fault injection for the kill-mid-letter test: pause before the letter commits. Never in
    #: production (ProductionConfig pins it to 0).
    LETTER_FAULT_PAUSE_SECONDS = float(_env("LETTER_FAULT_PAUSE_SECONDS", "0") or 0)
    #: Jobs run in the web process when no Redis is configured (make run on a bare machine).
    JOBS_IN_PROCESS = REDIS_URL is None
    #: Event notifications (CloudEvents, README "Event notifications"): the `source` of every
    #: event, a URN naming the organisation (its OIN) and the system, as the NL GOV profile asks.
    #: The default is ILLUSTRATIVE (an OIN of zeros); set the operator's own.
    EVENTS_SOURCE = _env("EVENTS_SOURCE", "urn:nld:oin:00000000000000000000:systeem:faunaschade")
    #: Seconds a receiver may take to accept the connection, and for each read of its answer.
    EVENTS_TIMEOUT_SECONDS = float(_env("EVENTS_TIMEOUT_SECONDS", "5") or 5)
    #: Attempts before a delivery is given up (failed: the admin sees it and may retry).
    EVENTS_MAX_ATTEMPTS = int(_env("EVENTS_MAX_ATTEMPTS", "10") or 10)
    #: The first retry waits about this long, each next one twice as long, up to the maximum.
    EVENTS_RETRY_BASE_SECONDS = float(_env("EVENTS_RETRY_BASE_SECONDS", "30") or 30)
    EVENTS_RETRY_MAX_SECONDS = float(_env("EVENTS_RETRY_MAX_SECONDS", "21600") or 21600)
    #: Subscribers may have an http:// URL (development, tests); production only https.
    EVENTS_ALLOW_HTTP = _env("EVENTS_ALLOW_HTTP", "true") == "true"
    #: Subscribers may be at internal addresses (localhost, private networks, link-local such as
    #: a cloud's metadata service): development and tests only; production refuses them (SSRF),
    #: except inside EVENTS_ALLOWED_NETWORKS.
    EVENTS_ALLOW_INTERNAL_ADDRESSES = _env("EVENTS_ALLOW_INTERNAL_ADDRESSES", "true") == "true"
    #: Internal networks production may send events to all the same (comma-separated CIDR, e.g.
    #: "10.20.0.0/16" for the province's own case system); empty: none.
    EVENTS_ALLOWED_NETWORKS = [
        n.strip() for n in (_env("EVENTS_ALLOWED_NETWORKS", "") or "").split(",") if n.strip()
    ]
    #: Earlier SECRET_KEYs (comma-separated) during a rotation: sessions signed and subscriber
    #: secrets sealed with them still open (README "Event notifications").
    SECRET_KEY_FALLBACKS = [
        k for k in (_env("SECRET_KEY_FALLBACKS", "") or "").split(",") if k.strip()
    ]

    @classmethod
    def check(cls) -> None:
        """Refuse settings that are unsafe for this environment."""


class DevelopmentConfig(Config):
    """make run: SQLite and in-process jobs unless DATABASE_URL / REDIS_URL say otherwise."""

    ENV_NAME = "development"
    DEBUG = False
    PROVINCE_ACCOUNTS = _json_setting("PROVINCE_ACCOUNTS_JSON", ILLUSTRATIVE_PROVINCE_ACCOUNTS)


class TestConfig(Config):
    """pytest: the database and Redis come from the test fixtures."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    PASSWORD_HASHING = "cheap"
    PAYMENT_PROVIDER = "test"
    PROVINCE_ACCOUNTS = _json_setting("PROVINCE_ACCOUNTS_JSON", ILLUSTRATIVE_PROVINCE_ACCOUNTS)
    #: Tests see every new release at once, and cut releases themselves (no worker thread).
    OPEN_DATA_MAX_AGE_SECONDS = 0.0
    OPEN_DATA_RELEASE_INTERVAL = "off"


class ProductionConfig(Config):
    """gunicorn behind a load balancer with PostgreSQL and Redis."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"
    JOBS_IN_PROCESS = False
    LETTER_FAULT_PAUSE_SECONDS = 0
    #: Signed events carry claim data: only over TLS in production.
    EVENTS_ALLOW_HTTP = False
    #: No events to this machine, private networks or metadata services (SSRF), except inside
    #: EVENTS_ALLOWED_NETWORKS.
    EVENTS_ALLOW_INTERNAL_ADDRESSES = False
    # Requests leave sealing to the workers (bench/audit.py: 16 writers, see README).
    AUDIT_SEALER = _env("AUDIT_SEALER", "worker")

    @classmethod
    def check(cls) -> None:
        """Production needs a real secret, PostgreSQL and Redis."""
        missing = []
        # Compared with the development constant, never with Config.SECRET_KEY: that attribute
        # was read from this same environment when the module was imported.
        secret = _env("SECRET_KEY")
        if secret in (None, DEV_SECRET_KEY) or len(secret) < 32:
            missing.append("SECRET_KEY (at least 32 random characters)")
        if _env("DATABASE_URL") is None:
            missing.append("DATABASE_URL")
        if _env("REDIS_URL") is None:
            missing.append("REDIS_URL")
        test_payments_allowed = _env("ALLOW_TEST_PAYMENTS", "false") == "true"
        if _env("PAYMENT_PROVIDER", "test") == "test" and not test_payments_allowed:
            missing.append(
                "PAYMENT_PROVIDER (the test provider confirms any payment; "
                "ALLOW_TEST_PAYMENTS=true only on an acceptance environment)"
            )
        if _env("LETTER_SENDER_JSON") is None:
            missing.append("LETTER_SENDER_JSON (the sender block printed on every letter)")
        missing += _province_account_problems()
        missing += _letter_province_problems()
        missing += _signing_problems()
        missing += _event_problems()
        if missing:
            raise RuntimeError("production configuration incomplete: set " + ", ".join(missing))


def _event_problems() -> list[str]:
    """Event settings production refuses to start with (rather than silently ignore)."""
    import ipaddress

    problems = []
    if _env("EVENTS_ALLOW_HTTP", "false") != "false":
        problems.append("EVENTS_ALLOW_HTTP (unset it: production sends events over https only)")
    if _env("EVENTS_ALLOW_INTERNAL_ADDRESSES", "false") != "false":
        problems.append(
            "EVENTS_ALLOW_INTERNAL_ADDRESSES (unset it: name the internal networks events may "
            "go to in EVENTS_ALLOWED_NETWORKS)"
        )
    for network in (_env("EVENTS_ALLOWED_NETWORKS", "") or "").split(","):
        if not network.strip():
            continue
        try:
            ipaddress.ip_network(network.strip(), strict=False)
        except ValueError:
            problems.append(
                f"EVENTS_ALLOWED_NETWORKS ({network.strip()!r} is not a network, e.g. 10.20.0.0/16)"
            )
    return problems


def _province_account_problems() -> list[str]:
    """What is wrong with PROVINCE_ACCOUNTS_JSON for production (empty when nothing is)."""
    from faunaschade.payouts.sepa import account_problems

    what = "PROVINCE_ACCOUNTS_JSON (the debtor account of every province for payment batches"
    try:
        problems = account_problems(
            _json_setting("PROVINCE_ACCOUNTS_JSON", strict=True), production=True
        )
    except ValueError as exc:
        problems = [f"not JSON: {exc}"]
    return [f"{what}: {'; '.join(problems)})"] if problems else []


def _letter_province_problems() -> list[str]:
    """What is wrong with LETTER_PROVINCES_JSON for production (empty when nothing is)."""
    from faunaschade.documents.letterhead import settings_problems

    what = "LETTER_PROVINCES_JSON (every province's objection address and signatory for its letters"
    try:
        problems = settings_problems(
            _json_setting("LETTER_PROVINCES_JSON", strict=True), production=True
        )
    except ValueError as exc:
        problems = [f"not JSON: {exc}"]
    return [f"{what}: {'; '.join(problems)})"] if problems else []


def _signing_problems() -> list[str]:
    """What is wrong with the signing certificate and key for production (empty: nothing)."""
    from faunaschade.documents.signing import SigningUnavailable, load_signer

    cert, key = _env("LETTER_SIGNING_CERT"), _env("LETTER_SIGNING_KEY")
    if cert is None or key is None:
        return [
            "LETTER_SIGNING_CERT and LETTER_SIGNING_KEY (the certificate and key that sign "
            "every letter and audit checkpoint)"
        ]
    try:
        load_signer(cert, key, _env("LETTER_SIGNING_KEY_PASSPHRASE"))
    except SigningUnavailable as exc:
        return [f"a usable signing certificate ({exc})"]
    return []


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    """Return the config class named by the argument or FAUNASCHADE_ENV."""
    name = name or _env("FAUNASCHADE_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"FAUNASCHADE_ENV must be one of {sorted(CONFIGS)}, not {name!r}"
        ) from None
