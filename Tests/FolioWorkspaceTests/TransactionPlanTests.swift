import Foundation
import FolioCore
import Testing
@testable import FolioWorkspace

/// A transaction's plan is written by hand (an import of a whole school moves 100,000 files) but read back
/// with `JSONDecoder` after a crash: every path must come back exactly, whatever characters it holds.
@Suite struct TransactionPlanTests {
    @Test func aHandWrittenPlanReadsBackAsTheSameMoves() throws {
        let names = ["students/112001/files/ab/cd/作品集.pdf", "school/events/\"quoted\".json", "a\\b", "tab\there",
                     "line\nbreak", "\u{01}ctl", "😀.png", "", "school/school.json"]
        var moves: [Transaction.Move] = []
        for (i, name) in names.enumerated() {
            moves.append(Transaction.Move(staged: String(i + 1), target: name, remove: nil))
            moves.append(Transaction.Move(staged: "rm-\(i)", target: name, remove: true))
            moves.append(Transaction.Move(staged: "x\(i)", target: name, remove: false))
        }
        let decoded = try JSONDecoder().decode([Transaction.Move].self, from: Data(Transaction.planBytes(moves)))
        #expect(decoded.map(\.staged) == moves.map(\.staged))
        #expect(decoded.map(\.target) == moves.map(\.target))
        #expect(decoded.map(\.remove) == moves.map(\.remove))
        #expect(try JSONDecoder().decode([Transaction.Move].self, from: Data(Transaction.planBytes([]))).isEmpty)
    }

    /// A move that fails after the commit point (its folder became a file meanwhile) leaves the plan for the
    /// next command to finish, instead of a half-changed workspace with nothing to finish it. Replaying it
    /// skips what was moved already, even where the target's folder has since become something else.
    @Test func aFailureAfterTheCommitPointIsFinishedByRecovery() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-txn-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileIO.makeDirectories(root)
        try Data("in the way".utf8).write(to: URL(fileURLWithPath: root + "/b"))
        let txn = try Transaction(root: root)
        try txn.write("a/x.txt", Array("x".utf8))
        try txn.write("b/y.txt", Array("y".utf8))
        #expect(throws: FolioError.self) { try txn.commit() }
        txn.abandon()   // as callers do on an error: it must not throw the committed plan away
        #expect(try FileIO.readAll(root + "/a/x.txt") == Array("x".utf8))
        let pending = FileIO.list(root + "/.folio/txn")
        #expect(pending.count == 1)
        #expect(FileIO.exists(root + "/.folio/txn/\(pending.first ?? "")/plan.json"))
        // Meanwhile the first move's folder is replaced by a file, and the obstacle is cleared.
        try FileManager.default.moveItem(atPath: root + "/a", toPath: root + "/a-moved")
        try Data("now a file".utf8).write(to: URL(fileURLWithPath: root + "/a"))
        try FileManager.default.removeItem(atPath: root + "/b")
        try Transaction.recover(root: root)
        try Transaction.recover(root: root)   // twice: nothing left to do
        #expect(try FileIO.readAll(root + "/b/y.txt") == Array("y".utf8))
        #expect(try FileIO.readAll(root + "/a") == Array("now a file".utf8))
        #expect(FileIO.list(root + "/.folio/txn").isEmpty)
    }

    /// Recovery reads the plan from disk: a target outside the workspace is refused, and nothing moves.
    @Test func aPlanReachingOutsideIsRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folio-txn-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let txn = root + "/.folio/txn/1"
        try FileIO.makeDirectories(txn)
        try Data("x".utf8).write(to: URL(fileURLWithPath: txn + "/1"))
        let plan = Transaction.planBytes([Transaction.Move(staged: "1", target: "../escaped.txt", remove: nil)])
        try Data(plan).write(to: URL(fileURLWithPath: txn + "/plan.json"))
        #expect(throws: FolioError.self) { try Transaction.recover(root: root) }
        #expect(!FileIO.exists(root + "/../escaped.txt"))
        #expect(FileIO.exists(txn + "/1"))
        // A removal reaching outside would take a folder beside the workspace away: refused too.
        let beside = root + "-beside"
        try FileIO.makeDirectories(beside)
        defer { try? FileManager.default.removeItem(atPath: beside) }
        let name = (beside as NSString).lastPathComponent
        let removal = Transaction.planBytes([Transaction.Move(staged: "rm-1", target: "../" + name, remove: true)])
        try Data(removal).write(to: URL(fileURLWithPath: txn + "/plan.json"))
        #expect(throws: FolioError.self) { try Transaction.recover(root: root) }
        #expect(FileIO.isDirectory(beside))
    }
}
