"""Corpus-level passes: what needs more than one document at a time (duplicate detection).

Nothing here is imported on the plain ``clean`` path: the modules load their
libraries (rensa) only when a corpus pass asks for them.
"""
