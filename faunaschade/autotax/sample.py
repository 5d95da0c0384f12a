"""The review sample of an autotax run: drawn with a recorded seed, so anyone can draw it again.

`random.Random(seed)` picks ⌈percentage × claims / 100⌉ claims from the run's claims sorted by
id; every claim whose automatic assessment is above the amount is added. The same claims, seed
and parameters give the same sample on any machine (Python's Mersenne Twister and `sample` are
stable across versions for an integer seed).
"""

from __future__ import annotations

import secrets
from decimal import ROUND_CEILING, Decimal
from random import Random

#: Why a claim is in the sample.
RANDOM, ABOVE_AMOUNT = "random", "above_amount"
#: The seed a run draws when none is given: a random 31-bit number (printed and stored).
SEED_LIMIT = 2**31


def new_seed() -> int:
    """A fresh seed for a run that was given none."""
    return secrets.randbelow(SEED_LIMIT)


def sample_size(count: int, pct: Decimal) -> int:
    """How many claims the percentage draws: rounded up, so any percentage above 0 draws one."""
    return int((Decimal(count) * pct / 100).to_integral_value(rounding=ROUND_CEILING))


def draw_sample(
    amounts: dict[int, Decimal], seed: int, pct: Decimal, review_above: Decimal
) -> dict[int, str]:
    """Claim id → why it is sampled ("random" or "above_amount"), for the sampled claims."""
    ids = sorted(amounts)
    drawn = Random(seed).sample(ids, sample_size(len(ids), pct))
    reasons = {claim_id: RANDOM for claim_id in sorted(drawn)}
    for claim_id in ids:
        if amounts[claim_id] > review_above:
            reasons.setdefault(claim_id, ABOVE_AMOUNT)
    return dict(sorted(reasons.items()))
