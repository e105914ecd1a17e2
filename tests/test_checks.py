"""The cross-checks find the documents' discrepancies, pass everything else, and can fail."""

from __future__ import annotations

import pytest

from carepay import checks, cli, sources
from carepay.capitation_fairness import checks as vasteras_checks


@pytest.fixture(scope="module")
def results():
    return checks.run_checks(sources.load_all())


def test_no_new_discrepancies(results):
    new = results[results.status == "new"]
    assert new.empty, "\n".join(checks.format_discrepancy(r) for _, r in new.iterrows())


def test_every_package_is_checked(results):
    assert set(results.package) == set(sources.package_names())


def test_known_list_has_no_stale_entries(results):
    assert checks.unused_known(sources.load_all(), results).empty


def _status(results, check, cell, reading="printed"):
    hit = results[(results.check == check) & (results.cell == cell) & (results.reading == reading)]
    assert len(hit) == 1, (check, cell, reading)
    return hit.iloc[0]


@pytest.mark.parametrize(
    "check, cell, printed_status, corrected_status",
    [
        ("stockholm.form_persons", "proposed/service_housing persons", "known", "ok"),
        ("stockholm.total_persons", "proposed persons", "known", "ok"),
        ("stockholm.persons_x_amount", "proposed/service_housing/1", "known", "ok"),
        ("stockholm.table3_points", "current/group_housing/7 points_max", "known", "ok"),
        ("stockholm.persons_x_amount", "current/group_housing/4", "known", "known"),
        ("stockholm.total_cost", "current cost", "ok", "ok"),
        ("stockholm.total_cost", "proposed cost", "ok", "ok"),
    ],
)
def test_stockholm_readings(results, check, cell, printed_status, corrected_status):
    assert _status(results, check, cell, "printed").status == printed_status
    assert _status(results, check, cell, "corrected").status == corrected_status


def test_stockholm_totals_match_printed_figures(results):
    # Table 3, Summa: 1 949,3 and 1 949,4 mnkr for 1 688 persons
    row = _status(results, "stockholm.total_cost", "current cost")
    assert row.printed == 1949.3 and abs(row.computed - 1949.3) < 0.05
    row = _status(results, "stockholm.total_cost", "proposed cost")
    assert row.printed == 1949.4 and abs(row.computed - 1949.4) < 0.05


def test_vasteras_tables_hold_and_budget_reading_is_flagged(results):
    v = results[results.package == "vasteras_housing_support_2022"]
    assert (v.status == "ok").sum() > 400
    flagged = v[v.status != "ok"]
    assert set(flagged.check) == {"vasteras.rate_vs_budget", "vasteras.year_label"}
    assert flagged.loc[flagged.check == "vasteras.year_label", "table"].tolist() == ["capitation_payment"]
    rate = vasteras_checks.vasteras_implied_capitation_rate(sources.load("vasteras_housing_support_2022"))
    assert rate == pytest.approx(4653.70, abs=0.01)  # 29 253 159 kr / 6 286 person-months
    # the printed change row: Vård och omsorg +2 987 446 kr
    assert _status(results, "vasteras.change", "vard_och_omsorg").computed == pytest.approx(2987446, abs=1.5)


def test_orebro_fee_table_is_share_of_cap(results):
    row = _status(results, "orebro.fee_share_x_cap", "level 5")
    assert row.printed == 1267 and row.computed == pytest.approx(0.62 * 2044)


@pytest.mark.parametrize("n, step, expected", [(0, 1, 0.5), (2, 1, 1.5), (9, 0.1, 0.5)])
def test_rounding_tolerance(n, step, expected):
    assert checks.rounding_tolerance(n, step) == pytest.approx(expected)


@pytest.mark.parametrize("value, expected", [(4600, 100), (56000, 1000), (0.6, 0.1), (2.5, 0.1), (6, 1), (325, 1)])
def test_approx_tolerance(value, expected):
    assert checks.approx_tolerance(value) == pytest.approx(expected)


def test_compare_relations():
    assert checks.compare("x", "t", "c", 10, 10.4, 0.5, "kr", "d")["ok"]
    assert not checks.compare("x", "t", "c", 10, 10.6, 0.5, "kr", "d")["ok"]
    assert checks.compare("x", "t", "c", 10, 12, 0, "kr", "d", relation="at_least")["ok"]
    assert not checks.compare("x", "t", "c", 10, 10, 0, "kr", "d", relation="below")["ok"]


def test_a_changed_printed_total_is_caught_by_the_command(project, capsys):
    path = project / "data" / "vasteras_housing_support_2022" / "executed_hours.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2021-03,total,6651", "2021-03,total,6751"), encoding="utf-8")
    assert cli.main(["check-data"]) == 1
    out = capsys.readouterr()
    assert "[new] vasteras_housing_support_2022 / executed_hours / 2021-03 total" in out.out
    assert "printed 6 751" in out.out.replace(",", " ") or "printed 6751" in out.out.replace(",", "")
    assert "new discrepancies" in out.err


def test_check_data_command_passes_on_the_project(capsys):
    assert cli.main(["check-data"]) == 0
    assert "no new discrepancies" in capsys.readouterr().out


def test_broken_data_file_gives_message_not_traceback(project, capsys):
    path = project / "data" / "orebro_home_care_2018" / "fee_levels_proposed.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("0.62,1267", "1.62,1267"), encoding="utf-8")
    assert cli.main(["check-data"]) == 2
    err = capsys.readouterr().err
    assert "fee_levels_proposed.csv, row 7, field 'share_of_fee_headroom': value '1.62' is above the maximum 1" in err
    assert "Traceback" not in err
