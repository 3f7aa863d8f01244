import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: Message("help.sample.abstract").text(), subcommands: [SampleGenerate.self])
}

struct SampleGenerate: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: Message("help.sample.generate.abstract").text(),
        discussion: Message("help.sample.generate.discussion").text())

    @Option(help: ArgumentHelp(Message("help.sample.generate.students").text())) var students: Int
    @Option(help: ArgumentHelp(Message("help.sample.generate.items").text())) var items: Int = 20
    @Option(help: ArgumentHelp(Message("help.sample.generate.meanKb").text())) var meanKb: Int = 100
    @Option(help: ArgumentHelp(Message("help.sample.generate.seed").text())) var seed: UInt64 = 1
    @Option(help: ArgumentHelp(Message("help.sample.generate.out").text())) var out: String
    @Flag(help: ArgumentHelp(Message("help.global.json").text())) var json = false

    func execute() throws(FolioError) {
        guard students > 0, students <= 9999, items >= 0, items <= 200, meanKb > 0 else {
            throw FolioError(.badInput, "sample.badNumbers")
        }
        let s = try SampleGenerator(students: students, itemsPerStudent: items, meanBytes: meanKb * 1000, seed: seed).generate(at: out)
        if json { Output.json(s); return }
        Output.say(Message("sample.generated", ["root": s.root, "students": s.students, "items": s.items, "files": s.files,
                                                 "bytes": s.bytes, "teachers": s.teachers, "pending": s.pending]))
    }
}
