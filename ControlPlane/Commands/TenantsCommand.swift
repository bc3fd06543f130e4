import ArgumentParser
import Foundation
import GlavitoCore
import Logging

/// `glavito tenants apply|list`: tenants as files, applied idempotently as the platform role.
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Apply tenant definition files and list tenants.",
        subcommands: [Apply.self, List.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update tenants from YAML files or directories of them; all or nothing."
        )

        @Argument(help: "Tenant YAML files, or directories whose *.yaml files are applied.")
        var paths: [String]

        func run() async throws {
            let config = try CommandEnvironment.load()
            let files: [String]
            do {
                files = try TenantFiles.expand(paths)
            } catch {
                throw CommandEnvironment.fail("\(error)")
            }
            var definitions: [TenantDefinition] = []
            var errors: [TenantDefinitionError] = []
            let parser = TenantDefinitionParser()
            for file in files {
                do { definitions.append(try parser.parseFile(at: file)) } catch { errors.append(error) }
            }
            if let duplicate = TenantFiles.duplicateSlug(in: definitions) {
                errors.append(TenantDefinitionError(file: duplicate.file, line: 0, column: 0, message: "slug '\(duplicate.slug)' is defined twice"))
            }
            guard errors.isEmpty else {
                throw CommandEnvironment.fail("nothing applied; fix these first:\n" + errors.map { "  \($0)" }.joined(separator: "\n"))
            }
            let logger = Logger(label: "glavito.tenants")
            let parsed = definitions
            do {
                let outcomes = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                    try await TenantDirectory(platform: database).apply(parsed)
                }
                for (slug, outcome) in outcomes { print("\(slug): \(outcome.rawValue)") }
            } catch let error as TenantDirectory.ApplyError {
                throw CommandEnvironment.fail("nothing applied: \(error)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every tenant.")

        @Flag(help: "Print JSON lines instead of a table.")
        var json = false

        func run() async throws {
            let config = try CommandEnvironment.load()
            let logger = Logger(label: "glavito.tenants")
            let tenants = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                try await TenantDirectory(platform: database).list()
            }
            if json {
                for tenant in tenants { print(try JSONCoding.encode(tenant)) }
                return
            }
            print("SLUG".padding(toLength: 24, withPad: " ", startingAt: 0) + "STATUS     PLAN       NAME")
            for tenant in tenants {
                print(tenant.slug.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + tenant.status.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + tenant.plan.padding(toLength: 11, withPad: " ", startingAt: 0) + tenant.name)
            }
        }
    }
}
