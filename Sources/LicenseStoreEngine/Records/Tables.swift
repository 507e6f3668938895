/// The tables of the store, parents first: the one list the data migration copies in and the schema test checks
/// both backends' migrations against.
public enum Tables {
    public static let all = [
        "tenant", "tenant_head", "license_owner", "module_license", "user", "assignment", "satellite",
        "satellite_assignment", "system_event", "audit_entry", "api_token", "metered_service", "usage_tariff",
        "usage_event", "usage_month", "usage_subject", "change_log",
    ]

    /// The column that names a row's tenant.
    static func tenantColumn(of table: String) -> String { table == "tenant" ? "id" : "tenant_id" }
}
