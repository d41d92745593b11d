import ArgumentParser

@main
struct SwitchboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "An MCP gateway: many MCP servers behind one governed endpoint.",
        version: "0.1.0",
        subcommands: [
            ServeCommand.self, StdioCommand.self, CheckCommand.self, KeysCommand.self, CredentialsCommand.self, ConnectCommand.self, ToolsCommand.self,
            PolicyCommand.self, AuditCommand.self, ScanCommand.self, PinsCommand.self, ApprovalsCommand.self, DemoServerCommand.self,
        ]
    )
}
