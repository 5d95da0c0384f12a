"""The OpenAPI document tells the truth about errors: every one uses the JSON envelope.

flask-smorest documents errors with its own schema ({code, status, message, errors}); our
handlers in faunaschade.errors answer {"error": {code, message, fields}}. This Api subclass
documents that envelope instead, and a small apispec plugin lists the error statuses every
operation can answer, so clients (and the schemathesis fuzz test) can rely on the spec.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.routing import IntegerConverter


class ErrorSchema(Schema):
    """The error envelope's inner object."""

    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String())


class ErrorEnvelopeSchema(Schema):
    """{"error": {code, message, fields}}."""

    error = fields.Nested(ErrorSchema, required=True)


#: Statuses any operation may answer with the error envelope.
COMMON_ERRORS = (
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.UNAUTHORIZED,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.CONFLICT,
    HTTPStatus.UNPROCESSABLE_ENTITY,
)
#: Only operations that take a request body can refuse its media type.
BODY_ERRORS = (HTTPStatus.UNSUPPORTED_MEDIA_TYPE,)


class ErrorResponsesPlugin(BasePlugin):
    """Add the envelope responses (400/401/403/404/409/415/422) to every operation."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            statuses = COMMON_ERRORS + (BODY_ERRORS if "requestBody" in operation else ())
            for status in statuses:
                if status.value not in responses and str(status.value) not in responses:
                    # A name refers to the component flask-smorest registers for the status.
                    responses[str(status.value)] = status.name


def decimal_as_string(
    converter: Any, field: fields.Field, ret: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    """A Decimal dumped as a string ("5.0000") is a string in the document, not a number.

    Its range limits would be rendered as strings too, which OpenAPI forbids; the range is
    still enforced on input and stated in the field's description where it matters.
    """
    if not (isinstance(field, fields.Decimal) and field.as_string):
        return {}
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        ret.pop(key, None)
    return {"type": "string", "format": "decimal", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}


#: Ids are INTEGER columns (32-bit on PostgreSQL); larger numbers can name nothing.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` capped at MAX_ID, so a huge id is a 404, not a database overflow (500).

    Being an IntegerConverter, flask-smorest documents it as an integer with that maximum.
    """

    def __init__(self, map: Any, *args: Any, max: int | None = MAX_ID, **kwargs: Any) -> None:
        super().__init__(map, *args, max=max, **kwargs)


class FaunaApi(Api):
    """flask-smorest's Api, documenting our error envelope and string decimals."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def init_app(self, app: Any, *args: Any, **kwargs: Any) -> None:
        # Before any blueprint adds its rules: every `<int:...>` of the API and the pages.
        app.url_map.converters["int"] = IdConverter
        super().init_app(app, *args, **kwargs)

    def _init_spec(self, **kwargs: Any) -> None:
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(decimal_as_string)


def make_api() -> FaunaApi:
    """The Api extension object (bound in create_app)."""
    return FaunaApi(spec_kwargs={"extra_plugins": [ErrorResponsesPlugin()]})
