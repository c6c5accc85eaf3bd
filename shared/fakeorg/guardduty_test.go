package fakeorg

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
)

func TestGuardDutyDistributionsAreRealistic(t *testing.T) {
	o := New(securitySpec())
	on, of := map[bool]int{}, map[bool]int{}
	for _, a := range o.Accounts {
		for _, r := range a.Regions {
			if !r.Enabled() {
				if r.GuardDuty != nil {
					t.Errorf("a detector in %s, which is not opted in", r.Name)
				}
				continue
			}
			prod := securityStrict(a)
			of[prod]++
			if r.GuardDuty != nil && r.GuardDuty.Status == "ENABLED" {
				on[prod]++
			}
		}
	}
	between(t, "production regions with GuardDuty on", on[true], of[true], 0.8, 0.97)
	between(t, "other regions with GuardDuty on", on[false], of[false], 0.25, 0.6)
}

func TestGuardDutyAnswersAsAWSDoes(t *testing.T) {
	o := New(testSpec())
	ctx := context.Background()
	var with, without bool
	for _, a := range o.Reachable() {
		for _, r := range a.Regions {
			if !r.Enabled() {
				continue
			}
			c := guardduty.NewFromConfig(o.MemberConfig(a.ID, r.Name))
			out, err := c.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case r.GuardDuty == nil && !without:
				without = true
				if len(out.DetectorIds) != 0 {
					t.Errorf("ListDetectors without a detector = %v", out.DetectorIds)
				}
			case r.GuardDuty != nil && !with:
				with = true
				if len(out.DetectorIds) != 1 || out.DetectorIds[0] != r.GuardDuty.ID {
					t.Errorf("ListDetectors = %v, want [%s]", out.DetectorIds, r.GuardDuty.ID)
				}
				d, err := c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(r.GuardDuty.ID)})
				if err != nil || string(d.Status) != r.GuardDuty.Status {
					t.Errorf("GetDetector = %v, %v", d, err)
				}
				if _, err := c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("0123456789abcdef0123456789abcdef")}); errCode(err) != "BadRequestException" {
					t.Errorf("GetDetector of another detector: err = %v, want BadRequestException", err)
				}
				if _, err := c.ListDetectors(ctx, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(51)}); errCode(err) != "BadRequestException" {
					t.Errorf("ListDetectors MaxResults 51: err = %v, want BadRequestException", err)
				}
			}
		}
	}
	if !with || !without {
		t.Fatalf("regions with a detector seen: %v, without: %v", with, without)
	}
}
