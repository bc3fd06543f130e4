import Yams

/// Typed reads from a YAML node tree that fail with the node's line and column.
struct NodeReader {
    let file: String

    func error(_ node: Node?, _ message: String) -> TenantDefinitionError {
        TenantDefinitionError(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message: message)
    }

    /// A mapping's entries by key; with `allowed`, an unknown key is an error (it is usually a typo).
    func mapping(_ node: Node, path: String, allowed: Set<String>?) throws(TenantDefinitionError) -> [String: Node] {
        guard case .mapping(let mapping) = node else { throw error(node, "\(path) must be a mapping of keys to values") }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error(keyNode, "keys in \(path) must be plain text") }
            if let allowed, !allowed.contains(key) {
                throw error(keyNode, "unknown key '\(key)' in \(path); expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            guard result[key] == nil else { throw error(keyNode, "key '\(key)' appears twice in \(path)") }
            result[key] = value
        }
        return result
    }

    func sequence(_ node: Node, path: String) throws(TenantDefinitionError) -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, "\(path) must be a list") }
        return Array(sequence)
    }

    func string(_ node: Node, path: String) throws(TenantDefinitionError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, "\(path) must be a single value") }
        let value = scalar.string.trimmingWhitespace()
        guard !value.isEmpty else { throw error(node, "\(path) must not be empty") }
        return value
    }

    func requiredString(_ map: [String: Node], _ key: String, in parent: Node) throws(TenantDefinitionError) -> String {
        guard let node = map[key] else { throw error(parent, "missing required key '\(key)'") }
        return try string(node, path: key)
    }
}
