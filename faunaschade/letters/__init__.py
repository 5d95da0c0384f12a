"""Letters (brieven): requesting, regenerating and downloading them; rendering runs as a job."""

from faunaschade.letters import (
    checks,  # noqa: F401  (registers letters.check and its sweep)
    rendering,  # noqa: F401  (registers the letters.render job)
)
