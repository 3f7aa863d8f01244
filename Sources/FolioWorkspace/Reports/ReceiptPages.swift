import FolioCore
import Foundation

/// Printable receipts (收訖明細): one A4 page per student and submission, in Traditional Chinese, with the
/// national ID masked, a short code per file and the receipt's code. For students who have left, a
/// letter with the mailing address, the confirmation period and a reply slip comes first.
public enum ReceiptPages {
    public struct Page: Sendable {
        public var student: String
        public var html: String
    }

    public static func page(_ view: ReceiptView, student: StudentRecord, records: [RecordView], school: SchoolState, letter: Bool,
                            today: CivilDate) -> String {
        document(title: "收訖明細 \(student.number) \(view.receipt.submission)",
                 body: body(view, student: student, records: records, school: school, letter: letter, today: today))
    }

    /// The order receipts are printed in: class, then seat number (座號), then student number (a student without
    /// a seat number after those with one).
    public static func printOrder(_ a: StudentRecord, _ b: StudentRecord) -> Bool {
        (a.className, a.seat ?? Int.max, a.number) < (b.className, b.seat ?? Int.max, b.number)
    }

    /// Every student's receipt for one submission in one document, sorted by class and student number, each on
    /// its own sheet (a letter first for a student who has left): what the office prints from the pages.
    public static func all(_ receipts: [(ReceiptView, StudentRecord, [RecordView])], submission: String, school: SchoolState,
                           letters: Bool, today: CivilDate) -> String {
        let sorted = receipts.sorted { printOrder($0.1, $1.1) }
        return document(title: "收訖明細 \(submission)",
                        body: sorted.map { body($0.0, student: $0.1, records: $0.2, school: school, letter: letters, today: today) }.joined())
    }

    /// One student's sheet (a letter before it with `letter`). `records` are the student's office records as this
    /// machine holds them, from which an office record's submitted values are shown (`NationalRoster.values`).
    static func body(_ view: ReceiptView, student: StudentRecord, records: [RecordView], school: SchoolState, letter: Bool,
                     today: CivilDate) -> String {
        let r = view.receipt
        let office = SubmittingOffice(rawValue: r.office)
        let period = school.confirmation(for: r.submission)
        var body = ""
        if letter {
            body += """
            <section class="page letter">
            <div class="letterhead"><div class="school">\(h(school.name))</div>
            <div>\(h(school.address ?? ""))</div>\(school.settings.phone.map { "<div>電話：\(h($0))</div>" } ?? "")</div>
            <div class="window"><div class="postal">\(h(student.postalCode ?? ""))</div><div>\(h(student.address))</div>
            <div class="name">\(h(student.name)) 同學 收</div></div>
            <p class="date">中華民國\(today.year - 1911)年\(today.month)月\(today.day)日</p>
            <h1>學習歷程檔案收訖明細確認通知</h1>
            <p>\(h(student.name)) 同學您好：</p>
            <p>本校已將您的\(h(office?.title ?? r.office))（\(h(r.period))）提交至學生學習歷程資料庫。隨函附上收訖明細，請核對所列檔案是否與您上傳的內容相符。</p>
            <p>確認期間：<strong>\(period.map { "民國 \(roc($0.from)) 至 \(roc($0.to))" } ?? "另行通知")</strong>。請於期間內填妥下方回條寄回（以郵戳為憑）；期間內未回覆者，視為確認無誤。</p>
            <p>核對方法：檔案代碼為該檔案 SHA-256 雜湊值的前 12 碼，可用任何電腦計算，比對輸出的前 12 個字元：Windows 在「命令提示字元」執行 <code>certutil -hashfile 檔名 SHA256</code>；Mac 在「終端機」執行 <code>shasum -a 256 檔名</code>；Linux 執行 <code>sha256sum 檔名</code>。</p>
            \(school.settings.phone.map { "<p>如有疑問，請來電 \(h($0)) 洽詢。</p>" } ?? "")
            <div class="slip">
            <h2>回條（請沿虛線剪下寄回）</h2>
            <p>學號：\(h(student.number))　姓名：\(h(student.name))　收訖明細代碼：<span class="code">\(view.code)</span></p>
            <p>□ 確認無誤　　□ 有異議，說明：<span class="line"></span></p>
            <p><span class="line wide"></span></p>
            <p>日期：<span class="line short"></span>　簽名：<span class="line short"></span></p>
            <p class="return">寄回：\(h(school.address ?? school.name + " 資料組 收"))</p>
            </div>
            </section>

            """
        }
        var rows = ""
        for (n, l) in r.lines.enumerated() {
            let category = Catalog.category(l.category)?.title ?? Catalog.recordKind(l.category == "cadre-record" ? "cadre" : l.category)?.title
                ?? (l.category == "student" ? "學籍資料" : l.category)
            rows += "<tr><td>\(n + 1)</td><td>\(h(category))</td><td class=\"nowrap\">\(l.term)</td><td>\(h(l.title))</td><td>\(h(l.file))</td><td class=\"num\">\(l.size)</td><td class=\"code\">\(ShortCode.of(l.sha256))</td></tr>\n"
            // An office record's values, as submitted: what the student checks against what they know.
            let values = NationalRoster.values(l, student: student, records: records)
            if !values.isEmpty {
                rows += "<tr class=\"values\"><td></td><td colspan=\"6\">" + values.map { "<span class=\"value\">\(h($0.name))：<strong>\(h($0.value))</strong></span>" }
                    .joined(separator: "　") + "</td></tr>\n"
            }
        }
        body += """
        <section class="page receipt">
        <h1>\(h(school.name))<br>學習歷程檔案收訖明細</h1>
        <table class="who">
        <tr><th>學號</th><td>\(h(student.number))</td><th>姓名</th><td>\(h(student.name))</td></tr>
        <tr><th>班級</th><td>\(h(student.className))</td><th>身分證號</th><td>\(h((try? NationalID(student.nationalID))?.masked ?? "＊＊＊"))</td></tr>
        <tr><th>提交單位</th><td>\(h(office?.title ?? r.office))</td><th>學年度／學期</th><td>\(h(r.period))（\(h(r.submission))）</td></tr>
        </table>
        <table class="lines">
        <tr><th>序</th><th>類別</th><th>學期</th><th>名稱</th><th>檔名</th><th>大小（位元組）</th><th>檔案代碼</th></tr>
        \(rows)</table>
        <div class="total">\(QRCode.svg(r.qrText, millimetres: 30) ?? "")<p>收訖明細代碼：<span class="code big">\(view.code)</span></p></div>
        <p class="note">檔案代碼是檔案 SHA-256 值的前 12 碼；收訖明細代碼是本明細標準文字格式的 SHA-256 值前 12 碼；QR 碼內含完整的收訖明細代碼與各檔案代碼。\(period.map { "確認期間：\($0.from) 至 \($0.to)，期間內未確認亦未提出異議者，視為確認。" } ?? "")</p>
        </section>

        """
        return body
    }

    static func document(title: String, body: String) -> String {
        head(title: title) + body + tail
    }

    /// The document up to its body: the A4 page style, inline, so the file needs nothing beside it.
    static func head(title: String) -> String {
        """
        <!doctype html>
        <html lang="zh-Hant">
        <head>
        <meta charset="utf-8">
        <title>\(h(title))</title>
        <style>
        @page { size: A4; margin: 16mm 15mm; }
        body { font-family: "Noto Sans CJK TC", "Noto Sans TC", "Microsoft JhengHei", sans-serif; font-size: 11pt; color: #000; margin: 0; }
        .page { page-break-after: always; break-after: page; }
        h1 { font-size: 16pt; text-align: center; margin: 0 0 6mm; }
        h2 { font-size: 12pt; margin: 0 0 3mm; }
        table { border-collapse: collapse; width: 100%; margin-bottom: 5mm; }
        th, td { border: 0.3mm solid #333; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
        th { background: #eee; white-space: nowrap; }
        td.num { text-align: right; }
        .nowrap { white-space: nowrap; }
        .code { font-family: "DejaVu Sans Mono", monospace; letter-spacing: 0.5pt; white-space: nowrap; }
        .big { font-size: 15pt; font-weight: bold; }
        .letter { position: relative; height: 263mm; overflow: hidden; font-size: 10.5pt; }
        .letter p { margin: 0 0 2.5mm; }
        .letterhead { font-size: 9.5pt; line-height: 1.4; }
        .letterhead .school { font-size: 14pt; font-weight: bold; }
        /* The address shows through the window of a DL window envelope: 20 mm from the left edge of the sheet and
           45 mm from its top, 90 × 35 mm (the page's margins are 15 mm and 16 mm). */
        .window { position: absolute; left: 5mm; top: 29mm; width: 90mm; height: 35mm; font-size: 12pt; line-height: 1.45; }
        .window .postal { font-family: "DejaVu Sans Mono", monospace; font-size: 14pt; letter-spacing: 2pt; }
        .window .name { margin-top: 1.5mm; font-weight: bold; }
        .letter .date { position: absolute; right: 0; top: 64mm; margin: 0; }
        .letter h1 { margin-top: 52mm; }
        .letter .slip { position: absolute; left: 0; right: 0; bottom: 0; margin: 0; }
        tr.values td { border-top: none; font-size: 10pt; }
        tr.values .value { white-space: nowrap; }
        .total { display: flex; align-items: center; gap: 6mm; margin-bottom: 3mm; }
        .total p { margin: 0; }
        .slip { margin-top: 8mm; border-top: 0.4mm dashed #000; padding-top: 4mm; }
        .line { display: inline-block; border-bottom: 0.3mm solid #000; width: 90mm; height: 5mm; }
        .line.wide { width: 170mm; }
        .line.short { width: 45mm; }
        .note, .return { font-size: 9.5pt; }
        @media screen { body { max-width: 210mm; margin: 0 auto; padding: 10mm; background: #fff; } }
        </style>
        </head>
        <body>

        """
    }

    static let tail = "</body>\n</html>\n"

    /// A date as a letter writes it, in the ROC calendar (114/08/26); the ISO date before the ROC's first year.
    static func roc(_ date: CivilDate) -> String {
        date.year > 1911 ? String(format: "%d/%02d/%02d", date.year - 1911, date.month, date.day) : date.description
    }

    /// HTML-escapes text from the records.
    static func h(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
