import GRDB

/// Migrations of the SQLite schema (DESIGN §5). Registered once; never edited after they ship.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tenant (
                        id TEXT NOT NULL PRIMARY KEY,
                        company_name TEXT NOT NULL,
                        serial_number TEXT NOT NULL,
                        database_type TEXT NOT NULL CHECK (database_type IN ('central', 'satellite')),
                        database_owner TEXT,
                        trust_root TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        seal TEXT NOT NULL
                    );
                    CREATE TABLE tenant_head (
                        tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenant(id),
                        version INTEGER NOT NULL,
                        audit_sequence INTEGER NOT NULL CHECK (audit_sequence >= 0),
                        audit_seal TEXT NOT NULL,
                        event_ids TEXT NOT NULL DEFAULT '',
                    event_sequence INTEGER NOT NULL DEFAULT 0,
                        seal TEXT NOT NULL
                    );
                    CREATE TABLE license_owner (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        owner_name TEXT NOT NULL,
                        description TEXT,
                        license_url TEXT,
                        deployment_type TEXT,
                        product_type TEXT,
                        extra_flags INTEGER NOT NULL,
                        extra_info TEXT,
                        issued_at INTEGER NOT NULL,
                        expires_at INTEGER,
                        grace_until INTEGER,
                        maintenance_until INTEGER,
                        admin_warning_at INTEGER,
                        next_check_at INTEGER,
                        owner_certificate TEXT NOT NULL,
                        package_signature TEXT NOT NULL,
                        raw_package TEXT NOT NULL,
                        activated_at INTEGER NOT NULL,
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
                        count INTEGER NOT NULL CHECK (count >= 0),
                        allowed_user_types TEXT NOT NULL,
                        extra_flags INTEGER NOT NULL,
                        extra_info TEXT,
                        sort_order INTEGER NOT NULL,
                        unrestricted INTEGER NOT NULL CHECK (unrestricted IN (0, 1)),
                        hidden INTEGER NOT NULL CHECK (hidden IN (0, 1)),
                        prerequisite TEXT,
                        signature TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, owner_name, module_name),
                        FOREIGN KEY (tenant_id, owner_name) REFERENCES license_owner(tenant_id, owner_name)
                    );
                    CREATE TABLE user (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        id INTEGER NOT NULL,
                        user_name TEXT NOT NULL,
                        display_name TEXT,
                        email TEXT,
                        type TEXT NOT NULL CHECK (type IN ('employee', 'resource', 'external', 'anonymous', 'system')),
                        can_log_in INTEGER NOT NULL CHECK (can_log_in IN (0, 1)),
                        retired INTEGER NOT NULL CHECK (retired IN (0, 1)),
                        waiting_for_approval INTEGER NOT NULL CHECK (waiting_for_approval IN (0, 1)),
                        is_administrator INTEGER NOT NULL CHECK (is_administrator IN (0, 1)),
                        password_hash TEXT,
                        last_login_at INTEGER,
                        created_at INTEGER NOT NULL,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, id),
                        UNIQUE (tenant_id, user_name)
                    );
                    CREATE TABLE assignment (
                        tenant_id TEXT NOT NULL,
                        owner_name TEXT NOT NULL,
                        module_name TEXT NOT NULL,
                        user_id INTEGER NOT NULL,
                        via_plan TEXT NOT NULL DEFAULT '',
                        count INTEGER NOT NULL DEFAULT 1 CHECK (count = 1),
                        comment TEXT,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, owner_name, module_name, user_id, via_plan)
                    );
                    CREATE INDEX assignment_by_user ON assignment(tenant_id, user_id);
                    CREATE TABLE satellite (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        name TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, name)
                    );
                    CREATE TABLE satellite_assignment (
                        tenant_id TEXT NOT NULL,
                        owner_name TEXT NOT NULL,
                        module_name TEXT NOT NULL,
                        satellite TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, owner_name, module_name, satellite),
                        FOREIGN KEY (tenant_id, satellite) REFERENCES satellite(tenant_id, name)
                    );
                    CREATE TABLE system_event (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        id INTEGER NOT NULL,
                        key TEXT NOT NULL,
                        scope TEXT NOT NULL CHECK (scope IN ('system', 'database', 'group', 'user')),
                        scope_owner TEXT NOT NULL DEFAULT '',
                        status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'cancelled')),
                        message TEXT NOT NULL,
                        activated_at INTEGER NOT NULL,
                        activated_by TEXT NOT NULL,
                        expected_finish INTEGER,
                        finished_at INTEGER,
                        system_wide INTEGER NOT NULL CHECK (system_wide IN (0, 1)),
                        progress_done INTEGER,
                        progress_total INTEGER,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, id)
                    );
                    CREATE UNIQUE INDEX system_event_one_active ON system_event(tenant_id, key, scope, scope_owner)
                        WHERE status = 'active';
                    CREATE TABLE audit_entry (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        sequence INTEGER NOT NULL,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        target TEXT NOT NULL,
                        before TEXT,
                        after TEXT,
                        previous_seal TEXT NOT NULL,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, sequence)
                    );
                    """)
        }
        migrator.registerMigration("v2-api-tokens") { db in
            // Operator tokens belong to no tenant: tenant_id '*'.
            try db.execute(
                sql: """
                    CREATE TABLE api_token (
                        tenant_id TEXT NOT NULL,
                        id TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'checker', 'reader', 'operator')),
                        name TEXT NOT NULL,
                        secret_hash TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        revoked_at INTEGER,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, id)
                    );
                    """)
        }
        migrator.registerMigration("v3-metering") { db in
            try db.execute(
                sql: """
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
                        included_base INTEGER NOT NULL CHECK (included_base >= 0),
                        included_per_user INTEGER NOT NULL CHECK (included_per_user >= 0),
                        unit_size INTEGER NOT NULL CHECK (unit_size >= 1),
                        price_per_unit TEXT NOT NULL,
                        currency TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, service)
                    );
                    CREATE TABLE usage_event (
                        tenant_id TEXT NOT NULL,
                        id TEXT NOT NULL,
                        service TEXT NOT NULL,
                        quantity INTEGER NOT NULL CHECK (quantity >= 0),
                        occurred_at INTEGER NOT NULL,
                        subject TEXT,
                        received_at INTEGER NOT NULL,
                        PRIMARY KEY (tenant_id, id)
                    ) WITHOUT ROWID;
                    CREATE INDEX usage_event_by_time ON usage_event(tenant_id, occurred_at);
                    CREATE TABLE usage_month (
                        tenant_id TEXT NOT NULL,
                        month TEXT NOT NULL,
                        service TEXT NOT NULL,
                        value INTEGER NOT NULL,
                        events INTEGER NOT NULL,
                        users INTEGER NOT NULL,
                        PRIMARY KEY (tenant_id, month, service)
                    );
                    CREATE TABLE usage_subject (
                        tenant_id TEXT NOT NULL,
                        month TEXT NOT NULL,
                        service TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, month, service, subject)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4-event-status-failed") { db in
            // A long job's event may end `failed`. SQLite cannot change a CHECK constraint, so the table is rebuilt as
            // its documentation describes: the new table, every row copied as it is (the seals cover the values, not
            // the storage), the old table dropped, the new one renamed, its index made again. Nothing refers to it.
            try db.execute(
                sql: """
                    CREATE TABLE system_event_v4 (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        id INTEGER NOT NULL,
                        key TEXT NOT NULL,
                        scope TEXT NOT NULL CHECK (scope IN ('system', 'database', 'group', 'user')),
                        scope_owner TEXT NOT NULL DEFAULT '',
                        status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'cancelled', 'failed')),
                        message TEXT NOT NULL,
                        activated_at INTEGER NOT NULL,
                        activated_by TEXT NOT NULL,
                        expected_finish INTEGER,
                        finished_at INTEGER,
                        system_wide INTEGER NOT NULL CHECK (system_wide IN (0, 1)),
                        progress_done INTEGER,
                        progress_total INTEGER,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, id)
                    );
                    INSERT INTO system_event_v4 (
                        tenant_id, id, key, scope, scope_owner, status, message, activated_at, activated_by, expected_finish,
                        finished_at, system_wide, progress_done, progress_total, seal)
                    SELECT tenant_id, id, key, scope, scope_owner, status, message, activated_at, activated_by, expected_finish,
                        finished_at, system_wide, progress_done, progress_total, seal
                    FROM system_event;
                    DROP TABLE system_event;
                    ALTER TABLE system_event_v4 RENAME TO system_event;
                    CREATE UNIQUE INDEX system_event_one_active ON system_event(tenant_id, key, scope, scope_owner)
                        WHERE status = 'active';
                    """)
        }
        migrator.registerMigration("v5-head-commitment") { db in
            // The state the sealed head commits to (DESIGN §6a); NULL in a head written before, until its next write.
            try db.execute(sql: "ALTER TABLE tenant_head ADD COLUMN commitment TEXT")
        }
        migrator.registerMigration("v6-usage-seals") { db in
            // Usage events and month aggregates are sealed (an invoice cannot be edited); rows written before are
            // sealed at their tenant's first write under the commitment.
            try db.execute(sql: "ALTER TABLE usage_event ADD COLUMN seal TEXT NOT NULL DEFAULT ''")
            try db.execute(sql: "ALTER TABLE usage_month ADD COLUMN seal TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("v7-change-log") { db in
            // Each write's change set, for other processes to apply instead of loading the tenant (issue 13).
            try db.execute(
                sql: """
                    CREATE TABLE change_log (
                        tenant_id TEXT NOT NULL REFERENCES tenant(id),
                        version INTEGER NOT NULL,
                        base_version INTEGER NOT NULL,
                        body TEXT NOT NULL,
                        seal TEXT NOT NULL,
                        PRIMARY KEY (tenant_id, version)
                    ) WITHOUT ROWID
                    """)
        }
        migrator.registerMigration("v8-assignment-by-user-covering") { db in
            // A write reads what the users it touched hold: with the modules in the user index, that read is a search of
            // those users' rows (the planner chose the primary key, a scan of the tenant's rows, before: writes slowed
            // as a tenant grew).
            try db.execute(
                sql: """
                    DROP INDEX assignment_by_user;
                    CREATE INDEX assignment_by_user ON assignment(tenant_id, user_id, owner_name, module_name)
                    """)
        }
        return migrator
    }
}
