extension SchoolState {
    /// Who holds `key`, when it is a key this school registered that may be revoked. A mistyped key, one
    /// nobody here holds, one revoked already, and the root key (which only a replacement retires) are
    /// refused with the reason.
    public func revocable(_ key: String) throws(FolioError) -> String {
        if key == rootKey || formerRootKeys.contains(key) {
            throw FolioError(.badInput, "That is the school root key; revoking it would leave nobody able to register or revoke a key.",
                             hint: "To retire the root key, replace it: `folio root replace --new-key NEW-ROOT.key` (the IT section's page says how).")
        }
        guard let owner = keys.keys.sorted().first(where: { keys[$0]!.contains(key) }) else {
            throw FolioError(.unknownPerson, "No person or device of this school has the key \(key.prefix(12))….",
                             hint: "Check that you gave the right key: `folio staff list` shows who is registered. Nothing was revoked.")
        }
        if let since = revoked[key] {
            throw FolioError(.duplicate, "\(owner)'s key \(key.prefix(12))… was revoked already, on \(since.taipeiText).",
                             hint: "Nothing to do.")
        }
        return owner
    }
}
