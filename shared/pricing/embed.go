package pricing

import _ "embed"

// The snapshot and its SOURCES.md are verbatim copies of the price data
// prepared for the project (see data/SOURCES.md for where every figure
// comes from, the gaps and the cross-checks). They are kept byte-for-byte
// as delivered so the recorded SHA-256 still verifies and the provenance
// stays auditable; anything this package needs to say about them is said
// here and in the code, not by editing them. SOURCES.md is embedded too so
// the binary carries its own provenance (SnapshotSources).

//go:embed data/aws-prices-snapshot.json
var snapshotJSON []byte

//go:embed data/SOURCES.md
var snapshotSources string

// SnapshotSources returns data/SOURCES.md, the provenance of the bundled
// snapshot, for commands that want to show it.
func SnapshotSources() string { return snapshotSources }
