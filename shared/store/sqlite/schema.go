package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations[i] takes the schema from version i to i+1. Append only: a
// released migration never changes, because files in the field already ran
// it. The version lives in PRAGMA user_version (the file header), so it
// needs no table of its own and is readable before anything else.
var migrations = [][]string{
	// 0 → 1: the initial schema.
	{
		// Times are fixed-width RFC 3339 UTC text with nanoseconds (see
		// timeLayout) so that text order is time order and the file stays
		// readable in the sqlite3 shell. attributes is the record's JSON;
		// tags repeats attributes.tags as a flat JSON object of strings so
		// that tag filters need not know where tags sit in attributes.
		`CREATE TABLE resources (
			account_id             TEXT NOT NULL,
			region                 TEXT NOT NULL,
			resource_type          TEXT NOT NULL,
			resource_id            TEXT NOT NULL,
			arn                    TEXT NOT NULL,
			account_name           TEXT NOT NULL,
			department             TEXT NOT NULL,
			collected_at           TEXT NOT NULL,
			first_seen             TEXT NOT NULL,
			last_seen              TEXT NOT NULL,
			attributes             TEXT NOT NULL,
			tags                   TEXT NOT NULL,
			estimated_monthly_cost REAL,
			cost_basis             TEXT NOT NULL,
			run_id                 TEXT NOT NULL,
			deleted_at             TEXT,
			PRIMARY KEY (account_id, region, resource_type, resource_id)
		)`,
		// The primary key already serves account_id (its first column) and
		// MarkDeleted's account+region+type scope, so there is no separate
		// account_id index: every index costs each of the collector's writes.
		`CREATE INDEX resources_resource_type ON resources (resource_type)`,
		`CREATE INDEX resources_department ON resources (department)`,
		`CREATE INDEX resources_region ON resources (region)`,
		`CREATE INDEX resources_last_seen ON resources (last_seen)`,

		`CREATE TABLE runs (
			run_id      TEXT PRIMARY KEY,
			status      TEXT NOT NULL,
			started_at  TEXT NOT NULL,
			finished_at TEXT,
			replay_of   TEXT NOT NULL,
			summary     BLOB
		)`,
		`CREATE INDEX runs_started_at ON runs (started_at)`,

		// No foreign key to runs: the DynamoDB backend cannot enforce one, and
		// a collect worker may report its item before the run header lands.
		`CREATE TABLE item_outcomes (
			run_id        TEXT NOT NULL,
			account_id    TEXT NOT NULL,
			resource_type TEXT NOT NULL,
			account_name  TEXT NOT NULL,
			role_name     TEXT NOT NULL,
			department    TEXT NOT NULL,
			requested_regions TEXT NOT NULL,
			status        TEXT NOT NULL,
			resources     INTEGER NOT NULL,
			error         TEXT NOT NULL,
			regions       TEXT NOT NULL,
			started_at    TEXT NOT NULL,
			duration_ms   INTEGER NOT NULL,
			api_calls     INTEGER NOT NULL,
			throttled     INTEGER NOT NULL,
			PRIMARY KEY (run_id, account_id, resource_type)
		) WITHOUT ROWID`,
	},
	// 1 → 2: named documents (analyses, cached prices).
	{
		`CREATE TABLE documents (
			key        TEXT PRIMARY KEY,
			body       BLOB NOT NULL,
			updated_at TEXT NOT NULL
		) WITHOUT ROWID`,
	},
}

// schemaVersion is the version this code reads and writes.
var schemaVersion = len(migrations)

// migrate brings the schema to schemaVersion in one transaction, so a crash
// or an error leaves the file at its old version, never half-migrated.
func migrate(ctx context.Context, db *sql.DB, path string) (err error) {
	// BEGIN IMMEDIATE (see the DSN) takes the write lock before the version
	// is read again, so two processes opening a new file at once do not
	// both run the migrations.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return describeOpenError(path, err)
	}
	defer func() {
		if err != nil {
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
				err = fmt.Errorf("%w (rollback: %v)", err, rerr)
			}
		}
	}()

	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return describeOpenError(path, err)
	}
	if v > schemaVersion {
		return schemaTooNew(path, v)
	}
	if v == schemaVersion {
		return tx.Commit()
	}
	for i := v; i < schemaVersion; i++ {
		for _, stmt := range migrations[i] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate inventory database %s from schema version %d to %d: %w", path, i, i+1, err)
			}
		}
	}
	// PRAGMA takes no parameters; schemaVersion is a constant of this code.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("migrate inventory database %s: set schema version: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate inventory database %s: commit: %w", path, err)
	}
	return nil
}
