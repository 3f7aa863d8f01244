/// What a person typed, made comparable: a Chinese input method often gives full-width digits, letters and
/// punctuation (`１１４／０１／０８`, `（合開）`) and the ideographic space, which look the same on screen as the
/// ASCII ones. Every parser of typed values reads through here so `１１３-１` and `113-1` mean the same.
enum TypedText {
    /// Full-width ASCII (U+FF01…U+FF5E) as ASCII, U+3000 as a space, and surrounding whitespace dropped.
    static func normalized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(s.value - 0xFEE0)!)
            case 0x3000: scalars.append(" ")
            default: scalars.append(s)
            }
        }
        return String(String(scalars).trimmingWhitespace)
    }

    /// `normalized` with every space removed, for forms people space out: `113 學年度 第 1 學期`.
    static func compact(_ text: String) -> String {
        String(normalized(text).filter { !$0.isWhitespace })
    }

    /// The ASCII digits of `text` as a number, when it is one to `maxDigits` digits and nothing else.
    static func number(_ text: Substring, maxDigits: Int) -> Int? {
        guard (1...maxDigits).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
