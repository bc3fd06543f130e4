import ArgumentParser

/// `glavito`: the control plane server and its administrative commands.
@main
struct GlavitoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glavito",
        abstract: "Glavito, the multi-tenant customer-support platform: control plane and administration.",
        subcommands: [ServeCommand.self, MigrateCommand.self, TenantsCommand.self, UsersCommand.self, KeysCommand.self, AuditCommand.self, OperatorsCommand.self, BenchmarkCommand.self, EventsCommand.self, JobsCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
