"""``python -m sim`` is the ``frontdoor`` app."""

from sim.cli import main

if __name__ == "__main__":
    main()
