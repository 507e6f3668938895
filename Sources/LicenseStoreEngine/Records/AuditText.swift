import LicenseCore

/// How audit entries describe what changed; one wording for every backend.
public enum AuditText {
    static func user(_ user: User) -> String {
        "type \(user.type.rawValue), canLogIn \(user.canLogIn), retired \(user.retired), waitingForApproval \(user.waitingForApproval), administrator \(user.isAdministrator)"
    }

    public static func tariff(_ t: Tariff) -> String {
        "base \(t.includedBase), per user \(t.includedPerUser), unit \(t.unitSize), \(t.pricePerUnit) \(t.currency)/unit"
    }

    /// `owner.module (via plan), …`
    static func assignments(_ rows: [Assignment]) -> String {
        rows.map { $0.key.description + ($0.viaPlan.map { " (via \($0))" } ?? "") }.joined(separator: ", ")
    }
}
