import ArgumentParser
import Switchboard
import SwitchboardPolicy

/// `switchboard connect SERVER [--as KEY]`: the consent link for a `credentials.oauth` server,
/// to open in a browser: without `--as`, the gateway's own connection (an administrator's);
/// with it, that key's caller's own account on a `per_user` server. The link is sealed with
/// `sessions.seal_keys`, works once and for ten minutes, and leads through the server's
/// authorization server back to the gateway, which then keeps (and refreshes) the token.
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

    @Option(name: .customLong("as"), help: "An API key's name or id: the link connects that caller's own account (per_user servers).")
    var key: String?

    func run() throws {
        let config = try options.load()
        do {
            let principal = try key.map { try CallerResolver(config: config, needsKeys: true).resolve(key: $0, principal: nil, roles: [], tenant: nil).id }
            print(try GatewayRuntime.consentLink(config: config, server: server, principal: principal))
        } catch {
            KeysCommand.warn("\(error)", prefix: "error")
            throw ExitCode(1)
        }
    }
}
