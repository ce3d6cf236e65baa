"""The learned line model (issue 11): P(boilerplate) of each line of a document.

:class:`LineModel` loads the shipped weights (``line_model.json.gz`` beside this file,
made by ``python -m training.train_line_model``; see training/README.md) and scores
a document's lines in pure Python; :func:`decide` turns scores and the rules'
removals into the final verdict, the one definition the chain's stage and the
benchmarks share.
"""

from pipeline.linemodel.model import DEFAULT_PATH, FORMAT_VERSION, LineModel, decide

__all__ = ["DEFAULT_PATH", "FORMAT_VERSION", "LineModel", "decide"]
