import Foundation

/// The Excel workbooks (.xlsx) the import tests read, made once per test run by `Tests/Excel/make_workbooks.py`
/// (openpyxl, `Scripts/install-deps --tests`) from the sample's rosters, each beside the CSV file it must read as.
public enum ExcelWorkbooks {
    /// The folder holding them.
    public static func folder() throws -> URL {
        switch made {
        case .success(let url): return url
        case .failure(let error): throw error
        }
    }

    public static func path(_ name: String) throws -> String { try folder().appendingPathComponent(name).path }

    private static let made: Result<URL, FolioHarnessError> = {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = package.appendingPathComponent("Tests/Excel/make_workbooks.py").path
        // In the build folder, not /tmp: one folder per test process, made again by each run.
        let out = package.appendingPathComponent(".build/test-artifacts/xlsx/\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: out)
        let roster = SampleCopy.sampleURL().appendingPathComponent("roster").path
        do {
            let (status, output) = try ToolRunner.run("python3", [script, roster, out.path], mergingErrors: true)
            guard status == 0 else {
                return .failure(FolioHarnessError("make_workbooks.py failed (is openpyxl installed? Scripts/install-deps --tests):\n\(output)"))
            }
        } catch {
            return .failure(FolioHarnessError("cannot run python3: \(error)"))
        }
        return .success(out)
    }()
}
