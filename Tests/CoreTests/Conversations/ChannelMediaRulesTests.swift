import Foundation
import GlavitoCore
import Testing

/// Which files WhatsApp, Instagram and web chat take from agents: by the sniffed type, within each kind's size.
@Suite("Conversations: channel media rules")
struct ChannelMediaRulesTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]

    /// A stored attachment of `size` bytes whose first bytes are `head`, claimed as `claimed`.
    func stored(_ head: [UInt8], size: Int, claimed: String = "application/octet-stream", name: String = "file") -> OutboundAttachment {
        OutboundAttachment(filename: name, contentType: claimed, storageKey: "k", sha256: "s", size: size,
                           sniffedType: ContentSniffer.contentType(of: head))
    }

    @Test("WhatsApp: a PNG up to 5 MB is an image whatever is claimed; one byte more, or a GIF-like unknown, is refused")
    func whatsappImages() throws {
        #expect(try ChannelMediaRules.whatsapp(stored(Self.png, size: 5_000_000, claimed: "application/pdf")).kind == .image)
        #expect(throws: ConversationError.self) { try ChannelMediaRules.whatsapp(stored(Self.png, size: 5_000_001)) }
        #expect(throws: ConversationError.self) { try ChannelMediaRules.whatsapp(stored(Array("GIF89a".utf8) + [0, 0xFF], size: 10)) }
        #expect(throws: ConversationError.self) { try ChannelMediaRules.whatsapp(stored(Self.png, size: 0)) }
    }

    @Test("WhatsApp: PDFs and Office documents (a zip named by its claimed type) up to 100 MB are documents; audio and video up to 16 MB")
    func whatsappDocumentsAndSound() throws {
        let pdf = stored(Array("%PDF-1.7".utf8), size: 100_000_000)
        #expect(try ChannelMediaRules.whatsapp(pdf).kind == .document)
        let docx = stored([0x50, 0x4B, 0x03, 0x04], size: 2000,
                          claimed: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        #expect(try ChannelMediaRules.whatsapp(docx).mimeType == docx.contentType)
        #expect(throws: ConversationError.self) { try ChannelMediaRules.whatsapp(stored([0x50, 0x4B, 0x03, 0x04], size: 2000, claimed: "application/zip")) }
        #expect(try ChannelMediaRules.whatsapp(stored(Array("OggS".utf8), size: 16_000_000)).kind == .audio)
        #expect(throws: ConversationError.self) { try ChannelMediaRules.whatsapp(stored(Array("OggS".utf8), size: 16_000_001)) }
        let mp4 = [0, 0, 0, 0x18] + Array("ftypisom".utf8)
        #expect(try ChannelMediaRules.whatsapp(stored(mp4, size: 1000)).kind == .video)
    }

    @Test("Instagram takes PDFs as files and images up to 8 MB; web chat takes images and PDFs but not text")
    func instagramAndWebChat() throws {
        #expect(try ChannelMediaRules.instagram(stored(Array("%PDF-1.4".utf8), size: 25_000_000)).kind == .file)
        #expect(try ChannelMediaRules.instagram(stored(Self.png, size: 8_000_000)).kind == .image)
        #expect(throws: ConversationError.self) { try ChannelMediaRules.instagram(stored(Self.png, size: 8_000_001)) }
        #expect(throws: ConversationError.self) { try ChannelMediaRules.instagram(stored(Array("plain words".utf8), size: 11)) }
        #expect(try ChannelMediaRules.webchat(stored(Self.png, size: 100)).kind == .image)
        #expect(throws: ConversationError.self) { try ChannelMediaRules.webchat(stored(Array("plain words".utf8), size: 11)) }
    }
}
