import Foundation
import Yams

/// Parses and validates a tenant definition file, reporting every problem with its line and column.
public struct TenantDefinitionParser: Sendable {
    /// The largest logo file inlined into branding.
    public static let maximumLogoBytes = 256 * 1024

    static let topLevelKeys: Set<String> = [
        "slug", "name", "status", "plan", "domains", "branding", "settings", "users", "roles", "teams", "custom_fields", "channels",
    ]
    static let reservedKeys: Set<String> = ["custom_fields"]
    static let brandingKeys: Set<String> = ["name", "logo", "colors"]
    static let colorKeys: Set<String> = ["primary", "accent", "background", "text"]

    /// Creates a parser.
    public init() {}

    /// Reads and parses the file at `path`; a logo path inside it is resolved next to the file.
    public func parseFile(at path: String) throws(TenantDefinitionError) -> TenantDefinition {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TenantDefinitionError(file: path, line: 0, column: 0, message: "cannot be read as UTF-8 text")
        }
        return try parse(text, file: path, baseDirectory: url.deletingLastPathComponent())
    }

    /// Parses YAML `text` that came from `file`.
    public func parse(_ text: String, file: String, baseDirectory: URL) throws(TenantDefinitionError) -> TenantDefinition {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw TenantDefinitionError(file: file, line: 0, column: 0, message: "is empty")
            }
            root = node
        } catch let error as TenantDefinitionError {
            throw error
        } catch let error as YamlError {
            throw Self.locate(error, file: file)
        } catch {
            throw TenantDefinitionError(file: file, line: 0, column: 0, message: "is not valid YAML")
        }
        var reader = NodeReader(file: file)
        let top = try reader.mapping(root, path: "the document", allowed: Self.topLevelKeys)
        for key in Self.reservedKeys {
            if let node = top[key] {
                let items = try reader.sequence(node, path: key)
                guard items.isEmpty else {
                    throw reader.error(node, "\(key) is reserved for a later release and must be an empty list for now")
                }
            }
        }
        let slug = try reader.requiredString(top, "slug", in: root)
        guard TenantSlug.isValid(slug) else {
            throw reader.error(top["slug"], "slug '\(slug)' must be 1-63 lowercase letters, digits or inner hyphens")
        }
        let name = try reader.requiredString(top, "name", in: root)
        var status = Tenant.Status.active
        if let node = top["status"] {
            let text = try reader.string(node, path: "status")
            guard let parsed = Tenant.Status(rawValue: text) else {
                throw reader.error(node, "status must be one of active, suspended, deleted")
            }
            status = parsed
        }
        let plan = try top["plan"].map { node throws(TenantDefinitionError) in try reader.string(node, path: "plan") } ?? "free"
        var domains: [String] = []
        if let node = top["domains"] {
            for item in try reader.sequence(node, path: "domains") {
                let domain = try reader.string(item, path: "domains[]").lowercased()
                guard Self.isDomain(domain) else { throw reader.error(item, "'\(domain)' is not a domain name") }
                domains.append(domain)
            }
        }
        let branding = try parseBranding(top["branding"], name: name, reader: &reader, baseDirectory: baseDirectory)
        var settings: [String: String] = [:]
        if let node = top["settings"] {
            for (key, value) in try reader.mapping(node, path: "settings", allowed: nil) {
                settings[key] = try reader.string(value, path: "settings.\(key)")
            }
        }
        var definition = TenantDefinition(
            sourceFile: file, slug: slug, name: name, status: status, plan: plan,
            domains: domains, branding: branding, settings: settings
        )
        definition.roles = try TenantMembersParser.roles(top["roles"], reader: reader)
        definition.teams = try TenantMembersParser.teams(top["teams"], reader: reader)
        definition.users = try TenantMembersParser.users(top["users"], roles: Set(definition.roles.map(\.key)),
                                                         teams: Set(definition.teams.map(\.key)), reader: reader)
        definition.channels = try TenantChannelsParser.channels(top["channels"], reader: reader)
        return definition
    }

    private func parseBranding(
        _ node: Node?, name: String, reader: inout NodeReader, baseDirectory: URL
    ) throws(TenantDefinitionError) -> Branding {
        var branding = Branding(displayName: name)
        guard let node else { return branding }
        let map = try reader.mapping(node, path: "branding", allowed: Self.brandingKeys)
        if let value = map["name"] { branding.displayName = try reader.string(value, path: "branding.name") }
        if let value = map["logo"] {
            branding.logoURL = try logoURL(try reader.string(value, path: "branding.logo"), node: value, reader: reader, baseDirectory: baseDirectory)
        }
        if let colorsNode = map["colors"] {
            let colors = try reader.mapping(colorsNode, path: "branding.colors", allowed: Self.colorKeys)
            for (key, value) in colors {
                let color = try reader.string(value, path: "branding.colors.\(key)")
                guard Branding.isColor(color) else {
                    throw reader.error(value, "branding.colors.\(key) must be a colour like \"#1a2b3c\", got '\(color)'")
                }
                switch key {
                case "primary": branding.primaryColor = color.lowercased()
                case "accent": branding.accentColor = color.lowercased()
                case "background": branding.backgroundColor = color.lowercased()
                default: branding.textColor = color.lowercased()
                }
            }
        }
        return branding
    }

    private func logoURL(_ value: String, node: Node, reader: NodeReader, baseDirectory: URL) throws(TenantDefinitionError) -> String {
        if value.hasPrefix("https://") { return value }
        guard !value.contains("://") else { throw reader.error(node, "branding.logo must be a file next to this one or an https:// URL") }
        let url = baseDirectory.appendingPathComponent(value)
        guard let data = try? Data(contentsOf: url) else {
            throw reader.error(node, "branding.logo file '\(value)' cannot be read")
        }
        guard data.count <= Self.maximumLogoBytes else {
            throw reader.error(node, "branding.logo file '\(value)' is larger than \(Self.maximumLogoBytes / 1024) KiB")
        }
        guard let type = ImageSniffer.contentType(of: data) else {
            throw reader.error(node, "branding.logo file '\(value)' is not an SVG, PNG, JPEG or WebP image")
        }
        return "data:\(type);base64,\(data.base64EncodedString())"
    }

    static func isDomain(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && text.utf8.count <= 253 && labels.allSatisfy { TenantSlug.isValid(String($0)) }
    }

    static func locate(_ error: YamlError, file: String) -> TenantDefinitionError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return TenantDefinitionError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        default:
            return TenantDefinitionError(file: file, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }
}
