import ArgumentParser
import FolioCore
import FolioWorkspace
import Foundation

struct TransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: "Move a student's portfolio between schools (轉學): out to a bundle, in from one.",
        subcommands: [TransferOut.self, TransferIn.self])
}

struct TransferOut: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "out", abstract: "Write a signed transfer bundle with a student's items, files and history.",
        discussion: """
        The bundle is sealed for the person at the new school who takes it in: give the public key file (.pub) their
        registration section (註冊組) sent you, and check its fingerprint with them by phone, as they check yours.
        Example: folio transfer out 112021 --out /media/usb --for-key RB1.key.pub --as R01 --key R01.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The student number here.") var student: String
    @Option(help: "The folder to write the bundle into.") var out: String
    @Option(help: "The public key file (.pub) of the person at the new school who takes the transfer in.") var forKey: String?

    func execute() throws(FolioError) {
        guard let forKey else {
            throw FolioError(.badInput, "A transfer is sealed for the person at the new school who takes it in, and none was named.",
                             hint: "Ask the new school's registration section (註冊組) for their public key file (the .pub `folio key new` wrote), then add --for-key FILE.")
        }
        let reader = try KeyFiles.reader(forKey)
        // The clerk reads this out on the phone to the new school, which compares it with the key it sent.
        Output.note("Sealing for \(reader.id), encryption key fingerprint \(RootFingerprint.of(reader.key)): compare it with the new school by phone before the stick leaves.")
        let session = try global.session()
        let r = try session.transferOut(student: student, actor: try global.actor(), now: try global.now(), outDir: out, sealedFor: reader)
        if global.json { Output.json(r); return }
        Output.say("Wrote \(r.path ?? "?"): \(student)'s portfolio, \(r.events) record(s) and \(r.files) file(s). Give it to the new school's registration section (註冊組).")
    }
}

struct TransferIn: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "in", abstract: "Take in a transfer bundle from another school, checking every hash and signature.",
        discussion: """
        The student must already be registered here (roster import, with 原就讀學校). Their earlier items keep the
        original school code, terms and courses.
        Example: folio transfer in /media/usb/transfer-hub-1a2b3c4d-20250901-0001.tar --student 114050 --root-fingerprint '3f2a 91c0 77de 0b15' --as R01 --key R01.key
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The transfer bundle.") var file: String
    @Option(help: "The student's number at this school.") var student: String
    @Option(name: [.customLong("root-fingerprint"), .customLong("expect-root")],
            help: "The sending school's root key fingerprint, as that school gave it to you (required; checked before anything is written).")
    var rootFingerprint: String?

    func execute() throws(FolioError) {
        guard let rootFingerprint else {
            throw FolioError(.badInput, "A transfer is taken in only with the sending school's root fingerprint.",
                             hint: "Ask the sending school's IT section (資訊組) for their school root fingerprint (by phone or letter, not on the same USB stick), then add --root-fingerprint 'xxxx xxxx xxxx xxxx'.")
        }
        let session = try global.session()
        let actor = try global.actor()
        session.openingKeys = [actor.identity]
        let r = try session.transferIn(file, student: student, expectRoot: rootFingerprint, actor: actor, now: try global.now())
        if global.json { Output.json(r); return }
        Output.say("Took in \(r.items) item(s) and \(r.files) file(s) for \(student) from \(r.fromSchoolName) (\(r.fromSchool)), where they were \(r.fromNumber).")
        Output.say("The sending school's root key fingerprint is \(r.rootKeyFingerprint); compare it with the one that school publishes.")
    }
}
