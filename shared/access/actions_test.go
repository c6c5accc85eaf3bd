package access_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/access"
)

func TestOrganizationsActionsAreExactlyTheDiscoveryCalls(t *testing.T) {
	api := reflect.TypeFor[access.OrganizationsAPI]()
	var calls []string
	for i := range api.NumMethod() {
		calls = append(calls, "organizations:"+api.Method(i).Name)
	}
	got := slices.Sorted(slices.Values(access.OrganizationsActions))
	if !slices.Equal(got, calls) {
		t.Fatalf("OrganizationsActions = %v, the discovery calls are %v", got, calls)
	}
}
