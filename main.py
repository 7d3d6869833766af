"""Command-line entry point: `python main.py solve inputs/hartford/hartford.xlsx`."""

from scheduler.cli import main

if __name__ == "__main__":
    main()
