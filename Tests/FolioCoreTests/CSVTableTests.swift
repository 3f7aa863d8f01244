import Testing
@testable import FolioCore

@Suite struct CSVTableTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    @Test func utf8WithAndWithoutBOM() throws {
        let text = "學號,姓名,班級\r\n110001,許志豪,101\r\n"
        let plain = try CSVTable.parse(bytes(text))
        let withBOM = try CSVTable.parse(bom + bytes(text))
        #expect(plain == withBOM)
        #expect(plain.header == ["學號", "姓名", "班級"])
        #expect(plain.rows == [["110001", "許志豪", "101"]])
    }

    /// The bytes below are the output of
    /// `printf '學號,姓名,班級\r\n110001,許志豪,101\r\n110002,"陳,怡君",102\r\n' | iconv -f UTF-8 -t CP950 | xxd -i`.
    /// 許 is B3 5C: its second byte is an ASCII backslash, the classic Big5 trap for byte-oriented tools.
    @Test func big5DecodesLikeItsUTF8Twin() throws {
        let big5: [UInt8] = [
            0xbe, 0xc7, 0xb8, 0xb9, 0x2c, 0xa9, 0x6d, 0xa6, 0x57, 0x2c, 0xaf, 0x5a,
            0xaf, 0xc5, 0x0d, 0x0a, 0x31, 0x31, 0x30, 0x30, 0x30, 0x31, 0x2c, 0xb3,
            0x5c, 0xa7, 0xd3, 0xbb, 0xa8, 0x2c, 0x31, 0x30, 0x31, 0x0d, 0x0a, 0x31,
            0x31, 0x30, 0x30, 0x30, 0x32, 0x2c, 0x22, 0xb3, 0xaf, 0x2c, 0xa9, 0xc9,
            0xa7, 0x67, 0x22, 0x2c, 0x31, 0x30, 0x32, 0x0d, 0x0a,
        ]
        let utf8 = "學號,姓名,班級\r\n110001,許志豪,101\r\n110002,\"陳,怡君\",102\r\n"
        let fromBig5 = try CSVTable.parse(big5)
        #expect(fromBig5 == (try CSVTable.parse(bytes(utf8))))
        #expect(fromBig5.rows[1] == ["110002", "陳,怡君", "102"])
    }

    /// 碁 is F9 D6, one of the ETEN extensions that CP950 has and plain Big5 lacks (from `iconv -t CP950`).
    @Test func cp950Extensions() throws {
        let table = try CSVTable.parse([0x61, 0x0a, 0xf9, 0xd6, 0x0a])
        #expect(table.rows == [["碁"]])
    }

    @Test func unreadableBytesNameTheLineColumnAndBytes() {
        // 0xFF never starts a character in UTF-8 or CP950.
        #expect(throws: CSVError.unreadableCharacter(line: 2, column: 3, bytes: [0xff], encoding: .big5, userDefined: false)) {
            try CSVTable.parse(self.bytes("a,b\n") + [0x31, 0x2c, 0xff, 0xff, 0x0a])
        }
        // After a BOM the file has declared itself UTF-8; broken bytes are not retried as Big5.
        #expect(throws: CSVError.unreadableCharacter(line: 3, column: 3, bytes: [0xa4], encoding: .utf8, userDefined: false)) {
            try CSVTable.parse(self.bom + self.bytes("a,b\n1,2\n") + [0x31, 0x2c, 0xa4, 0x70, 0x0a])
        }
        // Without a BOM too, a file whose Chinese lines are UTF-8 is UTF-8, and its broken line is named as such.
        #expect(throws: CSVError.unreadableCharacter(line: 3, column: 3, bytes: [0xe9], encoding: .utf8, userDefined: false)) {
            try CSVTable.parse(self.bytes("姓名,班級\n王小\u{660E},101\n") + self.bytes("陳小") + [0xe9, 0x2c, 0x31, 0x0a])
        }
    }

    /// A user-defined character (造字) is named by its line, column (in characters) and bytes, whether iconv
    /// refuses it (lead bytes 0x81–0xA0, 0xFA–0xFE) or turns it into the private use area (0xC6A1–0xC8FE).
    @Test func userDefinedBig5CharactersAreRefusedByLineColumnAndBytes() {
        // 王 is A4 FD in Big5, 陳 B3 AF.
        let header = bytes("name,class\n")
        for eudc: [UInt8] in [[0xfa, 0x40], [0x8e, 0x40], [0xc6, 0xa1]] {
            #expect(throws: CSVError.unreadableCharacter(line: 3, column: 2, bytes: eudc, encoding: .big5, userDefined: true)) {
                try CSVTable.parse(header + [0xa4, 0xfd, 0x2c, 0x31, 0x0a] + [0xb3, 0xaf] + eudc + [0x2c, 0x31, 0x0a])
            }
        }
        // Unicode's private use area in a UTF-8 file is a user-defined character too.
        #expect(throws: CSVError.unreadableCharacter(line: 2, column: 2, bytes: [0xee, 0x80, 0x80], encoding: .utf8, userDefined: true)) {
            try CSVTable.parse(self.bytes("name,class\n陳\u{E000},1\n"))
        }
    }

    @Test func quotedFields() throws {
        let text = "name,note\n\"Lin, Mei\",\"said \"\"hi\"\"\"\n\"Wang\",\"line one\r\nline two\"\nChen,\"\"\n"
        let table = try CSVTable.parse(bytes(text))
        #expect(table.rows == [
            ["Lin, Mei", "said \"hi\""],
            ["Wang", "line one\r\nline two"],
            ["Chen", ""],
        ])
    }

    @Test func lineNumbersCountPhysicalLinesAfterAQuotedNewline() {
        // The record starting on line 4 follows a field spanning lines 2–3.
        let text = "a,b\n1,\"x\ny\"\n2\n"
        #expect(throws: CSVError.wrongFieldCount(line: 4, expected: 2, found: 1)) {
            try CSVTable.parse(self.bytes(text))
        }
    }

    @Test func raggedRowNamesLine3() {
        let text = "學號,姓名,班級\n110001,王小明,101\n110002,陳怡君\n110003,林志明,101\n"
        #expect(throws: CSVError.wrongFieldCount(line: 3, expected: 3, found: 2)) {
            try CSVTable.parse(self.bytes(text))
        }
        let error = CSVError.wrongFieldCount(line: 3, expected: 3, found: 2)
        #expect(error.what.text(.en) == "Line 3 has 2 fields, but the header has 3.")
        #expect(error.what.text(.zhTW) == "第 3 行有 2 個欄位，但標題列有 3 個。")
        #expect(CSVError.wrongFieldCount(line: 3, expected: 3, found: 1).what.text(.en) == "Line 3 has 1 field, but the header has 3.")
        #expect(error.line == 3)
    }

    @Test func unterminatedQuoteNamesTheLineItOpensOn() {
        #expect(throws: CSVError.unterminatedQuote(line: 2)) {
            try CSVTable.parse(self.bytes("a,b\n1,\"open\n2,3\n"))
        }
    }

    @Test func textAfterClosingQuote() {
        #expect(throws: CSVError.textAfterClosingQuote(line: 2)) {
            try CSVTable.parse(self.bytes("a,b\n\"x\"y,2\n"))
        }
    }

    @Test func emptyFile() {
        #expect(throws: CSVError.empty) { try CSVTable.parse([]) }
        #expect(throws: CSVError.empty) { try CSVTable.parse(self.bom + self.bytes("\r\n\r\n")) }
    }

    @Test func lineEndsTrimmingAndBlankLines() throws {
        let expected = CSVTable(header: ["a", "b"], rows: [["1", "2"], ["3", ""]])
        #expect(try CSVTable.parse(bytes("a,b\n1,2\n3,\n")) == expected)
        #expect(try CSVTable.parse(bytes("a,b\r\n1,2\r\n3,")) == expected)
        #expect(try CSVTable.parse(bytes("a,b\r1,2\r3,\r")) == expected)
        #expect(try CSVTable.parse(bytes(" a , b\n\n 1 ,\t2 \n3,\n\n\n")) == expected)
        // Quoted fields keep their spaces; spaces outside the quotes go.
        #expect(try CSVTable.parse(bytes("a,b\n \" 1 \" , 2\n")).rows == [[" 1 ", "2"]])
        // A stray quote inside an unquoted field stays as text, as Excel reads it.
        #expect(try CSVTable.parse(bytes("a\n5\"3\n")).rows == [["5\"3"]])
    }

    @Test func columnAliases() throws {
        let table = try CSVTable.parse(bytes("學生學號, 姓名 ,StudentName\n1,2,3\n"))
        #expect(table.column(named: ["學號", "學生學號"]) == 0)
        #expect(table.column(named: ["姓名"]) == 1)
        #expect(table.column(named: ["studentname", "姓名"]) == 2)
        #expect(table.column(named: ["班級"]) == nil)
    }

    @Test func writesWhatExcelOpens() {
        let out = CSVTable.write(header: ["學號", "備註"], rows: [["110001", "a,b"], ["110002", "plain"]])
        #expect(Array(out.prefix(3)) == bom)
        #expect(String(decoding: out.dropFirst(3), as: UTF8.self)
                == "學號,備註\r\n110001,\"a,b\"\r\n110002,plain\r\n")
    }

    @Test func writeParseRoundTrip() throws {
        let header = ["學號", "姓名", "備註", "空"]
        let rows = [
            ["110001", "許志豪", "comma, inside", ""],
            ["110002", "陳\"小\"華", "two\r\nlines", " padded "],
            ["110003", "林碁", "lf\nonly", "tab\t"],
        ]
        let parsed = try CSVTable.parse(CSVTable.write(header: header, rows: rows))
        #expect(parsed == CSVTable(header: header, rows: rows))

        // A one-column table whose value is empty must not come back as a blank line.
        let single = try CSVTable.parse(CSVTable.write(header: ["x"], rows: [[""], ["1"]]))
        #expect(single.rows == [[""], ["1"]])
    }

    @Test(arguments: ["=", "+", "-", "@", "\t", "\r"])
    func cellStartingWithAFormulaTriggerGetsAQuoteAndDoubleQuotes(trigger: String) throws {
        let cell = trigger + "HYPERLINK(\"http://x\",\"y\")"
        let written = String(decoding: CSVCell.encode(cell), as: UTF8.self)
        let doubled = cell.replacingOccurrences(of: "\"", with: "\"\"")
        #expect(written == "\"'" + doubled + "\"")
        // Read back, the cell is the text with the quote in front: a spreadsheet shows it and runs nothing.
        let table = try CSVTable.parse(CSVTable.write(header: ["簡述"], rows: [[cell]]))
        #expect(table.rows == [["'" + cell]])
    }

    @Test func triggerOnlyCountsAtTheStartOfACell() {
        #expect(CSVCell.encode("a=1+2") == Array("a=1+2".utf8))
        #expect(CSVCell.encode("x-y@z") == Array("x-y@z".utf8))
        #expect(CSVCell.encode("") == [])
    }

    @Test func negativeDecimalNumberStaysANumberButAnythingMoreIsNeutralised() {
        #expect(CSVCell.encode("-3") == Array("-3".utf8))
        #expect(CSVCell.encode("-12.5") == Array("-12.5".utf8))
        for text in ["-", "-1+1", "-12.", "-.5", "-1e3", "-1.2.3", "--1", "-1,2"] {
            #expect(CSVCell.encode(text).starts(with: Array("\"'-".utf8)), "\(text)")
        }
        // A leading plus is a formula to Excel even on a number, so it is always neutralised.
        #expect(CSVCell.encode("+3") == Array("\"'+3\"".utf8))
    }

    @Test func errorsHaveMessagesAndHints() {
        let errors: [CSVError] = [.empty, .unterminatedQuote(line: 2), .textAfterClosingQuote(line: 2),
                                  .wrongFieldCount(line: 2, expected: 3, found: 1),
                                  .unreadableCharacter(line: 5, column: 2, bytes: [0xfa, 0x40], encoding: .big5, userDefined: true),
                                  .unreadableCharacter(line: 5, column: 2, bytes: [0xff], encoding: .utf8, userDefined: false)]
        for error in errors {
            #expect(!error.what.text(.en).isEmpty && !error.next.text(.en).isEmpty)
            if let line = error.line {
                #expect(error.what.text(.en).contains("Line \(line)"))
                #expect(error.what.text(.zhTW).contains("第 \(line) 行"))
            }
        }
        let big5 = CSVError.unreadableCharacter(line: 5, column: 2, bytes: [0xff], encoding: .big5, userDefined: false)
        #expect(big5.what.text(.en) == "Line 5, column 2: the byte FF is not a character in Big5 (CP950) (the file is read as Big5 (CP950) because it is not UTF-8).")
        #expect(big5.what.text(.zhTW) == "第 5 行第 2 個字：位元組 FF 不是 Big5 (CP950) 的字元（這個檔案不是 UTF-8，所以以 Big5 (CP950) 讀取）。")
        let made = CSVError.unreadableCharacter(line: 5, column: 2, bytes: [0xfa, 0x40], encoding: .big5, userDefined: true)
        #expect(made.what.text(.en) == "Line 5, column 2: the bytes FA 40 are a user-defined character (造字) of Big5 (CP950), which only the system that wrote the file can show.")
    }
}
