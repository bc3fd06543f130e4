import GlavitoCore
import Testing

/// E.164 normalisation and per-kind identity claim normalisation.
@Suite("Conversations: phone numbers and identity claims")
struct PhoneNumberTests {
    @Test("numbers as people and channels write them become E.164", arguments: [
        ("+49 151 1234 5678", "+4915112345678"),
        ("0049 (151) 123-456-78", "+4915112345678"),
        ("+49 (0) 151 12345678", "+4915112345678"),
        ("4915112345678", "+4915112345678"),
        ("+1.650.555.1234", "+16505551234"),
        ("  +44 20 7946 0958\n", "+442079460958"),
    ])
    func valid(raw: String, expected: String) {
        #expect(PhoneNumber.e164(raw) == expected)
    }

    @Test("what is not an international number is refused", arguments: [
        "", "+", "0151 12345678", "+0151234567", "1234567", "+1234567890123456", "+49 151 CALL ME", "+49+15112345678",
        "tel:+4915112345678", "٤٩١٥١١٢٣٤٥٦٧٨",
    ])
    func invalid(raw: String) {
        #expect(PhoneNumber.e164(raw) == nil)
    }

    @Test("claims are normalised per kind")
    func claims() {
        #expect(IdentityClaim.normalised(kind: .phone, value: "0049 151 12345678") == IdentityClaim(kind: .phone, value: "+4915112345678"))
        #expect(IdentityClaim.normalised(kind: .phone, value: "12") == nil)
        #expect(IdentityClaim.normalised(kind: .email, value: "  Lena.Schmidt@Example.COM ")
                == IdentityClaim(kind: .email, value: "lena.schmidt@example.com"))
        #expect(IdentityClaim.normalised(kind: .email, value: "kunde@beispiel.xn--p1ai")?.value == "kunde@beispiel.xn--p1ai")
        #expect(IdentityClaim.normalised(kind: .email, value: "Kunde@Пример.РФ")?.value == "kunde@пример.рф")
        #expect(IdentityClaim.normalised(kind: .whatsapp, value: "+49 151 12345678") == IdentityClaim(kind: .whatsapp, value: "4915112345678"))
        #expect(IdentityClaim.normalised(kind: .whatsapp, value: "4915112345678") == IdentityClaim(kind: .whatsapp, value: "4915112345678"))
        #expect(IdentityClaim.normalised(kind: .whatsapp, value: "not a number") == nil)
        #expect(IdentityClaim.normalised(kind: .whatsappUser, value: " DE.1234567890 ") == IdentityClaim(kind: .whatsappUser, value: "DE.1234567890"))
        #expect(IdentityClaim.normalised(kind: .instagram, value: "   ") == nil)
        #expect(IdentityClaim.normalised(kind: .webVisitor, value: String(repeating: "v", count: 256))?.value.count == 256)
        #expect(IdentityClaim.normalised(kind: .webVisitor, value: String(repeating: "v", count: 257)) == nil)
    }

    @Test("email addresses must look like local@domain.tld", arguments: [
        "lena", "lena@", "@example.com", "lena@example", "lena@@example.com", "le na@example.com", "lena@example.c",
        "lena@example..com", "lena@.com", "lena@example.123",
    ])
    func invalidEmail(value: String) {
        #expect(IdentityClaim.normalised(kind: .email, value: value) == nil)
    }
}
