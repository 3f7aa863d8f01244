/// A moment in time as whole seconds since 1970 UTC. Events record instants as `YYYY-MM-DDTHH:MM:SSZ`;
/// school rules judge them by the day in Taiwan (`taipeiDay`).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let epochSeconds: Int64

    public init(epochSeconds: Int64) { self.epochSeconds = epochSeconds }

    /// Accepts `YYYY-MM-DD` (midnight in Taiwan), `YYYY-MM-DDTHH:MM[:SS]` (Taiwan time), and either with
    /// `Z` or a `±HH:MM` offset.
    public init?(iso text: String) {
        let chars = Array(text.utf8)
        guard chars.count >= 10, let date = CivilDate(iso: String(decoding: chars[0..<10], as: UTF8.self)) else {
            return nil
        }
        var seconds = Int64(date.daysSinceEpoch) * 86_400
        var offset: Int64 = 8 * 3600
        var rest = Array(chars[10...])
        if !rest.isEmpty {
            guard rest.first == UInt8(ascii: "T") || rest.first == UInt8(ascii: " ") else { return nil }
            rest.removeFirst()
            func two(_ i: Int) -> Int64? {
                guard rest.count >= i + 2, let v = Int64(String(decoding: rest[i..<i + 2], as: UTF8.self)),
                      rest[i..<i + 2].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
                return v
            }
            guard let h = two(0), rest.count >= 5, rest[2] == UInt8(ascii: ":"), let m = two(3),
                  h < 24, m < 60 else { return nil }
            var s: Int64 = 0
            var index = 5
            if rest.count >= 8, rest[5] == UInt8(ascii: ":") {
                guard let sec = two(6), sec < 60 else { return nil }
                s = sec
                index = 8
            }
            seconds += h * 3600 + m * 60 + s
            let zone = Array(rest[index...])
            if zone == Array("Z".utf8) {
                offset = 0
            } else if zone.count == 6, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"),
                      zone[3] == UInt8(ascii: ":"),
                      let oh = Int64(String(decoding: zone[1..<3], as: UTF8.self)),
                      let om = Int64(String(decoding: zone[4..<6], as: UTF8.self)) {
                offset = (oh * 3600 + om * 60) * (zone[0] == UInt8(ascii: "-") ? -1 : 1)
            } else if !zone.isEmpty {
                return nil
            }
        }
        // Stored, an instant is its date and time in UTC (`description`), which must read back: a day or a
        // local time at the very start of year 1 or the end of year 9999 can lie outside those years in UTC.
        guard (Self.earliest...Self.latest).contains(seconds - offset) else { return nil }
        self.epochSeconds = seconds - offset
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the first and last instants whose stored form reads back.
    private static let earliest: Int64 = -62_135_596_800
    private static let latest: Int64 = 253_402_300_799

    public var taipeiDay: CivilDate { CivilDate(taipeiDayOf: epochSeconds) }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form stored in events.
    public var description: String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secs = epochSeconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: Int(days))
        func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date)T\(pad(secs / 3600)):\(pad(secs % 3600 / 60)):\(pad(secs % 60))Z"
    }

    /// Taiwan local time for people: `2024-09-10 09:30`.
    public var taipeiText: String {
        let local = epochSeconds + 8 * 3600
        let secs = ((local % 86_400) + 86_400) % 86_400
        func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(taipeiDay) \(pad(secs / 3600)):\(pad(secs % 3600 / 60))"
    }

    public func adding(seconds: Int64) -> Instant { Instant(epochSeconds: epochSeconds + seconds) }

    public static func < (a: Instant, b: Instant) -> Bool { a.epochSeconds < b.epochSeconds }
}

extension Instant: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let i = Instant(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not an ISO 8601 instant: \(text)"))
        }
        self = i
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
