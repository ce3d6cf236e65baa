"""Regenerate fixtures/expected/ from the current cleaner.

Only for after a deliberate behaviour change: review `git diff fixtures/expected`
line by line before committing; the expected files are the tests' ground truth.

    python tests/regen_expected.py
"""

import json
from pathlib import Path

from pipeline import clean_bytes

ROOT = Path(__file__).resolve().parent.parent
for seed in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")):
    doc = clean_bytes(seed.read_bytes(), id=seed.name)
    out = ROOT / "fixtures" / "expected"
    (out / seed.name).write_text(doc.rendered(), encoding="utf-8")
    meta = {k: getattr(doc, k) for k in ("title", "date", "publisher", "author", "language", "encoding")}
    meta["removed"] = [[r.rule, r.text] for r in doc.removed]
    (out / (seed.stem + ".json")).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("wrote", seed.name)
