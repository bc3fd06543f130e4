import Foundation
import GlavitoCore

/// Signed links to a web chat conversation's files for its visitor: `/attachments/{id}?expires=&sig=` on the tenant's
/// host, valid for an hour (a reconnect sends the history with fresh links).
struct WebChatLinks: Sendable {
    let signer: AttachmentURLSigner
    let tenant: TenantID

    /// How long a visitor's link works.
    static let lifetime: TimeInterval = 3600

    init(masterKey: MasterKey, tenant: TenantID) {
        var signer = AttachmentURLSigner(masterKey: masterKey)
        signer.lifetime = Self.lifetime
        self.signer = signer
        self.tenant = tenant
    }

    /// The path and query of a link to `attachment`.
    func url(_ attachment: UUID) -> String {
        signer.url(tenant: tenant, attachment: attachment).path
    }
}
