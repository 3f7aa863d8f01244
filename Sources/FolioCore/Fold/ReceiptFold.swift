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
                    return FolioError(.badInput, "Receipt for \(r.submission) names a submission this school has not recorded.",
                                      hint: "Import the office's submission records first.")
                }
                if let error = StudentFolder.duty(event, submission.office.duty, school) { return error }
                guard r.student == view.number, r.school == school.code else {
                    return FolioError(.badInput, "This receipt is for student \(r.student) of school \(r.school), not \(view.number).",
                                      hint: "File it under the right student.")
                }
                guard !view.receipts.contains(where: { $0.receipt.submission == r.submission }) else {
                    return FolioError(.duplicate, "Student \(view.number) already has a receipt for \(r.submission).", hint: "Nothing to do.")
                }
                view.receipts.append(ReceiptView(receipt: r, digest: r.digest, code: r.code, event: stored.id,
                                                 superseded: false, answer: .open, answeredAt: nil, via: nil, disputes: []))
            case .receiptConfirmed, .receiptDisputed:
                let a = try event.decodeBody(ReceiptAnswer.self)
                guard let index = view.receipts.firstIndex(where: { $0.receipt.submission == a.submission }) else {
                    return FolioError(.unknownItem, "Student \(view.number) has no receipt for submission \(a.submission).",
                                      hint: "See the student's receipts with `folio status \(view.number)`.")
                }
                var receipt = view.receipts[index]
                guard a.digest == receipt.digest else {
                    return FolioError(.badInput, "The answer is for a receipt with code \(ShortCode.of(a.digest)), but \(view.number)'s receipt for \(a.submission) has code \(receipt.code).",
                                      hint: "Check the receipt code printed on the reply slip.")
                }
                if let error = answerAllowed(event, a, view: view, school: school) { return error }
                if event.kind == .receiptDisputed {
                    guard let reason = a.reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                        return FolioError(.missingField, "A doubt (異議) needs a reason the office can check.",
                                          hint: "Add --reason, for example --reason \"檔案不是我上傳的版本\".")
                    }
                    if let item = a.item, !receipt.receipt.lines.contains(where: { $0.item == item }) {
                        return FolioError(.unknownItem, "Item \(item) was not part of submission \(a.submission) for \(view.number).",
                                          hint: "Name an item listed on the receipt, or leave the item out to question the receipt as a whole.")
                    }
                    receipt.disputes.append(DisputeView(event: stored.id, item: a.item, reason: reason, at: event.at,
                                                        office: SubmittingOffice(rawValue: receipt.receipt.office) ?? .data,
                                                        finding: nil, resubmission: nil))
                    receipt.answer = .disputed
                } else {
                    guard receipt.answer != .disputed else {
                        return FolioError(.conflict, "Student \(view.number) has already raised a doubt about this receipt.",
                                          hint: "The office answers the doubt first (`folio dispute answer`).")
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
                    return FolioError(.unknownItem, "Student \(view.number) has no doubt \(d.dispute.prefix(12)).",
                                      hint: "List open doubts with `folio status \(view.number)`.")
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
            return FolioError(.outsideWindow, "No confirmation period has been opened for submission \(a.submission).",
                              hint: "The data section (資料組) opens it with `folio confirmation open`.")
        }
        if let closed = period.closed, event.at >= closed {
            return FolioError(.outsideWindow, "The confirmation period \(period.id) closed on \(closed.taipeiText); answers can no longer be recorded.",
                              hint: "Students who did not answer are deemed to have confirmed. Raise the matter with the data section (資料組).")
        }
        let day = event.at.taipeiDay
        switch a.via {
        case .kiosk:
            if StudentFolder.checkActor(event, view: view, school: school) != nil {
                return FolioError(.notAuthorised, "\(event.author) cannot answer for student \(view.number) at a kiosk.",
                                  hint: "The student answers at a classroom kiosk; the data section (資料組) records a reply that came by post with --post.")
            }
            guard day >= period.from, day <= period.to else {
                return FolioError(.outsideWindow, "The confirmation period runs \(period.from) to \(period.to); today is \(day).",
                                  hint: day < period.from ? "Answer from \(period.from)." : "The period is over; the data section (資料組) can still record a reply that came by post.")
            }
        case .post:
            if let error = StudentFolder.duty(event, SubmittingOffice.data.duty, school) { return error }
            guard day >= period.from else {
                return FolioError(.outsideWindow, "The confirmation period starts on \(period.from).", hint: "Record the reply from then on.")
            }
        }
        return nil
    }
}
