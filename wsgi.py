"""WSGI entry point: gunicorn wsgi:app."""

from faunaschade import create_app

app = create_app()
