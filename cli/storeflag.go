package main

import (
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/sqlite"
)

const (
	// storeEnv is the default of --store.
	storeEnv = "INVENTORY_STORE"
	// tableEnv is the seed's name for the deployed table; the read commands
	// use it when nothing closer to this tool says otherwise.
	tableEnv = "DYNAMODB_TABLE_NAME"
)

// storeSpec is where the inventory lives: a local SQLite file or the
// deployed pipeline's DynamoDB table.
type storeSpec struct {
	path   string // SQLite database file, when table is empty
	table  string // DynamoDB table name
	source string // the flag or variable that chose it, for messages
}

func (s storeSpec) isDynamoDB() bool { return s.table != "" }

var (
	schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)
	// DynamoDB table names: 3–255 of letters, digits, _ - .
	tableRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
)

// parseStore reads a --store value: sqlite://PATH, dynamodb://TABLE, or a
// plain path (a SQLite file, as --db).
func parseStore(source, v string) (storeSpec, error) {
	m := schemeRE.FindStringSubmatch(v)
	if m == nil {
		if v == "" {
			return storeSpec{}, usagef("%s is empty: expected a SQLite file path, sqlite://PATH or dynamodb://TABLE", source)
		}
		return storeSpec{path: v, source: source}, nil
	}
	rest := v[len(m[0]):]
	switch strings.ToLower(m[1]) {
	case "sqlite":
		if rest == "" {
			return storeSpec{}, usagef("%s %q: expected sqlite://PATH with the database file's path", source, v)
		}
		return storeSpec{path: rest, source: source}, nil
	case "dynamodb":
		if rest == "" {
			return storeSpec{}, usagef("%s %q: expected dynamodb://TABLE with the table's name (the region comes from AWS_REGION or the profile)", source, v)
		}
		if !tableRE.MatchString(rest) {
			return storeSpec{}, usagef("%s %q: table name %q: expected 3 to 255 letters, digits, '_', '-' or '.' (dynamodb://TABLE; the region comes from AWS_REGION or the profile)", source, v, rest)
		}
		return storeSpec{table: rest, source: source}, nil
	}
	return storeSpec{}, usagef("%s %q: unknown store scheme %q: expected a SQLite file path, sqlite://PATH or dynamodb://TABLE", source, v, m[1])
}

// resolveStore picks the store: --db or --store if given (not both), then
// INVENTORY_STORE, INVENTORY_DB, DYNAMODB_TABLE_NAME, then inventory.db. A
// SQLite choice is written back to g.db, which messages quote; the choice
// is kept in g.resolved.
func (g *globals) resolveStore(cmd *cobra.Command) (storeSpec, error) {
	dbSet, storeSet := cmd.Flags().Changed("db"), cmd.Flags().Changed("store")
	var (
		s   storeSpec
		err error
	)
	switch {
	case dbSet && storeSet:
		return storeSpec{}, usagef("--db and --store cannot be used together: --store %s already names the store", g.store)
	case dbSet:
		s = storeSpec{path: g.db, source: "--db"}
	case storeSet:
		s, err = parseStore("--store", g.store)
	case os.Getenv(storeEnv) != "":
		s, err = parseStore(storeEnv, os.Getenv(storeEnv))
	case os.Getenv(dbEnv) != "":
		s = storeSpec{path: g.db, source: dbEnv}
	case os.Getenv(tableEnv) != "":
		t := os.Getenv(tableEnv)
		if !tableRE.MatchString(t) {
			return storeSpec{}, usagef("%s %q: expected a DynamoDB table name (3 to 255 letters, digits, '_', '-' or '.')", tableEnv, t)
		}
		s = storeSpec{table: t, source: tableEnv}
	default:
		s = storeSpec{path: g.db, source: "--db"}
	}
	if err != nil {
		return storeSpec{}, err
	}
	if !s.isDynamoDB() {
		g.db = s.path
	}
	g.resolved = s
	return s, nil
}

// localStore is the store of commands that write (collect, replay --run):
// they run the pipeline in this process, into a SQLite file only.
func (g *globals) localStore(cmd *cobra.Command) (string, error) {
	s, err := g.resolveStore(cmd)
	if err != nil {
		return "", err
	}
	if s.isDynamoDB() {
		return "", usagef("%s selects dynamodb://%s, but %s runs the pipeline in this process and writes only to a local SQLite database (--db FILE); "+
			"to collect into the deployed table, start the deployed pipeline with 'inventory run'", s.source, s.table, cmd.CommandPath())
	}
	return s.path, nil
}

// openReadStore opens the selected store for reading: it never creates or
// migrates a SQLite file, and never writes to DynamoDB.
func openReadStore(cmd *cobra.Command, g *globals) (store.Store, error) {
	s, err := g.resolveStore(cmd)
	if err != nil {
		return nil, err
	}
	if s.isDynamoDB() {
		return openDynamoDB(cmd.Context(), s)
	}
	return sqlite.OpenReadOnly(cmd.Context(), s.path)
}
