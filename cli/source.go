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
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/store/sqlite"
)

const defaultConfigPath = "config/accounts.json"

// sourceFlags choose where a run collects from: AWS (with a config file) or
// the synthetic demo organization.
type sourceFlags struct {
	config string
	demo   string
}

func (s *sourceFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.config, "config", "", "accounts config file (default "+defaultConfigPath+")")
	f.StringVar(&s.demo, "demo", "", "collect from a synthetic organization instead of AWS; optional spec such as\n'accounts=200,regions=4,latency=20ms,throttle=on,denied=1,suspended=1,optout=1,seed=42'")
	f.Lookup("demo").NoOptDefVal = "default"
}

func (s *sourceFlags) isDemo(cmd *cobra.Command) bool { return cmd.Flags().Changed("demo") }

// flagsForReplay repeats the source and database flags, for the replay hint.
func (s *sourceFlags) flagsForReplay(cmd *cobra.Command, g *globals) string {
	db := ""
	if f := cmd.Flags().Lookup("db"); f != nil && f.Changed {
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
	case s.config != "":
		return fmt.Sprintf(" --config %q", s.config)
	}
	return ""
}

// env builds the pipeline environment: config, credentials, store.
func (s *sourceFlags) env(ctx context.Context, cmd *cobra.Command, g *globals) (*pipeline.Env, func(), error) {
	var (
		cfg  *config.Config
		acc  *access.Access
		err  error
		home = "us-east-1"
	)
	if s.isDemo(cmd) {
		if s.config != "" {
			return nil, nil, usagef("--demo and --config cannot be used together: the demo organization brings its own accounts")
		}
		spec := ""
		if s.demo != "default" {
			spec = s.demo
		}
		sp, err := fakeorg.ParseSpec(spec)
		if err != nil {
			return nil, nil, usagef("--demo: %v", err)
		}
		org := fakeorg.New(sp)
		cfg = config.Default()
		cfg.Organization = &config.Organization{MemberRoleName: sp.MemberRole, ExternalID: sp.ExternalID}
		acc = access.New(org.Config(), access.Options{
			ExternalID: sp.ExternalID, SessionName: "aws-inventory-cli",
			MaxAttempts: cfg.CollectionSettings.RetryAttempts,
		})
	} else {
		path := s.config
		if path == "" {
			path = defaultConfigPath
		}
		cfg, err = config.Load(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && s.config == "" {
				return nil, nil, usagef("no config file at %s: copy config/accounts.json.example to %s and edit it, pass --config FILE, or try --demo", path, path)
			}
			return nil, nil, err
		}
		base, err := access.LoadDefault(ctx, home)
		if err != nil {
			return nil, nil, err
		}
		if base.Region != "" {
			home = base.Region
		}
		acc = access.New(base, access.Options{
			ExternalID: cfg.ExternalID(os.Getenv), SessionName: "aws-inventory-cli",
			MaxAttempts: cfg.CollectionSettings.RetryAttempts,
		})
	}
	st, err := sqlite.Open(ctx, g.db)
	if err != nil {
		return nil, nil, err
	}
	env := &pipeline.Env{Config: cfg, Access: acc, Store: st, Collectors: registry.ByType(), HomeRegion: home}
	return env, func() { st.Close() }, nil
}
