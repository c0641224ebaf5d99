//! The dashboard's tables, created idempotently after the sync schema's migrations (both
//! backends accept every statement).

/// Manager accounts, their teams, their sessions and the audit log of what they viewed.
pub const SCHEMA: &[&str] = &[
    // A manager: a unique user name, an argon2id hash (PHC string, its parameters inside), and
    // the failed-login count and lockout that survive restarts and are shared by every server
    // process on one database.
    "CREATE TABLE IF NOT EXISTS managers (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, \
     name TEXT NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL, \
     failed_logins BIGINT NOT NULL DEFAULT 0, locked_until BIGINT)",
    "CREATE TABLE IF NOT EXISTS manager_teams (manager_id TEXT NOT NULL REFERENCES managers(id), \
     team_id TEXT NOT NULL REFERENCES teams(id), PRIMARY KEY (manager_id, team_id))",
    // A session: only the SHA-256 of its random id is stored; its CSRF token; idle and absolute
    // expiry are measured from `last_seen` and `created_at`.
    "CREATE TABLE IF NOT EXISTS manager_sessions (id_hash TEXT PRIMARY KEY, manager_id TEXT NOT NULL \
     REFERENCES managers(id), csrf TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen BIGINT NOT NULL, \
     ended_at BIGINT)",
    // Every view of a child's record by a manager: who, which case, what, when.
    "CREATE TABLE IF NOT EXISTS audit_log (id TEXT PRIMARY KEY, at BIGINT NOT NULL, manager_id TEXT NOT NULL \
     REFERENCES managers(id), case_id TEXT NOT NULL, action TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS audit_log_by_at ON audit_log (at)",
];
