/// The remove-form partial: the holders of a license to remove it from, in the preview's dialog or on its own page.
struct RemoveDialogView {
    struct Holder {
        var id: String
        var value: String
        var label: String
        var note: String
    }

    var csrf: String
    var id: String
    var titleID: String
    var title: String
    var moduleKey: String
    var moduleLabel: String
    var newTotal: String
    var inUse: String
    var mustRemove: String
    var holders: [Holder]
    var isSatellite: Bool
    /// In the preview's dialog (Cancel closes it) or on a page of its own (Cancel goes back).
    var inDialog = true
}
