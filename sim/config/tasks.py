"""Durations, tasks and waits: the schemas every step of the pathway is built from.

A task (:class:`StageConfig`) is who does it, how often and how long; a wait
(:class:`WaitConfig`) is a delay on a working or calendar clock; both hold a sampled
:class:`DistributionConfig` whose family-specific parameters :mod:`sim.engine.distributions`
checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.choices import Clock, Dist
from sim.ranges import PROBABILITY, ranged


@dataclass
class DistributionConfig:
    """A sampled duration or delay (minutes unless the owning key says otherwise).

    ``dist`` picks the family; each family reads only its own keys:

    - ``exponential``: ``mean``
    - ``lognormal``: ``mean`` and ``cv``, **or** ``median`` with ``percentile``/``percentile_value``
      (e.g. median 30, 90th percentile 75) — the two ways domain people state a skewed time
    - ``gamma``: ``mean`` and ``cv``
    - ``triangular``: ``low``, ``mode``, ``high``
    - ``uniform``: ``low``, ``high``
    - ``deterministic``: ``value``
    - ``empirical``: ``values`` (resampled with replacement), optional ``weights``
    """

    dist: Dist = Dist.deterministic
    mean: float | None = None
    cv: float | None = None
    median: float | None = None
    percentile: float | None = None
    percentile_value: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    value: float | None = None
    values: list[float] | None = None
    weights: list[float] | None = None


def is_unset(dist: DistributionConfig) -> bool:
    """A duration nobody gave (the schema default): read as zero minutes where optional."""
    return dist.dist == Dist.deterministic and dist.value is None


@dataclass
class StageConfig:
    """A task: ``pool`` names who does it (``null`` = an external wait that holds no staff),
    ``probability`` is the share of contacts reaching it that need it, ``duration`` its time."""

    enabled: bool = True
    pool: str | None = None
    probability: float = ranged(1.0, PROBABILITY)
    duration: DistributionConfig = field(default_factory=DistributionConfig)


def off() -> StageConfig:
    return StageConfig(enabled=False)


@dataclass
class WaitConfig:
    """An elapsed wait that holds no staff (a referrer replying, a partner agency responding).

    ``clock: working`` counts ``duration`` in minutes of *working* time (paused while the front
    door is closed; 1 working day ≈ 510 minutes Mon–Thu); ``calendar`` in plain minutes.
    """

    clock: Clock = Clock.working
    duration: DistributionConfig = field(default_factory=DistributionConfig)
