import LicenseCore

/// What the event form template shows: adding or editing a system event.
struct EventFormView {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    var csrf: String
    var isNew: Bool
    var heading: String
    var action: String
    var submitLabel: String
    var types: [Option]
    var scopes: [Option]
    var scopeOwner: String
    var message: String
    var finishDate: String
    var finishTime: String
    var eventLabel: String?
    var error: String?
    /// A no-login event was asked for without the box that confirms it: ask again with the box.
    var confirmNoLogin = false

    static func new(csrf: String) -> EventFormView {
        EventFormView(
            csrf: csrf, isNew: true, heading: "Add system event", action: "/admin/events", submitLabel: "Add event",
            // Message of the day by default: "No login" is one click from locking everyone out.
            types: EventRule.administratorKeys.map {
                Option(value: $0, label: EventLabels.label($0), selected: $0 == SystemEvent.messageOfTheDay)
            },
            scopes: SystemEvent.Scope.allCases.map {
                Option(
                    value: $0.rawValue, label: $0.rawValue.prefix(1).uppercased() + $0.rawValue.dropFirst(),
                    selected: $0 == .system)
            },
            scopeOwner: "", message: "", finishDate: "", finishTime: "", eventLabel: nil, error: nil)
    }

    static func edit(csrf: String, event: SystemEvent) -> EventFormView {
        let parts = AdminFormat.inputParts(event.expectedFinish)
        return EventFormView(
            csrf: csrf, isNew: false, heading: "Edit system event", action: "/admin/events/\(event.id)", submitLabel: "Save",
            types: [], scopes: [], scopeOwner: event.scopeOwner ?? "", message: event.message, finishDate: parts.date,
            finishTime: parts.time, eventLabel: EventLabels.label(event.key), error: nil)
    }

    mutating func fill(
        key: String, scope: SystemEvent.Scope, scopeOwner: String?, message: String, finishDate: String?, finishTime: String?
    ) {
        types = types.map { Option(value: $0.value, label: $0.label, selected: $0.value == key) }
        scopes = scopes.map { Option(value: $0.value, label: $0.label, selected: $0.value == scope.rawValue) }
        self.scopeOwner = scopeOwner ?? ""
        self.message = message
        self.finishDate = finishDate ?? ""
        self.finishTime = finishTime ?? ""
    }
}
