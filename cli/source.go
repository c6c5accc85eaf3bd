package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/collect/registry"
	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/demo"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/pricing"
	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/sqlite"
)

const defaultConfigPath = "config/accounts.json"

// sourceFlags choose where a run collects from: AWS (with a config file) or
// the synthetic demo organization.
type sourceFlags struct {
	config string
	demo   string
	prices string
}

func (s *sourceFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.config, "config", "", "accounts config file (default "+defaultConfigPath+")")
	f.StringVar(&s.demo, "demo", "", "collect from a synthetic organization instead of AWS; optional spec such as\n'accounts=200,regions=4,latency=20ms,throttle=on,denied=1,suspended=1,optout=1,seed=42'")
	f.Lookup("demo").NoOptDefVal = "default"
	f.StringVar(&s.prices, "prices", "snapshot", "where estimates take prices from: snapshot (the bundled 2025-11 price list, no AWS call) or\napi (the AWS Price List API, cached in the database for 7 days, falling back to the snapshot)")
}

func (s *sourceFlags) isDemo(cmd *cobra.Command) bool { return cmd.Flags().Changed("demo") }

// flagsForReplay repeats the source and database flags, for the replay hint.
func (s *sourceFlags) flagsForReplay(cmd *cobra.Command, g *globals) string {
	db := ""
	if cmd.Flags().Changed("db") || cmd.Flags().Changed("store") {
		db = fmt.Sprintf(" --db %q", g.db)
	}
	return db + s.sourceFlags(cmd)
}

func (s *sourceFlags) sourceFlags(cmd *cobra.Command) string {
	switch {
	case s.isDemo(cmd) && s.demo != "default":
		return fmt.Sprintf(" --demo=%q", s.demo)
	case s.isDemo(cmd):
		return " --demo"
	case s.config != "" && s.prices != "snapshot":
		return fmt.Sprintf(" --config %q --prices %s", s.config, s.prices)
	case s.config != "":
		return fmt.Sprintf(" --config %q", s.config)
	}
	return ""
}

// env builds the pipeline environment: config, credentials, store. Flags
// and the config file are checked before the database is opened, so a typo
// or a missing file never leaves a new empty database behind.
func (s *sourceFlags) env(ctx context.Context, cmd *cobra.Command, g *globals) (*pipeline.Env, func(), error) {
	if s.prices != "snapshot" && s.prices != "api" {
		return nil, nil, usagef("--prices %q: expected snapshot or api", s.prices)
	}
	var cfg *config.Config
	if s.isDemo(cmd) {
		switch {
		case s.config != "":
			return nil, nil, usagef("--demo and --config cannot be used together: the demo organization brings its own accounts")
		case s.prices != "snapshot":
			return nil, nil, usagef("--prices %s: the demo organization prices with the snapshot (it has no Price List API)", s.prices)
		}
		if _, err := fakeorg.ParseSpec(s.demoSpec()); err != nil {
			return nil, nil, usagef("--demo: %v", err)
		}
	} else {
		var err error
		if cfg, err = s.loadConfig(); err != nil {
			return nil, nil, err
		}
	}
	path, err := g.localStore(cmd)
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	closeStore := func() { st.Close() }
	env, err := s.pipelineEnv(ctx, st, cfg)
	if err != nil {
		closeStore()
		return nil, nil, err
	}
	return env, closeStore, nil
}

func (s *sourceFlags) demoSpec() string {
	if s.demo == "default" {
		return ""
	}
	return s.demo
}

func (s *sourceFlags) loadConfig() (*config.Config, error) {
	path := s.config
	if path == "" {
		path = defaultConfigPath
	}
	cfg, err := config.Load(path)
	if errors.Is(err, fs.ErrNotExist) && s.config == "" {
		return nil, usagef("no config file at %s: copy config/accounts.json.example to %s and edit it, pass --config FILE, or try --demo", path, path)
	}
	return cfg, err
}

// pipelineEnv wires the store to the demo organization (cfg nil) or to AWS
// with cfg.
func (s *sourceFlags) pipelineEnv(ctx context.Context, st store.Store, cfg *config.Config) (*pipeline.Env, error) {
	if cfg == nil {
		env, _, err := demo.Env(s.demoSpec(), st, "aws-inventory-cli")
		if err != nil {
			return nil, usagef("--demo: %v", err)
		}
		return env, nil
	}
	home := "us-east-1"
	base, err := access.LoadDefault(ctx, home)
	if err != nil {
		return nil, err
	}
	if base.Region != "" {
		home = base.Region
	}
	acc := access.New(base, access.Options{
		ExternalID: cfg.ExternalID(os.Getenv), SessionName: "aws-inventory-cli",
		MaxAttempts: cfg.CollectionSettings.RetryAttempts,
	})
	prices := pricing.Snapshot()
	if s.prices == "api" {
		prices = pricing.NewAPI(pricing.NewClient(base), pricing.Snapshot(), pricing.StoreCache{Store: st}, pricing.APIOptions{})
	}
	return &pipeline.Env{Config: cfg, Access: acc, Store: st, Collectors: registry.ByType(), HomeRegion: home, Prices: prices}, nil
}
