extension SchoolState {
    /// Who holds `key`, when it is a key this school registered that may be revoked. A mistyped key, one
    /// nobody here holds, one revoked already, and the root key (which only a replacement retires) are
    /// refused with the reason.
    public func revocable(_ key: String) throws(FolioError) -> String {
        if key == rootKey || formerRootKeys.contains(key) {
            throw FolioError(.badInput, "key.revoke.root")
        }
        guard let owner = keys.keys.sorted().first(where: { keys[$0]!.contains(key) }) else {
            throw FolioError(.unknownPerson, "key.revoke.unknown", ["key": key.prefix(12)])
        }
        if let since = revoked[key] {
            throw FolioError(.duplicate, "key.revoke.already", ["owner": owner, "key": key.prefix(12), "since": since.taipeiText])
        }
        return owner
    }
}
