import Testing
@testable import FolioCore

/// Categories and office record kinds by code, by the Chinese title the school's rules use, or by a short form.
@Suite struct CategoryInputTests {
    /// The titles of the rules' own table (課程學習成果 and the 多元表現 kinds), and the code each is stored as.
    @Test(arguments: [("課程學習成果", "course-outcome"), ("幹部經歷", "cadre"), ("競賽參與", "competition"),
                      ("競賽表現", "competition"), ("檢定證照", "certificate"), ("志工服務", "volunteer"),
                      ("自主學習", "self-directed"), ("作品成果", "works"), ("其他多元表現", "other")])
    func readsTheRulesNames(name: String, code: String) throws {
        #expect(try CategoryInput.category(name).code == code)
    }

    @Test func everyCategoryByItsCodeAndTitle() throws {
        for category in Catalog.categories {
            #expect(try CategoryInput.category(category.code) == category)
            #expect(try CategoryInput.category(category.title) == category)
            #expect(try CategoryInput.category(category.code.uppercased()) == category)
            #expect(try CategoryInput.category(" \(category.title) ") == category)
        }
        for kind in Catalog.recordKinds {
            #expect(try CategoryInput.recordKind(kind.code) == kind)
            #expect(try CategoryInput.recordKind(kind.title) == kind)
        }
    }

    @Test func shortForms() throws {
        #expect(try CategoryInput.category("志工").code == "volunteer")
        #expect(try CategoryInput.category("證照").code == "certificate")
        #expect(try CategoryInput.category("幹部").code == "cadre")
        #expect(try CategoryInput.recordKind("成績").code == "grade")
        #expect(try CategoryInput.recordKind("獎懲").code == "reward-discipline")
    }

    /// A short form must not also be another entry's code or title, or it would name two things.
    @Test func shortFormsAreUnambiguous() {
        for (forms, entries) in [(CategoryInput.categoryShortForms, Catalog.categories.map { ($0.code, $0.title) }),
                                 (CategoryInput.recordKindShortForms, Catalog.recordKinds.map { ($0.code, $0.title) })] {
            for (form, code) in forms {
                #expect(entries.contains { $0.0 == code }, "\(form) names the unknown code \(code)")
                #expect(!entries.contains { $0.0 == form || $0.1 == form }, "\(form) is already a code or title")
            }
        }
    }

    @Test(arguments: ["", "課程", "多元表現", "學習成果", "course outcome", "volunteers", "服務"])
    func refusesWhatNamesNoCategory(text: String) {
        let error = refusal { () throws(FolioError) in try CategoryInput.category(text) }
        #expect(error?.code == .unknownCategory)
        #expect(error?.hint.contains("課程學習成果 (course-outcome)") == true)
        #expect(error?.hint.contains("志工服務 (volunteer)") == true)
    }

    @Test func refusesWhatNamesNoRecordKind() {
        let error = refusal { () throws(FolioError) in try CategoryInput.recordKind("志工服務") }
        #expect(error?.code == .unknownCategory)
        #expect(error?.hint.contains("學業成績 (grade)") == true)
    }
}
