"""The API's blueprint: flask-smorest's, with a parser that makes each load schema once.

webargs makes a new instance of a schema class for every request it parses, and marshmallow
copies every declared field when it does (about a twentieth of a claim submission's CPU). Our
load schemas keep no state between loads, so one instance per class serves every request.
"""

from __future__ import annotations

import functools
from typing import Any

import flask_smorest
from marshmallow import Schema
from webargs.flaskparser import FlaskParser


@functools.cache
def _instance(schema: type[Schema]) -> Schema:
    return schema()


class OnceParser(FlaskParser):
    """webargs' Flask parser, with one instance of each schema class it is given."""

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            return _instance(argmap)
        return super()._get_schema(argmap, req)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, parsing with `OnceParser`."""

    ARGUMENTS_PARSER = OnceParser()
