// Package demo wires the synthetic organization (fakeorg) into a pipeline
// environment, the same way for the CLI's --demo and for the local invoke
// entry point that runs the state machine's stages on a laptop.
package demo

import (
	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/collect/registry"
	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/pricing"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// HomeRegion is where the demo's global calls go.
const HomeRegion = "us-east-1"

// Env returns an environment that collects the organization described by
// spec (fakeorg.ParseSpec syntax; "" is the default demo) into st.
func Env(spec string, st store.Store, session string) (*pipeline.Env, *fakeorg.Org, error) {
	sp, err := fakeorg.ParseSpec(spec)
	if err != nil {
		return nil, nil, err
	}
	org := fakeorg.New(sp)
	cfg := config.Default()
	// Discovery through the fake Organizations API, with the spec's member
	// role and external ID, as a deployment with an organization block.
	cfg.Organization = &config.Organization{MemberRoleName: sp.MemberRole, ExternalID: sp.ExternalID}
	acc := access.New(org.Config(), access.Options{
		ExternalID: sp.ExternalID, SessionName: session,
		MaxAttempts: cfg.CollectionSettings.RetryAttempts,
	})
	// The demo prices with the bundled snapshot: it has no Price List API.
	return &pipeline.Env{Config: cfg, Access: acc, Store: st, Collectors: registry.ByType(), HomeRegion: HomeRegion,
		Prices: pricing.Snapshot()}, org, nil
}
