"""Case references: what a worker reads aloud, writes on paper or types to find a case.

Twelve characters from a 32-letter alphabet with no 0, 1, I or O (nothing to confuse), drawn at
random: 32^12 = 2^60 ≈ 1.15 × 10^18 possible references. Among n references the chance that
any two are equal is about 1 − exp(−n² / 2N) (the birthday bound): at n = 10 million,
n² / 2N = 10^14 / 2.31 × 10^18 ≈ 4.3 × 10^-5, so about 1 in 23,000 that a coalition ever
meets one collision at that size — and then the unique constraint refuses it and
``case_create`` draws again (``REFERENCE_ATTEMPTS``). A new case at 10 million existing ones
collides with probability 10^7 / 2^60 ≈ 8.7 × 10^-12. ``tests/cases/test_references.py``
computes these figures from the alphabet.
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
REFERENCE_ATTEMPTS = 5


def reference_new() -> str:
    """A fresh random reference."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
