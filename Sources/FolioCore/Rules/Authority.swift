import Foundation
/// Who may sign what. Every rule here is applied twice: when a command makes an event, and again when
/// events are folded (after a bundle import, or by `folio verify`), so a forged or stale event never
/// reaches a view.
public enum Authority {
    /// The event's key must belong to its author and must not have been revoked before the event.
    public static func checkKey(_ event: Event, school: SchoolState) -> FolioError? {
        if event.school != school.code, !school.code.isEmpty {
            return FolioError(.notAuthorised, "This record was made for school \(event.school), not \(school.code).",
                              hint: "Records from another school cannot be merged; check the USB stick's contents.")
        }
        let known: [String]
        if event.author == SchoolState.rootPrincipal {
            known = [school.rootKey]
        } else {
            guard school.principals[event.author] != nil else {
                return FolioError(.unknownPerson, "\(event.author) is not a registered person or device of this school.",
                                  hint: "Ask the IT section (資訊組) to register them with `folio staff add`.")
            }
            known = school.keys[event.author] ?? []
        }
        guard known.contains(event.key) else {
            return FolioError(.wrongKey, "The key used does not belong to \(event.author).",
                              hint: "Sign with \(event.author)'s own key file (--key or FOLIO_KEY).")
        }
        if let since = school.revoked[event.key], event.at >= since {
            return FolioError(.wrongKey, "The key used by \(event.author) was revoked on \(since.taipeiText).",
                              hint: "Ask the IT section (資訊組) for a new key, then act again.")
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
            case (.left?, let from?): "left the school on \(from)"
            case (_, let from?): "has been on leave since \(from)"
            default: "is not available"
            }
            return FolioError(.notAuthorised, "\(author) \(why), so cannot act on \(day).",
                              hint: "A delegate from the duty table (\(duty.title)) acts instead, with --for \(author).")
        }
        guard let principal = event.onBehalfOf else {
            if isPrimary(author) { return nil }
            let who = primaries.isEmpty ? duty.responsible.map(Office.label).joined(separator: ", ")
                                        : primaries.sorted().joined(separator: ", ")
            if duty.delegates.contains(where: { matches($0, author) }) {
                return FolioError(.delegateNotAllowed,
                                  "\(author) is a delegate for \(duty.title) and must say whom they act for.",
                                  hint: "Add --for with the responsible person (\(who)).")
            }
            return FolioError(.notAuthorised, "\(author) is not responsible for \(duty.title); that is \(who).",
                              hint: "Ask \(who) to do this, or a delegate listed in the duty table.")
        }
        guard primaries.contains(principal) else {
            return FolioError(.delegateNotAllowed, "\(principal) is not responsible for \(duty.title), so nobody can act for them.",
                              hint: "Use --for with the person who is responsible: \(primaries.sorted().joined(separator: ", ")).")
        }
        if let available = primaries.sorted().first(where: { school.isAvailable($0, on: day) }) {
            return FolioError(.delegateNotAllowed,
                              "\(available) is available on \(day), so a delegate may not act for \(duty.title).",
                              hint: "Ask \(available) to do it; delegates act only when the responsible person cannot.")
        }
        guard let position = duty.delegates.firstIndex(where: { matches($0, author) }) else {
            return FolioError(.delegateNotAllowed, "\(author) is not in the delegate list for \(duty.title).",
                              hint: "The delegates, in order, are: \(duty.delegates.map(Office.label).joined(separator: ", ")).")
        }
        for slot in duty.delegates[..<position] {
            let ahead = school.principals.keys.sorted().filter {
                $0 != author && matches(slot, $0) && school.isAvailable($0, on: day)
            }
            if let first = ahead.first {
                return FolioError(.delegateNotAllowed,
                                  "\(first) (\(Office.label(slot))) comes before \(author) in the delegate order for \(duty.title) and is available.",
                                  hint: "Ask \(first) to act for \(principal); delegates act in the duty table's order.")
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
