"""Letters (brieven): requesting, regenerating and downloading them; rendering runs as a job."""

from faunaschade.letters import rendering  # noqa: F401  (registers the letters.render job)
