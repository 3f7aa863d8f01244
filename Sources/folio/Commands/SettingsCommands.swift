import ArgumentParser
import FolioCore
import FolioWorkspace

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Show or change the rule settings (data section 資料組).",
        subcommands: [SettingsShow.self, SettingsSet.self], defaultSubcommand: SettingsShow.self)
}

struct SettingsSet: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change limits; options left out keep their current value.",
        discussion: "Example: folio settings set --upload-limit 9 --as D01 --key D01.key")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Course learning outcomes a student may upload per semester (seed: 6).") var uploadLimit: Int?
    @Option(help: "Course learning outcomes a student may select per academic year (6).") var courseSelectionLimit: Int?
    @Option(help: "Diverse-performance items a student may select per academic year (10).") var diverseSelectionLimit: Int?
    @Option(help: "Years a graduate's portfolio stays sealed (at least 5).") var retentionYears: Int?

    func execute() throws(FolioError) {
        guard [uploadLimit, courseSelectionLimit, diverseSelectionLimit, retentionYears].contains(where: { $0 != nil }) else {
            throw FolioError(.badInput, "Nothing to change: no setting was given, so nothing was recorded.",
                             hint: "Give one or more of --upload-limit, --course-selection-limit, --diverse-selection-limit and --retention-years; `folio settings` shows the current settings.")
        }
        let session = try global.session()
        var s = session.school.settings
        if let uploadLimit { s.uploadLimitPerTerm = uploadLimit }
        if let courseSelectionLimit { s.courseSelectionLimit = courseSelectionLimit }
        if let diverseSelectionLimit { s.diverseSelectionLimit = diverseSelectionLimit }
        if let retentionYears { s.retentionYears = retentionYears }
        try session.appendSchool([try session.sign(try global.actor(), .settings, at: try global.now(), body: s)])
        Output.say("Settings: \(s.uploadLimitPerTerm) uploads per semester, select \(s.courseSelectionLimit) course outcomes and \(s.diverseSelectionLimit) diverse items a year, retention \(s.retentionYears) years.")
    }
}

struct SettingsShow: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show every rule setting's current value; changes nothing.",
        discussion: "Examples: folio settings        folio settings --json")

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let s = try global.openWorkspace().school().settings
        if global.json { Output.json(s); return }
        Output.say(Output.table(["setting", "now", "change with `folio settings set`"], [
            ["course learning outcomes a student may upload per semester", String(s.uploadLimitPerTerm), "--upload-limit"],
            ["course learning outcomes a student may select per academic year", String(s.courseSelectionLimit), "--course-selection-limit"],
            ["diverse-performance items a student may select per academic year", String(s.diverseSelectionLimit), "--diverse-selection-limit"],
            ["years a graduate's portfolio stays sealed", String(s.retentionYears), "--retention-years"],
            ["characters in an item's description", String(s.descriptionLimit), "(fixed)"],
            ["size of a document file", Self.size(s.documentLimitBytes), "(fixed)"],
            ["size of a video or audio file", Self.size(s.mediaLimitBytes), "(fixed)"],
        ]))
    }

    /// Whole megabytes as "4 MB", anything else in bytes.
    static func size(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MB" : "\(bytes) bytes"
    }
}
