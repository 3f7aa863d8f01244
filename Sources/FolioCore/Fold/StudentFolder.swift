import Foundation
/// Folds one student's events into their `StudentView`, checking every rule on the way. Events are applied
/// in (at, id) order; one that breaks a rule is kept out of the view and listed under `problems`.
/// It must read only `SchoolState.studentFacing`: writers skip re-folding when that part is unchanged.
public enum StudentFolder {
    public static func fold(number: String, events: [StoredEvent], school: SchoolState) -> StudentView {
        var view = StudentView(school: school.code, number: number)
        var decisions: [String: [String: Decision]] = [:]   // item version → author → latest decision
        for stored in events.sorted(by: StoredEvent.foldOrder) {
            if let error = apply(stored, to: &view, decisions: &decisions, school: school) {
                view.problems.append(Problem(event: stored.id, error: error))
            } else {
                view.events.append(stored.id)
            }
        }
        settleReceipts(&view, school: school)
        return view
    }

    /// After the fold: receipts of corrected submissions are marked superseded, and unanswered receipts
    /// of a closed period count as confirmed.
    static func settleReceipts(_ view: inout StudentView, school: SchoolState) {
        let superseded = Set(school.submissions.compactMap(\.supersedes))
        for i in view.receipts.indices {
            let id = view.receipts[i].receipt.submission
            view.receipts[i].superseded = superseded.contains(id)
            if view.receipts[i].answer == .open, school.confirmation(for: id)?.closed != nil {
                view.receipts[i].answer = .deemed
            }
        }
    }

    /// Folds `existing` plus `new`, and throws the rule the first new event breaks, if any. Commands call
    /// this before writing anything, so the same rules guard making an event and folding it.
    public static func admit(_ new: [StoredEvent], existing: [StoredEvent], number: String,
                             school: SchoolState) throws(FolioError) -> StudentView {
        let view = fold(number: number, events: existing + new, school: school)
        // Nothing new (a student folded again after a school record): nothing to refuse, and no need
        // for the second fold below.
        guard !new.isEmpty else { return view }
        let ids = Set(new.map(\.id))
        if let problem = view.problems.first(where: { ids.contains($0.event) }) { throw problem.error }
        // A new event that sorts before existing ones (same second, or an earlier clock) must not push an
        // already accepted event out of the view, e.g. past the upload or selection limit.
        if !view.problems.isEmpty {
            let earlier = Set(fold(number: number, events: existing, school: school).problems.map(\.event))
            if let problem = view.problems.first(where: { !earlier.contains($0.event) }) { throw problem.error }
        }
        return view
    }

    static func apply(_ stored: StoredEvent, to view: inout StudentView,
                      decisions: inout [String: [String: Decision]], school: SchoolState) -> FolioError? {
        let event = stored.event
        guard stored.signatureIsValid else {
            return FolioError(.tampered, "student.fold.tampered", ["record": stored.id.prefix(12)])
        }
        guard event.student == view.number, !event.kind.isSchoolWide else {
            return FolioError(.badInput, "student.fold.otherStudent", ["record": stored.id.prefix(12), "number": view.number])
        }
        if event.author == view.number {
            if let error = checkStudentKey(event, view: view) { return error }
        } else if let error = Authority.checkKey(event, school: school) {
            return error
        }
        let day = event.at.taipeiDay
        do {
            switch event.kind {
            case .studentKeySet:
                let k = try event.decodeBody(StudentKey.self)
                if let error = duty(event, "enrolment", school) { return error }
                guard view.student != nil else {
                    return FolioError(.unknownStudent, "student.fold.notRegistered", ["number": view.number])
                }
                guard SignatureCheck.isPublicKey(k.publicKey), k.cost.isSane else {
                    return FolioError(.badKeyFile, "student.fold.badKey", ["number": view.number])
                }
                // A cheap derivation is for published demo secrets; in a real school it would make a guess cheap.
                guard school.demo == true || k.cost.logN >= ScryptCost.studentSecret.logN else {
                    return FolioError(.badKeyFile, "student.fold.cheapKey", ["number": view.number, "logN": "\(k.cost.logN)"])
                }
                view.signingKey = StudentKeyView(publicKey: k.publicKey, cost: k.cost, issued: event.at, by: event.author,
                                                 resets: view.signingKey.map { $0.resets + 1 } ?? 0)
            case .studentSet:
                var r = try event.decodeBody(StudentRecord.self)
                if let error = duty(event, "enrolment", school) { return error }
                guard r.number == view.number else {
                    return FolioError(.badInput, "student.fold.otherNumber", ["named": r.number, "number": view.number])
                }
                if r.hasPersonal {
                    do { _ = try NationalID(r.nationalID) } catch {
                        return FolioError(.badNationalID, Message("student.fold.nationalID", ["number": r.number, "problem": error.what]), hint: error.next)
                    }
                } else if let old = view.student {
                    // The personal part comes in its own record, which this one leaves as it was.
                    (r.nationalID, r.birthDate, r.address, r.postalCode) = (old.nationalID, old.birthDate, old.address, old.postalCode)
                }
                view.student = r
            case .studentPersonal:
                let p = try event.decodeBody(StudentPersonal.self)
                if let error = duty(event, "enrolment", school) { return error }
                guard view.student != nil else {
                    return FolioError(.unknownStudent, "student.fold.personalOnly", ["number": view.number])
                }
                do { _ = try NationalID(p.nationalID) } catch {
                    return FolioError(.badNationalID, Message("student.fold.nationalID", ["number": view.number, "problem": error.what]), hint: error.next)
                }
                (view.student!.nationalID, view.student!.birthDate, view.student!.address, view.student!.postalCode) = (p.nationalID, p.birthDate, p.address, p.postalCode)
            case .itemUploaded:
                let u = try event.decodeBody(ItemUploaded.self)
                try checkUpload(u, event: event, view: view, school: school)
                let category = Catalog.category(u.category)!
                let course = u.course.flatMap { school.course($0, term: u.term) }
                let files = u.files.map {
                    StoredFile(role: $0.role, name: $0.name, path: $0.path(item: u.item), size: $0.size,
                               sha256: $0.sha256, kind: $0.kind)
                }.sorted { $0.role.rawValue < $1.role.rawValue }
                if let index = view.items.firstIndex(where: { $0.id == u.item }) {
                    var item = view.items[index]
                    let changed = item.version != u.version
                    item.description = u.description
                    item.fields = u.fields
                    item.files = files
                    item.link = u.link
                    item.version = u.version
                    item.history.append(stored.id)
                    // An identical re-upload keeps its certification; a changed file needs a new one.
                    if changed {
                        item.status = .uploaded
                        item.decision = nil
                        if item.group == .courseOutcome { item.selected = false }
                    }
                    view.items[index] = item
                } else {
                    view.items.append(ItemView(
                        id: u.item, category: u.category, group: category.group, term: u.term, course: u.course,
                        courseName: course?.name, description: u.description, fields: u.fields, files: files,
                        link: u.link, version: u.version, status: .uploaded, decision: nil, selected: false,
                        uploadedAt: event.at, uploadedBy: event.author, history: [stored.id]))
                }
            case .itemCertified, .itemRejected:
                let d = try event.decodeBody(ItemDecision.self)
                let certified = event.kind == .itemCertified
                guard ItemID.isValid(d.item) else { return ItemID.malformed(d.item) }
                guard let index = view.items.firstIndex(where: { $0.id == d.item }) else { throw unknownItem(d.item, view) }
                var item = view.items[index]
                guard item.group == .courseOutcome, let code = item.course, let course = school.course(code, term: item.term) else {
                    return FolioError(.badInput, "student.fold.notCertifiable", ["item": d.item])
                }
                guard d.version == item.version else {
                    return FolioError(.versionChanged, "student.fold.versionChanged", ["item": d.item])
                }
                if !certified, (d.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                    return FolioError(.missingField, "student.fold.rejectNeedsReason")
                }
                if let error = CalendarRules.window(school, item.term, day, \.certify, "certification (認證)") { return error }
                guard let duty = school.dutyTable.duty(Catalog.certificationDuty) else {
                    return FolioError(.notAuthorised, "student.fold.noCertificationRow")
                }
                if let error = Authority.checkDuty(event, duty: duty, primaries: course.certifiers, school: school) {
                    return error
                }
                let decision = Decision(event: stored.id, certified: certified, by: event.author,
                                        onBehalfOf: event.onBehalfOf, at: event.at, reason: d.reason)
                var forVersion = decisions[d.version + d.item] ?? [:]
                if let settles = d.settles {
                    let standing = Set(forVersion.values.map(\.event))
                    guard !standing.isEmpty, standing.isSubset(of: Set(settles)) else {
                        return FolioError(.conflict, "student.fold.settlementIncomplete", ["item": d.item])
                    }
                    forVersion = [:]
                }
                forVersion[event.onBehalfOf ?? event.author] = decision
                decisions[d.version + d.item] = forVersion
                let verdicts = Set(forVersion.values.map(\.certified))
                view.conflicts.removeAll { $0.item == d.item }
                if verdicts.count > 1 {
                    item.status = .conflict
                    view.conflicts.append(Conflict(item: d.item, version: d.version,
                                                   decisions: forVersion.values.sorted { ($0.at, $0.event) < ($1.at, $1.event) }))
                } else {
                    item.status = certified ? .certified : .rejected
                }
                item.decision = decision
                if item.status != .certified { item.selected = false }
                item.history.append(stored.id)
                view.items[index] = item
            case .itemSelected, .itemUnselected:
                let s = try event.decodeBody(ItemSelection.self)
                guard ItemID.isValid(s.item) else { return ItemID.malformed(s.item) }
                guard let index = view.items.firstIndex(where: { $0.id == s.item }) else { throw unknownItem(s.item, view) }
                if let error = checkActor(event, view: view, school: school) { return error }
                var item = view.items[index]
                guard s.year == item.term.year else {
                    return FolioError(.badInput, "select.wrongYear", ["item": s.item, "itemYear": "\(item.term.year)", "year": "\(s.year)"])
                }
                guard school.calendar.contains(where: { $0.term.year == s.year && $0.select.contains(day) }) else {
                    let windows = school.calendar.filter { $0.term.year == s.year }.map { "\($0.term): \($0.select)" }
                    return FolioError(.outsideWindow, Message("select.closed", ["year": "\(s.year)", "day": "\(day)"]),
                                      hint: windows.isEmpty ? Message("select.closed.noCalendar", ["year": "\(s.year)"])
                                                            : Message("select.closed.windows", ["windows": windows.joined(separator: "; ")]))
                }
                if event.kind == .itemSelected {
                    if item.selected { return nil }
                    if item.group == .courseOutcome, item.status != .certified {
                        return FolioError(.notCertified, "select.notCertified", ["item": s.item, "status": Message("status.item." + item.status.rawValue)])
                    }
                    let limit = item.group == .courseOutcome ? school.settings.courseSelectionLimit
                                                             : school.settings.diverseSelectionLimit
                    let already = view.selected(in: s.year, group: item.group).count
                    if already >= limit {
                        return FolioError(.selectionLimit, Message(item.group == .courseOutcome ? "select.limit.courseOutcomes" : "select.limit.diverse",
                                                                   ["student": view.number, "count": already, "year": "\(s.year)", "limit": limit]),
                                          hint: Message("select.limit.hint"))
                    }
                    item.selected = true
                } else {
                    item.selected = false
                }
                item.history.append(stored.id)
                view.items[index] = item
            case .recordAdded:
                let r = try event.decodeBody(RecordAdded.self)
                guard let kind = Catalog.recordKind(r.kind) else {
                    return FolioError(.unknownCategory, "student.fold.unknownRecordKind",
                                      ["kind": r.kind, "kinds": Catalog.recordKinds.map(\.code).joined(separator: ", ")])
                }
                if let error = duty(event, kind.duty, school) { return error }
                if let error = requiredFields(kind.fields, r.fields, what: kind.title) { return error }
                guard view.student != nil else {
                    return FolioError(.unknownStudent, "student.fold.notRegistered", ["number": view.number])
                }
                view.records.append(RecordView(event: stored.id, kind: r.kind, term: r.term, fields: r.fields,
                                               by: event.author, onBehalfOf: event.onBehalfOf, at: event.at))
            case .studentGraduated:
                let g = try event.decodeBody(StudentGraduated.self)
                if let error = duty(event, "enrolment", school) { return error }
                guard var student = view.student else {
                    return FolioError(.unknownStudent, "student.fold.graduateNotRegistered", ["number": view.number])
                }
                student.status = .graduated
                view.student = student
                view.graduated = g.date
            case .studentTransferredIn:
                let t = try event.decodeBody(TransferredIn.self)
                if let error = duty(event, "enrolment", school) { return error }
                if let bad = t.items.first(where: { !ItemID.isValid($0.item) }) { return ItemID.malformed(bad.item) }
                guard t.fromSchool != school.code else {
                    return FolioError(.badInput, "student.fold.transferFromHere")
                }
                guard !view.earlier.contains(where: { $0.school == t.fromSchool && t.items.map(\.item).contains($0.item) }) else {
                    return FolioError(.duplicate, "student.fold.transferDuplicate", ["number": view.number, "school": t.fromSchool])
                }
                view.earlier += t.items
                view.earlier.sort { ($0.term, $0.school, $0.item) < ($1.term, $1.school, $1.item) }
            case .receiptIssued, .receiptConfirmed, .receiptDisputed, .disputeAnswered:
                if let error = ReceiptFold.apply(stored, to: &view, school: school) { return error }
            default:
                return FolioError(.badInput, "student.fold.unexpectedKind", ["kind": event.kind.rawValue])
            }
            return nil
        } catch {
            return malformed(stored, error)
        }
    }

    /// A rule's own error, or a body that does not decode.
    static func malformed(_ stored: StoredEvent, _ error: any Error) -> FolioError {
        if let error = error as? FolioError { return error }
        return FolioError(.badInput, "student.fold.malformed", ["record": stored.id.prefix(12), "kind": stored.event.kind.rawValue,
                                                         "error": "\(error)"])
    }

    private static func checkUpload(_ u: ItemUploaded, event: Event, view: StudentView,
                                    school: SchoolState) throws(FolioError) {
        // First: the id becomes the folder of the item's files.
        guard ItemID.isValid(u.item) else { throw ItemID.malformed(u.item) }
        if let error = checkActor(event, view: view, school: school) { throw error }
        guard let student = view.student else {
            throw FolioError(.unknownStudent, "student.fold.notRegistered", ["number": view.number])
        }
        guard student.status == .enrolled else {
            throw FolioError(.notEnrolled, "upload.notEnrolled", ["student": view.number, "status": Message("status.student." + student.status.rawValue)])
        }
        guard let category = Catalog.category(u.category) else {
            throw FolioError(.unknownCategory, "student.fold.unknownCategory",
                             ["category": u.category, "categories": Catalog.categories.map(\.code).joined(separator: ", ")])
        }
        if let error = CalendarRules.window(school, u.term, event.at.taipeiDay, \.upload, "uploads (上傳)") { throw error }
        if let error = ItemRules.checkDescription(u.description, settings: school.settings) { throw error }
        if let error = ItemRules.checkFiles(u.files, settings: school.settings) { throw error }
        if let error = requiredFields(category.fields, u.fields, what: category.title) { throw error }
        let existing = view.item(u.item)
        if let existing {
            guard existing.category == u.category, existing.term == u.term, existing.course == u.course else {
                throw FolioError(.badInput, "student.fold.reuploadChanges")
            }
            return
        }
        if category.group == .courseOutcome {
            guard let code = u.course else {
                throw FolioError(.missingField, "student.fold.noCourseGiven")
            }
            guard school.course(code, term: u.term) != nil else {
                throw FolioError(.unknownCourse, "student.fold.unknownCourse", ["course": code, "term": u.term.description])
            }
            let count = view.items.filter { $0.group == .courseOutcome && $0.term == u.term }.count
            if count >= school.settings.uploadLimitPerTerm {
                throw FolioError(.uploadLimit, "upload.limit", ["student": view.number, "count": count, "term": u.term.description,
                                                                "limit": school.settings.uploadLimitPerTerm])
            }
        }
    }

    /// Uploads, selections and answers to receipts are the student's own: signed with the key derived from
    /// their secret (`checkStudentKey` has checked it is theirs). A kiosk's device key, a teacher's or a
    /// clerk's cannot make them, so nobody at a kiosk acts for a classmate.
    static func checkActor(_ event: Event, view: StudentView, school: SchoolState) -> FolioError? {
        if event.author == view.number { return nil }
        return FolioError(.notAuthorised, "student.onlyTheStudent", ["author": event.author, "student": view.number])
    }

    /// The kinds of record a student signs themself.
    static let studentKinds: Set<EventKind> = [.itemUploaded, .itemSelected, .itemUnselected, .receiptConfirmed, .receiptDisputed]

    /// A record the student signed: one of theirs, with the key their current secret gives. A key from an
    /// earlier secret (reset since) signs nothing after the reset.
    static func checkStudentKey(_ event: Event, view: StudentView) -> FolioError? {
        guard studentKinds.contains(event.kind), event.onBehalfOf == nil else {
            return FolioError(.notAuthorised, "student.fold.notStudentWork", ["kind": event.kind.rawValue])
        }
        guard let key = view.signingKey else {
            return FolioError(.wrongKey, "student.noSecret", ["student": view.number])
        }
        guard key.publicKey == event.key else {
            return FolioError(.wrongKey, "student.wrongSecret", ["student": view.number, "issued": key.issued.taipeiText])
        }
        return nil
    }

    static func duty(_ event: Event, _ id: String, _ school: SchoolState) -> FolioError? {
        guard let d = school.dutyTable.duty(id) else {
            return FolioError(.notAuthorised, "student.fold.noDutyRow", ["duty": id])
        }
        return Authority.checkDuty(event, duty: d, primaries: [], school: school)
    }

    private static func requiredFields(_ specs: [FieldSpec], _ fields: [String: String], what: String) -> FolioError? {
        for spec in specs where spec.required && (fields[spec.name] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return FolioError(.missingField, "student.fold.fieldMissing", ["what": what, "label": spec.label, "field": spec.name])
        }
        let known = Set(specs.map(\.name))
        if let extra = fields.keys.sorted().first(where: { !known.contains($0) }) {
            return FolioError(.badInput, "student.fold.unknownField", ["what": what, "field": extra, "fields": specs.map(\.name).joined(separator: ", ")])
        }
        return nil
    }

    private static func unknownItem(_ id: String, _ view: StudentView) -> FolioError {
        FolioError(.unknownItem, "item.unknown", ["student": view.number, "item": id])
    }
}
