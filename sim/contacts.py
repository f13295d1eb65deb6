"""The contact: what a child's contact to the front door is about, and what was learned about it.

A :class:`Contact` carries its *latent need* (``threshold_met``: does the child's situation meet
the threshold for social work, whatever the front door decides), the attributes drawn with its
source's probabilities, and — filled in as it goes through the front door — what was gathered
before the decision (history, consent, partner information, partners at the decision), which
:func:`sim.pathway.front_door.decide_outcome` turns into the chance of a wrong decision.

:class:`SourceDraws` holds a source's contacts drawn up front (arrival times and every
attribute's uniform), so that the attributes that depend on the state of the world when the
contact is made — whether referrers have learned to send it at all, whether it is clear — can
be settled at its arrival from the same per-contact draws (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class Contact:
    """A contact to the front door: who sent it, when, and what it is about.

    ``seq`` is its position among its source's contacts and ``key`` names its family of draws
    (the source, ``backlog``, or ``<key>#r<generation>`` for a return): together they key all
    its random draws. ``generation`` counts returns (0 = a first contact).
    ``last_referral``: when this child was last referred (NaN: never, as far as the run knows),
    for re-referrals as the DfE counts them. ``missed_need_return``: the child comes back
    because the front door missed the need last time.
    """

    id: int
    source: str
    seq: int
    arrival: float
    urgency: str
    concern: str
    unclear: bool
    threshold_met: bool
    known_family: bool
    priority: int
    generation: int = 0
    key: str = ""
    age_at_start: float = 0.0
    history_checked: bool = False
    consent_sought: bool = False
    partner_info: str = ""
    partners_in_decision: bool = False
    referred: bool = False
    missed_need_return: bool = False
    last_referral: float = math.nan

    def __post_init__(self) -> None:
        self.key = self.key or self.source


@dataclass(frozen=True)
class SourceDraws:
    """One source's contacts, drawn up front: arrival times and per-contact attributes.

    ``unclear_u`` and ``averted_u`` are uniforms compared at arrival with probabilities that
    depend on what the source's referrers have learned by then; ``trained`` is the probability
    that partner threshold training averts the contact (if it is below threshold).
    """

    times: np.ndarray
    urgency: np.ndarray
    concern: np.ndarray
    threshold_met: np.ndarray
    known_family: np.ndarray
    unclear_u: np.ndarray
    averted_u: np.ndarray
    trained: np.ndarray
