#!/usr/bin/env python3
"""Reads an .xlsx workbook with openpyxl, an independent reader, and prints what the tests compare as JSON: per sheet
its name, its cells row by row (text as strings, numbers as numbers, an empty cell as null), the frozen pane, the
column widths that were set, and whether each header cell is bold. Used by WorkbookTests
(Tests/FolioCLITests/WorkbookTests.swift); `Scripts/install-deps --tests` installs openpyxl."""
import json
import sys

try:
    import openpyxl
except ImportError:
    sys.exit("openpyxl is missing: run ./Scripts/install-deps --tests")

book = openpyxl.load_workbook(sys.argv[1])
sheets = []
for sheet in book.worksheets:
    rows = []
    for row in sheet.iter_rows():
        rows.append([{"s": c.value} if isinstance(c.value, str) else {"n": c.value} if isinstance(c.value, (int, float)) else None
                     for c in row])
    widths = {}
    for letter, dimension in sheet.column_dimensions.items():
        if dimension.customWidth:
            widths[letter] = dimension.width
    sheets.append({
        "name": sheet.title,
        "rows": rows,
        "freeze": sheet.freeze_panes,
        "widths": widths,
        "boldHeader": [bool(c.font and c.font.b) for c in next(sheet.iter_rows(max_row=1), [])],
        "filter": sheet.auto_filter.ref,
    })
print(json.dumps({"title": book.properties.title, "created": book.properties.created.isoformat() if book.properties.created else None,
                  "sheets": sheets}, ensure_ascii=False))
