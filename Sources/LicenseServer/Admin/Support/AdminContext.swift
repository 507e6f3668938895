import Foundation
import Hummingbird
import LicenseCore

/// The request context of the admin pages: the session found from the cookie and the posted form, both filled in by
/// `AdminMiddleware` before a handler runs.
struct AdminContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    var session: AdminSession?
    var form = AdminForm()

    init(context: LicenseRequestContext) throws {
        coreContext = context.coreContext
    }

    /// License files are uploaded through the pages, so the limit is the package limit plus room for the form.
    var maxUploadSize: Int { ServerLimits.packageLimit + (64 << 10) }

    /// The signed-in session; `RequireAdminMiddleware` guarantees one on the routes behind it.
    func signedIn() throws -> (session: AdminSession, tenant: String, userName: String) {
        guard let session, let tenant = session.tenant, let userName = session.userName else {
            throw AdminError.signInRequired
        }
        return (session, tenant, userName)
    }
}

/// What the admin pages answer when something goes wrong: a page that says what happened and what to do, never a
/// stack trace, a file path or an exception text.
struct AdminError: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var message: String

    static let csrf = AdminError(
        status: .forbidden, title: "The form was refused",
        message:
            "The form did not carry a valid security token, or your session has expired. Nothing was changed. Go back, reload the page and try again."
    )
    static let signInRequired = AdminError(
        status: .unauthorized, title: "Please sign in", message: "Your session has ended. Sign in again to continue.")
    static let notFound = AdminError(
        status: .notFound, title: "Page not found", message: "There is no page at this address. Use the menu to find your way.")
    static let tooLarge = AdminError(
        status: .contentTooLarge, title: "The upload is too large",
        message: "The file is larger than the server accepts (8 MiB). Check that you picked a license file.")

    static func notFound(_ what: String) -> AdminError {
        AdminError(status: .notFound, title: "Not found", message: what)
    }

    static func invalid(_ message: String) -> AdminError {
        AdminError(status: .unprocessableContent, title: "The input was not accepted", message: message)
    }

    /// Domain errors carry messages written for people; anything else is described generically.
    static func from(_ error: any Error) -> AdminError? {
        switch error {
        case let error as AdminError:
            return error
        case let refusal as LicenseRefusal:
            return AdminError(status: .conflict, title: "The change was refused", message: refusal.message)
        case let error as LicenseInputError:
            switch error {
            case .unknownUser, .unknownModule, .unknownSatellite, .unknownTenant, .unknownEvent:
                return AdminError(status: .notFound, title: "Not found", message: error.description)
            default:
                return AdminError(status: .unprocessableContent, title: "The input was not accepted", message: error.description)
            }
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return .tooLarge
        case let error as any HTTPResponseError where error.status == .notFound:
            return .notFound
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            return AdminError(
                status: error.status, title: "The request was not understood",
                message: "The browser sent a request the server could not use (\(error.status.code)). Go back and try again.")
        default:
            return nil
        }
    }

    /// The message of a domain refusal for a flash; nil for errors that are not the user's to fix.
    static func describe(_ error: any Error) -> String? {
        switch error {
        case let refusal as LicenseRefusal: refusal.message
        case let error as LicenseInputError: error.description
        case let error as AdminError: error.message
        default: nil
        }
    }
}
