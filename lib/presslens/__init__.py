"""presslens: compare how news outlets cover the same story, with every result traceable to the text."""

__version__ = "0.1.0"

# Bump when cleaning or the presslens pipeline components change what a parsed Doc contains:
# the parse cache is keyed by it, so old entries stop matching.
PIPELINE_VERSION = "1"
