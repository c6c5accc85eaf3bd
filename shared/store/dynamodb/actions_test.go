package dynamodb

import (
	"reflect"
	"slices"
	"testing"
)

func TestActionsCoverEveryCall(t *testing.T) {
	all := append(slices.Clone(ReadActions), WriteActions...)
	api := reflect.TypeFor[API]()
	for i := range api.NumMethod() {
		if a := "dynamodb:" + api.Method(i).Name; !slices.Contains(all, a) {
			t.Errorf("the store calls %s but ReadActions/WriteActions do not list it: deployed functions would be denied", a)
		}
	}
	if !slices.Contains(ReadActions, "dynamodb:DescribeTable") {
		t.Error("Open calls DescribeTable: it must be a read action")
	}
	if len(all) != api.NumMethod()+1 {
		t.Errorf("%d actions listed for %d calls (+DescribeTable): grant nothing the store does not call", len(all), api.NumMethod())
	}
}
