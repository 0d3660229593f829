"""Monitoring reports: a round's answers → a pandas frame → aggregates → xlsx / CSV.

A plain library: nothing here knows Flask or the database. ``services.report_source`` reads a
round from the database into the plain records these modules take, so they are tested and
benchmarked without an application.
"""
