import ArgumentParser
import Switchboard

/// `switchboard connect SERVER`: the consent link for a `credentials.oauth` server, for an
/// administrator to open in a browser. The link is sealed with `sessions.seal_keys`, works once
/// and for ten minutes, and leads through the server's authorization server back to the
/// gateway, which then keeps (and refreshes) the token for every caller.
///
/// Exit status: 0 printed, 1 refused (unknown server, no seal keys), 2 bad config.
struct ConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Print the consent link that connects the gateway to an OAuth server.",
        discussion: "Open the link in a browser within ten minutes; it works once. The gateway at public_url must be running."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The server (servers.NAME with credentials.oauth).")
    var server: String

    func run() throws {
        let config = try options.load()
        do {
            print(try GatewayRuntime.consentLink(config: config, server: server, by: "admin"))
        } catch {
            KeysCommand.warn("\(error)", prefix: "error")
            throw ExitCode(1)
        }
    }
}
