import Foundation
import FuzzSupport

/// The CSV target's seed corpus: the sample school's roster files (UTF-8 with a BOM, and Big5), the texts
/// `CSVTableTests` reads and refuses, and what `CSVTable.write` writes.
enum CSVSeeds {
    static func all() throws -> [(name: String, bytes: [UInt8])] {
        var seeds = Fuzz.samples { $0.hasSuffix(".csv") }.map { (name: "sample-" + ($0.name as NSString).lastPathComponent, bytes: $0.bytes) }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = { (s: String) in Array(s.utf8) }

        // From CSVTableTests: Big5 with 許 (B3 5C, a backslash as second byte), a CP950 extension (碁, F9 D6).
        let big5: [UInt8] = [
            0xbe, 0xc7, 0xb8, 0xb9, 0x2c, 0xa9, 0x6d, 0xa6, 0x57, 0x2c, 0xaf, 0x5a,
            0xaf, 0xc5, 0x0d, 0x0a, 0x31, 0x31, 0x30, 0x30, 0x30, 0x31, 0x2c, 0xb3,
            0x5c, 0xa7, 0xd3, 0xbb, 0xa8, 0x2c, 0x31, 0x30, 0x31, 0x0d, 0x0a, 0x31,
            0x31, 0x30, 0x30, 0x30, 0x32, 0x2c, 0x22, 0xb3, 0xaf, 0x2c, 0xa9, 0xc9,
            0xa7, 0x67, 0x22, 0x2c, 0x31, 0x30, 0x32, 0x0d, 0x0a,
        ]
        seeds += [
            (name: "big5", bytes: big5),
            (name: "cp950-extension", bytes: [0x61, 0x0a, 0xf9, 0xd6, 0x0a]),
            (name: "bad-byte", bytes: text("a,b\n") + [0x31, 0x2c, 0xff, 0xff, 0x0a]),
            (name: "bom-then-big5", bytes: bom + text("a,b\n1,2\n") + [0x31, 0x2c, 0xa4, 0x70, 0x0a]),
            (name: "cut-big5", bytes: text("a\n") + [0xa4]),
            (name: "utf8-bom", bytes: bom + text("學號,姓名,班級\r\n110001,許志豪,101\r\n")),
            (name: "empty", bytes: []),
            (name: "blank-lines", bytes: bom + text("\r\n\r\n")),
        ]
        let texts = [
            "name,note\n\"Lin, Mei\",\"said \"\"hi\"\"\"\n\"Wang\",\"line one\r\nline two\"\nChen,\"\"\n",
            "a,b\n1,\"x\ny\"\n2\n",
            "學號,姓名,班級\n110001,王小明,101\n110002,陳怡君\n110003,林志明,101\n",
            "a,b\n1,\"open\n2,3\n",
            "a,b\n\"x\"y,2\n",
            "a,b\n1,2\n3,\n", "a,b\r\n1,2\r\n3,", "a,b\r1,2\r3,\r", " a , b\n\n 1 ,\t2 \n3,\n\n\n",
            "a,b\n \" 1 \" , 2\n", "a\n5\"3\n", "學生學號, 姓名 ,StudentName\n1,2,3\n",
            "x\n\"\"\n1\n", "\"\"\n",
        ]
        seeds += texts.map { (name: "text", bytes: text($0)) }
        // What the writer writes, formula cells and all.
        let header = ["學號", "姓名", "備註", "空"]
        let rows = [
            ["110001", "許志豪", "comma, inside", ""],
            ["110002", "陳\"小\"華", "two\r\nlines", " padded "],
            ["110003", "林碁", "=HYPERLINK(\"http://x\",\"y\")", "-12.5"],
            ["110004", "+3", "@SUM(A1)", "\tlead"],
        ]
        seeds.append((name: "written", bytes: CSVTable.write(header: header, rows: rows)))
        seeds.append((name: "written-single", bytes: CSVTable.write(header: ["x"], rows: [[""], ["1"]])))
        return seeds
    }
}
