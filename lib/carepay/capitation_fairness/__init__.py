"""Capitation fairness (Västerås housing support): a flat amount per person instead of per executed hour.

params: the scenario model; analysis: from a scenario to every table the report shows;
checks: the cross-checks of the Västerås document.
"""
