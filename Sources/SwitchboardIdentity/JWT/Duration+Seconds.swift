extension Duration {
    /// As the fractional seconds token times (`exp`, `nbf`) and the injected clocks use.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
