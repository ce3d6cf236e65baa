"""boilerstrip: clean scraped news text for NLP.

>>> from pipeline import clean_text
>>> doc = clean_text("Harbour dredging approved at last\\n\\nAdvertisement\\nThe council met on Monday.")
>>> doc.title, doc.text
('Harbour dredging approved at last', 'The council met on Monday.')
"""

__version__ = "0.1.0"

from pipeline.chain import Chain, clean_bytes, clean_document, clean_html, clean_text
from pipeline.document import Document, Reject, Removal
from pipeline.errors import BoilerstripError, DocumentError, OutputError, RuleError
from pipeline.options import BatchOptions, CleanOptions
from pipeline.rules import RuleSet, load_rules

__all__ = [
    "BatchOptions",
    "BoilerstripError",
    "Chain",
    "CleanOptions",
    "Document",
    "DocumentError",
    "OutputError",
    "Reject",
    "Removal",
    "RuleError",
    "RuleSet",
    "__version__",
    "clean_bytes",
    "clean_document",
    "clean_html",
    "clean_text",
    "load_rules",
]
