"""Training and evaluation data for a learned line model (boilerplate or main text, line by line).

``python -m training.make_lines --out DIR`` turns the shared development pages
(``../shared/datasets``) into labelled lines; see ``training/README.md``. Page text and
the lines made from it never enter the repository: the script writes outside it.
"""
