"""Writing a run's results for people: the run folder, the KPI table and the plots."""
