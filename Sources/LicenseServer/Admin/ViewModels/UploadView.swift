/// What the activation upload template shows: the file form, a loaded license waiting, or why a file was refused.
struct UploadView {
    var csrf: String
    var pendingFileName: String?
    var error: String?

    init(csrf: String, pendingFileName: String?) {
        self.csrf = csrf
        self.pendingFileName = pendingFileName
    }
}
