"""Fee incentive effect, the user fee (Örebro; national fee rules).

params: the scenario model; analysis: from a scenario to every table the report shows;
checks: the cross-checks of the Örebro document and of the national fee rules.
"""
