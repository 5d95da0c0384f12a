"""Who is asking (session or bearer token), and the security headers on every answer."""

from __future__ import annotations

import functools
import hashlib
from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, request, session
from flask_babel import gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from faunaschade.accounts import users
from faunaschade.extensions import limiter, login_manager
from faunaschade.i18n import N_
from faunaschade.models import TokenKind, User

SESSION_KEY = "sid"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def _submitted_account() -> str:
    """Limiter key: the account a login names (hashed, so Redis holds no addresses)."""
    body = request.form if request.form else request.get_json(silent=True)
    email = body.get("email") if hasattr(body, "get") else None
    normalised = users.normalise_email(email if isinstance(email, str) else "")
    return "account:" + hashlib.sha256(normalised.encode()).hexdigest()


#: One count per client address over the login page and the token endpoint together.
login_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_LOGIN"], scope="login", methods=["POST"]
)
#: Failed logins per account, from whatever addresses they come (a lock-out for that while).
account_login_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_LOGIN_ACCOUNT"],
    scope="login-account",
    key_func=_submitted_account,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 401,
)
#: Public letter checks per client address over the page and the API together (each starts a
#: child process that parses an uploaded PDF).
letter_verify_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_LETTER_VERIFY"], scope="letter-verify", methods=["POST"]
)
#: Sign-ups per client address over the registration page and the API together.
registration_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_REGISTER"],
    scope="register",
    methods=["POST"],
)

#: The open data (page, statistics, catalogue together) per client address.
open_data_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_OPEN_DATA"], scope="open-data"
)


def load_user_from_request(req: Request) -> User | None:
    """API calls authenticate by bearer token only; pages by the server-side session."""
    if req.path.startswith("/api/"):
        header = req.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() == "bearer" and raw:
            return users.user_for_token(raw.strip(), TokenKind.API)
        return None
    raw = session.get(SESSION_KEY)
    return users.user_for_token(raw, TokenKind.WEB) if raw else None


def start_session(user: User) -> None:
    """Log in: a new session id every time (no fixation), stored server-side."""
    # The language chosen before logging in wins; otherwise the user's stored choice.
    lang = session.get("lang") or user.locale
    session.clear()
    session[SESSION_KEY] = users.issue_token(user, TokenKind.WEB, hours=12)
    if lang:
        session["lang"] = lang
    session.permanent = False


def end_session() -> None:
    """Log out: the server forgets the session id, the browser drops the cookie."""
    raw = session.get(SESSION_KEY)
    if raw:
        users.revoke_token(raw)
    session.clear()


def tile_origin(url: str | None) -> str | None:
    """The origin of the map's tile server as a CSP source ("https://*.example.nl" for a URL
    with Leaflet's {s} subdomains); None without a (well-formed https or http) URL."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    host = parts.netloc
    if "{s}" in url.split("/")[2]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy() -> str:
    """The CSP: our own origin only; images also from the map's tile server when one is set."""
    return _policy_for(current_app.config.get("MAP_TILE_URL"))


@functools.lru_cache(maxsize=8)
def _policy_for(tile_url: str | None) -> str:
    # Every answer carries it: written once per tile server, not parsed again per request.
    origin = tile_origin(tile_url)
    return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {origin}") if origin else CSP


def add_security_headers(response: Response) -> Response:
    """Headers that every answer carries."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000")
    if request.path.startswith("/api/") or request.path.startswith("/login"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Wire the login manager and the headers."""
    login_manager.init_app(app)
    login_manager.session_protection = None  # our own server-side sessions do this
    login_manager.request_loader(load_user_from_request)
    login_manager.login_view = "accounts_web.login"
    login_manager.login_message = N_("Log in om deze pagina te zien.")
    login_manager.localize_callback = gettext  # flashed in the page's language
    app.after_request(add_security_headers)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
