"""The claim is received (submitted and, where due, its leges paid): receipt letter and e-mail.

Its own module because three use cases end here (submitting, paying the leges, reporting a
livestock loss) and none of them may import another for it.
"""

from __future__ import annotations

from faunaschade.letters import operations as letters
from faunaschade.models import Claim, LetterKind, User
from faunaschade.notifications import operations as notifications


def on_received(claim: Claim, actor: User | None) -> None:
    """Send the receipt letter and the e-mail."""
    letters.request_letter(claim, LetterKind.RECEIPT, actor=actor)
    notifications.notify(notifications.NotificationKind.SUBMITTED, claim, actor=actor)
