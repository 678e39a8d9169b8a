"""The reader's HTML: every saved figure shown where it is made, no parameters, stderr or progress, code behind a
toggle, tables rounded and interactive offline, and an index that links the findings first.

A small notebook stands in for the analyses so that these checks run in seconds; the browser test
(tests/test_browser.py) checks the real report.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from presslens import caveats, findings, paths, runner, stats, tabledisplay

CELLS = [
    new_markdown_cell("# 99 · A test page\n\nA notebook that draws figures, warns, shows progress and tables."),
    new_code_cell('corpus = "data"\noutput_dir = "reports/scratch"', metadata={"tags": ["parameters"]}),
    new_code_cell("import sys, warnings\nimport pandas as pd\nfrom tqdm.auto import tqdm\n"
                  "from presslens import plotting\nfrom presslens.outputs import RunOutputs\n"
                  "out = RunOutputs.at(output_dir)", metadata={"tags": ["remove-input"]}),
    new_code_cell("with plotting.figure('first', out) as (fig, ax):\n    ax.plot([1, 2])"),
    new_code_cell("warnings.warn('a warning ' + 'nobody should read')\n"
                  "for _ in tqdm(range(3), desc='progress ' + 'nobody should see'):\n    pass\n"
                  "print('noise ' + 'on stderr', file=sys.stderr)\nprint('visible ' + 'stdout')"),
    new_code_cell("for name in ('second', 'third'):\n"
                  "    with plotting.figure(name, out) as (fig, ax):\n        ax.bar([0, 1], [2, 3])"),
    new_code_cell("pd.DataFrame({'outlet': ['A', 'B'], 'ci_low': [0.123456789, float('nan')],\n"
                  "              'small_n': [True, False]})"),
]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the test notebook through the real runner."""
    folder = tmp_path_factory.mktemp("fake-report")
    notebook = folder / "99-test.ipynb"
    node = new_notebook(cells=CELLS, metadata={"kernelspec": {"name": "presslens", "display_name": "presslens",
                                                              "language": "python"}})
    nbformat.write(node, notebook)
    plan = runner.RunPlan([notebook], {"corpus": str(paths.DATA_DIR)}, folder / "run")
    runner.run_report(plan, progress=False)
    return plan.run_dir


@pytest.fixture(scope="module")
def html(run_dir: Path) -> str:
    """The rendered HTML page of the test notebook."""
    return (run_dir / "html" / "99-test.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html: str) -> str:
    """The page without the (hidden) code of its code cells: what a reader sees."""
    soup = BeautifulSoup(html, "html.parser")
    for code in soup.select(".jp-CodeCell .jp-Cell-inputWrapper"):
        code.decompose()
    return str(soup)


def test_every_saved_figure_is_shown_on_its_page(run_dir: Path, html: str) -> None:
    saved = sorted(p.stem for p in (run_dir / "figures").glob("*.png"))
    assert saved == ["first", "second", "third"]
    assert len(re.findall(r"<img\s[^>]*src=\"data:image/png", html)) == len(saved)


def test_no_parameters_stderr_warnings_or_progress_in_the_page(run_dir: Path, html: str, page: str) -> None:
    assert "reports/scratch" not in html and str(run_dir) not in html  # the default and the injected values
    for noise in ("a warning nobody should read", "progress nobody should see", "noise on stderr",
                  'data-mime-type="application/vnd.jupyter.stderr"', "IProgress"):
        assert noise not in page, noise
    assert "visible stdout" in page


def test_code_is_hidden_behind_a_toggle_and_nothing_loads_from_the_network(html: str) -> None:
    assert 'class="jp-Notebook code-hidden"' in html and 'id="presslens-code-toggle"' in html
    assert ">plot</span>" in html  # the code is there, for the toggle to show
    assert not re.search(r"<script[^>]+src=\"https?://", html)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html


def test_tables_are_rounded_readable_and_interactive_offline(page: str) -> None:
    assert "new ITable(" in page and "injectModule(" in page  # DataTables bundle embedded, table initialised
    assert "0.123" in page and "0.123457" not in page and "0.123456789" not in page
    assert "CI low" in page and "small n" in page and "ci_low" not in page


def test_readable_names_and_rounding_keep_the_data() -> None:
    frame = pd.DataFrame({"n_articles": [3], "share": [1 / 3], "reason_x": [None]})
    shown = tabledisplay.for_people(frame)
    assert list(shown.columns) == ["n articles", "share", "reason x"]
    assert shown.iloc[0].tolist() == [3, 0.333, ""]


def test_index_links_findings_first_and_bounds_thumbnails(run_dir: Path) -> None:
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert index.index('href="findings.html"') < index.index('href="html/99-test.html"')
    assert index.count('<img src="figures/') == 3
    assert re.search(r"\.figs a \{[^}]*height: 9rem", index) and "object-fit: contain" in index
    assert (run_dir / "findings.html").exists()


def _profile_row(outlet: str, share: float, low: float, high: float, articles: int) -> dict:
    return {"outlet": outlet, "frame": "Security_and_defense", "n_articles": articles, "n_sentences": 40,
            "share": share, "ci_low": low, "ci_high": high, "small_n": articles < stats.MIN_N}


def test_findings_state_only_differences_the_interval_test_supports() -> None:
    profile = pd.DataFrame([_profile_row("A", 0.6, 0.5, 0.7, 6), _profile_row("B", 0.2, 0.1, 0.3, 6),
                            _profile_row("C", 0.1, 0.0, 0.2, 2), _profile_row("D", 0.55, 0.25, 0.75, 6)])
    found = findings.differences(profile, ["frame"], "share", "n_sentences", "n_articles", "framed {}", "x.html")
    assert [line.text.split(": ")[1].split(" (")[0] for line in found["A"]] == ["higher than B"]
    assert "C" not in found and "D" not in found  # C has too few articles, D's interval overlaps both
    assert found["B"][0].n == "6 vs 6 articles (40 vs 40 attributions)"
    assert found["B"][0].interval == "[0.10, 0.30] vs [0.50, 0.70]"


def test_findings_page_lists_comparable_outlets_first_and_folds_the_rest(tmp_path: Path) -> None:
    """Outlets named as in a bench slice; the one with fewer than MIN_N articles is folded, not dropped."""
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"outlet": ["Reuters", "Vox", "Slate"], "articles": [3, 40, 12]}).to_csv(
        tables / "corpus_outlets.csv", index=False)
    page = findings.write_findings(tmp_path).read_text(encoding="utf-8")
    contents = page[page.index('<table class="contents">'):page.index("</table>")]
    assert contents.index("Vox") < contents.index("Slate") and "Reuters" not in contents
    folded = page[page.index('<section class="outlet" id="outlet-1">'):]
    assert folded.index("<details>") < folded.index("Reuters") < folded.index("</details>")
    assert page.count('<section class="outlet"') == 3 and "Description only (1)" in page


def test_intervals_contain_their_estimate() -> None:
    for n in range(1, 120):
        for k in (0, n // 3, n):
            low, high = stats.wilson_interval(k, n)
            assert low <= k / n <= high, (k, n)
    skewed = [0.0] * 30 + [1.0, 50.0]
    low, high = stats.bootstrap_ci(skewed, statistic=lambda values: float(values.max()))
    assert low <= max(skewed) <= high


def test_heatmap_labels_contrast_with_their_cells_and_thin_out_at_300_outlets() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from presslens import plotting

    cmap = matplotlib.colormaps[plotting.SEQUENTIAL]
    assert plotting.label_colour(cmap(0.0)) == "white" and plotting.label_colour(cmap(1.0)) == "black"
    wide = pd.DataFrame([[0.1] * 14] * 300, index=[f"outlet {i}" for i in range(300)])
    with plotting.figure("dense", None, size=(8, 30)) as (_, ax):
        plotting.heatmap(ax, wide, labels=wide.astype(str))
    assert len(ax.get_yticklabels()) <= plotting.MAX_TICK_LABELS and not ax.texts
    few = wide.head(5)
    with plotting.figure("sparse", None) as (_, ax):
        plotting.heatmap(ax, few, labels=few.astype(str), vmin=0, vmax=1)
    assert len(ax.get_yticklabels()) == 5 and {t.get_color() for t in ax.texts} == {"white"}


def test_caveats_are_computed_from_the_corpus() -> None:
    articles = pd.DataFrame({"id": ["a1", "a2", "b1"], "outlet": ["A", "A", "B"],
                             "date_precision": ["day", "month", ""], "language": ["en", "en", "de"],
                             "outlet_kind": ["", "", "machine-translated republication"], "notes": ["", "", ""]})
    load = pd.DataFrame({"status": ["loaded", "loaded", "loaded_with_warnings", "rejected"]})
    text = caveats.markdown(articles, load)
    assert "3 article(s) from 2 outlet(s), 1–2 per outlet" in text and "fewer than 5 articles" in text
    assert "1 known only to the month, 1 unknown" in text
    assert "marked as not English (b1)" in text and "(B) are marked as translated" in text
    assert "1 loaded with warnings, 1 rejected" in text


def test_findings_take_the_analyses_own_tests() -> None:
    tests = pd.DataFrame([
        {"actor": "Actor X", "voice": "own", "outlet": "A", "n_articles": 12, "n_rest": 9, "mean": -0.4,
         "mean_rest": 0.2, "difference": -0.6, "ci_low": -0.9, "ci_high": -0.3, "p_adjusted": 0.004,
         "supported": "True"},
        {"actor": "Actor Y", "voice": "own", "outlet": "B", "n_articles": 9, "n_rest": 12, "mean": 0.1,
         "mean_rest": 0.0, "difference": 0.1, "ci_low": -0.2, "ci_high": 0.4, "p_adjusted": 0.6,
         "supported": "False"}])
    stance = findings.stance_findings(tests)
    assert [line.text.split(" (")[0] for line in stance["A"]] == [
        "writes more negatively about Actor X than the other outlets"]
    assert stance["A"][0].n == "12 vs 9 articles" and list(stance) == ["A"]
    frames = pd.DataFrame([
        {"outlet": "A", "frame": "Economic", "n_articles": 8, "n_rest": 20, "mean": 0.6, "mean_rest": 0.3,
         "difference": 0.3, "ci_low": 0.1, "ci_high": 0.5, "p_adjusted": 0.02, "supported": "True"},
        {"outlet": "B", "frame": "Economic", "n_articles": 7, "n_rest": 21, "mean": 0.3, "mean_rest": 0.4,
         "difference": -0.1, "ci_low": -0.3, "ci_high": 0.1, "p_adjusted": 0.4, "supported": "False"}])
    found = findings.frame_findings(frames)
    assert list(found) == ["A"] and found["A"][0].text.startswith("carries Economic more than the other outlets")


def test_no_notebook_names_the_seed_outlets() -> None:
    outlets = set(pd.read_csv(paths.MANIFEST)["outlet"].dropna())
    assert len(outlets) >= 3
    for notebook in runner.notebook_paths():
        text = "\n".join(cell.source for cell in nbformat.read(notebook, as_version=4).cells)
        assert not [outlet for outlet in outlets if outlet in text], notebook.name


def test_row_numbers_are_hidden_and_text_columns_left_aligned() -> None:
    frame = pd.DataFrame({"outlet": ["A", "B", "C"], "share": [0.5, 0.25, 0.125]})
    assert not tabledisplay.shows_index(frame[frame["share"] < 0.4])
    assert tabledisplay.shows_index(frame.set_index("outlet"))
    html = tabledisplay.interactive_html(frame)
    assert '"columnDefs": [{"className": "dt-left", "targets": [0]}]' in html


def test_evidence_sentences_keep_a_readable_width(seed_study) -> None:
    """Seed sentences as the evidence column: it is marked prose (kept wide); no column width is fixed."""
    sentences = seed_study.sentences.head(20)
    frame = pd.DataFrame({"article_id": sentences["article_id"], "evidence": sentences["text"],
                          "start_char": sentences["start_char"]})
    html = tabledisplay.interactive_html(frame)
    assert '{"className": "dt-left presslens-prose", "targets": [1]}' in html
    assert '"autoWidth": false' in html and html.startswith(tabledisplay.TABLE_CSS)
