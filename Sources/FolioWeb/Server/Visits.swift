import Crypto
import FolioCore
import FolioWorkspace
import Foundation
import Synchronization

/// A signed-in visit: a student at a kiosk, or a member of staff at their desk.
///
/// The visit holds the person's signing key, unlocked at sign-in, in this process's memory only: the
/// browser gets a random token in an HttpOnly cookie and never the key or the secret. A visit ends at
/// sign-out, when its idle time runs out, and when the server stops.
public struct Visit: Sendable {
    public enum Who: Sendable {
        /// A student signed in with their number and the secret on their slip.
        case student(number: String, name: String)
        /// A teacher or clerk who unlocked their key file with its passphrase.
        case staff(id: String, name: String)
    }

    public let token: String
    /// Every form of this visit carries it; a form without it is refused (cross-site request forgery).
    public let formToken: String
    public let who: Who
    public let actor: Actor
    /// Holds an office (註冊組, 資料組 …): the office desk's pages are theirs (each page checks again).
    public let clerk: Bool
    public var lastSeen: Date
    /// One line to show on the next page (what the last form did).
    public var notice: String?

    public var studentNumber: String? {
        if case .student(let number, _) = who { return number }
        return nil
    }
    public var staffID: String? {
        if case .staff(let id, _) = who { return id }
        return nil
    }
}

/// The live visits of one server.
public final class VisitBook: Sendable {
    private let visits = Mutex<[String: Visit]>([:])
    /// How long a visit lives without a request: a few minutes at a kiosk, where the next student may
    /// walk up to a screen left signed in.
    public let idleLimit: TimeInterval

    public init(idleLimit: TimeInterval) { self.idleLimit = idleLimit }

    public func open(_ who: Visit.Who, actor: Actor, clerk: Bool = false, now: Date = Date()) -> Visit {
        let visit = Visit(token: Self.randomToken(), formToken: Self.randomToken(), who: who, actor: actor, clerk: clerk, lastSeen: now)
        visits.withLock { book in
            book = book.filter { now.timeIntervalSince($0.value.lastSeen) < idleLimit }
            book[visit.token] = visit
        }
        return visit
    }

    /// The visit a cookie names, if it is still live; touching it starts its idle time again.
    public func find(_ token: String, now: Date = Date()) -> Visit? {
        visits.withLock { book in
            guard var visit = book[token] else { return nil }
            guard now.timeIntervalSince(visit.lastSeen) < idleLimit else {
                book[token] = nil
                return nil
            }
            visit.lastSeen = now
            book[token] = visit
            return visit
        }
    }

    public func close(_ token: String) {
        _ = visits.withLock { $0.removeValue(forKey: token) }
    }

    public func setNotice(_ token: String, _ notice: String?) {
        visits.withLock { $0[token]?.notice = notice }
    }

    /// The notice for the next page, once.
    public func takeNotice(_ token: String) -> String? {
        visits.withLock { book in
            let notice = book[token]?.notice
            book[token]?.notice = nil
            return notice
        }
    }

    public var count: Int { visits.withLock { $0.count } }

    /// 32 random bytes, URL-safe base64: a cookie value or form token nobody can guess.
    public static func randomToken() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares two tokens in time that does not depend on where they first differ.
    public static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
