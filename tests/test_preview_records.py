"""The records a preview builds for its added rows are the ones their constructors make."""

from dataclasses import fields

from ledger.excel.preview import _builder
from ledger.model import KINDS


def test_preview_builds_records_equal_to_their_constructors():
    for k in KINDS.values():
        values = {f.name: (("a", "b") if f.type == "aliases" else f"v {f.name}") for f in fields(k.cls) if f.name != "id"}
        built, made = _builder(k.cls)(values, 7), k.cls(**values, id=7)
        assert built == made and hash(built) == hash(made) and repr(built) == repr(made)
