import FolioCore
import Foundation

/// A CSV file read from disk a line at a time (`CSVReader` over `LineReader`), in two passes: the first
/// chooses the encoding (UTF-8 or Big5), the second hands over the header and then each row with its line.
/// Only a line and a record are in memory at a time, so a whole school's roster costs no more than a class's.
enum CSVFile {
    /// Reads `path`, calling `header` once and then `row` for every row (a row with a different number of
    /// fields than the header is refused). `describe` turns a CSV error into the caller's own message.
    /// Returns the encoding the file was read in.
    @discardableResult
    static func read(_ path: String, describe: (CSVError) -> FolioError,
                     header: ([String]) throws(FolioError) -> Void,
                     row: (_ line: Int, _ fields: [String]) throws(FolioError) -> Void) throws(FolioError) -> CSVEncoding {
        var check = CSVReader.EncodingCheck()
        let first = try LineReader(path)
        while let line = try first.next() { check.add(line) }
        var reader = CSVReader(encoding: check.encoding)
        var columns: Int?
        func take(_ records: [CSVReader.Record]) throws(FolioError) {
            for record in records {
                guard let count = columns else {
                    columns = record.fields.count
                    try header(record.fields)
                    continue
                }
                guard record.fields.count == count else {
                    throw describe(.wrongFieldCount(line: record.line, expected: count, found: record.fields.count))
                }
                try row(record.line, record.fields)
            }
        }
        let second = try LineReader(path)
        while let line = try second.next() {
            let records: [CSVReader.Record]
            do { records = try reader.add(line) } catch { throw describe(error) }
            try take(records)
        }
        let last: [CSVReader.Record]
        do { last = try reader.finish() } catch { throw describe(error) }
        try take(last)
        if columns == nil { throw describe(.empty) }
        return check.encoding
    }
}
