#!/usr/bin/env python3
"""Regenerates SampleWorkspace/roster/students.csv (UTF-8 with BOM, CRLF, as Excel's "CSV UTF-8" writes it),
students-big5.csv (the header and first four students in CP950, via the iconv command), and students.xlsx: the
term's roster as the school administration system exports it to Excel, the same students with their seat numbers
(座號) and postal codes (郵遞區號), birth dates as dates (written by openpyxl; the demo imports it).

Every person, ID, address and school code here is fictional. The IDs were produced by
NationalID.withCheckDigit(prefix:) from the first nine characters; SampleRosterTests checks that they still are.
Birth dates are 7-digit ROC dates, as school administration systems export them; ages fit grades 10-12 in
academic year 113 (2024-25). Student numbers start with the academic year of entry (111 = grade 12 in 113).
Addresses use district and road names that do not exist (虛構區, 範例區, 示例區, 範例路, 示範街 ...).
"""
import os
import subprocess

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "SampleWorkspace", "roster")
HEADER = ["學號", "姓名", "身分證號", "出生日期", "班級", "年級", "通訊地址", "狀態", "原就讀學校"]
ROWS = [
    ["111001", "林志豪", "A104827366", "0951105", "301", "12", "臺北市虛構區範例路一段1號", "在學", ""],
    ["111002", "許怡君", "F220391859", "0960214", "301", "12", "臺北市虛構區示範街23巷5號2樓", "在學", ""],
    ["111015", "張家瑋", "B128745031", "0960630", "302", "12", "臺北市範例區測試大道88號", "離校", ""],
    ["111016", "黃詩涵", "A226510942", "0960817", "302", "12", "臺北市範例區樣本路7弄3號", "在學", ""],
    ["112001", "吳柏翰", "A133906723", "0961012", "201", "11", "臺北市示例區假想街45號", "在學", ""],
    ["112002", "蔡佳穎", "F227184503", "0970128", "201", "11", "臺北市虛構區範例路二段120號5樓", "在學", ""],
    ["112020", "劉冠廷", "H120563819", "0970419", "202", "11", "臺北市示例區練習巷9號", "在學", "013399"],
    ["112021", "阮氏蘭", "A900314828", "0970705", "202", "11", "臺北市範例區測試大道150號3樓", "在學", ""],
    ["113001", "鄭宇翔", "A129473060", "0971203", "101", "10", "臺北市虛構區示範街61號", "在學", ""],
    ["113002", "謝雅婷", "E221084576", "0980315", "101", "10", "臺北市示例區假想街12巷2號", "在學", ""],
    ["113025", "許志明", "A116739200", "0980522", "102", "10", "臺北市範例區樣本路33號4樓", "在學", ""],
    ["113026", "李安娜", "FD04527182", "0980709", "102", "10", "臺北市虛構區範例路三段8號", "在學", ""],
]


# 座號 within each class, and 郵遞區號 (3+2 digits) of each address; the districts are fictional, the codes only
# have the right shape.
SEATS_AND_POSTAL = {
    "111001": (1, "10041"), "111002": (2, "10042"), "111015": (15, "10876"), "111016": (16, "10877"),
    "112001": (3, "11060"), "112002": (1, "10043"), "112020": (20, "11061"), "112021": (21, "10878"),
    "113001": (2, "10044"), "113002": (1, "11062"), "113025": (25, "10879"), "113026": (26, "10045"),
}


def workbook(path):
    import datetime
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "學生名冊"
    sheet.append(HEADER + ["座號", "郵遞區號"])
    for row in ROWS:
        roc = row[3]
        born = datetime.datetime(int(roc[:3]) + 1911, int(roc[3:5]), int(roc[5:]))
        seat, postal = SEATS_AND_POSTAL[row[0]]
        sheet.append(row[:3] + [born] + row[4:] + [seat, postal])
        sheet.cell(row=sheet.max_row, column=4).number_format = "yyyy/mm/dd"
    fixed = datetime.datetime(2025, 8, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.save(path)


def csv_text(rows):
    # No field needs quoting (no commas, quotes or line breaks), so plain joins are exact.
    return "".join(",".join(r) + "\r\n" for r in [HEADER] + rows)


if __name__ == "__main__":
    with open(os.path.join(HERE, "students.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + csv_text(ROWS).encode("utf-8"))
    big5 = subprocess.run(["iconv", "-f", "UTF-8", "-t", "CP950"], input=csv_text(ROWS[:4]).encode("utf-8"),
                          capture_output=True, check=True).stdout
    with open(os.path.join(HERE, "students-big5.csv"), "wb") as f:
        f.write(big5)
    workbook(os.path.join(HERE, "students.xlsx"))
