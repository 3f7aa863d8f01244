import FolioTestSupport
import Foundation
import Testing

/// The printed receipt is looked at in a real browser: headless Chromium renders the letter and receipt
/// (Scripts/install-deps --tests installs it with the Noto CJK fonts), and the screenshot is checked for
/// its A4 proportions and for ink where the text should be. A page that failed to load, a broken style
/// sheet that hid the content, or an empty page all fail here.
@Suite struct ReceiptScreenshotTests {
    /// Width, height and the share of dark pixels in each horizontal band of a PNG, decoded by a small
    /// Python script (zlib and the five PNG filters), so the test needs no image library.
    func inkProfile(_ png: String, bands: Int) throws -> (width: Int, height: Int, ink: [Double]) {
        let script = """
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat = 8, b''
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
            if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            elif kind == b'IDAT': idat += body
        bpp = {2: 3, 6: 4}[ctype]; stride = w * bpp; raw = zlib.decompress(idat)
        prev = bytearray(stride); rows = []
        for y in range(h):
            f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
                if f == 1: line[i] = (line[i] + a) & 255
                elif f == 2: line[i] = (line[i] + b) & 255
                elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(sum(1 for x in range(0, stride, bpp) if line[x] + line[x + 1] + line[x + 2] < 384)); prev = line
        bands = int(sys.argv[2]); size = h // bands
        print(w, h, *[sum(rows[i * size:(i + 1) * size]) / (size * w) for i in range(bands)])
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", script, png, String(bands)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let parts = text.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard p.terminationStatus == 0, parts.count == bands + 2 else { throw FolioHarnessError("cannot read \(png): \(text)") }
        return (Int(parts[0])!, Int(parts[1])!, parts.dropFirst(2).map { Double($0)! })
    }

    func screenshot(_ html: String, to png: String, width: Int, height: Int) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                       "--window-size=\(width),\(height)", "--screenshot=\(png)", "file://" + html]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "chromium failed; run Scripts/install-deps --tests")
    }

    @Test func letterAndReceiptRenderOnAnA4Page() throws {
        let ws = try SampleCopy(now: "2025-08-20T09:00")
        expectSuccess(try ws.folio(as: "R01", ["submit", "--office", "registration", "--period", "113-1"]))
        expectSuccess(try ws.folio(as: "D01", ["confirmation", "open", "--id", "C1", "--from", "2025-08-22", "--to", "2025-08-26",
                                               "--submission", "registration-113-1-1"]))
        let out = ws.scratch("letters")
        expectSuccess(try ws.folio(["receipt", "print", "--submission", "registration-113-1-1", "--left", "--out", out]))
        // 794 × 1123 CSS pixels is A4 at 96 dpi; twice the height shows the letter and the receipt after it.
        let png = ws.scratch("letter.png")
        try screenshot(out + "/111015-registration-113-1-1.html", to: png, width: 794, height: 2246)
        let profile = try inkProfile(png, bands: 8)
        #expect(profile.width == 794 && profile.height == 2246, "\(profile)")
        // On screen the letter (a whole A4 sheet, laid out for a window envelope) and the receipt follow each other:
        // letterhead and address, then the letter's text, fill the first two eighths; the reply slip at the foot
        // of the sheet fills the fourth and the receipt's tables the fifth; the page is mostly white paper.
        for band in [0, 1, 3, 4] {
            #expect(profile.ink[band] > 0.002, "band \(band) of the page is empty: \(profile.ink)")
        }
        #expect(profile.ink.allSatisfy { $0 < 0.25 }, "too dark to be a printed page: \(profile.ink)")
        #expect(profile.ink.last! < 0.001, "the last eighth is below the receipt and should be blank: \(profile.ink)")

        let blank = ws.scratch("blank.html")
        try Data("<!doctype html><html><body></body></html>".utf8).write(to: URL(fileURLWithPath: blank))
        let blankPNG = ws.scratch("blank.png")
        try screenshot(blank, to: blankPNG, width: 794, height: 2246)
        #expect(try inkProfile(blankPNG, bands: 8).ink.allSatisfy { $0 == 0 }, "the ink measure sees ink on a blank page")
    }
}
