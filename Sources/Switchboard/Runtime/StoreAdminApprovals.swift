import SwitchboardControl
import SwitchboardGuards
import SwitchboardStore

/// The admin API's approval endpoints on the store: a decision made here reaches the gateway's
/// queue at its next poll of the store (about a second), as one made with the CLI does.
struct StoreAdminApprovals: AdminApprovalStore {
    let store: any ApprovalStore

    func approvals(state: ApprovalRecord.State?) throws -> [ApprovalRecord] {
        try store.approvals(state: state)
    }

    func decide(id: String, approve: Bool, by: String, reason: String, scope: ApprovalRecord.Scope?) throws -> ApprovalRecord {
        do {
            return try store.decideApproval(id: id, approve: approve, by: by, reason: reason, scope: scope)
        } catch {
            switch error.code {
            case .notFound: throw AdminApprovalError.notFound(error.message)
            case .conflict: throw AdminApprovalError.conflict(error.message)
            case .invalidInput: throw AdminApprovalError.invalid(error.message)
            default: throw error
            }
        }
    }
}
