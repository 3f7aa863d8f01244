import FolioCore
import FolioTestSupport
import Testing

/// The seed's rules as the fold applies them. Each test builds events with `SchoolFixture` and checks the
/// folded view, or the rule that keeps an event out.
@Suite struct FoldRulesTests {
    let f = SchoolFixture.standard()
    var school: SchoolState { f.school }

    func fold(_ events: [StoredEvent]) -> StudentView {
        StudentFolder.fold(number: "112001", events: events, school: school)
    }

    func problem(_ events: [StoredEvent]) -> FolioError.Code? { fold(events).problems.first?.code }

    @Test func standardSchoolFoldsWithoutProblems() {
        #expect(school.problems.isEmpty)
        #expect(school.courses.count == 4)
    }

    @Test func seventhUploadInASemesterIsKeptOut() {
        var events = f.enrolled("112001")
        for n in 0..<7 { events.append(f.upload("112001", item: "a00000000\(n)", seed: "\(n)", at: "2024-10-0\(n + 1)T09:00")) }
        let view = fold(events)
        #expect(view.items.count == 6)
        #expect(view.problems.map(\.code) == [.uploadLimit])
    }

    @Test func diversePerformanceHasNoPerSemesterUploadLimit() {
        var events = f.enrolled("112001")
        for n in 0..<8 {
            events.append(f.upload("112001", item: "d00000000\(n)", category: "other", seed: "\(n)",
                                   at: "2024-10-0\(n + 1)T09:00", fields: ["name": "活動\(n)"]))
        }
        #expect(fold(events).items.count == 8)
    }

    @Test func onlyTheCourseTeacherCertifies() {
        let up = f.upload("112001", item: "aaaaaaaaaa")
        let version = ItemUploaded(item: "", category: "", term: Term("113-1")!, course: nil, description: "",
                                   fields: [:], files: [ItemFile(role: .document, name: "report.pdf", size: 1000,
                                                                 sha256: SHA256Hex.of(Array("a".utf8)), kind: "pdf")]).version
        let byOther = f.event(.itemCertified, by: "T002", at: "2024-10-02T09:00", student: "112001",
                              body: ItemDecision(item: "aaaaaaaaaa", version: version))
        #expect(problem(f.enrolled("112001") + [up, byOther]) == .notAuthorised)
        let byTeacher = f.event(.itemCertified, by: "T001", at: "2024-10-02T09:00", student: "112001",
                                body: ItemDecision(item: "aaaaaaaaaa", version: version))
        #expect(fold(f.enrolled("112001") + [up, byTeacher]).item("aaaaaaaaaa")?.status == .certified)
    }

    @Test func identicalReuploadKeepsCertificationAndChangedFileLosesIt() throws {
        let up = f.upload("112001", item: "aaaaaaaaaa", seed: "a")
        let version = try up.event.decodeBody(ItemUploaded.self).version
        let cert = f.event(.itemCertified, by: "T001", at: "2024-10-02T09:00", student: "112001",
                           body: ItemDecision(item: "aaaaaaaaaa", version: version))
        let same = f.upload("112001", item: "aaaaaaaaaa", seed: "a", at: "2024-10-03T09:00", description: "實驗報告（重傳）")
        #expect(fold(f.enrolled("112001") + [up, cert, same]).item("aaaaaaaaaa")?.status == .certified)
        let changed = f.upload("112001", item: "aaaaaaaaaa", seed: "b", at: "2024-10-03T09:00")
        #expect(fold(f.enrolled("112001") + [up, cert, changed]).item("aaaaaaaaaa")?.status == .uploaded)
        // A certification bound to the old version cannot be replayed onto the new one.
        let late = f.event(.itemCertified, by: "T001", at: "2024-10-04T09:00", student: "112001",
                           body: ItemDecision(item: "aaaaaaaaaa", version: version))
        #expect(problem(f.enrolled("112001") + [up, changed, late]) == .versionChanged)
    }

    @Test func delegatesActOnlyForAnUnavailablePrimaryAndInOrder() throws {
        var g = f
        let up = g.upload("112001", item: "aaaaaaaaaa")
        let version = try up.event.decodeBody(ItemUploaded.self).version
        func cert(_ by: String, at: String) -> StoredEvent {
            g.event(.itemCertified, by: by, at: at, student: "112001",
                    body: ItemDecision(item: "aaaaaaaaaa", version: version), for: "T001")
        }
        let base = g.enrolled("112001") + [up]
        // T001 is available: no delegate may act.
        #expect(StudentFolder.fold(number: "112001", events: base + [cert("L01", at: "2024-10-05T09:00")],
                                   school: g.school).problems.first?.code == .delegateNotAllowed)
        g.school(.staffAvailability, by: "root", at: "2024-10-01T08:00",
                 body: Availability(id: "T001", status: .left, from: CivilDate(iso: "2024-10-01")!))
        // IT comes after the reader-services section, whose L01 is available.
        let outOfOrder = StudentFolder.fold(number: "112001", events: base + [cert("IT1", at: "2024-10-05T09:00")], school: g.school)
        #expect(outOfOrder.problems.first?.code == .delegateNotAllowed)
        #expect(outOfOrder.problems.first?.message.contains("L01") == true)
        let first = StudentFolder.fold(number: "112001", events: base + [cert("L01", at: "2024-10-05T09:00")], school: g.school)
        #expect(first.item("aaaaaaaaaa")?.decision?.onBehalfOf == "T001")
        // Once L01 is on leave too, IT may act.
        g.school(.staffAvailability, by: "root", at: "2024-10-01T08:01",
                 body: Availability(id: "L01", status: .onLeave, from: CivilDate(iso: "2024-10-01")!,
                                    until: CivilDate(iso: "2024-10-31")!))
        let second = StudentFolder.fold(number: "112001", events: base + [cert("IT1", at: "2024-10-05T09:00")], school: g.school)
        #expect(second.item("aaaaaaaaaa")?.status == .certified)
    }

    @Test func selectionLimitsAreSixCourseOutcomesAndTenDiverseItemsAYear() throws {
        var events = f.enrolled("112001")
        // 6 course outcomes in 113-1 and 1 in 113-2, all certified, then 7 selections.
        for n in 0..<7 {
            let term = n < 6 ? "113-1" : "113-2"
            let at = n < 6 ? "2024-10-0\(n + 1)T09:00" : "2025-03-01T09:00"
            let up = f.upload("112001", item: "c00000000\(n)", course: n < 6 ? "PHY" : "PHY2", term: term, seed: "c\(n)", at: at)
            events.append(up)
            events.append(f.event(.itemCertified, by: "T001", at: n < 6 ? "2024-12-01T09:00" : "2025-03-02T09:00",
                                  student: "112001",
                                  body: ItemDecision(item: "c00000000\(n)", version: try up.event.decodeBody(ItemUploaded.self).version)))
        }
        for n in 0..<11 {
            events.append(f.upload("112001", item: "d\(String(format: "%09d", n))", category: "other", seed: "d\(n)",
                                   at: "2024-11-\(String(format: "%02d", n + 1))T09:00", fields: ["name": "活動"]))
        }
        for n in 0..<7 {
            events.append(f.event(.itemSelected, by: "112001", at: "2025-06-20T09:0\(n)", student: "112001",
                                  body: ItemSelection(item: "c00000000\(n)", year: AcademicYear(113))))
        }
        for n in 0..<11 {
            events.append(f.event(.itemSelected, by: "112001", at: "2025-06-21T09:\(String(format: "%02d", n))", student: "112001",
                                  body: ItemSelection(item: "d\(String(format: "%09d", n))", year: AcademicYear(113))))
        }
        let view = fold(events)
        #expect(view.selected(in: AcademicYear(113), group: .courseOutcome).count == 6)
        #expect(view.selected(in: AcademicYear(113), group: .diverse).count == 10)
        #expect(view.problems.map(\.code) == [.selectionLimit, .selectionLimit])
    }

    @Test func uncertifiedCourseOutcomeCannotBeSelected() {
        let events = f.enrolled("112001") + [f.upload("112001", item: "aaaaaaaaaa"),
                      f.event(.itemSelected, by: "112001", at: "2025-01-07T09:00", student: "112001",
                              body: ItemSelection(item: "aaaaaaaaaa", year: AcademicYear(113)))]
        #expect(problem(events) == .notCertified)
    }

    @Test func uploadsOutsideTheWindowAreKeptOut() {
        #expect(problem(f.enrolled("112001") + [f.upload("112001", item: "aaaaaaaaaa", at: "2025-02-04T09:00")]) == .outsideWindow)
        #expect(problem(f.enrolled("112001") + [f.upload("112001", item: "aaaaaaaaaa", at: "2024-09-01T09:00")]) == .outsideWindow)
    }

    @Test func descriptionOfHundredCharactersIsAcceptedAndHundredOneRefused() {
        let ok = f.upload("112001", item: "aaaaaaaaaa", description: String(repeating: "字", count: 100))
        let long = f.upload("112001", item: "bbbbbbbbbb", description: String(repeating: "字", count: 101))
        #expect(fold(f.enrolled("112001") + [ok]).problems.isEmpty)
        #expect(problem(f.enrolled("112001") + [long]) == .descriptionLength)
    }

    @Test func teacherCannotUploadForAStudent() {
        #expect(problem(f.enrolled("112001") + [f.upload("112001", item: "aaaaaaaaaa", by: "T001")]) == .notAuthorised)
    }

    /// Only the student signs their own records: not a device, not a key from before a reset, and not a key
    /// derived too cheaply for a real school.
    @Test func studentsRecordsAreSignedWithTheirOwnCurrentKey() {
        #expect(problem(f.enrolled("112001") + [f.upload("112001", item: "aaaaaaaaaa", by: "K1")]) == .notAuthorised)
        let old = SchoolFixture.studentIdentity("old-112001")
        let reset = [f.enrol("112001"), f.studentKey("112001", identity: old), f.studentKey("112001", at: "2024-09-01T09:00")]
        let oldUpload = f.event(.itemUploaded, by: "112001", at: "2024-10-01T09:00", student: "112001", body: ItemUploaded(
            item: "aaaaaaaaaa", category: "course-outcome", term: Term("113-1")!, course: "PHY", description: "舊密碼",
            fields: [:], files: [ItemFile(role: .document, name: "r.pdf", size: 10, sha256: String(repeating: "a", count: 64), kind: "pdf")]))
        // `event` signs with the fixture's key for "112001"; re-sign with the old key to stand for the old secret.
        var e = oldUpload.event
        e.key = old.publicKeyText
        let signed = try! StoredEvent(SignedEvent.sign(e, with: old))
        #expect(problem(reset + [signed]) == .wrongKey)
        #expect(problem([f.enrol("112001"), f.event(.studentKeySet, by: "R01", at: "2024-08-05T09:01", student: "112001",
                                                    body: StudentKey(publicKey: old.publicKeyText, cost: .demo))]) == .badKeyFile)
    }

    @Test func twoAuthorisedPeopleDisagreeingIsAConflictAndBothAreKept() throws {
        var g = f
        g.school(.courseSet, by: "I01", at: "2024-08-04T09:00",
                 body: Course(code: "PHY", name: "PHY", term: Term("113-1")!, teachers: ["T001", "T003"]))
        let up = g.upload("112001", item: "aaaaaaaaaa")
        let version = try up.event.decodeBody(ItemUploaded.self).version
        let yes = g.event(.itemCertified, by: "T001", at: "2024-10-02T09:00", student: "112001",
                          body: ItemDecision(item: "aaaaaaaaaa", version: version))
        let no = g.event(.itemRejected, by: "T003", at: "2024-10-02T10:00", student: "112001",
                         body: ItemDecision(item: "aaaaaaaaaa", version: version, reason: "不是本課程作業"))
        let view = StudentFolder.fold(number: "112001", events: g.enrolled("112001") + [up, yes, no], school: g.school)
        #expect(view.item("aaaaaaaaaa")?.status == .conflict)
        #expect(view.conflicts.first?.decisions.count == 2)
    }

    @Test func foldIsIndependentOfEventOrder() {
        var events = f.enrolled("112001")
        for n in 0..<5 { events.append(f.upload("112001", item: "a00000000\(n)", seed: "\(n)", at: "2024-10-0\(n + 1)T09:00")) }
        let expected = fold(events)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            #expect(fold(events.shuffled(using: &rng)) == expected)
        }
        #expect(SchoolFolder.fold(f.schoolEvents.shuffled(), root: f.keys["root"]?.publicKeyText) == school)
    }

    @Test func revokedKeyIsRefusedFromRevocationOn() throws {
        var g = f
        let up = g.upload("112001", item: "aaaaaaaaaa")
        let version = try up.event.decodeBody(ItemUploaded.self).version
        g.school(.keyRevoked, by: "root", at: "2024-10-01T08:00",
                 body: KeyRevoked(publicKey: g.keys["T001"]!.publicKeyText, reason: "laptop stolen"))
        let cert = g.event(.itemCertified, by: "T001", at: "2024-10-02T09:00", student: "112001",
                           body: ItemDecision(item: "aaaaaaaaaa", version: version))
        let view = StudentFolder.fold(number: "112001", events: g.enrolled("112001") + [up, cert], school: g.school)
        #expect(view.problems.first?.code == .wrongKey)
        #expect(view.item("aaaaaaaaaa")?.status == .uploaded)
    }

    @Test func schoolEventsNeedTheRightOffice() {
        var g = f
        g.school(.courseSet, by: "T001", at: "2024-08-05T09:00",
                 body: Course(code: "X", name: "X", term: Term("113-1")!, teachers: ["T001"]))
        #expect(g.school.problems.first?.code == .notAuthorised)
        #expect(g.school.course("X", term: Term("113-1")!) == nil)
    }

    /// A held-back record's reason is written into the views in the English it always had, whatever language
    /// folio speaks; the refusal just found is shown in the user's language.
    @Test func heldBackReasonsKeepTheirEnglish() throws {
        var g = f
        g.school(.staffSet, by: "R01", at: "2024-08-06T09:00",
                 body: Principal(id: "X01", name: "X01", kind: .staff, offices: [], publicKey: nil))
        let root = try #require(g.school.problems.first)
        #expect(root.message == "Only the school root key may register people and keys; R01 signed this.")
        #expect(root.hint == "The IT section (資訊組) does this with the school root key (--as root).")
        #expect(root.error.message == "只有學校根金鑰可以登錄人員和金鑰；這筆紀錄是 R01 簽署的。")

        let badID = f.event(.studentSet, by: "R01", at: "2024-08-05T09:00", student: "112001", body: StudentRecord(
            number: "112001", name: "學生", nationalID: "A123456780", birthDate: CivilDate(iso: "2008-03-14")!,
            className: "201", grade: 11, address: "臺北市虛構區", status: .enrolled))
        let id = try #require(fold([badID]).problems.first)
        #expect(id.code == .badNationalID)
        #expect(id.message == "Student 112001: The ID number fails its check digit, so at least one character is wrong.")
        #expect(id.hint == "Compare each character with the ID card or resident certificate; a swapped or mistyped digit is the usual cause.")
        #expect(id.error.message == "學號 112001 的學生：身分證統一編號的檢查碼不符，至少有一個字元是錯的。")

        let record = f.event(.recordAdded, by: "R01", at: "2024-10-01T09:00", student: "112001",
                             body: RecordAdded(kind: "no-such-kind", term: Term("113-1")!, fields: [:]))
        let kind = try #require(fold(f.enrolled("112001") + [record]).problems.first)
        #expect(kind.message == "no-such-kind is not a kind of office record.")
        #expect(kind.hint == "Use one of: " + Catalog.recordKinds.map(\.code).joined(separator: ", ") + ".")
    }
}
