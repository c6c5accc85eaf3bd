package pipeline

// Limits of a summary that travels as a Step Functions state: a state's
// payload is capped at 256 KiB, and a failed item or a replay item takes
// ~200–300 bytes of JSON, so an organization where a whole region or
// permission fails (thousands of items) would otherwise fail the execution
// at the very step that reports the failure.
const (
	CompactFailedItems = 50
	CompactReplayItems = 200
)

// Compact returns a copy of s small enough for an execution's state: at most
// maxFailed failed items (the rest counted in FailedOmitted) and, when the
// replay list is longer than maxReplay, a replay input that names only the
// run (Plan rebuilds the items from the store). The full summary stays on the
// run in the store.
func (s Summary) Compact(maxFailed, maxReplay int) Summary {
	if len(s.Failed) > maxFailed {
		s.FailedOmitted = len(s.Failed) - maxFailed
		s.Failed = s.Failed[:maxFailed:maxFailed]
	}
	if s.ReplayInput != nil && len(s.ReplayInput.Items) > maxReplay {
		s.ReplayInput = &ReplayInput{Action: s.ReplayInput.Action, ReplayOf: s.ReplayInput.ReplayOf}
	}
	return s
}
