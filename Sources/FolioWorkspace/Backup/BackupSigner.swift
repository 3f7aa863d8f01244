import FolioCore

/// Whether a snapshot's signer may vouch for a backup of this school: a key the school registered for them (or
/// the school root), not revoked by the time the snapshot was taken. The same rule as for any record's key
/// (`Authority.checkKey`), applied when a backup is made and again, against the backup's own records, when
/// it is restored.
enum BackupSigner {
    /// `said`: the start of the messages' keys, `backup` or `restore`, which say what to do next differently.
    static func check(_ signer: String, key: String, at taken: Instant, school: SchoolState, said: String) -> FolioError? {
        let known = signer == SchoolState.rootPrincipal ? [school.rootKey] : (school.keys[signer] ?? [])
        guard known.contains(key) else {
            return FolioError(.wrongKey, said + ".signer.unknown", ["signer": signer])
        }
        if let since = school.revoked[key], since <= taken {
            return FolioError(.wrongKey, said + ".signer.revoked", ["signer": signer, "since": since.taipeiText])
        }
        return nil
    }
}
