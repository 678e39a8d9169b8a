"""Quote attribution: who is quoted, saying what, reported how (direct, indirect and mixed quotes)."""

from presslens.quotes.extract import Attribution, extract_quotes, find_quote_blocks
from presslens.quotes.lexicons import reporting_verbs

__all__ = ["Attribution", "extract_quotes", "find_quote_blocks", "reporting_verbs"]

from presslens.quotes import evaluate  # noqa: E402,F401  (registers `presslens eval quotes`)
