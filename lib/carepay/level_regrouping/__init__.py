"""Level regrouping neutrality (Stockholm LSS housing): from 8/7 levels plus a base level to 5.

params: the scenario model; analysis: from a scenario to every table the report shows;
checks: the cross-checks of the Stockholm document.
"""
