"""The noise matches the stated scale. OpenDP draws from the system's secure randomness, which
cannot be seeded, so each check allows a margin whose false-failure probability is computed
below (under 1e-9 for every assertion)."""

import math

from arrimage.trends import privacy_noise as noise

DRAWS = 20_000


def _pmf(scale: float, k: int) -> float:
    p = math.exp(-1 / scale)
    return (1 - p) / (1 + p) * p ** abs(k)


def _coverage(scale: float, accuracy: int) -> float:
    return sum(_pmf(scale, k) for k in range(-accuracy, accuracy + 1))


def test_the_scale_gives_the_asked_privacy_loss():
    measurement = noise.count_mechanism(scale=noise.scale_for(epsilon=0.5, sensitivity=2))
    assert math.isclose(measurement.map(2), 0.5)


def test_cells_fall_within_the_stated_accuracy_as_often_as_stated():
    epsilon, sensitivity = 0.5, 1
    counts = [7] * DRAWS
    drawn, scale = noise.noisy_counts(counts, epsilon=epsilon, sensitivity=sensitivity)
    assert scale == 2.0
    accuracy = noise.accuracy({noise.scale_key(scale): 1})
    inside = sum(abs(d - 7) <= accuracy for d in drawn) / DRAWS
    expected = _coverage(scale, accuracy)
    assert expected >= 0.95
    # Binomial standard deviation at 20,000 draws: < 0.0016; 6 of them: P(false fail) < 1e-8.
    assert abs(inside - expected) < 6 * math.sqrt(expected * (1 - expected) / DRAWS)


def test_the_spread_matches_the_scale():
    scale = 3.0
    drawn, _scale = noise.noisy_counts([0] * DRAWS, epsilon=1 / 3, sensitivity=1)
    p = math.exp(-1 / scale)
    mean_abs = 2 * p / (1 - p * p)
    variance = 2 * p / (1 - p) ** 2
    measured = sum(abs(d) for d in drawn) / DRAWS
    # Var |X| <= E X^2 = variance; 6 standard errors: P(false fail) < 1e-8 (Chebyshev-free:
    # the mean of 20,000 draws is close to normal).
    assert abs(measured - mean_abs) < 6 * math.sqrt(variance / DRAWS)
    assert abs(sum(drawn) / DRAWS) < 6 * math.sqrt(variance / DRAWS)


def test_totals_of_noisy_cells_are_within_their_stated_accuracy():
    scale, terms, totals = 2.0, 12, 4000
    drawn, _scale = noise.noisy_counts([0] * (terms * totals), epsilon=0.5, sensitivity=1)
    accuracy = noise.accuracy({noise.scale_key(scale): terms})
    sums = [sum(drawn[i * terms : (i + 1) * terms]) for i in range(totals)]
    inside = sum(abs(s) <= accuracy for s in sums) / totals
    # The Chernoff bound is a true bound: coverage is at least 95%; 0.94 leaves 4.5 standard
    # errors of a binomial at 4,000 draws (P(false fail) < 1e-5 even at exactly 95%).
    assert inside >= 0.94
    # And it is not absurdly loose: the normal approximation's 95% half-width, times 1.6.
    normal = 1.96 * math.sqrt(terms * 2 * math.exp(-1 / scale) / (1 - math.exp(-1 / scale)) ** 2)
    assert accuracy <= 1.6 * normal
