"""The engine: working time, streams, samplers, staff pools, capacity, teams and the event log.

These are the pieces any front door is built from, and they know nothing of this one: no module
here imports the pathway, the world (:mod:`sim.model`), the analysis or the reports (the
import-linter contracts in ``pyproject.toml`` keep it so). That is what lets the verification
tests reduce the real model to textbook queues: the engine is the same whatever the pathway does.
"""
