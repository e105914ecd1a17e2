"""carepay command line: render reports, cross-check the source data, validate scenarios.

    carepay reports [SELECTION ...] [--language sv|en|both] [--jobs N] [--show-code] [--no-progress] [--force] [--pdf]
    carepay compare NOTEBOOK [SCENARIO ...] [--language sv|en]
    carepay check-data [--all]
    carepay params [NOTEBOOK ...] [--describe]
    carepay pin [SELECTION ...] [--from-reports]

Errors in data or parameters print a message naming the file, field and value,
without a traceback, and exit with status 2; a report that fails while running exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from carepay import paths


def _reports(args: argparse.Namespace) -> int:
    from carepay import batch

    jobs = batch.discover(args.selection)
    n_jobs = args.jobs if args.jobs else min(os.cpu_count() or 1, 2)
    outcomes = batch.run(
        jobs,
        n_jobs=n_jobs,
        show_code=args.show_code,
        progress=not args.no_progress,
        force=args.force,
        languages=_languages(args.language),
    )
    failed = [o for o in outcomes if not o.ok]
    for o in outcomes:
        if o.reused:  # inputs unchanged since it was rendered
            print(f"reused {o.notebook}/{o.stem}  (rendered {o.finished})  {o.html or ''}")
            continue
        mark = "ok    " if o.ok else "FAILED"
        print(f"{mark} {o.notebook}/{o.stem}  {o.seconds:6.1f} s  {o.html or ''}")
    reused = sum(o.reused for o in outcomes)
    if reused:
        print(f"{reused} of {len(outcomes)} reports reused: their inputs have not changed (--force renders them again)")
    print(f"index: {paths.relative(paths.reports_dir() / 'index.html')}")
    if args.pdf:
        _print_pdfs([o for o in outcomes if o.ok and o.html])
    if failed:
        print(f"\n{len(failed)} of {len(outcomes)} reports failed:", file=sys.stderr)
        for o in failed:
            cell = f", cell {o.failing_cell}" if o.failing_cell is not None else ""
            where = f"\n    executed notebook: {o.executed}" if o.executed else ""
            kept = f"\n    last good report kept: {o.html}" if o.html else ""
            error = textwrap.indent(o.error, "    ")
            print(f"  {o.notebook}/{o.scenario} ({o.params_file}{cell}):\n{error}{where}{kept}", file=sys.stderr)
        # 2: a scenario was refused before running (bad input); 1: a report failed while running
        return 1 if any(o.executed for o in failed) else 2
    return 0


def _languages(option: str | None) -> list[str] | None:
    """--language: one language, both, or (none given) each scenario's own."""
    from carepay import i18n

    if option is None:
        return None
    return list(i18n.LANGUAGES) if option == "both" else [option]


def _print_pdfs(outcomes: list) -> None:
    """A PDF beside each good report (carepay.printing); a reused report keeps a PDF that is newer than it."""
    from carepay import printing

    browser = printing.chromium()
    if browser is None:
        print("--pdf: no PDF written: Chromium is not installed (apt-get install chromium); the HTML reports are complete")
        return
    for o in outcomes:
        page = paths.project_root() / o.html
        pdf = page.with_suffix(".pdf")
        if pdf.exists() and pdf.stat().st_mtime >= page.stat().st_mtime:
            print(f"pdf    {o.notebook}/{o.scenario}  (up to date)  {paths.relative(pdf)}")
            continue
        try:
            print(f"pdf    {o.notebook}/{o.scenario}  {paths.relative(printing.write_pdf(page, browser))}")
        except printing.PrintError as err:
            print(f"pdf    {o.notebook}/{o.scenario}  not written: {err}", file=sys.stderr)


def _compare(args: argparse.Namespace) -> int:
    from carepay import batch, comparison

    if args.notebook not in batch.notebook_names():
        print(f"{args.notebook!r} is not a notebook ({', '.join(batch.notebook_names())})", file=sys.stderr)
        return 2
    bad = [s for s in args.scenarios if not batch.SAFE_NAME.fullmatch(s)]
    if bad:
        print(f"scenario names are letters, digits, '_' and '-': {', '.join(map(repr, bad))}", file=sys.stderr)
        return 2
    try:
        page = comparison.write(args.notebook, args.scenarios or None, language=args.language)
    except FileNotFoundError as err:
        print(str(err), file=sys.stderr)
        return 2
    print(f"comparison: {paths.relative(page)}")
    return 0


def _check_data(args: argparse.Namespace) -> int:
    from carepay import checks, sources

    packages = sources.load_all()
    results = checks.run_checks(packages)
    shown = results if args.all else results[results.status != "ok"]
    for _, row in shown.iterrows():
        print(checks.format_discrepancy(row))
    print()
    print(checks.summary(results).to_string(index=False))
    stale = checks.unused_known(packages, results)
    for s in stale.itertuples():
        print(
            f"note: data/{s.package}/known_discrepancies.csv lists {s.check} / {s.cell} ({s.reading}), "
            "which no check reports any more; remove it",
            file=sys.stderr,
        )
    new = results[results.status == "new"]
    if len(new) or len(stale):
        print(
            f"\n{len(new)} new discrepancies: review them and record each in data/<package>/known_discrepancies.csv "
            "(with a correction in corrections.csv where the printed value is evidently wrong)",
            file=sys.stderr,
        )
        return 1
    print(f"\nno new discrepancies ({(results.status == 'known').sum()} known, {(results.status == 'ok').sum()} checks passed)")
    return 0


def _params(args: argparse.Namespace) -> int:
    from carepay import batch, params
    from carepay.sources import SourceDataError

    names = args.notebooks or batch.notebook_names()
    unknown = [n for n in names if n not in batch.notebook_names()]
    if unknown:
        raise params.ParameterError(f"no notebook {', '.join(unknown)}; notebooks: {', '.join(batch.notebook_names())}")
    if args.describe:
        print("\n\n".join(params.describe(nb) for nb in names))
        return 0
    bad = 0
    for nb in names:
        for f in params.scenario_files(nb):
            try:
                p = params.load(nb, f)
                params.check_inputs(nb, p)  # the scenario's extracts too, read as the report would
                print(f"ok      {paths.relative(f)}: {p.text('title')}")
            except params.ParameterError as err:
                bad += 1
                print(f"INVALID {err}")
            except (SourceDataError, ValueError) as err:  # an extract that does not fit its schema
                bad += 1
                print(f"INVALID {paths.relative(f)}: {err}")
    return 2 if bad else 0


def _pin(args: argparse.Namespace) -> int:
    from carepay import batch, params, pinned

    if args.from_reports:
        outcomes = batch.outcomes_from_reports(args.selection)
    else:
        jobs = batch.discover(args.selection)
        outcomes = batch.run(jobs, n_jobs=args.jobs or min(os.cpu_count() or 1, 2), progress=not args.no_progress, force=True)
    failed = [o for o in outcomes if not o.ok]
    for o in failed:
        print(f"not pinned: {o.notebook}/{o.scenario} did not render:\n{textwrap.indent(o.error, '    ')}", file=sys.stderr)
    existing = {nb: [f.stem for f in params.scenario_files(nb)] for nb in batch.notebook_names()}
    moved = pinned.pin(outcomes, existing)
    for line in moved:
        print(line)
    n_ok = len(outcomes) - len(failed)
    print(
        f"{n_ok} scenarios pinned in {paths.relative(pinned.pinned_dir())}/; {len(moved)} changes"
        + ("" if moved else " (nothing moved)")
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="carepay", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("reports", help="run notebooks x scenarios into HTML reports and reports/index.html")
    r.add_argument("selection", nargs="*", help="notebook names, notebook/scenario, or params files (default: all)")
    r.add_argument("--jobs", "-j", type=int, default=0, help="reports run at once (default: 2, or fewer cores)")
    r.add_argument("--show-code", action="store_true", help="show the notebooks' code in the reports")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument("--force", action="store_true", help="render every selected report, also those whose inputs have not changed")
    r.add_argument("--pdf", action="store_true", help="also print each report to a PDF beside it (needs Chromium)")
    r.add_argument(
        "--language",
        choices=["sv", "en", "both"],
        help="the reports' language: sv (Swedish), en (English) or both (default: each scenario's own, Swedish unless it says)",
    )
    r.set_defaults(func=_reports)
    m = sub.add_parser("compare", help="write a page with the chosen scenarios of one notebook side by side")
    m.add_argument("notebook", help="the notebook, e.g. capitation_fairness")
    m.add_argument("scenarios", nargs="*", help="scenario names (default: every rendered scenario)")
    m.add_argument("--language", choices=["sv", "en"], default="sv", help="the page's language, of reports rendered in it")
    m.set_defaults(func=_compare)
    c = sub.add_parser("check-data", help="cross-check the identities in the source tables")
    c.add_argument("--all", action="store_true", help="list every check, not only discrepancies")
    c.set_defaults(func=_check_data)
    p = sub.add_parser("params", help="validate every scenario file, or describe every parameter")
    p.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    p.add_argument("--describe", action="store_true", help="print every parameter: name, unit, default, source and description")
    p.set_defaults(func=_params)
    n = sub.add_parser("pin", help="render scenarios and rewrite their pinned key results (tests/pinned/), printing what moved")
    n.add_argument("selection", nargs="*", help="notebook names, notebook/scenario, or params files (default: all)")
    n.add_argument("--from-reports", action="store_true", help="pin what reports/ holds now instead of rendering again")
    n.add_argument("--jobs", "-j", type=int, default=0, help="reports run at once (default: 2, or fewer cores)")
    n.add_argument("--no-progress", action="store_true", help="no progress bar")
    n.set_defaults(func=_pin)
    args = parser.parse_args(argv)

    from carepay.batch import BatchBusyError
    from carepay.params import ParameterError
    from carepay.sources import SourceDataError

    try:
        return args.func(args)
    except (ParameterError, SourceDataError, BatchBusyError) as err:
        print(f"carepay: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def command() -> int:
    """The `carepay` command: main(), then everything this process made is frozen out of the garbage collector's
    sight (gc.freeze), so that the interpreter's last collection at exit does not look through it (0,2 s at the end
    of a batch, measured). Only for a process about to end; main() is what other code calls."""
    import gc

    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(command())
