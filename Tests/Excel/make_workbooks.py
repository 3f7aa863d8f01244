#!/usr/bin/env python3
"""Makes the Excel workbooks (.xlsx) the roster import tests read, each beside the CSV file it must read as.

    make_workbooks.py SAMPLE_ROSTER_FOLDER OUT_FOLDER

Workbooks made by openpyxl (what Excel writes: shared strings, rich text, numbers, dates by number format):
  students.xlsx      the sample's students.csv with every kind of cell: 學號 and 班級 as numbers, 年級 as a number
                     stored as text, 姓名 once as rich text, 出生日期 as dates in three number formats, empty and
                     missing cells, an empty row in the middle and formatted empty rows at the end.
                     Twin: students.csv (the sample's rows, dates written as ISO dates).
  students-new.xlsx  the same with one more student (113030 王小明); students-bad.xlsx with a wrong ID on row 8.
  two-sheets.xlsx    a notes sheet first, then the same students on a sheet named 學生 (read with --sheet 學生).
  grades.xlsx        學業成績 on a second sheet 成績, scores as numbers. Twin: grades.csv.
  staff.xlsx, courses.xlsx   the sample's staff.csv and courses.csv, cell for cell. Twins: staff.csv, courses.csv.
Workbooks written part by part (what other programs write, which openpyxl cannot):
  handmade.xlsx      inline strings, t="str", booleans, a 1904 date system, rows and cells without references,
                     a row that skips numbers, a rich inline string, _x000D_ escapes, a shared string with a
                     phonetic guide. Twin: handmade.csv.
  bomb.xlsx          a sheet that inflates to 80 MB of spaces from a file of a few hundred kB.
  error-value.xlsx   a cell holding #N/A.
  doctype.xlsx       a sheet that declares entities (the billion laughs, made small).
"""
import csv
import datetime
import os
import sys
import zipfile

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

source, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def read_csv(name):
    with open(os.path.join(source, name), encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write_csv(name, rows):
    with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def fixed(book, name):
    """Saves with a fixed modification time, so that the same script makes the same bytes."""
    book.properties.created = datetime.datetime(2025, 1, 8, 9, 0, 0)
    book.properties.modified = datetime.datetime(2025, 1, 8, 9, 0, 0)
    book.save(os.path.join(out, name))


def roc_to_date(text):
    """0951105 (民國 95 年 11 月 5 日) as a date."""
    return datetime.date(int(text[:-4]) + 1911, int(text[-4:-2]), int(text[-2:]))


# students.xlsx and its twin
students = read_csv("students.csv")
header, rows = students[0], students[1:]
number, name, nid, birth, klass, grade = (header.index(h) for h in ["學號", "姓名", "身分證號", "出生日期", "班級", "年級"])
date_formats = ["yyyy-mm-dd", "mm-dd-yy", 'yyyy"年"m"月"d"日"']  # custom, built-in 14, custom with quoted text


def fill_students(sheet, first_row=1):
    twin = [header]
    sheet.append(header) if first_row == 1 else None
    r = first_row
    for i, row in enumerate(rows):
        r += 1
        if i == 3:
            r += 1  # an empty row: Excel's row numbers go on, the CSV twin has no line for it
        twin_row = list(row)
        for c, value in enumerate(row):
            cell = sheet.cell(row=r, column=c + 1)
            if value == "":
                continue  # a missing cell
            if c in (number, klass):
                cell.value = int(value)
            elif c == grade:
                cell.value = value  # a number stored as text
            elif c == birth:
                cell.value = roc_to_date(value)
                cell.number_format = date_formats[i % len(date_formats)]
                twin_row[c] = cell.value.isoformat()
            elif c == name and i == 1:
                cell.value = CellRichText([TextBlock(InlineFont(b=True), value[:1]), value[1:]])
            else:
                cell.value = value
        twin.append(twin_row)
    # Formatted cells below the table hold nothing: they are no rows.
    for extra in range(r + 1, r + 4):
        sheet.cell(row=extra, column=1).number_format = "@"
    sheet.cell(row=r + 2, column=2).value = ""
    return twin


book = openpyxl.Workbook()
sheet = book.active
sheet.title = "學生名冊"
twin = fill_students(sheet)
fixed(book, "students.xlsx")
write_csv("students.csv", twin)

# students-new.xlsx: one more student on the row after the last; students-bad.xlsx: the student on row 8 with a
# national ID whose check digit is wrong.
book = openpyxl.load_workbook(os.path.join(out, "students.xlsx"))
sheet = book.active
last = max(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value is not None)
new = ["113030", "王小明", "A123456001", datetime.date(2009, 1, 1), 103, "10", "臺北市虛構區範例路1號", "在學", None]
for c, value in enumerate(new):
    sheet.cell(row=last + 1, column=c + 1).value = int(value) if c == 0 else value
sheet.cell(row=last + 1, column=birth + 1).number_format = "yyyy/m/d"
fixed(book, "students-new.xlsx")
book = openpyxl.load_workbook(os.path.join(out, "students.xlsx"))
book.active.cell(row=8, column=nid + 1).value = "A123456789"[:-1] + "0"
fixed(book, "students-bad.xlsx")

book = openpyxl.Workbook()
notes = book.active
notes.title = "說明"
notes["A1"] = "113 學年度學生名冊（測試用，虛構資料）"
notes["A2"] = 42
fill_students(book.create_sheet("學生"))
fixed(book, "two-sheets.xlsx")

for name in ["staff.csv", "courses.csv"]:
    table = read_csv(name)
    book = openpyxl.Workbook()
    for row in table:
        book.active.append(row)
    fixed(book, name.replace(".csv", ".xlsx"))
    write_csv(name, table)

# grades.xlsx: 學業成績 (record grade --csv) on a second sheet 成績, scores as numbers (87.5 and 90).
grades = [["學號", "學期", "科目名稱", "學分數", "成績"], ["112002", "113-1", "物理", "2", "87.5"], ["112001", "113-1", "歷史", "2", "90"]]
book = openpyxl.Workbook()
book.active.title = "封面"
book.active["B2"] = "學業成績"
sheet = book.create_sheet("成績")
for row in grades:
    sheet.append([int(v) if v.isdigit() and c != 1 else float(v) if c == 4 and "." in v else v for c, v in enumerate(row)])
fixed(book, "grades.xlsx")
write_csv("grades.csv", grades)

# handmade.xlsx: parts as another program might write them.
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""


def workbook_xml(date1904=False, prefix=""):
    p = prefix + ":" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<{p}workbookPr{' date1904="1"' if date1904 else ''}/>
<{p}sheets><{p}sheet name="資料" sheetId="7" r:id="rIdData"/></{p}sheets>
</{p}workbook>"""


WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rIdData" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>
<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
# Style 0 General, 1 built-in date 14, 2 custom 民國 date, 3 six zeros, 4 a number with " days" quoted (no date).
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="170" formatCode="[$-404]e/m/d;@"/><numFmt numFmtId="171" formatCode="000000"/>
<numFmt numFmtId="172" formatCode="0&quot; days&quot;"/></numFmts>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="170"/><xf numFmtId="171"/><xf numFmtId="172"/></cellXfs>
</styleSheet>"""
SHARED = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
<si><t>學號</t></si><si><t>姓名</t></si>
<si><t>林志豪</t><rPh sb="0" eb="1"><t>リン</t></rPh><phoneticPr fontId="1"/></si>
<si><r><rPr><b/></rPr><t xml:space="preserve">許 </t></r><r><t>怡君</t></r></si>
</sst>"""
SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>日期</x:t></x:is></x:c>
<x:c r="D1" t="str"><x:v>民國</x:v></x:c><x:c r="E1" t="inlineStr"><x:is><x:t>是否</x:t></x:is></x:c><x:c r="F1" t="inlineStr"><x:is><x:t>編號</x:t></x:is></x:c>
<x:c r="G1" t="inlineStr"><x:is><x:t>天數</x:t></x:is></x:c><x:c r="H1" t="inlineStr"><x:is><x:t>備註</x:t></x:is></x:c></x:row>
<x:row r="2"><x:c r="A2"><x:v>112001</x:v></x:c><x:c r="B2" t="s"><x:v>2</x:v></x:c><x:c r="C2" s="1"><x:v>43830</x:v></x:c>
<x:c r="D2" s="2"><x:v>43831.5</x:v></x:c><x:c r="E2" t="b"><x:v>1</x:v></x:c><x:c r="F2" s="3"><x:v>42</x:v></x:c>
<x:c r="G2" s="4"><x:v>3</x:v></x:c><x:c r="H2" t="inlineStr"><x:is><x:r><x:t>第一行_x000D_</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>
第二行</x:t></x:r></x:is></x:c></x:row>
<x:row r="5"><x:c><x:v>112002</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c><x:c s="1"><x:v>0</x:v></x:c>
<x:c r="E5" t="b"><x:v>0</x:v></x:c><x:c r="G5"><x:v>2.5</x:v></x:c><x:c r="H5" t="str"><x:f>"=A1"</x:f><x:v>公式的值</x:v></x:c></x:row>
<x:row><x:c r="A6" t="str"><x:v>  112003  </x:v></x:c><x:c r="H6"/></x:row>
<x:row r="9" spans="1:8"><x:c r="C9" s="1"/><x:c r="D9" t="s"/></x:row>
</x:sheetData>
</x:worksheet>"""
# In the 1904 system 43830 is 2024-01-01 (45292 in the 1900 system), 43831.5 noon of 2024-01-02, 0 1904-01-01.
HANDMADE_TWIN = [
    ["學號", "姓名", "日期", "民國", "是否", "編號", "天數", "備註"],
    ["112001", "林志豪", "2024-01-01", "2024-01-02", "TRUE", "000042", "3", "第一行\r\n第二行"],
    ["112002", "許 怡君", "1904-01-01", "", "FALSE", "", "2.5", "公式的值"],
    ["112003", "", "", "", "", "", "", ""],
]


def write_zip(name, parts, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(os.path.join(out, name), "w", compression) as z:
        for part, text in parts:
            info = zipfile.ZipInfo(part, date_time=(2025, 1, 8, 9, 0, 0))
            info.compress_type = compression
            z.writestr(info, text.encode("utf-8") if isinstance(text, str) else text)


def handmade_parts(sheet, date1904=True, prefix="x"):
    return [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", workbook_xml(date1904, prefix)), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES), ("xl/sharedStrings.xml", SHARED), ("xl/worksheets/data.xml", sheet)]


write_zip("handmade.xlsx", handmade_parts(SHEET))
write_csv("handmade.csv", HANDMADE_TWIN)

# bomb.xlsx: 80 MB of spaces inside the sheet's first row compress to well under a megabyte.
head = SHEET.split("<x:sheetData>")[0] + "<x:sheetData><x:row r=\"1\">"
with zipfile.ZipFile(os.path.join(out, "bomb.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
    for part, text in handmade_parts(SHEET)[:-1]:
        z.writestr(zipfile.ZipInfo(part, date_time=(2025, 1, 8, 9, 0, 0)), text)
    info = zipfile.ZipInfo("xl/worksheets/data.xml", date_time=(2025, 1, 8, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w", force_zip64=True) as f:
        f.write(head.encode())
        block = b" " * (1 << 20)
        for _ in range(80):
            f.write(block)
        f.write(b"</x:row></x:sheetData></x:worksheet>")

laughs = SHEET.replace('<x:worksheet', '<!DOCTYPE x:worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<x:worksheet', 1)
write_zip("doctype.xlsx", handmade_parts(laughs.replace("<x:v>  112003  </x:v>", "<x:v>&b;</x:v>")))

error_sheet = SHEET.replace('<x:c r="B2" t="s"><x:v>2</x:v></x:c>', '<x:c r="B2" t="e"><x:v>#N/A</x:v></x:c>')
write_zip("error-value.xlsx", handmade_parts(error_sheet))
