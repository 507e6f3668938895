import LicenseCore

/// What the new user template shows: the form, filled in again after a refusal.
struct NewUserView {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    var csrf: String
    var userName = ""
    var displayName = ""
    var email = ""
    var types: [Option]
    var canLogIn = true
    var error: String?

    init(csrf: String) {
        self.csrf = csrf
        types = UserType.allCases.map { Option(value: $0.rawValue, label: AdminFormat.userType($0), selected: $0 == .employee) }
    }

    mutating func fill(_ draft: NewUser) {
        userName = draft.userName
        displayName = draft.displayName ?? ""
        email = draft.email ?? ""
        canLogIn = draft.canLogIn
        types = types.map { Option(value: $0.value, label: $0.label, selected: $0.value == draft.type.rawValue) }
    }
}
