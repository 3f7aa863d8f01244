import FolioCore
import FolioWorkspace
import Foundation

/// A transfer bundle rewritten by someone who holds the sending school's registration key: the same
/// student's records and files, plus the founding record of a second school root (and a person registered
/// under it), signed again as the sending clerk.
public enum TransferForgery {
    public static func withSecondFounding(transfer: String, school: String, sender: BundleParty, signer: SigningIdentity,
                                          at: Instant) throws -> [UInt8] {
        let unpacked = FileManager.default.temporaryDirectory.appendingPathComponent("folio-forge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: unpacked) }
        let tar = try ToolRunner.run("tar", ["-xf", transfer, "-C", unpacked], mergingErrors: true)
        guard tar.status == 0 else { throw FolioHarnessError("tar failed: \(tar.output)") }
        var forge = BundleForge(kind: .transfer, school: school, sender: sender, signer: signer, recipient: BundleParty(),
                                created: at, scope: ["forged"])
        let walker = FileManager.default.enumerator(atPath: unpacked)!
        while let path = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: unpacked + "/" + path, isDirectory: &isDir)
            guard path != BundleHeader.entryName, !isDir.boolValue else { continue }
            forge.parts[path] = Array(try Data(contentsOf: URL(fileURLWithPath: unpacked + "/" + path)))
        }
        let other = SigningIdentity.generate(principal: SchoolState.rootPrincipal)
        let root = Actor(identity: other)
        try forge.add(try root.sign(.schoolCreated, school: school, at: at,
                                    body: SchoolCreated(code: school, name: "假冒學校", rootKey: other.publicKeyText)))
        try forge.add(try root.sign(.staffSet, school: school, at: at.adding(seconds: 1),
                                    body: Principal(id: "EVIL", name: "假冒者", kind: .staff, offices: ["registration"],
                                                    publicKey: SigningIdentity.generate(principal: "EVIL").publicKeyText)))
        forge.seal()
        return try forge.archive()
    }
}
