#!/usr/bin/env python3
"""Writes a large, fictional student roster (學生名冊) for measuring `folio roster import`.

Usage: Benchmarks/make-roster.py COUNT OUT.csv [--rename-every N]

The CSV is what Excel's "CSV UTF-8" writes (BOM, CRLF), with every column `roster import students` reads.
Everything is fictional and deterministic: student numbers 7000001, 7000002, ...; names drawn from fixed lists
by the row's number; national IDs built from the number and completed with their check digit, exactly as
NationalID.withCheckDigit(prefix:) does, so every one passes folio's checksum; addresses on roads that do not
exist (虛構區, 範例路). With --rename-every N, every N-th student's given name differs from the plain file's,
so importing the plain file and then this one changes COUNT/N names.
"""
import sys

LETTERS = {"A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18, "K": 19,
           "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27, "U": 28, "V": 29,
           "W": 32, "X": 30, "Y": 31, "Z": 33}
FAMILY = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐"
GIVEN = ["志豪", "怡君", "家瑋", "詩涵", "柏翰", "佳穎", "冠廷", "宇翔", "雅婷", "俊傑", "美玲", "建宏", "淑芬", "承恩", "品妤"]
OTHER = ["子晴", "宥辰", "若瑜", "睿哲"]


def national_id(n):
    """A fictional ID: a letter and sex digit from n, seven digits of n, and the check digit."""
    letter = "ABCDEFGHJKLMNPQRSTUVXYWZIO"[n % 26]
    prefix = letter + "12"[n % 2] + "%07d" % (n % 10_000_000)
    value = LETTERS[letter]
    total = value // 10 + (value % 10) * 9
    for digit, weight in zip(prefix[1:], [8, 7, 6, 5, 4, 3, 2, 1]):
        total += int(digit) * weight
    return prefix + str((10 - total % 10) % 10)


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    count, out = int(sys.argv[1]), sys.argv[2]
    rename_every = int(sys.argv[4]) if len(sys.argv) == 5 and sys.argv[3] == "--rename-every" else 0
    rows = ["學號,姓名,身分證號,出生日期,班級,年級,通訊地址,狀態,原就讀學校"]
    for i in range(1, count + 1):
        grade = 10 + i % 3
        given = OTHER[i % len(OTHER)] if rename_every and i % rename_every == 0 else GIVEN[i % len(GIVEN)]
        birth = "%03d%02d%02d" % (97 - (grade - 10), 1 + i % 12, 1 + i % 28)
        rows.append(",".join([str(7_000_000 + i), FAMILY[i % len(FAMILY)] + given, national_id(i), birth,
                              "%d%02d" % (grade - 9, 1 + i % 40), str(grade), "臺北市虛構區範例路%d號" % (1 + i % 500),
                              "在學", ""]))
    with open(out, "wb") as f:
        f.write(b"\xef\xbb\xbf" + ("\r\n".join(rows) + "\r\n").encode("utf-8"))


if __name__ == "__main__":
    main()
