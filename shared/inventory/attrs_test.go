package inventory

import (
	"encoding/json"
	"reflect"
	"testing"
)

// A value reads the same from a collector and after a JSON round trip.
func TestAttributeReadersAcceptCollectorAndJSONValues(t *testing.T) {
	fromCollector := map[string]any{"n": 7, "l": []string{"a", "b"}}
	b, _ := json.Marshal(fromCollector)
	var fromJSON map[string]any
	json.Unmarshal(b, &fromJSON)
	for _, a := range []map[string]any{fromCollector, fromJSON} {
		if n, ok := Number(a["n"]); !ok || n != 7 {
			t.Errorf("Number(%#v) = %v, %v", a["n"], n, ok)
		}
		if l, ok := Strings(a["l"]); !ok || !reflect.DeepEqual(l, []string{"a", "b"}) {
			t.Errorf("Strings(%#v) = %v, %v", a["l"], l, ok)
		}
	}
	if _, ok := Number(nil); ok {
		t.Error("a missing number must not read as one (zero is not unknown)")
	}
	if _, ok := Number("n/a"); ok {
		t.Error("text is not a number")
	}
}
