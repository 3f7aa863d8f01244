import Foundation
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
}
