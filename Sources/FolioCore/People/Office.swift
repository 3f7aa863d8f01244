/// The offices (處室) and roles named in the seed's Appendix 1, with the English codes used in files and
/// commands. Codes are data: a school may use others in its duty table.
public enum Office {
    public static let names: [String: String] = [
        "registration": "註冊組", "instruction": "教學組", "activities": "訓育組", "discipline": "生教組",
        "student-affairs": "生輔組", "it": "資訊組", "data": "資料組", "counselling": "輔導組",
        "reader-services": "讀服組", "service-promotion": "服推組", "system-engineer": "系統師",
        "registration-clerk": "註冊組幹事", "instruction-clerk": "教學組幹事", "course-teacher": "任課教師",
        "consultation-teacher": "課程諮詢教師", "homeroom-teacher": "導師", "device": "教室資訊站",
    ]

    /// `資料組 (data)` for people, or the bare code when it is not a known office.
    public static func label(_ code: String) -> String {
        names[code].map { "\($0) (\(code))" } ?? code
    }
}

/// Whether a person can act on a given day. A teacher who left (離職) or is on leave (請假) is
/// unavailable, and that is what lets a delegate act for them.
public enum AvailabilityStatus: String, Codable, Sendable {
    case available, onLeave = "on-leave", left
}

/// A staff member, device (classroom kiosk) or student that can sign events.
public struct Principal: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case staff, device, student }

    public var id: String
    public var name: String
    public var kind: Kind
    public var offices: [String]
    /// The public key (base64 Ed25519) this principal signs with now. Earlier keys stay known so that
    /// old events still verify; a compromised key is revoked by a `key.revoked` event instead.
    public var publicKey: String?
    /// The X25519 key (base64) bundles for this principal are encrypted to, registered with `publicKey`
    /// (`SigningIdentity.encryptionKeyText` of the same key file). It goes with that signing key: revoking
    /// the signing key stops bundles being encrypted to it, and a new signing key needs its own.
    public var encryptionKey: String?

    public init(id: String, name: String, kind: Kind, offices: [String], publicKey: String?, encryptionKey: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.offices = offices
        self.publicKey = publicKey
        self.encryptionKey = encryptionKey
    }
}

/// A period of unavailability for one person, from the school's `staff.availability` events.
public struct Availability: Codable, Hashable, Sendable {
    public var id: String
    public var status: AvailabilityStatus
    public var from: CivilDate
    /// Last day of the period; nil means open-ended (always so for `left`).
    public var until: CivilDate?

    public init(id: String, status: AvailabilityStatus, from: CivilDate, until: CivilDate? = nil) {
        self.id = id
        self.status = status
        self.from = from
        self.until = until
    }

    public func covers(_ day: CivilDate) -> Bool {
        day >= from && (until.map { day <= $0 } ?? true)
    }
}
