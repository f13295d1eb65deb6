"""One replication, ready to run: the world built and its pathway started.

The layers meet here and nowhere lower: :func:`sim.model.world` builds the world (environment,
calendar, streams, staff pools, teams), which knows nothing of the pathway; this module hands it
the journey's way back for children who return, puts today's backlog in (:mod:`sim.warm_start`,
empty by default) and schedules every contact's arrival (:mod:`sim.pathway.journey`). The runner
and the tests build replications only through :func:`build`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from sim.config import Config
from sim.model import FrontDoor, world
from sim.pathway.journey import come_back, release_contacts
from sim.warm_start import ChildDueBack, start_from_backlog


def build(cfg: Config, replication: int, due_back: Sequence[ChildDueBack] = ()) -> FrontDoor:
    """Replication ``replication`` of a validated config, ready for :meth:`FrontDoor.run`;
    ``due_back``: children due back from a shared warm-up (:mod:`sim.shared_warm_up`)."""
    door = world(cfg, replication)
    door.come_back = partial(come_back, door)
    start_from_backlog(door, due_back)
    door.env.process(release_contacts(door))
    return door
