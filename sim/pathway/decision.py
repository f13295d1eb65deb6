"""The manager's decision depends on what was gathered (§3 rows 8–12).

The letter's case for the front door's information work — history checks, consent, partner
information, and partners in the decision (the integrated front door) — is that it leads to
better decisions, "fewer missed risks". So the model keeps each contact's *latent need*
(``Contact.threshold_met``) apart from the decision: the manager refers the contact unless the
need is missed, and refers a contact without the need when it is over-read, with chances that
fall as information is gathered (:class:`~sim.config.DecisionAccuracyConfig`). Wrong decisions
have consequences downstream (:mod:`sim.pathway.after_decision`): a missed need comes back
sooner and more often; an over-referral becomes a referral NFA or an assessment that ends
"not in need" — both cost staff time and appear as KPIs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.contacts import Contact
    from sim.model import FrontDoor


def information_factor(door: FrontDoor, contact: Contact) -> float:
    """The product of the error factors of every piece of information gathered."""
    spec = door.cfg.front_door.decision.accuracy
    factor = 1.0
    if contact.history_checked:
        factor *= spec.history_checked_factor
    if contact.consent_sought:
        factor *= spec.consent_sought_factor
    if contact.partner_info == "received":
        factor *= spec.partner_info_received_factor
    elif contact.partner_info == "timed_out":
        factor *= spec.partner_info_timed_out_factor
    if contact.partners_in_decision:
        factor *= spec.partners_in_decision_factor
    return factor


def wrong_decision_probability(door: FrontDoor, contact: Contact) -> float:
    """The chance that the decision does not match the contact's latent need."""
    spec = door.cfg.front_door.decision.accuracy
    base = spec.miss_probability if contact.threshold_met else spec.over_refer_probability
    return base * information_factor(door, contact)


def refers(door: FrontDoor, contact: Contact, *, certain: bool = False) -> bool:
    """Does the manager refer the contact? ``certain``: a decision that cannot be wrong (a
    contact closed at triage as plainly below the threshold)."""
    need = contact.threshold_met
    if certain or not door.cfg.front_door.decision.accuracy.enabled:
        return need
    wrong = door.chance("decision.error", contact) < wrong_decision_probability(door, contact)
    return need != wrong
