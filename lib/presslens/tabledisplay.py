"""Tables as a reader sees them in the report: rounded, readable column names, sortable and searchable (itables).

``presslens run`` calls :func:`use_interactive_tables` in a hidden cell before a notebook runs; every DataFrame
a cell shows then renders as a DataTables table whose JavaScript is embedded in the page (no network).
"""

from __future__ import annotations

import re

import pandas as pd

#: Decimals shown for floats in tables (the CSV files under tables/ keep full precision).
DECIMALS = 3
#: Rows per page; longer tables are paginated.
PAGE_LENGTH = 10
#: Above this many bytes of table data itables shows a sample (the full table is always in tables/*.csv).
MAX_BYTES = 2 ** 20
#: Text columns whose values average more characters than this are prose (evidence sentences): kept wide.
PROSE_CHARS = 60
#: Columns sized by their content (the notebook HTML sets a fixed table layout), prose kept readable, text kept
#: inside its cell, and a table wider than the page scrolled sideways.
TABLE_CSS = ("<style>table.dataTable{table-layout:auto !important}table.dataTable td.presslens-prose{min-width:26em}"
             "table.dataTable td{overflow-wrap:break-word}div.dt-container{overflow-x:auto}</style>")
#: Words of column names that read better spelled out or capitalised.
WORDS = {"ci": "CI", "id": "id", "n": "n", "pct": "%", "dct": "DCT", "rw": "rw", "mt": "mt", "f1": "F1"}


def readable_name(column: object) -> str:
    """A column name for people: ``ci_low`` -> "CI low", ``small_n`` -> "small n", ``reason_x`` -> "reason x"."""
    if not isinstance(column, str):
        return str(column)
    words = [word for word in re.split(r"[_\s]+", column) if word]
    return " ".join(WORDS.get(word.lower(), word) for word in words) or column


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with floats rounded, missing values blank and readable column (and index) names."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_float_dtype(values):
            shown[column] = values.round(DECIMALS).astype(object).where(values.notna(), "")
        elif pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            shown[column] = values.astype(object).where(values.notna(), "")
    shown.columns = [readable_name(c) for c in shown.columns] if not isinstance(shown.columns, pd.MultiIndex) \
        else shown.columns
    shown.index.names = [readable_name(n) if n is not None else None for n in shown.index.names]
    return shown


def shows_index(frame: pd.DataFrame) -> bool:
    """Whether a table's index carries information: it is named, or holds more than row numbers."""
    index = frame.index
    return any(name is not None for name in index.names) or not pd.api.types.is_integer_dtype(index)


def interactive_html(frame: pd.DataFrame) -> str:
    """HTML of ``frame`` as a sortable, searchable, paginated table with the DataTables code embedded.

    Text columns are left-aligned (numbers stay right-aligned), and prose columns (evidence sentences) keep a
    readable width; DataTables does not fix column widths, so a long id widens its own column.
    """
    import itables

    shown, with_index = for_people(frame), shows_index(frame)
    offset = frame.index.nlevels if with_index else 0
    text = [offset + i for i, column in enumerate(frame.columns) if not pd.api.types.is_numeric_dtype(frame[column])]
    prose = [offset + i for i, column in enumerate(frame.columns)
             if offset + i in text and frame[column].astype(str).str.len().mean() > PROSE_CHARS]
    columns = [{"className": "dt-left", "targets": text}] * bool(text) + \
        [{"className": "dt-left presslens-prose", "targets": prose}] * bool(prose)
    table = itables.to_html_datatable(shown, connected=False, pageLength=PAGE_LENGTH, maxBytes=MAX_BYTES,
                                      classes="display compact", style="width:100%", showIndex=with_index,
                                      autoWidth=False, **({"columnDefs": columns} if columns else {}))
    return TABLE_CSS + table


def styler_html(styler: "pd.io.formats.style.Styler") -> str:
    """A pandas Styler's data as an interactive table (its index shown only when it is not hidden)."""
    frame = styler.data if not styler.hide_index_[0] else styler.data.reset_index(drop=True)
    return interactive_html(frame)


def use_interactive_tables() -> None:
    """In a running notebook: embed DataTables once and show every DataFrame (and Styler) as an interactive table."""
    import itables
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    itables.init_notebook_mode(all_interactive=False, connected=False)
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, interactive_html)
    html.for_type(pd.io.formats.style.Styler, styler_html)
    # a cell that ends in a sentence shows the sentence, not its Python repr with quotes
    shell.display_formatter.formatters["text/plain"].for_type(str, lambda text, printer, cycle: printer.text(text))
