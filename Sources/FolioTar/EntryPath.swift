/// The tar layer's rules for a name that came from outside, open to other readers of such names (the
/// listings of a backup): not empty, not absolute, no `..`, `.` or empty component, valid UTF-8 in its
/// composed (NFC) form, no control, bidirectional-override, `\` or `%` character, and no part too long for
/// the file systems a school's disks use.
public enum EntryPath {
    public static func check(_ path: String, maxBytes: Int = TarLimits.default.maxPathBytes) throws(TarError) {
        try TarPathRules.validate(path, maxPathBytes: maxBytes)
    }
}
