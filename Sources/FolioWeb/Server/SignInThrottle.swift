import Foundation
import Synchronization

/// Slows sign-in after failures, so a student's secret or a teacher's passphrase cannot be guessed at
/// page speed: after three failures for the same name or from the same address, each further attempt
/// waits twice as long as the last (2 s, 4 s, … up to 5 minutes), and the wait is refused, not slept.
/// A successful sign-in clears the person's count.
public final class SignInThrottle: Sendable {
    private struct Record { var failures: Int; var last: Date }
    private let records = Mutex<[String: Record]>([:])
    public static let freeAttempts = 3
    public static let longestWait: TimeInterval = 300
    /// The first wait, doubled for each further failure.
    public let firstWait: TimeInterval

    public init(firstWait: TimeInterval = 2) { self.firstWait = firstWait }

    /// Seconds left before `name` from `peer` may try again, or nil when it may try now.
    public func wait(name: String, peer: String, now: Date = Date()) -> Int? {
        records.withLock { book in
            let waits = [book["n:" + name], book["p:" + peer]].compactMap { $0 }.map { record -> TimeInterval in
                guard record.failures >= Self.freeAttempts else { return 0 }
                let delay = min(Self.longestWait, firstWait * pow(2, Double(record.failures - Self.freeAttempts)))
                return record.last.addingTimeInterval(delay).timeIntervalSince(now)
            }
            let longest = waits.max() ?? 0
            return longest > 0 ? Int(longest.rounded(.up)) : nil
        }
    }

    public func failed(name: String, peer: String, now: Date = Date()) {
        records.withLock { book in
            for key in ["n:" + name, "p:" + peer] {
                let failures = (book[key]?.failures ?? 0) + 1
                book[key] = Record(failures: failures, last: now)
            }
        }
    }

    public func succeeded(name: String) {
        _ = records.withLock { $0.removeValue(forKey: "n:" + name) }
    }
}
