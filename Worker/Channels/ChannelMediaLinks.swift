import Foundation
import GlavitoCore

/// Signed attachment URLs that a channel fetches itself (Instagram's Send API takes a file by URL): on the tenant's
/// host (`<slug>.<base domain>`, with the scheme and port of `GLAVITO_PUBLIC_URL`) and valid for
/// `GLAVITO_CHANNELS_MEDIA_URL_SECONDS` (default an hour), longer than the five minutes of links handed to agents,
/// because Meta may fetch the file some time after the send and again on its own retries.
struct ChannelMediaLinks: Sendable {
    let signer: AttachmentURLSigner
    let publicURL: String
    let baseDomain: String

    init(masterKey: MasterKey, publicURL: String, baseDomain: String, lifetimeSeconds: Int) {
        var signer = AttachmentURLSigner(masterKey: masterKey)
        signer.lifetime = TimeInterval(lifetimeSeconds)
        self.signer = signer
        self.publicURL = publicURL
        self.baseDomain = baseDomain
    }

    /// The absolute URL of `attachment` of `tenant` (whose slug is `slug`).
    func url(tenant: TenantID, slug: String, attachment: UUID) -> String {
        let components = URLComponents(string: publicURL)
        let scheme = components?.scheme ?? "https"
        let port = components?.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(slug).\(baseDomain)\(port)\(signer.url(tenant: tenant, attachment: attachment).path)"
    }
}
