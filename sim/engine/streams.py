"""Named random streams, so that scenarios share their random numbers (common random numbers).

Every stochastic input (an arrival source, a stage's duration, a routing choice) draws from its
own :class:`numpy.random.Generator`, seeded from **(base seed, replication, stream name)**:

- *Named, not positional.* Tools such as sim-tools hand out seeds by position (after sorting the
  distributions), so adding one distribution shifts the seeds of others and silently changes
  every later draw. Here a stream's seed depends only on its own name, so adding an activity
  (a new name) leaves every other stream's draws unchanged, whatever the order of creation.
- *Common random numbers.* Two scenarios run with the same seed and replication give the same
  draws to every activity they have in common, so their difference reflects the change made,
  not sampling noise.

The name is turned into words with SHA-256 (:func:`stream_key`), never Python's :func:`hash`,
which is salted per process; the derivation is therefore the same on every machine and run.
"""

from __future__ import annotations

import hashlib
import operator

import numpy as np

#: Replication numbers must fit one 32-bit word, so that the SeedSequence entropy
#: ``[seed words..., replication, 4 name words]`` is unambiguous for seeds of any size.
MAX_REPLICATION = 2**32 - 1


def stream_key(name: str) -> list[int]:
    """Four stable 32-bit words derived from ``name`` (the first 16 bytes of its SHA-256)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"stream name must be a non-empty string, got {name!r}")
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


def _check_seed(seed: int, replication: int) -> tuple[int, int]:
    seed, replication = operator.index(seed), operator.index(replication)
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if not 0 <= replication <= MAX_REPLICATION:
        raise ValueError(f"replication must be in [0, {MAX_REPLICATION}], got {replication}")
    return seed, replication


def make_generator(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` in replication ``replication`` of base seed ``seed``.

    ``Generator(PCG64(SeedSequence([seed, replication, *stream_key(name)])))``: a pure function
    of its three arguments. Changing this derivation breaks common random numbers with every
    published run, which is why a back-test pins its first draws.
    """
    seed, replication = _check_seed(seed, replication)
    entropy = [seed, replication, *stream_key(name)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


class Streams:
    """The random streams of one replication: ``streams("arrivals.police")`` → its Generator.

    The same name always returns the same Generator object within one :class:`Streams`, so a
    stream's draws continue where they left off; two :class:`Streams` with the same seed and
    replication give identical draws per name. :attr:`names` records which streams a run used
    (for provenance).
    """

    def __init__(self, seed: int, replication: int) -> None:
        self._seed, self._replication = _check_seed(seed, replication)
        self._generators: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        generator = self._generators.get(name)
        if generator is None:
            generator = make_generator(self._seed, self._replication, name)
            self._generators[name] = generator
        return generator

    @property
    def seed(self) -> int:
        return self._seed

    @property
    def replication(self) -> int:
        return self._replication

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the streams created so far, in order of first use."""
        return tuple(self._generators)

    def __repr__(self) -> str:
        return (
            f"Streams(seed={self._seed}, replication={self._replication}, "
            f"names={list(self._generators)})"
        )
