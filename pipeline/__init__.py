"""boilerstrip: clean scraped news text for NLP.

>>> from pipeline import clean_text
>>> doc = clean_text("Headline here\\n\\nAdvertisement\\nThe council met on Monday.")
>>> doc.title, doc.text
('Headline here', 'The council met on Monday.')
"""

from pipeline.chain import CleanOptions, clean_bytes, clean_document, clean_html, clean_text
from pipeline.document import Document, Removal
from pipeline.errors import BoilerstripError, DocumentError, RuleError
from pipeline.rules import RuleSet, load_rules

__version__ = "0.1.0"

__all__ = [
    "BoilerstripError",
    "CleanOptions",
    "Document",
    "DocumentError",
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
