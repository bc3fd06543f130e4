import Foundation
import GlavitoCore
import Testing

@Suite("Web chat visitor tokens")
struct WebChatVisitorTokenTests {
    let tenant = TenantID(UUID())
    let channel = UUID()

    func cipher(_ fill: UInt8 = 7, tenant: TenantID? = nil) -> FieldCipher {
        FieldCipher(key: TenantDataKey(tenant: tenant ?? self.tenant, version: 1, bytes: Array(repeating: fill, count: 32)))
    }

    @Test("a token verifies for its tenant and channel only, and not when changed")
    func scoped() {
        let issued = WebChatVisitorToken.issue(channel: channel, cipher: cipher())
        #expect(issued.visitorID.hasPrefix("wv_") && issued.token.hasPrefix(issued.visitorID + "."))
        #expect(WebChatVisitorToken.verify(issued.token, channel: channel, cipher: cipher()) == issued)
        #expect(WebChatVisitorToken.verify(issued.token, channel: UUID(), cipher: cipher()) == nil, "another channel")
        #expect(WebChatVisitorToken.verify(issued.token, channel: channel, cipher: cipher(8, tenant: TenantID(UUID()))) == nil, "another tenant's key")
        let mac = issued.token.split(separator: ".").last.map(String.init) ?? ""
        #expect(WebChatVisitorToken.verify("wv_someoneelse12345678901." + mac, channel: channel, cipher: cipher()) == nil, "another visitor id")
        #expect(WebChatVisitorToken.verify(issued.token + "0", channel: channel, cipher: cipher()) == nil)
        for junk in ["", ".", "wv_", "wv_abc.", "abc.def", String(repeating: "a", count: 300), "wv_ä.00"] {
            #expect(WebChatVisitorToken.verify(junk, channel: channel, cipher: cipher()) == nil, "\(junk)")
        }
        #expect(WebChatVisitorToken.issue(channel: channel, cipher: cipher()).visitorID != issued.visitorID)
    }

    @Test("client message ids are 1 to 64 URL-safe characters")
    func clientIDs() {
        #expect(WebChatConversation.isClientID("m1") && WebChatConversation.isClientID(String(repeating: "a", count: 64)))
        #expect(!WebChatConversation.isClientID("") && !WebChatConversation.isClientID(String(repeating: "a", count: 65)))
        #expect(!WebChatConversation.isClientID("a:b") && !WebChatConversation.isClientID("a b"))
    }
}
