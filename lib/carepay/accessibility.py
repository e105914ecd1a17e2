"""Accessibility of the rendered reports (WCAG 2.1 AA): what the HTML export adds to every page. Light on imports,
as the batch's workers load it before any kernel: no pandas, no numpy.

Charts get their text alternatives and data tables in carepay.charts (render); tables their captions and header
scopes in carepay.report.table_html; this module marks the Swedish terms in an English report.
"""

from __future__ import annotations

import re

#: The documents' Swedish terms the reports set in italics that carry no å, ä or ö (shared glossary); with those
#: letters a term is recognised by them.
SWEDISH_TERMS = {
    "maxtaxa",
    "avgiftsutrymme",
    "peng",
    "schablon",
    "gruppbostad",
    "servicebostad",
    "grundbemanning",
    "beviljad tid",
    "kapitering",
    "egen regi",
    "kringtid",
    "bomtid",
    "timpris",
    "omsorg",
    "hemvård",
}

_EM = re.compile(r"<em>([^<]{1,80})</em>")


def mark_languages(page: str, language: str = "en") -> str:
    """An English report with its Swedish terms marked as Swedish (WCAG 2.1, 3.1.2 language of parts): every
    italic term that is one of SWEDISH_TERMS or has å, ä or ö gets lang="sv", so a screen reader reads it as
    Swedish. A Swedish report (the page's own language is Swedish) is returned as it is."""
    if language == "sv":
        return page

    def mark(m: re.Match[str]) -> str:
        text = m.group(1)
        swedish = text.strip().lower() in SWEDISH_TERMS or any(ch in text for ch in "åäöÅÄÖ")
        return f'<em lang="sv">{text}</em>' if swedish else m.group(0)

    return _EM.sub(mark, page)


# --- checking a report with axe-core in headless Chromium -------------------------------------------------------

#: axe-core, the accessibility engine, from the npm registry: version and the registry's integrity hash (sha512 of
#: the package file), so a changed download is refused.
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE_URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
#: The rules checked: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_script(cache: str | None = None) -> str:
    """axe.min.js of AXE_VERSION: from the cache folder (default ~/.cache/carepay), else downloaded from the npm
    registry, checked against AXE_INTEGRITY and cached. Raises OSError where it can be neither read nor fetched."""
    import base64
    import hashlib
    import io
    import tarfile
    import urllib.request
    from pathlib import Path

    folder = Path(cache) if cache else Path.home() / ".cache" / "carepay"
    path = folder / f"axe-core-{AXE_VERSION}.min.js"
    if path.exists():
        return path.read_text(encoding="utf-8")
    with urllib.request.urlopen(AXE_URL, timeout=60) as response:  # noqa: S310 (a fixed https URL)
        package = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(package).digest()).decode()
    if digest != AXE_INTEGRITY:
        raise OSError(f"{AXE_URL}: integrity {digest} is not the pinned {AXE_INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(package)) as tar:
        member = tar.extractfile("package/axe.min.js")
        if member is None:
            raise OSError(f"{AXE_URL}: no package/axe.min.js")
        text = member.read().decode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


_RUN = """<script>%s</script><script>
axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})
  .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 200))})))))
  .catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'error', help: String(e), nodes: []}])));
function done(text) { const p = document.createElement('pre'); p.id = 'axe-result'; p.textContent = text;
  document.body.appendChild(p); }
</script>"""


def audit(page: str, chromium: str, workdir: str, axe: str, extra: list[str] | None = None) -> list[dict]:
    """The WCAG A/AA violations axe-core finds in a rendered page (its HTML file path), in headless Chromium with
    the network cut off: a copy of the page with axe-core and a call to it added at the end of the body (after
    everything the audit looks at), its result read from the DOM Chromium dumps. Each violation: id, impact, help
    and the elements (selector :: HTML)."""
    import html
    import json
    import subprocess
    from pathlib import Path

    text = Path(page).read_text(encoding="utf-8")
    copy = Path(workdir) / ("audit-" + Path(page).name)
    copy.write_text(text.replace("</body>", _RUN % (axe, json.dumps(WCAG_TAGS)) + "</body>", 1), encoding="utf-8")
    from carepay.printing import offline_flags

    flags = [
        *offline_flags(Path(workdir) / "profile"),
        "--virtual-time-budget=60000",
        "--dump-dom",
        *(extra or []),
    ]
    out = subprocess.run([chromium, *flags, copy.as_uri()], capture_output=True, text=True, timeout=300)
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', out.stdout, re.S)
    if not found:
        return [{"id": "no-result", "impact": "error", "help": out.stderr[-500:], "nodes": []}]
    result: list[dict] = json.loads(html.unescape(found.group(1)))
    return result


def describe(violations: list[dict]) -> str:
    """Violations as lines a developer can act on: rule, impact, help text, then the elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n}" for n in v["nodes"][:5])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """python -m carepay.accessibility REPORT.html ...: audit rendered reports; exit 1 on any violation."""
    import shutil
    import sys
    import tempfile

    pages = sys.argv[1:] if argv is None else argv
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium is not installed (apt-get install chromium)")
        return 2
    axe = axe_script()
    bad = 0
    for page in pages:
        with tempfile.TemporaryDirectory() as work:
            found = audit(page, chromium, work, axe)
        print(f"{page}: {len(found)} violation(s)")
        if found:
            bad += 1
            print(describe(found))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
