import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Synthetic schools for benchmarks and tests.", subcommands: [SampleGenerate.self])
}

struct SampleGenerate: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Create a synthetic hub workspace: students, items with files, certifications, selections.",
        discussion: """
        The same seed gives the same school. Keys are written to DIR/keys (demo keys, they protect nothing).
        Example: folio sample generate --students 200 --items 20 --out /tmp/school200
        """)

    @Option(help: "How many students.") var students: Int
    @Option(help: "Items per student (about 3 in 10 are course outcomes, at most 6).") var items: Int = 20
    @Option(help: "Mean file size in kilobytes.") var meanKb: Int = 100
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "The folder to create the workspace in.") var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func execute() throws(FolioError) {
        guard students > 0, students <= 9999, items >= 0, items <= 200, meanKb > 0 else {
            throw FolioError(.badInput, "Students must be 1–9999, items 0–200, and the mean size positive.", hint: "Adjust the numbers.")
        }
        let s = try SampleGenerator(students: students, itemsPerStudent: items, meanBytes: meanKb * 1000, seed: seed).generate(at: out)
        if json { Output.json(s); return }
        Output.say("Generated \(s.root): \(s.students) students, \(s.items) items, \(s.files) files (\(s.bytes) bytes), \(s.teachers) teachers, \(s.pending) item(s) waiting for certification.")
    }
}
