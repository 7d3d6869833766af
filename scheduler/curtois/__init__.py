"""The Curtois & Qu benchmark: file format, mapping to a Problem, independent checker, runner."""
