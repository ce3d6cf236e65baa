"""The stages of the cleaning chain, one module each, and what they have in common.

A stage is a small object with a name and one function from
:class:`~pipeline.document.Document` to Document, bound to the options when
the chain is built (so a stage loads its rules or model once, not per
document). :mod:`pipeline.chain` lists the stages in order; nothing else
names them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from pipeline.document import Document
from pipeline.options import CleanOptions


class Stage(ABC):
    """One named step of the chain (datatrove's ``PipelineStep`` and ftfy's fixers are the models)."""

    #: How the stage is named in rejects, timings and batch stage files.
    name: ClassVar[str]

    def __init__(self, options: CleanOptions) -> None:
        self.options = options

    @abstractmethod
    def __call__(self, doc: Document) -> Document:
        """The document with this stage's work done; raises a DocumentError for input it refuses."""

    def fingerprint(self) -> dict[str, object] | None:
        """What, besides the package version and the input, changes this stage's output: the
        options it reads and the versions of the libraries it calls. Batch runs key their
        intermediate files on it, so a change reruns exactly the stages it affects."""
        return None

    def __repr__(self) -> str:
        return f"<stage {self.name}>"
