/// 工作職掌暨代理人名單: who is responsible for each duty and, in order of precedence (代理順位), who may
/// act for them when they cannot. Delegates are office codes or `staff:ID`.
public struct Duty: Codable, Hashable, Sendable {
    public var id: String
    /// The Chinese name from the seed, for people.
    public var title: String
    /// Offices responsible; `course-teacher` means the teacher (or joint-course reviewer) of the course.
    public var responsible: [String]
    public var delegates: [String]

    public init(id: String, title: String, responsible: [String], delegates: [String]) {
        self.id = id
        self.title = title
        self.responsible = responsible
        self.delegates = delegates
    }
}

public struct DutyTable: Codable, Hashable, Sendable {
    public var duties: [Duty]

    public init(duties: [Duty]) { self.duties = duties }

    public func duty(_ id: String) -> Duty? { duties.first { $0.id == id } }

    /// The seed's Appendix 1 (附件一), row by row. 註冊組幹事 and 教學組幹事 are offices of their own here so
    /// that a clerk can be registered under them.
    public static let seedDefault = DutyTable(duties: [
        Duty(id: "accounts", title: "帳號、權限設定", responsible: ["it", "system-engineer"], delegates: ["reader-services"]),
        Duty(id: "enrolment", title: "學生學籍資料", responsible: ["registration"], delegates: ["registration-clerk"]),
        Duty(id: "cadre", title: "校級、班級及社團幹部紀錄", responsible: ["activities"], delegates: ["discipline"]),
        Duty(id: "service-learning", title: "服務學習", responsible: ["activities"], delegates: ["discipline"]),
        Duty(id: "reward-discipline", title: "獎懲紀錄", responsible: ["student-affairs"], delegates: ["discipline"]),
        Duty(id: "psych-test", title: "心理測驗", responsible: ["data"], delegates: ["counselling"]),
        Duty(id: "grades", title: "學業成績", responsible: ["registration"], delegates: ["registration-clerk"]),
        Duty(id: "consultation", title: "課程諮詢紀錄", responsible: ["instruction", "consultation-teacher"],
             delegates: ["instruction-clerk"]),
        Duty(id: "outcome-settings", title: "設定學生學習成果作業時間", responsible: ["data"], delegates: ["counselling"]),
        Duty(id: "course-setup", title: "設定任課老師、合開課程審核老師", responsible: ["instruction"],
             delegates: ["instruction-clerk"]),
        Duty(id: "outcome-submission", title: "上傳學習成果至教育部", responsible: ["it"], delegates: ["reader-services"]),
        Duty(id: "certification", title: "任課教師認證", responsible: ["course-teacher"], delegates: ["reader-services"]),
        Duty(id: "volunteer", title: "志工服務", responsible: ["activities"], delegates: ["discipline"]),
        Duty(id: "self-directed", title: "自主學習", responsible: ["service-promotion"], delegates: ["it"]),
        Duty(id: "diverse-submission", title: "上傳多元表現至教育部", responsible: ["data"], delegates: ["counselling"]),
        Duty(id: "training", title: "宣導說明、系統操作訓練、專業研習", responsible: ["counselling", "data"],
             delegates: ["instruction"]),
    ])
}
