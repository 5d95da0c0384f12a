"""Event notifications to other systems (issue 17): CloudEvents (NL GOV profile) derived from
the audit events, written to an outbox in the same transaction (outbox.py), sent by rq jobs in
order per subject with signatures, retries and back-off (delivery.py); the admin's subscribers
and deliveries (subscribers.py), and who wants which types, kept per process between changes
(wanted.py); which audit actions become which types (types.py)."""

from faunaschade.events import delivery, outbox, wanted  # noqa: F401  (listeners, job, sweep)

init_app = wanted.init_app
