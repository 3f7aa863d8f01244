import FolioCore
import FolioTestSupport
import Testing

/// An item id becomes a folder (`files/<item>/…`), so it has one form: ten lowercase hex digits. The fold
/// holds back any record naming anything else.
@Suite struct ItemIDTests {
    let f = SchoolFixture.standard()
    static let malformed = ["../../../x", "a/b", "ABCDEF0123", "abcdef012", "abcdef01234", "abcdefg012", "", "abcdef012\n"]

    func fold(_ events: [StoredEvent]) -> StudentView {
        StudentFolder.fold(number: "112001", events: events, school: f.school)
    }

    @Test func madeIdsAreValidAndOnlyTenLowercaseHexDigitsAre() {
        let made = ItemID.make(school: "999901", student: "112001", term: Term("113-1")!, category: "works", course: nil,
                               description: "作品", author: "K1", at: Instant(iso: "2024-10-01T09:00")!)
        #expect(ItemID.isValid(made))
        #expect(ItemID.isValid("0123456789") && ItemID.isValid("abcdefabcd"))
        for id in Self.malformed { #expect(!ItemID.isValid(id), "\(id)") }
        #expect(ItemID.isValidPrefix("abcd") && ItemID.isValidPrefix("abcdef0123"))
        for prefix in ["abc", "ABCD", "../x", "abcd/", "abcdef01234"] { #expect(!ItemID.isValidPrefix(prefix), "\(prefix)") }
    }

    @Test(arguments: malformed)
    func uploadNamingAnythingButAnItemIDIsHeldBack(id: String) {
        let up = f.upload("112001", item: id)
        let view = fold(f.enrolled("112001") + [up])
        #expect(view.items.isEmpty, "\(view.items.map(\.id))")
        #expect(view.problems.map(\.event) == [up.id])
        #expect(view.problems.first?.message.contains("is not an item id") == true, "\(view.problems)")
    }

    @Test func decisionAndSelectionNamingAnythingButAnItemIDAreHeldBackAsSuch() {
        let certify = f.event(.itemCertified, by: "T001", at: "2024-10-02T09:00", student: "112001",
                              body: ItemDecision(item: "../../../x", version: SHA256Hex.of(Array("v".utf8))))
        let select = f.event(.itemSelected, by: "112001", at: "2024-10-03T09:00", student: "112001",
                             body: ItemSelection(item: "a/b", year: AcademicYear(113)))
        let view = fold(f.enrolled("112001") + [certify, select])
        #expect(view.problems.count == 2)
        #expect(view.problems.allSatisfy { $0.message.contains("is not an item id") }, "\(view.problems)")
    }
}
