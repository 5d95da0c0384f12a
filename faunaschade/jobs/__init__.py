"""Background jobs: the plumbing (core) and the system jobs. A domain's own jobs live in its
package and register themselves when the package is imported (letters.rendering,
notifications.sending); create_app imports every package, so every job is known in a worker."""

from faunaschade.jobs import system  # noqa: F401  (registers the jobs)
from faunaschade.jobs.core import QUEUES, REGISTRY, enqueue, execute, init_app, job
from faunaschade.jobs.system import sweep

__all__ = ["QUEUES", "REGISTRY", "enqueue", "execute", "init_app", "job", "sweep"]
