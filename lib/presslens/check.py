"""``presslens check CORPUS``: load, clean and de-duplicate a corpus and account for every record, no parsing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from presslens.clean import clean_corpus
from presslens.corpus import MAX_CHARS, load_with_report, note_cleaning_warnings
from presslens.dedup import find_duplicates
from presslens.outputs import RunOutputs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens check``."""
    from presslens.arguments import column_map_value, existing_path, output_path

    parser.add_argument("corpus", type=existing_path, help="a manifest folder, a CSV/JSONL/Parquet file, or a folder")
    parser.add_argument("--column-map", type=column_map_value, metavar="PRESET|FILE",
                        help="a column preset of data/rules/column_presets.yaml (e.g. abp) or a YAML/JSON file of "
                        "source column: presslens column")
    parser.add_argument("--out", type=output_path, help="write load_report.csv, cleaning_removals.csv and "
                        "duplicates.csv under OUT/tables")
    parser.add_argument("--max-chars", type=int, default=MAX_CHARS, metavar="N",
                        help=f"reject articles longer than N characters (default {MAX_CHARS:,}; 0: no limit)")
    parser.add_argument("--english-only", action="store_true",
                        help="reject articles that do not read as English (default: load them with a warning)")


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Check a corpus; returns counts by load status, cleaning rule and duplicate kind."""
    articles, report = load_with_report(args.corpus, column_map=args.column_map, max_chars=args.max_chars or None,
                                        english_only=args.english_only)
    cleaned, removals = clean_corpus(articles, progress=True)
    report = note_cleaning_warnings(report, cleaned.attrs.get("cleaning_warnings", {}))
    duplicates = find_duplicates(cleaned)
    if args.out:
        outputs = RunOutputs(Path(args.out))
        for frame, name in ((report, "load_report"), (removals, "cleaning_removals"), (duplicates, "duplicates")):
            outputs.table(frame, name)
    return {
        "corpus": str(args.corpus),
        "records": len(report),
        "status": report["status"].value_counts().sort_index().to_dict(),
        "rejected_examples": report[report["status"] == "rejected"].head(5)[["record", "reason"]].to_dict("records"),
        "warning_examples": report[report["status"] == "loaded_with_warnings"].head(5)[["record", "reason"]]
        .to_dict("records"),
        "encodings": report.loc[report["encoding"] != "", "encoding"].value_counts().sort_index().to_dict(),
        "ignored_columns": articles.attrs.get("ignored_columns", []),
        "outlets": int(cleaned["outlet"].nunique()),
        "removals_by_rule": removals["rule"].value_counts().sort_index().to_dict(),
        "duplicates_by_kind": duplicates["kind"].value_counts().sort_index().to_dict(),
    }
