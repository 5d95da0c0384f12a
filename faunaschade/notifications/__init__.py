"""Notifications (meldingen) to the farmer: what to tell, and the mail job that tells it."""

from faunaschade.notifications import sending  # noqa: F401  (registers the mail.notify job)
