"""Monitoring reports: a round's answers → a pandas frame → aggregates → xlsx / CSV.

A plain library: nothing here knows Flask. Only ``reports.source`` reads the database; every
other module takes plain data, so it is tested and benchmarked without an application.
"""
