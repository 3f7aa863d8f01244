import ArgumentParser
import FolioCore
import FolioWorkspace

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: Message("help.settings.abstract").text(),
        subcommands: [SettingsShow.self, SettingsSet.self], defaultSubcommand: SettingsShow.self)
}

struct SettingsSet: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: Message("help.settings.set.abstract").text(),
        discussion: Message("help.settings.set.discussion").text())

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(Message("help.settings.set.uploadLimit").text())) var uploadLimit: Int?
    @Option(help: ArgumentHelp(Message("help.settings.set.courseSelectionLimit").text())) var courseSelectionLimit: Int?
    @Option(help: ArgumentHelp(Message("help.settings.set.diverseSelectionLimit").text())) var diverseSelectionLimit: Int?
    @Option(help: ArgumentHelp(Message("help.settings.set.retentionYears").text())) var retentionYears: Int?
    @Option(help: ArgumentHelp(Message("help.settings.set.phone").text())) var phone: String?

    func execute() throws(FolioError) {
        guard [uploadLimit, courseSelectionLimit, diverseSelectionLimit, retentionYears].contains(where: { $0 != nil })
                || phone != nil else {
            throw FolioError(.badInput, "settings.set.nothing")
        }
        // A number as people write it, with an extension: (02)2345-6789 轉 123, +886-2-2345-6789#123.
        if let phone, phone.isEmpty || phone.count > 40
            || !phone.allSatisfy({ ($0.isASCII && ($0.isNumber || "()-+# ".contains($0))) || "轉分機".contains($0) }) {
            throw FolioError(.badInput, "settings.set.phone", ["phone": phone])
        }
        let session = try global.session()
        var s = session.school.settings
        if let uploadLimit { s.uploadLimitPerTerm = uploadLimit }
        if let courseSelectionLimit { s.courseSelectionLimit = courseSelectionLimit }
        if let diverseSelectionLimit { s.diverseSelectionLimit = diverseSelectionLimit }
        if let retentionYears { s.retentionYears = retentionYears }
        if let phone { s.phone = phone }
        try session.appendSchool([try session.sign(try global.actor(), .settings, at: try global.now(), body: s)])
        Output.say(Message("settings.set.done", ["uploads": s.uploadLimitPerTerm, "course": s.courseSelectionLimit,
                                                  "diverse": s.diverseSelectionLimit, "years": s.retentionYears]))
        if let phone = s.phone { Output.say(Message("settings.set.phoneDone", ["phone": phone])) }
    }
}

struct SettingsShow: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: Message("help.settings.show.abstract").text(),
        discussion: Message("help.settings.show.discussion").text())

    @OptionGroup var global: GlobalOptions

    func execute() throws(FolioError) {
        let s = try global.openWorkspace().school().settings
        if global.json { Output.json(s); return }
        let fixed = Message("settings.fixed").text()
        Output.say(Output.table([Message("settings.column.setting").text(), Message("settings.column.now").text(),
                                 Message("settings.column.change").text()], [
            [Message("settings.uploadLimit").text(), String(s.uploadLimitPerTerm), "--upload-limit"],
            [Message("settings.courseSelectionLimit").text(), String(s.courseSelectionLimit), "--course-selection-limit"],
            [Message("settings.diverseSelectionLimit").text(), String(s.diverseSelectionLimit), "--diverse-selection-limit"],
            [Message("settings.retentionYears").text(), String(s.retentionYears), "--retention-years"],
            [Message("settings.phone").text(), s.phone ?? "-", "--phone"],
            [Message("settings.descriptionLimit").text(), String(s.descriptionLimit), fixed],
            [Message("settings.documentLimit").text(), Self.size(s.documentLimitBytes), fixed],
            [Message("settings.mediaLimit").text(), Self.size(s.mediaLimitBytes), fixed],
        ]))
    }

    /// Whole megabytes as "4 MB", anything else in bytes.
    static func size(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MB" : Message("settings.bytes", ["count": bytes]).text()
    }
}
