import Foundation
import GlavitoCore
import Hummingbird
import PostgresNIO

/// `/admin/branding` (admin.branding): change the tenant's name, colours and logo, audited. A tenant file applied
/// later (`glavito tenants apply`) sets the branding it names again.
struct BrandingController {
    let api: ConversationAPI

    /// Largest logo accepted, in bytes (as in tenant files).
    static let maximumLogoBytes = 256 * 1024

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/admin/branding", .permission(.adminBranding)) { _, _, input in
            let principal = try input.requirePrincipal()
            let branding = try await api.transaction(input) { connection, _ in try await Self.load(on: connection, api: api) }
            return AppChrome.page(BrandingPage.render(principal: principal, branding: branding, error: nil))
        }
        routes.post("/admin/branding", .permission(.adminBranding)) { _, context, input in
            let principal = try input.requirePrincipal()
            do {
                let form = input.form
                let branding = try await api.audited(input, context, "branding.updated", target: "tenant:\(principal.tenant)") { connection, _ in
                    var branding = try await Self.load(on: connection, api: api)
                    try Self.apply(form, to: &branding)
                    try await connection.checkedQuery("""
                        UPDATE tenants SET branding = \(try JSONCoding.encode(branding))::jsonb WHERE id = glavito_current_tenant()
                        """, logger: api.logger)
                    return branding
                }
                return AppChrome.page(BrandingPage.render(principal: principal, branding: branding, error: nil, flash: "Branding saved."))
            } catch let problem as Problem {
                let current = try await api.transaction(input) { connection, _ in try await Self.load(on: connection, api: api) }
                return AppChrome.page(BrandingPage.render(principal: principal, branding: current, error: problem.detail), status: problem.status)
            }
        }
    }

    static func load(on connection: PostgresConnection, api: ConversationAPI) async throws -> Branding {
        guard let branding = try await Branding.current(on: connection, logger: api.logger) else { throw ConversationAPI.notFound("no tenant") }
        return branding
    }

    /// Applies the form's fields, refusing bad colours, names and logos with a clear reason.
    static func apply(_ form: [String: String], to branding: inout Branding) throws {
        let name = (form["display_name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count) else { throw JobsController.badRequest("the name must be 1 to 80 characters") }
        branding.displayName = name
        for (key, path) in [("primary_color", \Branding.primaryColor), ("accent_color", \.accentColor), ("background_color", \.backgroundColor),
                            ("text_color", \.textColor)] as [(String, WritableKeyPath<Branding, String>)] {
            guard let value = form[key], Branding.isColor(value) else { throw JobsController.badRequest("\(key) must be a colour like #0f766e") }
            branding[keyPath: path] = value.lowercased()
        }
        if form["remove_logo"] == "1" {
            branding.logoURL = nil
        } else if let uri = form["logo_data"], !uri.isEmpty {
            guard let comma = uri.firstIndex(of: ","), uri.hasPrefix("data:"), uri[..<comma].hasSuffix(";base64"),
                  let data = Data(base64Encoded: String(uri[uri.index(after: comma)...])) else {
                throw JobsController.badRequest("the logo must be an image file")
            }
            guard data.count <= maximumLogoBytes else { throw JobsController.badRequest("the logo is larger than 256 KiB") }
            guard let type = ImageSniffer.contentType(of: data) else { throw JobsController.badRequest("the logo must be PNG, JPEG, WebP or SVG") }
            branding.logoURL = "data:\(type);base64,\(data.base64EncodedString())"
        }
    }
}
