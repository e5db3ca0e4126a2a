"""Rewrite the README's model table from the catalog: `python tools/readme_table.py`.

The table lies between the markers below; tests/test_readme.py fails when it is out of date.
"""

from pathlib import Path

import zoo

BEGIN, END = "<!-- model-table:begin -->", "<!-- model-table:end -->"
README = Path(__file__).resolve().parents[1] / "README.md"


def table() -> str:
    rows = ["| model | family | input | params | GMACs | reference |", "|---|---|---|---:|---:|---|"]
    for name in zoo.list_models():
        i = zoo.model_info(name)
        params = f"{i.params / 1e6:.2f} M" if i.params else ""
        gmacs = "" if i.gmacs is None else f"{i.gmacs:.3f}" if i.gmacs >= 0.01 else f"{i.gmacs:.2g}"  # LeNet-5: 0.00042
        rows.append(f"| `{name}` | {i.family} | {i.input_size[1]} | {params} | {gmacs} | {i.reference} |")
    return "\n".join(rows)


def render(text: str) -> str:
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


if __name__ == "__main__":
    README.write_text(render(README.read_text()))
