package emf

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"
)

// Limits from the specification and the CloudWatch API; values past them
// make CloudWatch Logs drop the whole event, silently.
const (
	maxNamespaceLen      = 1024
	maxMetricNameLen     = 1024
	maxDimensionNameLen  = 250
	maxDimensionValueLen = 1024
	// maxValue is the largest magnitude CloudWatch accepts for a value.
	maxValue = 2.3485425827738332e108
)

var namespaceRe = regexp.MustCompile(`^[a-zA-Z0-9._#:/-]+$`)

// units are CloudWatch's StandardUnit names.
var units = map[string]bool{
	"Seconds": true, "Microseconds": true, "Milliseconds": true,
	"Bytes": true, "Kilobytes": true, "Megabytes": true, "Gigabytes": true, "Terabytes": true,
	"Bits": true, "Kilobits": true, "Megabits": true, "Gigabits": true, "Terabits": true,
	"Percent": true, "Count": true,
	"Bytes/Second": true, "Kilobytes/Second": true, "Megabytes/Second": true, "Gigabytes/Second": true, "Terabytes/Second": true,
	"Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true, "Gigabits/Second": true, "Terabits/Second": true,
	"Count/Second": true, "None": true,
}

func checkNamespace(ns string) error {
	if ns == "" || len(ns) > maxNamespaceLen || !namespaceRe.MatchString(ns) {
		return fmt.Errorf("emf: namespace %q: expected 1-%d characters of letters, digits and . _ # : / -", ns, maxNamespaceLen)
	}
	return nil
}

// checkDimensions validates dims and returns its keys in order.
func checkDimensions(dims map[string]string) ([]string, error) {
	if len(dims) > MaxDimensions {
		return nil, fmt.Errorf("emf: %d dimensions: at most %d allowed", len(dims), MaxDimensions)
	}
	keys := sortedKeys(dims)
	for _, k := range keys {
		if err := checkDimensionName(k); err != nil {
			return nil, err
		}
		v := dims[k]
		if v == "" || len(v) > maxDimensionValueLen || !printableASCII(v) || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("emf: dimension %s value %q: expected 1-%d printable ASCII characters, not all spaces", k, v, maxDimensionValueLen)
		}
	}
	return keys, nil
}

func checkDimensionName(k string) error {
	switch {
	case k == "_aws":
		return fmt.Errorf("emf: dimension name %q is reserved", k)
	case k == "" || len(k) > maxDimensionNameLen || !printableASCII(k) || strings.TrimSpace(k) == "":
		return fmt.Errorf("emf: dimension name %q: expected 1-%d printable ASCII characters, not all spaces", k, maxDimensionNameLen)
	case strings.HasPrefix(k, ":"):
		return fmt.Errorf("emf: dimension name %q: must not start with a colon", k)
	}
	return nil
}

func checkMetrics(dims map[string]string, metrics []Metric) error {
	seen := make(map[string]bool, len(metrics))
	for _, m := range metrics {
		switch {
		case m.Name == "" || len(m.Name) > maxMetricNameLen || strings.TrimSpace(m.Name) == "" || hasControl(m.Name):
			return fmt.Errorf("emf: metric name %q: expected 1-%d characters without control characters", m.Name, maxMetricNameLen)
		case m.Name == "_aws":
			return fmt.Errorf("emf: metric name %q is reserved", m.Name)
		case seen[m.Name]:
			// Values are members of one JSON object: a second one would
			// silently replace the first.
			return fmt.Errorf("emf: metric %s given twice in one call", m.Name)
		}
		if _, clash := dims[m.Name]; clash {
			return fmt.Errorf("emf: metric %s has the name of a dimension", m.Name)
		}
		seen[m.Name] = true
		if m.Unit != "" && !units[m.Unit] {
			return fmt.Errorf("emf: metric %s unit %q: not a CloudWatch unit (for example Count, Seconds, Milliseconds, Percent, None)", m.Name, m.Unit)
		}
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) || math.Abs(m.Value) > maxValue {
			return fmt.Errorf("emf: metric %s value %v: expected a finite number within ±%g", m.Name, m.Value, maxValue)
		}
	}
	return nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}
