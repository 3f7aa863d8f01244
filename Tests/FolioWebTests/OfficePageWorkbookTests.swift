import FolioTestSupport
@testable import FolioWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The office desk's report page offers the report as an Excel workbook: the same bytes `folio report --xlsx` writes.
@Suite struct OfficePageWorkbookTests {
    @Test func theReportPageDownloadsTheWorkbookTheCommandWrites() async throws {
        let desk = try ReviewFixture(laptop: false)
        let now = "2025-01-09T10:00"
        let file = desk.school.scratch("uncertified.xlsx")
        try KioskFixture.require(try desk.school.folio(["report", "uncertified", "--xlsx", file], now: now))
        let written = try Data(contentsOf: URL(fileURLWithPath: file))
        try await desk.application(["R01"], now: now).test(.router) { client in
            let visitor = WebVisitor(client)
            try await visitor.signIn(staff: "R01", passphrase: "demo")
            let page = try await visitor.get("/office/reports?report=uncertified")
            #expect(page.body.contains("href=\"/office/reports?report=uncertified&amp;format=xlsx\""), "\(page.body)")
            #expect(page.text.contains("下載 Excel 檔（.xlsx）"))
            // The page decodes bodies as text: the workbook's bytes are taken as they come.
            let cookie = visitor.cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let response = try await client.execute(uri: "/office/reports?report=uncertified&format=xlsx", method: .get,
                                                    headers: [.cookie: cookie], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"uncertified.xlsx\"")
            #expect(Data(response.body.readableBytesView) == written, "\(response.body.readableBytes) bytes, \(written.count) written by the command")
        }
    }
}
