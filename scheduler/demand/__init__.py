"""Demand from call volume: Erlang C staffing, call logs and the Demand sheet."""
