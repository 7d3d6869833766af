"""Command-line entry point: `python main.py solve inputs/hartford/hartford.xlsx`."""

from scheduler.cli import app

if __name__ == "__main__":
    app()
