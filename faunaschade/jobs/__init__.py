"""Background jobs: the plumbing lives in core, each job family in its own module."""

from faunaschade.jobs import letters, mail, system  # noqa: F401  (registers the jobs)
from faunaschade.jobs.core import QUEUES, REGISTRY, enqueue, execute, init_app, job, sweep

__all__ = ["QUEUES", "REGISTRY", "enqueue", "execute", "init_app", "job", "sweep"]
