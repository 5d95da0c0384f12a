"""Limits on form and JSON request bodies, checked before any view or extension reads them."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _

from faunaschade.errors import AppError
from faunaschade.i18n import N_

#: Largest JSON body; the largest real one (a report of 500 animals) is about 150 kB.
MAX_JSON_BYTES = 2**20
#: Largest form body (uploads are multipart, bounded by MAX_CONTENT_LENGTH): room for a
#: parcel outline of validators.MAX_GEOMETRY_BYTES, even if every character is %-escaped.
MAX_FORM_BYTES = 2 * 2**20
#: Deepest nesting of arrays and objects; a MultiPolygon parcel body is 6 deep.
MAX_JSON_DEPTH = 32
_FORM = "application/x-www-form-urlencoded"


class BodyTooLarge(AppError):
    """A form or JSON body over its limit."""

    status = 413
    code = "too_large"


class JsonTooDeep(AppError):
    """A JSON body nested deeper than MAX_JSON_DEPTH."""

    code = "json_too_deep"
    default_message = N_("De JSON is te diep genest: hoogstens %(n)s niveaus.", n=MAX_JSON_DEPTH)


def json_depth(value: Any) -> int:
    """How deep lists and dicts nest in `value` (without recursion; stops past the limit)."""
    deepest, stack = 0, [(value, 1)] if isinstance(value, dict | list) else []
    while stack and deepest <= MAX_JSON_DEPTH:
        item, level = stack.pop()
        deepest = max(deepest, level)
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def check_body() -> None:
    """Refuse a form or JSON body that is too large (413), or JSON nested too deep (400)."""
    if not (request.is_json or request.mimetype == _FORM):
        return
    limit = MAX_JSON_BYTES if request.is_json else MAX_FORM_BYTES
    if (request.content_length or 0) > limit:
        raise BodyTooLarge(_("Het verzoek is te groot: hoogstens %(n)s MB.", n=limit // 2**20))
    request.max_content_length = limit  # also for a body sent without Content-Length
    if not request.is_json:
        return
    try:
        value = json.loads(request.get_data(cache=True))
    except RecursionError:
        raise JsonTooDeep() from None
    except ValueError:
        return  # not JSON at all: the view's own parser says so, as before
    if json_depth(value) > MAX_JSON_DEPTH:
        raise JsonTooDeep()


def init_app(app: Flask) -> None:
    """Check every body before the views, webargs and the rate limiter's key functions do."""
    app.before_request(check_body)
