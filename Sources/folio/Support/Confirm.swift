import Foundation

/// Asking a person at a terminal to confirm something that cannot be undone. Without a terminal (a
/// script, a test) nothing is confirmed: the command's own flag (`--yes`, `--root-fingerprint`) is the way.
enum Confirm {
    static func ask(_ question: String) -> Bool {
        guard isatty(STDIN_FILENO) == 1 else { return false }
        FileHandle.standardError.write(Data(question.utf8))
        guard let answer = readLine(strippingNewline: true) else { return false }
        return ["yes", "y", "是", "確定"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
