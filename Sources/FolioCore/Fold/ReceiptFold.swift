import Foundation

/// The receipt part of a student's fold: receipts issued by a submitting office, the student's answers
/// within the confirmation period, and the office's findings on disputes.
enum ReceiptFold {
    static func apply(_ stored: StoredEvent, to view: inout StudentView, school: SchoolState) -> FolioError? {
        let event = stored.event
        do {
            switch event.kind {
            case .receiptIssued:
                let r = try event.decodeBody(Receipt.self)
                guard let submission = school.submission(r.submission), submission.office.rawValue == r.office,
                      submission.period == r.period else {
                    return FolioError(.badInput, "receipt.fold.unknownSubmission", ["submission": r.submission])
                }
                if let error = StudentFolder.duty(event, submission.office.duty, school) { return error }
                guard r.student == view.number, r.school == school.code else {
                    return FolioError(.badInput, "receipt.fold.otherStudent", ["student": r.student, "school": r.school, "number": view.number])
                }
                guard !view.receipts.contains(where: { $0.receipt.submission == r.submission }) else {
                    return FolioError(.duplicate, "receipt.fold.duplicate", ["number": view.number, "submission": r.submission])
                }
                view.receipts.append(ReceiptView(receipt: r, digest: r.digest, code: r.code, event: stored.id,
                                                 superseded: false, answer: .open, answeredAt: nil, via: nil, disputes: []))
            case .receiptConfirmed, .receiptDisputed:
                let a = try event.decodeBody(ReceiptAnswer.self)
                guard let index = view.receipts.firstIndex(where: { $0.receipt.submission == a.submission }) else {
                    return FolioError(.unknownItem, "receipt.fold.none", ["number": view.number, "submission": a.submission])
                }
                var receipt = view.receipts[index]
                guard a.digest == receipt.digest else {
                    return FolioError(.badInput, "receipt.fold.otherCode", ["answered": ShortCode.of(a.digest), "number": view.number,
                                                                            "submission": a.submission, "code": receipt.code])
                }
                if let error = answerAllowed(event, a, view: view, school: school) { return error }
                if event.kind == .receiptDisputed {
                    guard let reason = a.reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                        return FolioError(.missingField, "receipt.fold.doubtNeedsReason")
                    }
                    if let item = a.item, !receipt.receipt.lines.contains(where: { $0.item == item }) {
                        return FolioError(.unknownItem, "receipt.fold.itemNotSubmitted", ["item": item, "submission": a.submission, "number": view.number])
                    }
                    receipt.disputes.append(DisputeView(event: stored.id, item: a.item, reason: reason, at: event.at,
                                                        office: SubmittingOffice(rawValue: receipt.receipt.office) ?? .data,
                                                        finding: nil, resubmission: nil))
                    receipt.answer = .disputed
                } else {
                    guard receipt.answer != .disputed else {
                        return FolioError(.conflict, "receipt.fold.doubtOpen", ["number": view.number])
                    }
                    receipt.answer = .confirmed
                }
                receipt.answeredAt = event.at
                receipt.via = a.via
                view.receipts[index] = receipt
            case .disputeAnswered:
                let d = try event.decodeBody(DisputeAnswered.self)
                guard let r = view.receipts.firstIndex(where: { $0.disputes.contains { $0.event == d.dispute } }),
                      let i = view.receipts[r].disputes.firstIndex(where: { $0.event == d.dispute }) else {
                    return FolioError(.unknownItem, "receipt.fold.noDoubt", ["number": view.number, "doubt": d.dispute.prefix(12)])
                }
                let office = view.receipts[r].disputes[i].office
                if let error = StudentFolder.duty(event, office.duty, school) { return error }
                view.receipts[r].disputes[i].finding = d.finding
                view.receipts[r].disputes[i].resubmission = d.resubmission
            default:
                return nil
            }
            return nil
        } catch {
            return StudentFolder.malformed(stored, error)
        }
    }

    /// A student answers at a kiosk (or with their own key) within the period; the data section records
    /// answers that came back by post, until it closes the period.
    private static func answerAllowed(_ event: Event, _ a: ReceiptAnswer, view: StudentView,
                                      school: SchoolState) -> FolioError? {
        guard let period = school.confirmation(for: a.submission) else {
            return FolioError(.outsideWindow, "receipt.fold.noPeriod", ["submission": a.submission])
        }
        if let closed = period.closed, event.at >= closed {
            return FolioError(.outsideWindow, "receipt.fold.periodClosed", ["period": period.id, "closed": closed.taipeiText])
        }
        let day = event.at.taipeiDay
        switch a.via {
        case .kiosk:
            if StudentFolder.checkActor(event, view: view, school: school) != nil {
                return FolioError(.notAuthorised, "receipt.fold.notAtKiosk", ["author": event.author, "number": view.number])
            }
            guard day >= period.from, day <= period.to else {
                return FolioError(.outsideWindow, Message("receipt.fold.outsidePeriod", ["from": "\(period.from)", "to": "\(period.to)", "day": "\(day)"]),
                                  hint: day < period.from ? Message("receipt.fold.outsidePeriod.before", ["from": "\(period.from)"])
                                                          : Message("receipt.fold.outsidePeriod.over"))
            }
        case .post:
            if let error = StudentFolder.duty(event, SubmittingOffice.data.duty, school) { return error }
            guard day >= period.from else {
                return FolioError(.outsideWindow, "receipt.fold.notYet", ["from": "\(period.from)"])
            }
        }
        return nil
    }
}
