import Foundation

/// Finding tenant definition files on disk.
public enum TenantFiles {
    /// A path that is neither a readable file nor a directory.
    public struct MissingPath: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path): no such file or directory" }
    }

    /// Files named directly, plus the `*.yaml`/`*.yml` files (sorted) of directories named.
    public static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw MissingPath(path: path) }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                    .sorted()
                files += names.map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// The first slug defined by two files, with the second file.
    public static func duplicateSlug(in definitions: [TenantDefinition]) -> (slug: String, file: String)? {
        var seen: Set<String> = []
        for definition in definitions where !seen.insert(definition.slug).inserted {
            return (definition.slug, definition.sourceFile)
        }
        return nil
    }
}
