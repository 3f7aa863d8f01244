@testable import FolioCore

/// The error a parser of typed input threw, or nil when it accepted the text.
func refusal<T>(_ parse: () throws(FolioError) -> T) -> FolioError? {
    do {
        _ = try parse()
        return nil
    } catch {
        return error
    }
}
