"""marshmallow schemas: load schemas and per-role dump schemas, kept apart."""
