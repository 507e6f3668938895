/// What the error template shows: what went wrong, and for an unexpected error the reference to its log entry.
struct ErrorView {
    var title: String
    var message: String
    var status: Int
    var reference: String?
    var signedIn: Bool
}
