import Testing

/// The suites that drive real peers (child processes, sockets). They run one test at a time:
/// on a 2-core machine, parallel Python start-ups would make timing checks (a crashed stdio
/// server back within 2 s) measure the machine, not the gateway.
@Suite(.serialized) enum Interop {}
