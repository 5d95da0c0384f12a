"""Exceptions raised by the rules engine."""

from __future__ import annotations

from collections.abc import Mapping


class RulesError(Exception):
    """Base class of every error the rules engine raises."""


class RuleSetError(RulesError):
    """A rule-set file is invalid, or two sets of one province overlap."""


class NoRuleSetError(RulesError, LookupError):
    """No rule set covers the province on the requested date."""

    def __init__(self, province: str, on: object, message: str | None = None) -> None:
        super().__init__(message or f"no rule set for {province} on {on}")
        #: Province code that was asked for.
        self.province = province
        #: The date (or version) that no rule set covers.
        self.on = on


class CaseError(RulesError, ValueError):
    """A calculation input is invalid; ``fields`` maps each field path to its messages."""

    def __init__(self, fields: Mapping[str, list[str]]) -> None:
        #: Field path (``components[0].assessed_damage``) → messages.
        self.fields = dict(fields)
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.fields.items()))
