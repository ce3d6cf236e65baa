"""The learned line model (issue 11): P(boilerplate) of each line of a document.

:class:`LineModel` loads the shipped weights (``line_model.json.gz`` beside this file,
made by ``python -m training.train_line_model``; see training/README.md) and scores
a document's lines in pure Python; the chain's stage
(:func:`pipeline.stages.line_model.model_removals`) decides which lines go.
"""

from pipeline.linemodel.model import DEFAULT_PATH, FORMAT_VERSION, LineModel

__all__ = ["DEFAULT_PATH", "FORMAT_VERSION", "LineModel"]
