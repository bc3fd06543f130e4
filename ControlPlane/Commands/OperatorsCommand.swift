import ArgumentParser
import GlavitoCore
import Logging

/// `glavito operators create`: platform operators, who administer tenants, with two-step verification always on.
struct OperatorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operators", abstract: "Create platform operators (sign in at /platform on the base domain).",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an operator; prints a generated password and the authenticator URI once.")
        @Option(help: "Email address.") var email: String
        @Option(help: "Display name.") var name: String

        func run() async throws {
            let config = try CommandEnvironment.load()
            let master: MasterKey
            do { master = try config.identity.requireMasterKey() } catch { throw CommandEnvironment.fail("\(error)") }
            let password = PasswordGenerator.generate()
            let logger = Logger(label: "glavito.operators")
            let (email, name) = (self.email, self.name)
            do {
                let (created, totp, uri) = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                    try await PlatformOperators(platform: database, hasher: PasswordHasher(parameters: config.identity.argon2),
                                                masterKey: master, config: config.identity).create(email: email, name: name, password: password)
                }
                print("created platform operator \(created.email) (\(created.id))")
                print("password: \(password)")
                print("authenticator secret: \(Base32.encode(totp.secret))")
                print("authenticator URI: \(uri)")
            } catch let error as IdentityError {
                throw CommandEnvironment.fail(error.description)
            }
        }
    }
}
