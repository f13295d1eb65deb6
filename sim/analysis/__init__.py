"""The analysis: KPIs of a replication, intervals over replications, comparisons, theory and costs.

Everything that turns simulated events into numbers a reader can trust lives here, once: the KPI
definitions (:mod:`~sim.analysis.metrics`), Student-t intervals (:mod:`~sim.analysis.intervals`),
paired comparisons (:mod:`~sim.analysis.compare`), how many replications
(:mod:`~sim.analysis.replications`), the warm-up rule (:mod:`~sim.analysis.warmup`), queueing
theory for verification (:mod:`~sim.analysis.theory`) and staff costs (:mod:`~sim.analysis.costs`).
It reads the world and the engine; nothing below it reads it back.
"""
