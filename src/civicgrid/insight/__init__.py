"""Text intelligence over citizen appeals: categories, urgent cases, duplicates, hot issues, reply quality.

Every module works on plain records (dicts with the data set's Chinese column names, or the small dataclasses
defined here) so that the Appeal model can feed them later through a thin adapter.
"""
