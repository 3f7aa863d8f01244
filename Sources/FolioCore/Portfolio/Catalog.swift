/// A field an item or record of some category carries, beyond the description and files.
public struct FieldSpec: Codable, Hashable, Sendable {
    public var name: String
    public var label: String
    public var required: Bool

    public init(_ name: String, _ label: String, required: Bool = false) {
        self.name = name
        self.label = label
        self.required = required
    }
}

/// A category of portfolio item: 課程學習成果 or one of the 多元表現 kinds. Categories are data, so the
/// national list can grow without a new release.
public struct ItemCategory: Codable, Hashable, Sendable {
    public enum Group: String, Codable, Sendable {
        /// 課程學習成果: tied to a course, certified by its teacher.
        case courseOutcome = "course-outcome"
        /// 多元表現: diverse performance.
        case diverse
    }

    public var code: String
    public var title: String
    public var group: Group
    public var fields: [FieldSpec]

    public init(code: String, title: String, group: Group, fields: [FieldSpec]) {
        self.code = code
        self.title = title
        self.group = group
        self.fields = fields
    }
}

/// A kind of office record (enrolment, grades, cadre posts, …) and the duty that may enter it.
public struct RecordKind: Codable, Hashable, Sendable {
    public var code: String
    public var title: String
    public var duty: String
    public var fields: [FieldSpec]

    public init(code: String, title: String, duty: String, fields: [FieldSpec]) {
        self.code = code
        self.title = title
        self.duty = duty
        self.fields = fields
    }
}

public enum Catalog {
    public static let categories: [ItemCategory] = [
        ItemCategory(code: "course-outcome", title: "課程學習成果", group: .courseOutcome, fields: []),
        ItemCategory(code: "cadre", title: "幹部經歷", group: .diverse, fields: [
            FieldSpec("unit", "單位", required: true), FieldSpec("post", "擔任職務", required: true),
            FieldSpec("start", "開始日期"), FieldSpec("end", "結束日期"), FieldSpec("level", "幹部等級")]),
        ItemCategory(code: "competition", title: "競賽參與", group: .diverse, fields: [
            FieldSpec("name", "競賽名稱", required: true), FieldSpec("event", "項目/組別"), FieldSpec("level", "競賽等級"),
            FieldSpec("award", "獎項"), FieldSpec("date", "結果公布日期"), FieldSpec("team", "參與類型")]),
        ItemCategory(code: "certificate", title: "檢定證照", group: .diverse, fields: [
            FieldSpec("code", "證照代碼", required: true), FieldSpec("type", "證照類別"), FieldSpec("score", "分數"),
            FieldSpec("subscores", "分項結果"), FieldSpec("date", "取得證照日期"), FieldSpec("number", "證照字號"),
            FieldSpec("group", "檢定組別")]),
        ItemCategory(code: "volunteer", title: "志工服務", group: .diverse, fields: [
            FieldSpec("name", "服務名稱", required: true), FieldSpec("organisation", "服務單位"),
            FieldSpec("start", "開始日期"), FieldSpec("end", "結束日期"), FieldSpec("hours", "服務時數")]),
        ItemCategory(code: "self-directed", title: "自主學習", group: .diverse, fields: [
            FieldSpec("name", "計畫名稱", required: true), FieldSpec("hours", "時數")]),
        ItemCategory(code: "works", title: "作品成果", group: .diverse, fields: [
            FieldSpec("name", "作品名稱", required: true), FieldSpec("date", "日期")]),
        ItemCategory(code: "other", title: "其他多元表現", group: .diverse, fields: [
            FieldSpec("name", "名稱", required: true), FieldSpec("organiser", "主辦單位"),
            FieldSpec("start", "開始日期"), FieldSpec("end", "結束日期"), FieldSpec("hours", "時數")]),
        ItemCategory(code: "flexible-learning", title: "彈性學習時間", group: .diverse, fields: [
            FieldSpec("name", "名稱", required: true)]),
        ItemCategory(code: "group-activity", title: "團體活動時間", group: .diverse, fields: [
            FieldSpec("name", "名稱", required: true)]),
        ItemCategory(code: "workplace", title: "職場學習", group: .diverse, fields: [
            FieldSpec("name", "名稱", required: true), FieldSpec("organisation", "單位")]),
        ItemCategory(code: "university-course", title: "大學先修課程", group: .diverse, fields: [
            FieldSpec("name", "課程名稱", required: true), FieldSpec("university", "開課大學")]),
    ]

    public static let recordKinds: [RecordKind] = [
        RecordKind(code: "enrolment", title: "學籍資料", duty: "enrolment", fields: [
            FieldSpec("change", "異動類別", required: true), FieldSpec("date", "異動日期", required: true),
            FieldSpec("note", "備註")]),
        RecordKind(code: "grade", title: "學業成績", duty: "grades", fields: [
            FieldSpec("subject", "科目名稱", required: true), FieldSpec("credits", "學分數", required: true),
            FieldSpec("score", "成績", required: true), FieldSpec("course", "課程代碼")]),
        RecordKind(code: "cadre", title: "幹部紀錄", duty: "cadre", fields: [
            FieldSpec("unit", "單位", required: true), FieldSpec("post", "擔任職務", required: true),
            FieldSpec("level", "幹部等級"), FieldSpec("start", "開始日期"), FieldSpec("end", "結束日期")]),
        RecordKind(code: "consultation", title: "課程諮詢紀錄", duty: "consultation", fields: [
            FieldSpec("datetime", "日期/時間", required: true), FieldSpec("place", "地點", required: true),
            FieldSpec("content", "諮詢內容及意見", required: true)]),
        RecordKind(code: "service-learning", title: "服務學習", duty: "service-learning", fields: [
            FieldSpec("name", "服務名稱", required: true), FieldSpec("hours", "時數", required: true),
            FieldSpec("organisation", "服務單位")]),
        RecordKind(code: "reward-discipline", title: "獎懲紀錄", duty: "reward-discipline", fields: [
            FieldSpec("type", "獎懲類別", required: true), FieldSpec("reason", "事由", required: true),
            FieldSpec("date", "日期")]),
        RecordKind(code: "psych-test", title: "心理測驗", duty: "psych-test", fields: [
            FieldSpec("test", "測驗名稱", required: true), FieldSpec("date", "施測日期", required: true),
            FieldSpec("result", "結果摘要")]),
    ]

    public static func category(_ code: String) -> ItemCategory? { categories.first { $0.code == code } }
    public static func recordKind(_ code: String) -> RecordKind? { recordKinds.first { $0.code == code } }

    /// The duty row that governs certifying course learning outcomes, and so who may act for an absent teacher.
    public static let certificationDuty = "certification"
}
