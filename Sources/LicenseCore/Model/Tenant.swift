import Foundation

/// One customer installation: the company and serial number packages are bound to.
public struct Tenant: Sendable, Equatable, Codable {
    public var id: String
    public var companyName: String
    public var serialNumber: String
    public var databaseType: DatabaseType
    public var databaseOwner: String?
    /// The root public key (JWK JSON) packages must chain to.
    public var trustRoot: String
    public var createdAt: Date

    public init(
        id: String, companyName: String, serialNumber: String, databaseType: DatabaseType = .central,
        databaseOwner: String? = nil, trustRoot: String, createdAt: Date
    ) {
        self.id = id
        self.companyName = companyName
        self.serialNumber = serialNumber
        self.databaseType = databaseType
        self.databaseOwner = databaseOwner
        self.trustRoot = trustRoot
        self.createdAt = createdAt
    }

    public func validate() throws(LicenseInputError) {
        try Validate.tenantID(id)
        try Validate.identifier(companyName, field: "company", limit: 200)
        try Validate.identifier(serialNumber, field: "serial", limit: 64)
        if let databaseOwner { try Validate.identifier(databaseOwner, field: "databaseOwner", limit: 200) }
    }
}

/// A user ("associate"), with the fields that decide what it may do.
public struct User: Sendable, Equatable, Codable {
    public var id: Int64
    public var userName: String
    public var displayName: String?
    public var email: String?
    public var type: UserType
    public var canLogIn: Bool
    public var retired: Bool
    public var waitingForApproval: Bool
    public var isAdministrator: Bool

    public init(
        id: Int64, userName: String, displayName: String? = nil, email: String? = nil, type: UserType = .employee,
        canLogIn: Bool = true, retired: Bool = false, waitingForApproval: Bool = false, isAdministrator: Bool = false
    ) {
        self.id = id
        self.userName = userName
        self.displayName = displayName
        self.email = email
        self.type = type
        self.canLogIn = canLogIn
        self.retired = retired
        self.waitingForApproval = waitingForApproval
        self.isAdministrator = isAdministrator
    }

    /// Active users are the ones a pay-per-use customer is billed for.
    public var isActive: Bool { canLogIn && !retired }
}

/// A module license given to a user; `viaPlan` names the plan module it came with, if any.
public struct Assignment: Sendable, Equatable, Hashable, Codable {
    public var owner: String
    public var module: String
    public var userID: Int64
    public var viaPlan: String?
    public var createdAt: Date
    public var createdBy: String
    public var comment: String?

    public init(
        owner: String, module: String, userID: Int64, viaPlan: String? = nil, createdAt: Date, createdBy: String,
        comment: String? = nil
    ) {
        self.owner = owner.uppercased()
        self.module = module
        self.userID = userID
        self.viaPlan = viaPlan
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.comment = comment
    }

    public var key: ModuleKey { ModuleKey(owner: owner, module: module) }
    public var isDirect: Bool { viaPlan == nil }
}

/// A satellite database that may hold satellite-type licenses.
public struct Satellite: Sendable, Equatable, Codable {
    public var name: String
    public var createdAt: Date
    public init(name: String, createdAt: Date) {
        self.name = name
        self.createdAt = createdAt
    }
}

/// A satellite-type license given to a satellite.
public struct SatelliteAssignment: Sendable, Equatable, Codable {
    public var owner: String
    public var module: String
    public var satellite: String
    public var createdAt: Date
    public var createdBy: String
    public init(owner: String, module: String, satellite: String, createdAt: Date, createdBy: String) {
        self.owner = owner.uppercased()
        self.module = module
        self.satellite = satellite
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
    public var key: ModuleKey { ModuleKey(owner: owner, module: module) }
}
