import Foundation
import GlavitoCore
import HTTPTypes
import Hummingbird

/// Attachments for the people allowed to read their ticket: `GET /api/v1/attachments/{id}/url` (tickets.read and the
/// caller's data scope) hands out a short-lived signed URL; `GET /attachments/{id}?expires=&sig=` serves the bytes on
/// the tenant's host while the signature holds. Files are served with their sniffed type, `nosniff`, a sandboxing
/// content security policy, and as downloads unless they are images, audio, video or PDF.
struct AttachmentsController {
    let api: ConversationAPI
    let signer: AttachmentURLSigner
    let storage: any AttachmentStorage

    static let inlineTypes = ["image/", "audio/", "video/", "application/pdf"]

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/attachments/:id/url", .permission(.ticketsRead)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let tenant = try input.requirePrincipal().tenant
            try await api.transaction(input) { connection, principal in
                guard let stored = try await AttachmentDownloads.stored(id, on: connection, logger: api.logger) else {
                    throw ConversationError.notFound("no stored attachment \(id.uuidString.lowercased())")
                }
                try ConversationAPI.checkScope(try await TicketStore(tenant: principal.tenant).get(stored.ticket, on: connection, logger: api.logger),
                                               principal)
            }
            let (path, expiresAt) = signer.url(tenant: tenant, attachment: id)
            struct Signed: Encodable { let url: String; let expires_at: String }
            return try JSONResponse.encode(Signed(url: path, expires_at: JSONCoding.format(expiresAt)))
        }
        routes.get("/attachments/:id", .public) { request, context, _ in
            let id = try ConversationAPI.uuid(context)
            let query = request.uri.queryParameters
            guard let expires = query.get("expires").flatMap({ Int64($0) }), let sig = query.get("sig"),
                  signer.verify(tenant: context.tenant.id, attachment: id, expires: expires, sig: sig) else {
                throw Problem(status: .forbidden, type: "link-expired", title: "Forbidden",
                              detail: "this attachment link is not valid or has expired; open the ticket again for a fresh one")
            }
            let tenant = context.tenant.id
            guard let stored = try await api.identity.database.withTenantTransaction(tenant, { connection in
                try await AttachmentDownloads.stored(id, on: connection, logger: api.logger)
            }) else {
                throw ConversationAPI.notFound("no stored attachment \(id.uuidString.lowercased())")
            }
            let bytes = try await storage.read(stored.key)
            let inline = Self.inlineTypes.contains { stored.mimeType.hasPrefix($0) }
            let name = (stored.filename ?? "attachment").filter { $0.isLetter || $0.isNumber || ".-_ ".contains($0) }
            var headers: HTTPFields = [
                .contentType: stored.mimeType,
                .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(name.isEmpty ? "attachment" : name)\"",
                .cacheControl: "private, max-age=300",
            ]
            headers[HTTPField.Name("Content-Security-Policy")!] = "sandbox; default-src 'none'"
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
