"""Front-door options: an integrated front door, simplified partner-information requests, or
both — what do they do to children's waits for a decision?

    python -m experiments.front_door_options            # full (about two minutes)
    python -m experiments.front_door_options --tiny     # seconds, for tests
"""

from __future__ import annotations

from experiments.common import Experiment, Option, main

EXPERIMENT = Experiment(
    name="front_door_options",
    question=(
        "How do an integrated front door and simplified partner-information requests change "
        "the time children wait for the front door's decision?"
    ),
    options=[
        Option("baseline", ("scenario=baseline",)),
        Option("integrated_front_door", ("scenario=integrated_front_door",)),
        Option("simplified_partner_info", ("scenario=simplified_partner_info",)),
        Option("combined", ("scenario=combined",)),
    ],
    kpis=[
        "decision_within_1wd_pct",
        "decision_working_days_mean",
        "decision_working_days_p90",
        "partner_info_wait_working_days_mean",
        "utilisation_social_workers",
        "contacts",
        "clarification_pct",
    ],
)

if __name__ == "__main__":
    main(EXPERIMENT)
