"""The README stays true: its model table is the catalog's."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_model_table_is_current():
    spec = importlib.util.spec_from_file_location("readme_table", ROOT / "tools" / "readme_table.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    text = (ROOT / "README.md").read_text()
    assert tool.render(text) == text, "README model table is stale: run `python tools/readme_table.py`"
