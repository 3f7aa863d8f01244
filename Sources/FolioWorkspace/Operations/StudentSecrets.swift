import FolioCore
import Foundation

/// A secret issued to a student: what the slip says.
public struct IssuedSecret: Codable, Sendable {
    public var student: String
    public var name: String
    public var secret: String
    /// True when it replaces an earlier secret (a forgotten or exposed one).
    public var reset: Bool
}

extension WorkspaceSession {
    /// `folio student secret`: the registration section (註冊組) issues each student a new secret and
    /// registers the key derived from it, in one step for all of them. A reset is the same act: the new key
    /// replaces the old one, and the record says who did it and when.
    ///
    /// In a demo school each student's secret is the published one (`StudentSecret.demo`) and cheap to
    /// derive, so the sample stays reproducible; elsewhere it is random and costs `ScryptCost.studentSecret`.
    public func issueSecrets(students: [String], actor: Actor, now: Instant) throws(FolioError) -> [IssuedSecret] {
        let demo = workspace.isDemo
        let cost: ScryptCost = demo ? .demo : .studentSecret
        var changes: [StudentChange] = []
        var issued: [IssuedSecret] = []
        for number in students {
            let view = workspace.view(number, school: school)
            guard workspace.studentNumbers().contains(number), let record = view.student else {
                throw FolioError(.unknownStudent, Message("student.none", ["student": number]), hint: Message("student.secret.noneIssued.hint"))
            }
            let issue = view.signingKey.map { $0.resets + 1 } ?? 0
            let secret = demo ? StudentSecret.demo(school: school.code, student: number, issue: issue) : StudentSecret.generate()
            let key = try StudentSecret.identity(secret: secret, school: school.code, student: number, cost: cost)
            let e = try sign(actor, .studentKeySet, student: number, at: now,
                             body: StudentKey(publicKey: key.publicKeyText, cost: cost))
            changes.append(StudentChange(number: number, events: [e]))
            issued.append(IssuedSecret(student: number, name: record.name, secret: secret, reset: view.signingKey != nil))
        }
        _ = try appendStudents(changes)
        return issued
    }

    /// The student's signing key from the secret they typed, checked against the key registered for them,
    /// so a mistyped secret, or a classmate's, is refused before anything is signed.
    public func studentActor(_ number: String, secret: String) throws(FolioError) -> Actor {
        try workspace.studentKey(number, school: school).actor(secret: secret)
    }
}

/// What checking a student's secret needs: the key registered for them. Read under the lock; the slow part
/// (deriving the key from the secret) needs no lock, so a server lets other requests through meanwhile.
public struct RegisteredStudentKey: Sendable {
    public let number: String
    public let name: String
    public let school: String
    public let key: StudentKeyView

    public func actor(secret: String) throws(FolioError) -> Actor {
        let identity = try StudentSecret.identity(secret: secret, school: school, student: number, cost: key.cost)
        guard identity.publicKeyText == key.publicKey else {
            throw FolioError(.wrongKey, "student.secret.notTheirs", ["number": number])
        }
        return Actor(identity: identity)
    }
}

extension Workspace {
    /// The key registered for student `number`, or why they cannot sign in (no such student, no secret issued).
    public func studentKey(_ number: String, school: SchoolState) throws(FolioError) -> RegisteredStudentKey {
        guard studentNumbers().contains(number) else {
            throw FolioError(.unknownStudent, Message("student.none", ["student": number]), hint: Message("student.checkNumber.hint"))
        }
        let view = view(number, school: school)
        guard let registered = view.signingKey else {
            throw FolioError(.wrongKey, "student.secret.missing", ["number": number])
        }
        return RegisteredStudentKey(number: number, name: view.student?.name ?? "", school: school.code, key: registered)
    }
}
