/// What the sign-in template shows: the form, filled in again after a refusal, and why it was refused.
struct LoginView {
    var csrf: String
    var tenant: String
    var userName: String
    var next: String
    var error: String?
    var locked: Bool
}
