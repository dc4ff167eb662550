"""Differential privacy with OpenDP: noise on a vector of exact counts, and its accuracy.

Every table has fixed, public keys, so adding discrete Laplace noise (OpenDP ``make_laplace``
over a vector of integers with the L1 distance) to the vector of counts is pure
epsilon-differential privacy, with epsilon = sensitivity / scale. The sensitivity is the most
one person can change the vector: 1 for a table where each person is in one cell, the
per-person bound on exploitation types for the table of types.

Accuracy is stated at 95%: the noise on a figure is within ``± accuracy`` with probability at
least 95%. A figure drawn with noise once uses OpenDP's own
``discrete_laplacian_scale_to_accuracy``; a total (sum of several noisy cells, possibly of
several releases) uses a Chernoff bound on the sum, which is a true bound, never an
approximation.
"""

import math
from collections.abc import Sequence
from functools import lru_cache

import opendp.prelude as dp

ALPHA = 0.05

dp.enable_features("contrib")

# A noise description: how many discrete Laplace terms of each scale a figure carries.
Noise = dict[str, int]


def scale_for(*, epsilon: float, sensitivity: int) -> float:
    return sensitivity / epsilon


def count_mechanism(*, scale: float) -> dp.Measurement:
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return space >> dp.m.then_laplace(scale=scale)


def noisy_counts(
    counts: Sequence[int], *, epsilon: float, sensitivity: int
) -> tuple[list[int], float]:
    """The counts with noise, and the scale used. Checks with OpenDP that the privacy loss of
    the measurement for this sensitivity is at most ``epsilon``."""
    scale = scale_for(epsilon=epsilon, sensitivity=sensitivity)
    measurement = count_mechanism(scale=scale)
    loss = measurement.map(sensitivity)
    if loss > epsilon * (1 + 1e-9):
        raise ValueError(f"privacy loss {loss} exceeds epsilon {epsilon}")
    return list(measurement([int(c) for c in counts])), scale


@lru_cache(maxsize=256)
def _single_accuracy(scale: float) -> int:
    return math.ceil(dp.discrete_laplacian_scale_to_accuracy(scale, ALPHA) - 1e-9)


def _log_mgf(scale: float, lam: float) -> float:
    """log E[exp(lam X)] for the discrete Laplace with this scale, |lam| < 1/scale."""
    p = math.exp(-1.0 / scale)
    return 2 * math.log(1 - p) - math.log(1 - p * math.exp(lam)) - math.log(1 - p * math.exp(-lam))


@lru_cache(maxsize=4096)
def _sum_accuracy(terms: tuple[tuple[float, int], ...]) -> int:
    """The smallest t with P(|sum| >= t) <= ALPHA, by the Chernoff bound
    P(|S| >= t) <= 2 exp(K(lam) - lam t) for every 0 < lam < 1/scale, K the log-MGF of the
    sum: t = min over lam of (K(lam) + ln(2 / ALPHA)) / lam, on a grid of lam (any lam gives a
    true bound, so the grid only costs tightness)."""
    largest = max(scale for scale, _n in terms)
    limit = 1.0 / largest
    budget = math.log(2 / ALPHA)
    chernoff = min(
        (sum(n * _log_mgf(scale, lam) for scale, n in terms) + budget) / lam
        for lam in (limit * k / 400 for k in range(1, 400))
    )
    # Also a union bound over the terms; keep the smaller of the two true bounds.
    count = sum(n for _scale, n in terms)
    union = sum(
        n * math.ceil(dp.discrete_laplacian_scale_to_accuracy(scale, ALPHA / count))
        for scale, n in terms
    )
    return math.ceil(min(chernoff, union) - 1e-9)


def accuracy(noise: Noise) -> int:
    """The 95% accuracy of a figure carrying this noise (0 for an exact figure)."""
    terms = tuple(sorted((float(scale), n) for scale, n in noise.items() if n))
    if not terms:
        return 0
    if len(terms) == 1 and terms[0][1] == 1:
        return _single_accuracy(terms[0][0])
    return _sum_accuracy(terms)


def noise_sum(*parts: Noise) -> Noise:
    total: Noise = {}
    for part in parts:
        for scale, n in part.items():
            total[scale] = total.get(scale, 0) + n
    return total


def scale_key(scale: float) -> str:
    return repr(float(scale))
