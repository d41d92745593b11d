import Metrics

/// Callers' own upstream sessions to `per_user` OAuth servers (`PersonalUpstreams`).
enum SessionGauges {
    /// Open now, over all such servers.
    static let personalSessions = Meter(label: "switchboard_upstream_personal_sessions")
    /// Callers sent a consent link because they had not connected their account.
    static let consentPrompts = Counter(label: "switchboard_oauth_consent_prompts_total")
}
