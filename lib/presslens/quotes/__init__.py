"""Quote attribution: who is quoted, saying what, reported how (direct, indirect and mixed quotes)."""

from presslens.quotes.extract import Attribution, extract_quotes, find_quote_blocks
from presslens.quotes.lexicons import reporting_verbs
from presslens.quotes.statements import statement_links, statements_table
from presslens.quotes.tables import (
    canonical_quotes,
    corpus_attributions,
    evaluative_share,
    quotes_table,
    reporting_verbs_by_outlet,
    share_by_outlet,
    speakers_table,
    statements_side_by_side,
    top_speakers,
    unknown_category_share,
)

from presslens.quotes import evaluate  # noqa: E402,F401  (registers `presslens eval quotes`)

__all__ = [
    "Attribution", "canonical_quotes", "corpus_attributions", "evaluative_share", "extract_quotes", "find_quote_blocks",
    "quotes_table",
    "reporting_verbs", "reporting_verbs_by_outlet", "share_by_outlet", "speakers_table", "statement_links",
    "statements_side_by_side", "statements_table", "top_speakers", "unknown_category_share",
]
