"""Fee incentive effect, the provider payment basis (Örebro 7.4.2; Leksand–Rättvik).

params: the scenario model; analysis: from a scenario to every table the report shows;
checks: the cross-checks of the Leksand–Rättvik document.
"""
