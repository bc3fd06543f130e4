import Yams

/// Parses the `channels:` list of a tenant file, with line and column in every error.
enum TenantChannelsParser {
    static let keys: Set<String> = ["kind", "name", "external_id", "settings", "secrets_env"]
    static let secretNames: Set<String> = ["access_token", "app_secret", "verify_token", "smtp_password", "dkim_private_key"]

    static func channels(_ node: Node?, reader: NodeReader) throws(TenantDefinitionError) -> [TenantChannelDefinition] {
        guard let node else { return [] }
        var out: [TenantChannelDefinition] = []
        for item in try reader.sequence(node, path: "channels") {
            let map = try reader.mapping(item, path: "channels[]", allowed: keys)
            let kind = try reader.requiredString(map, "kind", in: item)
            guard ["whatsapp", "instagram", "webchat", "email"].contains(kind) else {
                throw reader.error(map["kind"], "kind must be whatsapp, instagram, webchat or email")
            }
            let name = try reader.requiredString(map, "name", in: item)
            let external = try map["external_id"].map { node throws(TenantDefinitionError) in try reader.string(node, path: "channels[].external_id") }
            guard kind == "webchat" || kind == "email" || external != nil else { throw reader.error(item, "a \(kind) channel needs external_id") }
            guard !out.contains(where: { $0.kind == kind && $0.externalID == external && $0.name == name }) else {
                throw reader.error(item, "channel '\(name)' is listed twice")
            }
            out.append(TenantChannelDefinition(kind: kind, name: name, externalID: external,
                                               settings: try strings(map["settings"], path: "channels[].settings", reader: reader),
                                               secretsEnv: try strings(map["secrets_env"], path: "channels[].secrets_env", reader: reader,
                                                                       allowed: secretNames)))
        }
        return out
    }

    static func strings(_ node: Node?, path: String, reader: NodeReader, allowed: Set<String>? = nil) throws(TenantDefinitionError) -> [String: String] {
        guard let node else { return [:] }
        var out: [String: String] = [:]
        for (key, value) in try reader.mapping(node, path: path, allowed: allowed) {
            out[key] = try reader.string(value, path: "\(path).\(key)")
        }
        return out
    }
}
