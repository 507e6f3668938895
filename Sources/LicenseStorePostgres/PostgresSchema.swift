/// Migrations of the PostgreSQL schema: the SQLite schema's tables and columns (DESIGN §5), with `user` named
/// `app_user` (a reserved word here), integers as BIGINT, and every key led by `tenant_id` so a distributed
/// PostgreSQL can shard by tenant. Applied in order and recorded in `schema_migration`; never edited after they ship.
enum PostgresSchema {
    static let migrations: [(id: String, sql: String)] = [
        (
            "v1",
            """
            CREATE TABLE tenant (
                id TEXT NOT NULL PRIMARY KEY,
                company_name TEXT NOT NULL,
                serial_number TEXT NOT NULL,
                database_type TEXT NOT NULL CHECK (database_type IN ('central', 'satellite')),
                database_owner TEXT,
                trust_root TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                seal TEXT NOT NULL
            );
            CREATE TABLE tenant_head (
                tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenant(id),
                version BIGINT NOT NULL,
                audit_sequence BIGINT NOT NULL CHECK (audit_sequence >= 0),
                audit_seal TEXT NOT NULL,
                event_ids TEXT NOT NULL DEFAULT '',
                event_sequence BIGINT NOT NULL DEFAULT 0,
                seal TEXT NOT NULL
            );
            CREATE TABLE license_owner (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                owner_name TEXT NOT NULL,
                description TEXT,
                license_url TEXT,
                deployment_type TEXT,
                product_type TEXT,
                extra_flags BIGINT NOT NULL,
                extra_info TEXT,
                issued_at BIGINT NOT NULL,
                expires_at BIGINT,
                grace_until BIGINT,
                maintenance_until BIGINT,
                admin_warning_at BIGINT,
                next_check_at BIGINT,
                owner_certificate TEXT NOT NULL,
                package_signature TEXT NOT NULL,
                raw_package TEXT NOT NULL,
                activated_at BIGINT NOT NULL,
                PRIMARY KEY (tenant_id, owner_name)
            );
            CREATE TABLE module_license (
                tenant_id TEXT NOT NULL,
                owner_name TEXT NOT NULL,
                module_name TEXT NOT NULL,
                description TEXT,
                tooltip TEXT,
                version TEXT,
                type TEXT NOT NULL CHECK (type IN ('site', 'satellite', 'user')),
                count BIGINT NOT NULL CHECK (count >= 0),
                allowed_user_types TEXT NOT NULL,
                extra_flags BIGINT NOT NULL,
                extra_info TEXT,
                sort_order BIGINT NOT NULL,
                unrestricted BIGINT NOT NULL CHECK (unrestricted IN (0, 1)),
                hidden BIGINT NOT NULL CHECK (hidden IN (0, 1)),
                prerequisite TEXT,
                signature TEXT NOT NULL,
                PRIMARY KEY (tenant_id, owner_name, module_name),
                FOREIGN KEY (tenant_id, owner_name) REFERENCES license_owner(tenant_id, owner_name)
            );
            CREATE TABLE app_user (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                id BIGINT NOT NULL,
                user_name TEXT NOT NULL,
                display_name TEXT,
                email TEXT,
                type TEXT NOT NULL CHECK (type IN ('employee', 'resource', 'external', 'anonymous', 'system')),
                can_log_in BIGINT NOT NULL CHECK (can_log_in IN (0, 1)),
                retired BIGINT NOT NULL CHECK (retired IN (0, 1)),
                waiting_for_approval BIGINT NOT NULL CHECK (waiting_for_approval IN (0, 1)),
                is_administrator BIGINT NOT NULL CHECK (is_administrator IN (0, 1)),
                password_hash TEXT,
                last_login_at BIGINT,
                created_at BIGINT NOT NULL,
                seal TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, user_name)
            );
            CREATE TABLE assignment (
                tenant_id TEXT NOT NULL,
                owner_name TEXT NOT NULL,
                module_name TEXT NOT NULL,
                user_id BIGINT NOT NULL,
                via_plan TEXT NOT NULL DEFAULT '',
                count BIGINT NOT NULL DEFAULT 1 CHECK (count = 1),
                comment TEXT,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                seal TEXT NOT NULL,
                PRIMARY KEY (tenant_id, owner_name, module_name, user_id, via_plan)
            );
            CREATE INDEX assignment_by_user ON assignment(tenant_id, user_id);
            CREATE TABLE satellite (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                name TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                seal TEXT NOT NULL,
                PRIMARY KEY (tenant_id, name)
            );
            CREATE TABLE satellite_assignment (
                tenant_id TEXT NOT NULL,
                owner_name TEXT NOT NULL,
                module_name TEXT NOT NULL,
                satellite TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                seal TEXT NOT NULL,
                PRIMARY KEY (tenant_id, owner_name, module_name, satellite),
                FOREIGN KEY (tenant_id, satellite) REFERENCES satellite(tenant_id, name)
            );
            CREATE TABLE system_event (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                id BIGINT NOT NULL,
                key TEXT NOT NULL,
                scope TEXT NOT NULL CHECK (scope IN ('system', 'database', 'group', 'user')),
                scope_owner TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'cancelled')),
                message TEXT NOT NULL,
                activated_at BIGINT NOT NULL,
                activated_by TEXT NOT NULL,
                expected_finish BIGINT,
                finished_at BIGINT,
                system_wide BIGINT NOT NULL CHECK (system_wide IN (0, 1)),
                progress_done BIGINT,
                progress_total BIGINT,
                seal TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id)
            );
            CREATE UNIQUE INDEX system_event_one_active ON system_event(tenant_id, key, scope, scope_owner)
                WHERE status = 'active';
            CREATE TABLE audit_entry (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                sequence BIGINT NOT NULL,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                before TEXT,
                after TEXT,
                previous_seal TEXT NOT NULL,
                seal TEXT NOT NULL,
                PRIMARY KEY (tenant_id, sequence)
            );
            CREATE TABLE api_token (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('admin', 'checker', 'reader', 'operator')),
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                revoked_at BIGINT,
                seal TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id)
            );
            CREATE TABLE metered_service (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                name TEXT NOT NULL,
                aggregation TEXT NOT NULL CHECK (aggregation IN ('sum', 'max', 'count', 'unique')),
                unit TEXT NOT NULL,
                PRIMARY KEY (tenant_id, name)
            );
            CREATE TABLE usage_tariff (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                service TEXT NOT NULL,
                included_base BIGINT NOT NULL CHECK (included_base >= 0),
                included_per_user BIGINT NOT NULL CHECK (included_per_user >= 0),
                unit_size BIGINT NOT NULL CHECK (unit_size >= 1),
                price_per_unit TEXT NOT NULL,
                currency TEXT NOT NULL,
                PRIMARY KEY (tenant_id, service)
            );
            CREATE TABLE usage_event (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                service TEXT NOT NULL,
                quantity BIGINT NOT NULL CHECK (quantity >= 0),
                occurred_at BIGINT NOT NULL,
                subject TEXT,
                received_at BIGINT NOT NULL,
                PRIMARY KEY (tenant_id, id)
            );
            CREATE INDEX usage_event_by_time ON usage_event(tenant_id, occurred_at);
            CREATE TABLE usage_month (
                tenant_id TEXT NOT NULL,
                month TEXT NOT NULL,
                service TEXT NOT NULL,
                value BIGINT NOT NULL,
                events BIGINT NOT NULL,
                users BIGINT NOT NULL,
                PRIMARY KEY (tenant_id, month, service)
            );
            CREATE TABLE usage_subject (
                tenant_id TEXT NOT NULL,
                month TEXT NOT NULL,
                service TEXT NOT NULL,
                subject TEXT NOT NULL,
                PRIMARY KEY (tenant_id, month, service, subject)
            );
            """
        ),
        (
            // A long job's event may end `failed`. The column's CHECK has PostgreSQL's default name.
            "v4-event-status-failed",
            """
            ALTER TABLE system_event DROP CONSTRAINT system_event_status_check;
            ALTER TABLE system_event ADD CONSTRAINT system_event_status_check
                CHECK (status IN ('active', 'finished', 'cancelled', 'failed'))
            """
        ),
        (
            // The state the sealed head commits to (DESIGN §6a); NULL in a head written before, until its next write.
            "v5-head-commitment",
            "ALTER TABLE tenant_head ADD COLUMN commitment TEXT"
        ),
        (
            // Usage events and month aggregates are sealed (an invoice cannot be edited); rows written before are
            // sealed at their tenant's first write under the commitment.
            "v6-usage-seals",
            """
            ALTER TABLE usage_event ADD COLUMN seal TEXT NOT NULL DEFAULT '';
            ALTER TABLE usage_month ADD COLUMN seal TEXT NOT NULL DEFAULT ''
            """
        ),
        (
            // Each write's change set, for other nodes to apply instead of loading the tenant (issue 13).
            "v7-change-log",
            """
            CREATE TABLE change_log (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                version BIGINT NOT NULL,
                base_version BIGINT NOT NULL,
                body TEXT NOT NULL,
                seal TEXT NOT NULL,
                PRIMARY KEY (tenant_id, version)
            )
            """
        ),
        (
            // A write reads what the users it touched hold: with the modules in the user index, an index-only search.
            "v8-assignment-by-user-covering",
            """
            DROP INDEX assignment_by_user;
            CREATE INDEX assignment_by_user ON assignment(tenant_id, user_id, owner_name, module_name)
            """
        ),
    ]
}
