import SwitchboardCore

/// How the runtime's services print. swift-service-lifecycle logs every service it starts and
/// stops (`sl-service`, at debug level) by printing it, and a struct prints every stored
/// property: the configuration with its credentials, the process environment. Each service
/// prints its name (and where it listens) instead; a test runs the gateway at debug level and
/// searches its log for credentials.
extension HTTPListenerService: CustomStringConvertible {
    var description: String { "HTTPListenerService(\(config.listen))" }
}

extension GatewayService: CustomStringConvertible {
    var description: String { "GatewayService" }
}

extension DemoHTTPService: CustomStringConvertible {
    var description: String { "DemoHTTPService(\(listen))" }
}

extension AuditService: CustomStringConvertible {
    var description: String { "AuditService" }
}

extension ConfigReloadService: CustomStringConvertible {
    public var description: String { "ConfigReloadService(\(path))" }
}

extension StdioService: CustomStringConvertible {
    var description: String { "StdioService" }
}

extension EventLoopGroupService: CustomStringConvertible {
    var description: String { "EventLoopGroupService" }
}

extension KeyDirectoryService: CustomStringConvertible {
    package var description: String { "KeyDirectoryService" }
}

extension JWKSRefreshService: CustomStringConvertible {
    var description: String { "JWKSRefreshService" }
}
