import Glibc

/// Decodes Big5 as Microsoft's code page 950, the encoding older Taiwanese school administration systems and
/// Excel on a Traditional Chinese Windows still export. CP950 rather than plain Big5 because it adds characters
/// that appear in names (e.g. 碁, 銹, 裏) that plain Big5 lacks.
///
/// Uses the C library's iconv: converting memory is not I/O, and glibc's tables are complete and well tested.
enum CP950 {
    enum Failure: Error {
        /// The byte at `offset` starts no valid CP950 character (or an incomplete one at the end).
        case invalidByte(offset: Int)
        /// iconv does not know CP950 or BIG5 on this system.
        case unavailable
    }

    /// The UTF-8 bytes of `bytes` decoded from CP950.
    static func decode(_ bytes: [UInt8]) -> Result<[UInt8], Failure> {
        // Some minimal C libraries lack the CP950 name but have BIG5; that still decodes nearly every file.
        var descriptor = iconv_open("UTF-8", "CP950")
        if descriptor == invalidDescriptor { descriptor = iconv_open("UTF-8", "BIG5") }
        guard let cd = descriptor, cd != invalidDescriptor else { return .failure(.unavailable) }
        defer { iconv_close(cd) }

        // A two-byte CP950 character becomes three UTF-8 bytes, so 2× always suffices; E2BIG grows it anyway.
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        var consumed = 0
        var produced = 0
        while true {
            let inCount = bytes.count
            let outCount = output.count
            var inLeft = inCount - consumed
            var outLeft = outCount - produced
            let (status, errorNumber) = bytes.withUnsafeBytes { inRaw in
                output.withUnsafeMutableBytes { outRaw in
                    // iconv's prototype takes `char **` for the input but never writes through it.
                    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                        mutating: inRaw.bindMemory(to: CChar.self).baseAddress.map { $0 + consumed })
                    var outPtr: UnsafeMutablePointer<CChar>? =
                        outRaw.bindMemory(to: CChar.self).baseAddress.map { $0 + produced }
                    let status = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (status, status == -1 ? errno : 0)
                }
            }
            consumed = inCount - inLeft
            produced = outCount - outLeft
            if status != -1 { break }
            if errorNumber == E2BIG {
                output.append(contentsOf: [UInt8](repeating: 0, count: output.count))
                continue
            }
            return .failure(.invalidByte(offset: consumed))
        }
        return .success(Array(output[0..<produced]))
    }

    /// The first character of `bytes` that cannot be read as a character everyone can show: bytes that are
    /// no CP950 character, or a user-defined character (造字). Big5 keeps areas for characters a school's own
    /// system adds to its font (lead bytes 0x81–0xA0 and 0xFA–0xFE, and 0xC6A1–0xC8FE); iconv refuses the
    /// first two and turns the third into Unicode's private use area, which no other computer shows either.
    /// `column` counts characters from 1. Walks the bytes one character at a time, so it is called only for
    /// bytes already known to hold such a character.
    static func firstUnreadable(_ bytes: ArraySlice<UInt8>) -> (column: Int, bytes: [UInt8], userDefined: Bool)? {
        var i = bytes.startIndex
        var column = 1
        while i < bytes.endIndex {
            let lead = bytes[i]
            let width = lead < 0x81 || lead == 0xFF || i + 1 == bytes.endIndex ? 1 : 2
            let unit = Array(bytes[i..<i + width])
            if lead >= 0x80 {
                let leadUserDefined = (0x81...0xA0).contains(lead) || (0xFA...0xFE).contains(lead)
                switch decode(unit) {
                case .success(let utf8):
                    if leadUserDefined || String(decoding: utf8, as: UTF8.self).unicodeScalars.contains(where: \.isPrivateUse) {
                        return (column, unit, true)
                    }
                case .failure:
                    return (column, unit, leadUserDefined && width == 2 && isTrailByte(unit[1]))
                }
            }
            i += width
            column += 1
        }
        return nil
    }

    /// A byte that may follow a lead byte in Big5.
    private static func isTrailByte(_ b: UInt8) -> Bool { (0x40...0x7E).contains(b) || (0xA1...0xFE).contains(b) }

    /// The value iconv_open returns on failure, `(iconv_t)-1`.
    private static var invalidDescriptor: iconv_t? { iconv_t(bitPattern: -1) }
}

extension Unicode.Scalar {
    /// In one of Unicode's private use areas, where user-defined characters (造字) end up: U+E000–U+F8FF and
    /// planes 15 and 16.
    var isPrivateUse: Bool { (0xE000...0xF8FF).contains(value) || value >= 0xF0000 }
}
