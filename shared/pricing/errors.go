package pricing

import (
	"errors"
	"fmt"
)

// noPrice is the one way lookups say "unknown": what was asked, where, and
// why, wrapping ErrNoPrice so callers can count unpriced resources with
// errors.Is and show the reason.
//
//	no price for RDS db.x2iedn.xlarge sqlserver-ee single_az in eu-west-1: engine not priced
func noPrice(what, region, why string) error {
	return fmt.Errorf("%w for %s in %s: %s", ErrNoPrice, what, region, why)
}

func knownEngine(engine string) bool {
	switch engine {
	case EngineMySQL, EnginePostgres, EngineAuroraMySQL, EngineAuroraPostgreSQL:
		return true
	}
	return false
}

func isAurora(engine string) bool {
	return engine == EngineAuroraMySQL || engine == EngineAuroraPostgreSQL
}

// checkEngineDeployment rejects combinations that have no price by
// definition: an unpriced engine, or a deployment from the other family
// (Aurora is billed per instance by storage mode, not by AZ layout).
func checkEngineDeployment(engine string, d Deployment) error {
	if !knownEngine(engine) {
		return errors.New("engine not priced (mysql, postgres, aurora-mysql, aurora-postgresql)")
	}
	switch d {
	case SingleAZ, MultiAZ, MultiAZCluster:
		if isAurora(engine) {
			return fmt.Errorf("deployment %q does not apply to Aurora (use standard or io_optimized)", d)
		}
	case AuroraStandard, AuroraIOOpt:
		if !isAurora(engine) {
			return fmt.Errorf("deployment %q applies only to Aurora", d)
		}
	default:
		return fmt.Errorf("unknown deployment %q", d)
	}
	return nil
}
