import GlavitoCore
import Testing

/// Bodies and headers in charsets beyond UTF-8, decoded through iconv.
@Suite("Email: charsets")
struct MIMECharsetTests {
    @Test("each charset family decodes", arguments: [
        ("iso-8859-1", [0x63, 0x61, 0x66, 0xE9], "café"),
        ("ISO-8859-2", [0xA3, 0xF3, 0x64, 0xBC], "Łódź"),
        ("iso-8859-7", [0xC5, 0xEB, 0xEB, 0xE7, 0xED, 0xE9, 0xEA, 0xDC], "Ελληνικά"),
        ("iso-8859-15", [0xA4], "€"),
        ("windows-1250", [0xA3, 0xF3, 0x64, 0x9F], "Łódź"),
        ("windows-1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "Привет"),
        ("windows-1252", [0x80, 0x20, 0x93, 0x71, 0x75, 0x6F, 0x74, 0x65, 0x73, 0x94], "€ “quotes”"),
        ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "Привет"),
        ("ISO-2022-JP", [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42], "日本語"),
        ("Shift_JIS", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "日本語"),
        ("EUC-JP", [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC], "日本語"),
        ("gb2312", [0xD6, 0xD0, 0xCE, 0xC4], "中文"),
        ("GBK", [0xD6, 0xD0, 0xCE, 0xC4], "中文"),
        ("GB18030", [0xD6, 0xD0, 0xCE, 0xC4, 0xA2, 0xE3], "中文€"),
        ("big5", [0xA4, 0xA4, 0xA4, 0xE5], "中文"),
        ("euc-kr", [0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE], "한국어"),
        ("ks_c_5601-1987", [0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE], "한국어"),
    ] as [(String, [UInt8], String)])
    func charset(name: String, bytes: [UInt8], expected: String) {
        let email = MIMEParser.parse(MIMEFixtures.textMessage(charset: name, body: bytes))
        #expect(email.text == expected)
        #expect(email.warnings.isEmpty)
    }

    @Test("encoded words in CJK charsets")
    func encodedWordsInCJK() {
        // 日本語 in ISO-2022-JP, B-encoded, as Japanese mailers write subjects; 中文 in GB2312.
        let email = MIMEFixtures.parse([
            "Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?= =?gb2312?B?1tDOxA==?=", "", "",
        ])
        #expect(email.subject == "日本語中文")
    }

    @Test("an unknown charset falls back to UTF-8 with a warning; invalid bytes become replacement characters")
    func unknownCharset() {
        let email = MIMEParser.parse(MIMEFixtures.textMessage(charset: "x-klingon", body: Array("plain ok".utf8)))
        #expect(email.text == "plain ok")
        #expect(email.warnings.contains { $0.contains("x-klingon") })
        let broken = MIMEParser.parse(MIMEFixtures.textMessage(charset: "shift_jis", body: [0x41, 0x93, 0x42]))
        #expect(broken.text?.hasPrefix("A") == true)
        // Undeclared 8-bit text that is not UTF-8 is read as Latin-1 rather than lost.
        let undeclared = MIMEParser.parse(MIMEFixtures.message(["Subject: x", "", ""]) + [0x63, 0x61, 0x66, 0xE9])
        #expect(undeclared.text == "café")
    }
}
