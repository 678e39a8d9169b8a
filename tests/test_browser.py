"""The seed report in a real browser: Playwright drives Debian's chromium (never a downloaded browser) through the
index, the findings page and every notebook page, and saves screenshots under ``<run>/screenshots/``.

Each page: no console errors, every image decoded (naturalWidth > 0), no stderr blocks, no visible parameter cell
or code, and tables that sort and search. Each notebook page shows as many figures as the notebook saved.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from presslens import cli, paths, runner

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (make setup installs it)")
NOTEBOOKS = [path.stem for path in runner.notebook_paths()]
VIEWPORT = {"width": 1280, "height": 900}
#: JavaScript run in each page: what the checks need to know about it.
INSPECT = r"""() => ({
  images: [...document.images].map(img => ({src: img.currentSrc.slice(0, 80), width: img.naturalWidth})),
  stderr: document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]').length,
  parameters: document.querySelectorAll('.celltag_parameters, .celltag_injected-parameters').length,
  visibleCode: [...document.querySelectorAll('.jp-CodeCell .jp-Cell-inputWrapper')]
                 .filter(el => el.offsetParent !== null).length,
  itables: document.querySelectorAll('table[id^="itables_"]').length,
  dataTables: document.querySelectorAll('table.dataTable').length,
  reprs: [...document.querySelectorAll('[data-mime-type="text/plain"]')].map(el => el.innerText.trim())
           .filter(text => /^(PosixPath\(|<Figure|<matplotlib|<Axes)/.test(text)).length,
})"""
TABLES_READY = """() => document.querySelectorAll('table[id^="itables_"]').length
                    === document.querySelectorAll('table.dataTable').length"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the whole report on the seed corpus, through the command line."""
    folder = tmp_path_factory.mktemp("browser-reports")
    status = cli.main(["run", "-f", str(paths.PROJECT_ROOT / "params.yaml"), "--reports-dir", str(folder),
                       "--name", "seed", "--no-progress", "--workers", "0"])
    failed = folder / "seed" / "FAILED.txt"
    assert status == 0, failed.read_text(encoding="utf-8") if failed.exists() else f"presslens run exited {status}"
    return folder / "seed"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless chromium from the system, driven by Playwright."""
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def visit(browser: object, run_dir: Path, page_path: str) -> dict:
    """Open one page of the run, wait for its tables, save a screenshot; return what INSPECT reports."""
    page = browser.new_page(viewport=VIEWPORT)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto((run_dir / page_path).as_uri(), wait_until="load")
    page.wait_for_function(TABLES_READY, timeout=15_000)
    facts = page.evaluate(INSPECT)
    shots = run_dir / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{Path(page_path).stem}.png"))
    facts["search_works"] = search_works(page) if facts["dataTables"] else None
    facts["console_errors"] = problems
    page.close()
    return facts


def search_works(page: object) -> bool:
    """The first table sorts when its header is clicked, and a search box (long tables have one) filters rows."""
    header = page.locator("table.dataTable thead th").first
    header.locator(".dt-column-order").click()  # itables sorts from the header's order icon
    page.wait_for_timeout(200)
    sorted_ = "dt-ordering-" in (header.get_attribute("class") or "")
    container = page.locator("div.dt-container", has=page.locator(".dt-search input")).first
    if not container.count():
        return sorted_
    box = container.locator(".dt-search input")
    box.fill("zzqx-no-such-row")
    page.wait_for_timeout(300)
    empty = container.locator("td.dt-empty").count() == 1
    box.fill("")
    return sorted_ and empty


def assert_clean(facts: dict, page_path: str) -> None:
    """The checks every page passes."""
    assert facts["console_errors"] == [], f"{page_path}: console errors {facts['console_errors'][:3]}"
    broken = [image["src"] for image in facts["images"] if image["width"] == 0]
    assert not broken, f"{page_path}: images that did not decode: {broken[:3]}"
    assert facts["stderr"] == 0, f"{page_path}: {facts['stderr']} stderr blocks"
    assert facts["parameters"] == 0 and facts["visibleCode"] == 0, f"{page_path}: parameters or code visible"
    assert facts["reprs"] == 0, f"{page_path}: {facts['reprs']} Python object reprs shown (a cell's stray last value)"
    assert facts["itables"] == facts["dataTables"], f"{page_path}: tables left uninitialised"
    assert facts["search_works"] in (None, True), f"{page_path}: tables do not sort or search"


def test_index_links_findings_first_and_shows_every_figure(browser: object, run_dir: Path) -> None:
    facts = visit(browser, run_dir, "index.html")
    assert_clean(facts, "index.html")
    saved = len(list((run_dir / "figures").glob("*.png")))
    assert saved >= len(NOTEBOOKS) and len(facts["images"]) == saved
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert index.index('href="findings.html"') < min(index.index(f'href="html/{name}.html"') for name in NOTEBOOKS)


def test_findings_page_covers_every_outlet(browser: object, run_dir: Path) -> None:
    facts = visit(browser, run_dir, "findings.html")
    assert_clean(facts, "findings.html")
    outlets = pd.read_csv(run_dir / "tables" / "corpus_outlets.csv")["outlet"]
    findings = (run_dir / "findings.html").read_text(encoding="utf-8")
    assert findings.count('<section class="outlet"') == len(outlets)
    assert all(outlet in findings for outlet in outlets)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_shows_its_figures_and_interactive_tables(browser: object, run_dir: Path, name: str) -> None:
    facts = visit(browser, run_dir, f"html/{name}.html")
    assert_clean(facts, name)
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    block = index[index.index(f'<a href="html/{name}.html">'):]
    block = block[:block.find('<div class="nb">') if '<div class="nb">' in block else len(block)]
    saved = block.count('<img src="figures/')
    assert len(facts["images"]) == saved, f"{name}: {len(facts['images'])} images shown, {saved} figures saved"
    assert facts["dataTables"] > 0, f"{name}: no interactive table"


def test_evidence_columns_are_wide_enough_to_read(browser: object, run_dir: Path) -> None:
    """The timeline table's evidence sentences get a readable column (the notebook HTML fixes table layout)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto((run_dir / "html" / "04-timeline.html").as_uri(), wait_until="load")
    page.wait_for_function(TABLES_READY, timeout=15_000)
    widths = page.evaluate("""() => [...document.querySelectorAll('table.dataTable')].flatMap(table => {
        const heads = [...table.querySelectorAll('thead th')].map(head => head.textContent.trim());
        const cell = table.querySelector(`tbody tr td:nth-child(${heads.indexOf('evidence') + 1})`);
        return heads.includes('evidence') && cell
            ? [[getComputedStyle(table).tableLayout, cell.getBoundingClientRect().width]] : [];
    })""")
    page.close()
    assert widths and all(layout == "auto" and width >= 300 for layout, width in widths), widths
