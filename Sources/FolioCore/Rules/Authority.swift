import Foundation
/// Who may sign what. Every rule here is applied twice: when a command makes an event, and again when
/// events are folded (after a bundle import, or by `folio verify`), so a forged or stale event never
/// reaches a view.
public enum Authority {
    /// The event's key must belong to its author and must not have been revoked before the event.
    public static func checkKey(_ event: Event, school: SchoolState) -> FolioError? {
        if event.school != school.code, !school.code.isEmpty {
            return FolioError(.notAuthorised, "authority.otherSchool", ["school": event.school, "here": school.code])
        }
        let known: [String]
        if event.author == SchoolState.rootPrincipal {
            known = [school.rootKey]
        } else {
            guard school.principals[event.author] != nil else {
                return FolioError(.unknownPerson, "authority.unknownAuthor", ["author": event.author])
            }
            known = school.keys[event.author] ?? []
        }
        guard known.contains(event.key) else {
            return FolioError(.wrongKey, "authority.notTheirKey", ["author": event.author])
        }
        if let since = school.revoked[event.key], event.at >= since {
            return FolioError(.wrongKey, "authority.keyRevoked", ["author": event.author, "since": since.taipeiText])
        }
        return nil
    }

    /// A person acting under `duty`: either one of the `primaries` (or a member of a responsible office)
    /// acting themselves, or a delegate acting `onBehalfOf` a primary when every primary is unavailable
    /// and every delegate ahead of them in the duty table's order is unavailable too.
    public static func checkDuty(_ event: Event, duty: Duty, primaries explicit: [String], school: SchoolState,
                                 allowRoot: Bool = false) -> FolioError? {
        let day = event.at.taipeiDay
        let author = event.author
        if allowRoot, author == SchoolState.rootPrincipal, event.onBehalfOf == nil { return nil }
        let offices = duty.responsible.filter { $0 != "course-teacher" }
        func isPrimary(_ id: String) -> Bool {
            explicit.contains(id) || (school.principals[id]?.offices.contains { offices.contains($0) } ?? false)
        }
        let primaries = (explicit + school.principals.values.filter { isPrimary($0.id) }.map(\.id)).uniqued()
        func matches(_ slot: String, _ id: String) -> Bool {
            if slot.hasPrefix("staff:") { return String(slot.dropFirst(6)) == id }
            return school.principals[id]?.offices.contains(slot) ?? false
        }
        guard school.isAvailable(author, on: day) else {
            // Say since when: "left the school on <today>" would read as the day they left.
            let away = school.unavailability(author, on: day)
            let why = switch (away?.status, away?.from) {
            case (.left?, let from?): Message("authority.away.left", ["from": from.description])
            case (_, let from?): Message("authority.away.onLeave", ["from": from.description])
            default: Message("authority.away.unavailable")
            }
            return FolioError(.notAuthorised, "authority.unavailable",
                              ["author": author, "why": why, "day": day.description, "duty": duty.title])
        }
        guard let principal = event.onBehalfOf else {
            if isPrimary(author) { return nil }
            let who = primaries.isEmpty ? duty.responsible.map(Office.label).joined(separator: ", ")
                                        : primaries.sorted().joined(separator: ", ")
            if duty.delegates.contains(where: { matches($0, author) }) {
                return FolioError(.delegateNotAllowed, "authority.delegateNeedsFor",
                                  ["author": author, "duty": duty.title, "who": who])
            }
            return FolioError(.notAuthorised, "authority.notResponsible", ["author": author, "duty": duty.title, "who": who])
        }
        guard primaries.contains(principal) else {
            return FolioError(.delegateNotAllowed, "authority.forNotResponsible",
                              ["principal": principal, "duty": duty.title, "primaries": primaries.sorted().joined(separator: ", ")])
        }
        if let available = primaries.sorted().first(where: { school.isAvailable($0, on: day) }) {
            return FolioError(.delegateNotAllowed, "authority.primaryAvailable",
                              ["available": available, "day": day.description, "duty": duty.title])
        }
        guard let position = duty.delegates.firstIndex(where: { matches($0, author) }) else {
            return FolioError(.delegateNotAllowed, "authority.notADelegate",
                              ["author": author, "duty": duty.title, "delegates": duty.delegates.map(Office.label).joined(separator: ", ")])
        }
        for slot in duty.delegates[..<position] {
            let ahead = school.principals.keys.sorted().filter {
                $0 != author && matches(slot, $0) && school.isAvailable($0, on: day)
            }
            if let first = ahead.first {
                return FolioError(.delegateNotAllowed, "authority.delegateAhead",
                                  ["first": first, "office": Office.label(slot), "author": author, "duty": duty.title,
                                   "principal": principal])
            }
        }
        return nil
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
