"""python -m carepay.schemas: every extract schema as the README shows it."""

from carepay.schemas import NAMES, markdown

for name in NAMES:
    print(f"<!-- schema: {name} -->\n{markdown(name)}\n")
