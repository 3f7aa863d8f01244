import FolioCore
import Foundation

/// A receipt file as `folio receipt print` writes it next to the page: what `folio receipt check` reads.
public struct ReceiptFile: Codable, Sendable {
    public var format = "folio-receipt-file/1"
    public var receipt: Receipt
    public var digest: String

    public init(receipt: Receipt) {
        self.receipt = receipt
        self.digest = receipt.digest
    }
}

/// One line of `folio receipt check`.
public struct ReceiptCheckLine: Codable, Sendable {
    public enum Result: String, Codable, Sendable { case match, mismatch, missing }
    public var file: String
    public var title: String
    public var expected: String
    public var found: String?
    public var result: Result
}

public enum ReceiptCheck {
    /// Reads a receipt file and checks that its digest matches its lines.
    public static func load(_ path: String) throws(FolioError) -> Receipt {
        guard let bytes = try? FileIO.readAll(path),
              let file = try? JSONDecoder().decode(ReceiptFile.self, from: Data(bytes)) else {
            throw FolioError(.badInput, "receipt.notAFile", ["path": path])
        }
        // Lines are re-sorted as the receipt defines them before the digest is recomputed.
        let receipt = Receipt(school: file.receipt.school, student: file.receipt.student, submission: file.receipt.submission,
                              office: file.receipt.office, period: file.receipt.period, lines: file.receipt.lines)
        guard receipt.digest == file.digest else {
            throw FolioError(.tampered, "receipt.changed", ["path": path])
        }
        return receipt
    }

    /// Compares the student's own copies in `dir` (searched by file name, in any sub-folder) with the
    /// receipt's file lines.
    public static func check(_ receipt: Receipt, files dir: String) throws(FolioError) -> [ReceiptCheckLine] {
        guard FileIO.isDirectory(dir) else {
            throw FolioError(.badInput, "receipt.noFolder", ["dir": dir])
        }
        var byName: [String: [String]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let relative = enumerator?.nextObject() as? String {
            let path = dir + "/" + relative
            guard !FileIO.isDirectory(path) else { continue }
            byName[(relative as NSString).lastPathComponent.precomposedStringWithCanonicalMapping, default: []].append(path)
        }
        var out: [ReceiptCheckLine] = []
        for line in receipt.lines where line.item != nil {
            let candidates = byName[line.file.precomposedStringWithCanonicalMapping] ?? []
            var hashes: [String] = []
            for path in candidates { hashes.append(try FileIO.hashFile(path).sha256) }
            let result: ReceiptCheckLine.Result = hashes.isEmpty ? .missing : hashes.contains(line.sha256) ? .match : .mismatch
            out.append(ReceiptCheckLine(file: line.file, title: line.title, expected: line.sha256,
                                        found: hashes.first { $0 == line.sha256 } ?? hashes.first, result: result))
        }
        return out
    }

    /// The short code and full SHA-256 of a file.
    public static func code(_ path: String) throws(FolioError) -> (code: String, sha256: String) {
        guard FileIO.exists(path), !FileIO.isDirectory(path) else {
            throw FolioError(.badInput, "receipt.noFile", ["path": path])
        }
        let sha = try FileIO.hashFile(path).sha256
        return (ShortCode.of(sha), sha)
    }
}

extension WorkspaceSession {
    /// `folio confirmation open`.
    public func openConfirmation(id: String, from: CivilDate, to: CivilDate, submissions: [String], actor: Actor,
                                 now: Instant) throws(FolioError) -> ConfirmationOpened {
        let body = ConfirmationOpened(id: id, from: from, to: to, submissions: submissions)
        try appendAll(school: [try sign(actor, .confirmationOpened, at: now, body: body)], students: [:], adopting: [])
        return body
    }

    /// `folio confirmation close`: from then on, every receipt of the period without an answer counts as confirmed.
    public func closeConfirmation(id: String, actor: Actor, now: Instant) throws(FolioError) -> [String] {
        if let closed = school.confirmations.first(where: { $0.id == id })?.closed {
            throw FolioError(.duplicate, "receipt.periodClosed", ["id": id, "closed": closed.taipeiText])
        }
        try appendAll(school: [try sign(actor, .confirmationClosed, at: now, body: ConfirmationClosed(id: id))],
                      students: [:], adopting: [])
        guard let period = school.confirmations.first(where: { $0.id == id }) else { return [] }
        return workspace.studentNumbers().filter { n in
            (workspace.storedManifest(n)?.receipts ?? []).contains {
                period.submissions.contains($0.receipt.submission) && $0.answer == .deemed
            }
        }
    }

    /// `folio confirm` / `folio dispute`: the student's answer to their receipt for `submission`
    /// (the latest receipt when nil).
    public func answerReceipt(student: String, submission: String?, dispute: (item: String?, reason: String)?,
                              byPost: Bool, actor: Actor, now: Instant) throws(FolioError) -> ReceiptView {
        let view = workspace.view(student, school: school)
        guard view.student != nil else {
            throw FolioError(.unknownStudent, Message("student.none", ["student": student]), hint: Message("student.checkNumber.hint"))
        }
        let open = view.receipts.filter { !$0.superseded }
        guard let receipt = submission.map({ s in open.first { $0.receipt.submission == s } }) ?? open.last else {
            throw FolioError(.unknownItem, Message(submission == nil ? "receipt.none" : "receipt.noneFor", ["student": student, "submission": submission ?? ""]),
                             hint: Message("receipt.none.hint", ["student": student]))
        }
        var item = dispute?.item
        if let prefix = item {
            try Workspace.checkItemPrefix(prefix, student: student)
            let ids = Set(receipt.receipt.lines.compactMap(\.item)).filter { $0.hasPrefix(prefix) }
            item = ids.count == 1 ? ids.first : prefix
        }
        let body = ReceiptAnswer(submission: receipt.receipt.submission, digest: receipt.digest, via: byPost ? .post : .kiosk,
                                 item: item, reason: dispute?.reason)
        let event = try sign(actor, dispute == nil ? .receiptConfirmed : .receiptDisputed, student: student, at: now, body: body)
        let views = try appendStudents([StudentChange(number: student, events: [event])])
        return views[student]!.receipts.first { $0.receipt.submission == receipt.receipt.submission }!
    }

    /// `folio answer-dispute`: the submitting office's finding on a student's open doubt.
    public func answerDispute(student: String, submission: String?, finding: String, resubmission: String?, actor: Actor,
                              now: Instant) throws(FolioError) -> DisputeView {
        let view = workspace.view(student, school: school)
        let mine = Set(school.principal(actor.id)?.offices ?? [])
        let candidates = view.receipts.filter { submission == nil || $0.receipt.submission == submission }
            .flatMap(\.disputes).filter { $0.finding == nil }
        // The doubt routed to the answering person's own office first; another office's only if none is.
        guard let open = candidates.last(where: { mine.contains($0.office.rawValue) }) ?? candidates.last else {
            throw FolioError(.unknownItem, "receipt.noDoubt", ["student": student])
        }
        let event = try sign(actor, .disputeAnswered, student: student, at: now,
                             body: DisputeAnswered(dispute: open.event, finding: finding, resubmission: resubmission))
        let views = try appendStudents([StudentChange(number: student, events: [event])])
        return views[student]!.receipts.flatMap(\.disputes).first { $0.event == open.event }!
    }
}

/// What `folio receipt print` wrote.
public struct PrintedReceipts: Codable, Sendable {
    /// One HTML page per student, in print order.
    public var pages: [String]
    /// The merged PDF: every student's receipt (and letter) in class and seat order, one student per sheet.
    public var pdf: String?
    /// `addresses.csv`, for envelope labels, with `--left`.
    public var addresses: String?
}

extension Workspace {
    /// `folio receipt print`: writes a page (and a receipt file) per student for `submission` into `dir`, and
    /// all of them in one PDF (`<submission>.pdf`, made by `PDFPrinter`) unless `pdf` is false; with `left`, only
    /// students who have left, each with a letter first (`<submission>-letters.pdf`), plus `addresses.csv` for labels.
    /// Students are taken in class and seat order (`ReceiptPages.printOrder`), so the pile that comes out of the
    /// printer is the order the classes hand them out in.
    public func printReceipts(submission: String, students wanted: [String], left: Bool, pdf: Bool = true,
                              today: CivilDate, to dir: String) throws(FolioError) -> PrintedReceipts {
        let school = self.school()
        guard school.submission(submission) != nil else {
            throw FolioError(.badInput, Message("receipt.noSubmission", ["submission": submission]), hint: Message("receipt.noSubmission.status.hint"))
        }
        var chosen: [StudentRecord] = []
        for number in studentNumbers() where wanted.isEmpty || wanted.contains(number) {
            let view = storedManifest(number) ?? self.view(number, school: school)
            guard let student = view.student, view.receipts.contains(where: { $0.receipt.submission == submission }) else { continue }
            if left && student.status == .enrolled { continue }
            chosen.append(student)
        }
        chosen.sort(by: ReceiptPages.printOrder)
        // Refused before anything is written: without the tools there is no PDF to make.
        let per = PDFPrinter.studentsPerPiece
        let tools = pdf ? try PDFPrinter.requireTools(pieces: (chosen.count + per - 1) / per) : nil
        try FileIO.makeDirectories(dir)
        let scratch = try FileIO.privateTemporaryFolder("folio-print")
        defer { FileIO.removeTree(scratch) }
        // The whole document, in pieces of `studentsPerPiece` students each, for Chromium to print side by side.
        var pieces: [String] = []
        var document: FileHandle?
        defer { try? document?.close() }
        func append(_ text: String) throws(FolioError) {
            do { try document?.write(contentsOf: Data(text.utf8)) } catch { throw FileIO.ioError("write", pieces.last ?? scratch) }
        }
        func nextPiece() throws(FolioError) {
            if document != nil { try append(ReceiptPages.tail); try? document?.close() }
            let path = scratch + "/\(submission)-\(pieces.count).html"
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw FileIO.ioError("create", path)
            }
            pieces.append(path)
            document = handle
            try append(ReceiptPages.head(title: "收訖明細 \(submission)"))
        }
        var result = PrintedReceipts(pages: [])
        // Thousands of pages, flushed once and read back, not flushed one by one.
        let batch = CheckedBatch(folder: dir)
        var labels: [[String]] = []
        let progress = ProgressMeter(Message("progress.print"), total: chosen.count)
        for (index, chosenStudent) in chosen.enumerated() {
            progress.advance()
            if index % per == 0 { try nextPiece() }
            let number = chosenStudent.number
            let view = storedManifest(number) ?? self.view(number, school: school)
            guard let student = view.student, let receipt = view.receipts.first(where: { $0.receipt.submission == submission }) else { continue }
            let name = "\(number)-\(submission)"
            let body = ReceiptPages.body(receipt, student: student, records: view.records, school: school, letter: left, today: today)
            try batch.add(dir + "/" + name + ".html", Array(ReceiptPages.document(title: "收訖明細 \(number) \(submission)", body: body).utf8))
            try batch.add(dir + "/" + name + ".receipt.json", Workspace.viewBytes(ReceiptFile(receipt: receipt.receipt)))
            try append(body)
            result.pages.append(dir + "/" + name + ".html")
            if left { labels.append([number, student.name, student.postalCode ?? "", student.address]) }
        }
        progress.finish()
        if document != nil { try append(ReceiptPages.tail); try? document?.close(); document = nil }
        if left {
            result.addresses = dir + "/addresses.csv"
            try batch.add(dir + "/addresses.csv", CSVTable.write(header: ["學號", "姓名", "郵遞區號", "郵寄地址"], rows: labels))
        }
        try batch.commit()
        if let tools, !result.pages.isEmpty {
            let target = dir + "/" + submission + (left ? "-letters" : "") + ".pdf"
            let printing = ProgressMeter(Message("progress.pdf"), total: 1, unit: Message("progress.unit.documents"))
            defer { printing.finish() }
            try PDFPrinter.print(pieces: pieces, to: target, browser: tools.browser, unite: tools.unite, scratch: scratch) {
                printing.advance(0)
            }
            result.pdf = target
        }
        return result
    }
}

/// `folio receipt import`: the receipt details (收訖明細) the central database sent back, compared line by
/// line with what was submitted.
public struct ReceivedComparison: Codable, Sendable {
    public struct Difference: Codable, Sendable {
        public enum Kind: String, Codable, Sendable {
            /// Submitted, but not in the central database's details.
            case notReceived = "not-received"
            /// In the details, but never submitted for this student.
            case notSubmitted = "not-submitted"
            /// Same student and file, different size or SHA-256.
            case changed
        }
        public var kind: Kind
        public var student: String
        public var file: String
        public var detail: String
    }

    public var submission: String
    public var matched: Int
    public var differences: [Difference]
    /// Where the details were filed when everything matched.
    public var savedAs: String?
}

extension WorkspaceSession {
    /// Reads a CSV (UTF-8 with or without BOM, or Big5) with columns 學號, 類別, 學期, 檔名, 檔案大小, SHA-256,
    /// and compares it with the receipts of `submission`. When every line matches, the file is kept as
    /// `submissions/<id>.received.csv`; otherwise nothing changes and the differences are returned.
    public func importReceived(_ path: String, submission: String) throws(FolioError) -> ReceivedComparison {
        guard school.submission(submission) != nil else {
            throw FolioError(.badInput, "receipt.noSubmission", ["submission": submission])
        }
        let bytes = try FileIO.readAll(path)
        let table: CSVTable
        do { table = try CSVTable.parse(bytes) } catch {
            throw FolioError(.badCSV, Message("receipt.csv", ["path": path, "error": error.what]), hint: error.next)
        }
        func column(_ names: [String]) throws(FolioError) -> Int {
            guard let i = table.column(named: names) else {
                throw FolioError(.badCSV, "receipt.noColumn", ["path": path, "column": names[0]])
            }
            return i
        }
        let cStudent = try column(["學號", "student"]), cFile = try column(["檔名", "file"])
        let cSize = try column(["檔案大小", "size"]), cSHA = try column(["SHA-256", "sha256"])
        // Remaining submitted lines per student; office records share a roster file name, so lines are
        // matched by file name and hash together.
        var remaining: [String: [ReceiptLine]] = [:]
        for number in workspace.studentNumbers() {
            guard let r = workspace.view(number, school: school).receipts.first(where: { $0.receipt.submission == submission }) else { continue }
            remaining[number] = r.receipt.lines
        }
        var result = ReceivedComparison(submission: submission, matched: 0, differences: [])
        for row in table.rows {
            let student = row[cStudent], file = row[cFile].precomposedStringWithCanonicalMapping
            let sha = row[cSHA].lowercased(), size = Int(row[cSize]) ?? -1
            var lines = remaining[student] ?? []
            let name = { (l: ReceiptLine) in l.file.precomposedStringWithCanonicalMapping == file }
            if let i = lines.firstIndex(where: { name($0) && $0.sha256 == sha && $0.size == size }) {
                lines.remove(at: i)
                result.matched += 1
            } else if let i = lines.firstIndex(where: name) {
                let line = lines.remove(at: i)
                result.differences.append(.init(kind: .changed, student: student, file: file,
                                                detail: Message("receipt.diff.changed", ["sent": line.size, "sentCode": ShortCode.of(line.sha256),
                                                                        "got": size, "gotCode": ShortCode.of(sha)]).text()))
            } else {
                result.differences.append(.init(kind: .notSubmitted, student: student, file: file,
                                                detail: Message("receipt.diff.notSubmitted", ["submission": submission, "student": student]).text()))
            }
            remaining[student] = lines
        }
        for (student, lines) in remaining.sorted(by: { $0.key < $1.key }) {
            for line in lines {
                result.differences.append(.init(kind: .notReceived, student: student, file: line.file,
                                                detail: Message("receipt.diff.notReceived").text()))
            }
        }
        if result.differences.isEmpty {
            let txn = try Transaction(root: workspace.root)
            do {
                try txn.write("submissions/\(submission).received.csv", bytes)
                try txn.commit()
            } catch {
                txn.abandon()
                throw error
            }
            result.savedAs = workspace.root + "/submissions/\(submission).received.csv"
        }
        return result
    }
}
