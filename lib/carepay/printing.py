"""Reports as PDF, for a board's printed papers: each rendered HTML report printed to A4 by headless Chromium (from
Debian's packages; the report's print stylesheet sets the page: A4, page numbers, the answer on the first page,
table headers repeated). Written beside the report as <scenario>.pdf, whole or not at all. Where no Chromium is
installed, nothing is written and the reason is said (install it: apt-get install chromium).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Names Chromium is installed under, in the order tried.
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


class PrintError(RuntimeError):
    """A report could not be printed to PDF."""


def chromium() -> str | None:
    """The path of a headless-capable Chromium, or None."""
    return next((found for name in CHROMIUM if (found := shutil.which(name))), None)


def offline_flags(profile: Path) -> list[str]:
    """Headless Chromium with the network cut off (no name resolves, every proxy request fails) and its own profile
    folder: what printing and the accessibility audit (carepay.accessibility) both run it with."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
        f"--user-data-dir={profile}",
    ]


def write_pdf(page: Path, browser: str | None = None, timeout_s: int = 180) -> Path:
    """Print one report (its HTML file) to <same name>.pdf beside it, offline (the network cut off), replacing an
    older PDF only once the new one is complete. Returns the PDF's path; PrintError if it could not be made."""
    browser = browser or chromium()
    if browser is None:
        raise PrintError("no Chromium installed to print with (apt-get install chromium)")
    target = page.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="carepay-print-") as work:
        out = Path(work) / "report.pdf"
        flags = [
            *offline_flags(Path(work) / "profile"),
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={out}",
        ]
        try:
            done = subprocess.run([browser, *flags, page.resolve().as_uri()], capture_output=True, text=True, timeout=timeout_s)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PrintError(f"{page.name}: Chromium did not print it ({err})") from None
        if not out.exists() or not out.read_bytes().startswith(b"%PDF"):
            raise PrintError(f"{page.name}: Chromium wrote no PDF ({done.stderr.strip()[-300:]})")
        staged = target.with_name(f".{target.name}.tmp{os.getpid()}")
        shutil.copyfile(out, staged)
        os.replace(staged, target)
    return target
