import CQRencode
import FolioCore

/// A QR code drawn by libqrencode, as an SVG image for a printed page: vector, so it stays sharp at any printer's
/// resolution, and inline, so the page needs no file beside it.
public enum QRCode {
    /// The SVG of `text` (UTF-8, byte mode, error correction level M, which survives a crease or a smudge),
    /// `millimetres` wide with the four-module quiet zone the standard asks for; nil if libqrencode refuses it
    /// (more than a version-40 code holds).
    public static func svg(_ text: String, millimetres: Double) -> String? {
        let bytes = Array(text.utf8)
        guard let code = bytes.withUnsafeBufferPointer({ QRcode_encodeData(Int32($0.count), $0.baseAddress, 0, QR_ECLEVEL_M) }) else {
            return nil
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let quiet = 4
        let size = width + 2 * quiet
        // One path, a run of dark modules per row segment: a few kilobytes a code, where a rectangle per module
        // would be ten times that on a page of a whole school's receipts.
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                // Bit 0 of each module's byte is its colour (1: dark).
                guard code.pointee.data[y * width + x] & 1 == 1 else { x += 1; continue }
                let start = x
                while x < width && code.pointee.data[y * width + x] & 1 == 1 { x += 1 }
                path += "M\(start + quiet) \(y + quiet)h\(x - start)v1h-\(x - start)z"
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" width=\"\(millimetres)mm\" height=\"\(millimetres)mm\" "
            + "viewBox=\"0 0 \(size) \(size)\" shape-rendering=\"crispEdges\"><rect width=\"\(size)\" height=\"\(size)\" fill=\"#fff\"/>"
            + "<path d=\"\(path)\" fill=\"#000\"/></svg>"
    }
}
