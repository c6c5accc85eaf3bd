package fakeorg

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2DefaultPage is the fake's page size for Describe calls. AWS may return
// fewer items than MaxResults; a small page makes paginators really page.
const ec2DefaultPage = 5

func ec2Handlers() map[string]handler {
	return map[string]handler{
		"EC2.DescribeInstances":      describeInstances,
		"EC2.DescribeVolumes":        describeVolumes,
		"EC2.DescribeAddresses":      describeAddresses,
		"EC2.DescribeSecurityGroups": describeSecurityGroups,
	}
}

// ec2Fields answers a filter name for one item: its values, or false for a
// filter the operation does not know.
type ec2Fields[T any] func(item T, name string) ([]string, bool)

// ec2Filter applies EC2 filter semantics: values of one filter are ORed
// (with * and ? wildcards), filters are ANDed, unknown names are an error.
func ec2Filter[T any](items []T, filters []ec2types.Filter, fields ec2Fields[T]) ([]T, error) {
	var out []T
	for _, it := range items {
		keep := true
		for _, f := range filters {
			have, ok := fields(it, aws.ToString(f.Name))
			if !ok {
				return nil, apiError("InvalidParameterValue", fmt.Sprintf("The filter '%s' is invalid", aws.ToString(f.Name)))
			}
			if !ec2AnyMatch(f.Values, have) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, it)
		}
	}
	return out, nil
}

func ec2AnyMatch(patterns, have []string) bool {
	for _, p := range patterns {
		for _, h := range have {
			if ec2Wildcard(p, h) {
				return true
			}
		}
	}
	return false
}

// ec2Wildcard matches s against a pattern where * is any run and ? any one
// character, as EC2 filters do.
func ec2Wildcard(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if ec2Wildcard(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && ec2Wildcard(p[1:], s[1:])
	}
	return s != "" && p[0] == s[0] && ec2Wildcard(p[1:], s[1:])
}

// ec2TagField answers the tag filters every Describe call accepts.
func ec2TagField(tags map[string]string, name string) ([]string, bool) {
	if k, ok := strings.CutPrefix(name, "tag:"); ok {
		if v, has := tags[k]; has {
			return []string{v}, true
		}
		return nil, true
	}
	if name == "tag-key" {
		keys := make([]string, 0, len(tags))
		for k := range tags {
			keys = append(keys, k)
		}
		return keys, true
	}
	return nil, false
}

// ec2Tags renders tags sorted by key, as AWS returns them stably.
func ec2Tags(tags map[string]string) []ec2types.Tag {
	if len(tags) == 0 {
		return nil
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]ec2types.Tag, len(keys))
	for i, k := range keys {
		out[i] = ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])}
	}
	return out
}

// ec2MaxResults checks MaxResults against the operation's documented range.
func ec2MaxResults(max *int32, hi int32) error {
	if max != nil && (*max < 5 || *max > hi) {
		return apiError("InvalidParameterValue", fmt.Sprintf("Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and %d.", *max, hi))
	}
	return nil
}

// ec2ByID keeps the items with the requested IDs, in request order, or
// answers AWS's NotFound error for the first unknown one.
func ec2ByID[T any](items []T, ids []string, id func(T) string, code, what string) ([]T, error) {
	if len(ids) == 0 {
		return items, nil
	}
	idx := make(map[string]T, len(items))
	for _, it := range items {
		idx[id(it)] = it
	}
	out := make([]T, 0, len(ids))
	for _, want := range ids {
		it, ok := idx[want]
		if !ok {
			return nil, apiError(code, fmt.Sprintf("The %s '%s' does not exist", what, want))
		}
		out = append(out, it)
	}
	return out, nil
}

func ec2One(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func describeVolumes(o *Org, c *Call) (any, error) {
	a, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*ec2.DescribeVolumesInput)
	// DescribeVolumes accepts 5..500 and caps larger values at 500.
	if in.MaxResults != nil && *in.MaxResults < 5 {
		return nil, ec2MaxResults(in.MaxResults, 500)
	}
	vols, err := ec2ByID(r.EC2.Volumes, in.VolumeIds, func(v *EC2Volume) string { return v.ID }, "InvalidVolume.NotFound", "volume")
	if err != nil {
		return nil, err
	}
	vols, err = ec2Filter(vols, in.Filters, func(v *EC2Volume, name string) ([]string, bool) {
		switch name {
		case "volume-id":
			return []string{v.ID}, true
		case "status":
			return []string{ec2VolumeState(v)}, true
		case "volume-type":
			return []string{v.Type}, true
		case "availability-zone":
			return []string{v.AZ}, true
		case "encrypted":
			return []string{fmt.Sprint(v.Encrypted)}, true
		case "attachment.instance-id":
			return ec2One(v.Instance), true
		case "attachment.status":
			if v.Instance != "" {
				return []string{"attached"}, true
			}
			return nil, true
		}
		return ec2TagField(v.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(vols, in.NextToken, in.MaxResults, ec2DefaultPage)
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeVolumesOutput{NextToken: next, Volumes: make([]ec2types.Volume, 0, len(items))}
	for _, v := range items {
		out.Volumes = append(out.Volumes, ec2Volume(a, r, v))
	}
	return out, nil
}

func ec2VolumeState(v *EC2Volume) string {
	if v.Instance != "" {
		return "in-use"
	}
	return "available"
}

func ec2Volume(a *Account, r *Region, v *EC2Volume) ec2types.Volume {
	out := ec2types.Volume{
		VolumeId: aws.String(v.ID), VolumeType: ec2types.VolumeType(v.Type), Size: aws.Int32(int32(v.SizeGB)),
		State: ec2types.VolumeState(ec2VolumeState(v)), AvailabilityZone: aws.String(v.AZ),
		CreateTime: aws.Time(v.Created), Encrypted: aws.Bool(v.Encrypted), MultiAttachEnabled: aws.Bool(v.MultiAttach),
		// AWS answers an empty SnapshotId for volumes not created from one.
		SnapshotId: aws.String(v.Snapshot), Tags: ec2Tags(v.Tags),
		VolumeArn: aws.String(fmt.Sprintf("arn:aws:ec2:%s:%s:volume/%s", r.Name, a.ID, v.ID)),
	}
	if v.IOPS > 0 {
		out.Iops = aws.Int32(int32(v.IOPS))
	}
	if v.Throughput > 0 {
		out.Throughput = aws.Int32(int32(v.Throughput))
	}
	if v.Encrypted {
		out.KmsKeyId = aws.String(v.KMSKey)
	}
	if v.Instance != "" {
		out.Attachments = []ec2types.VolumeAttachment{{
			VolumeId: aws.String(v.ID), InstanceId: aws.String(v.Instance), Device: aws.String(v.Device),
			State: ec2types.VolumeAttachmentStateAttached, AttachTime: aws.Time(v.Attached),
			DeleteOnTermination: aws.Bool(v.DeleteOnTermination),
		}}
	}
	return out
}

func describeAddresses(o *Org, c *Call) (any, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*ec2.DescribeAddressesInput)
	addrs, err := ec2ByID(r.EC2.Addresses, in.AllocationIds, func(e *EC2Address) string { return e.AllocationID }, "InvalidAllocationID.NotFound", "allocation ID")
	if err != nil {
		return nil, err
	}
	addrs, err = ec2ByID(addrs, in.PublicIps, func(e *EC2Address) string { return e.PublicIP }, "InvalidAddress.NotFound", "address")
	if err != nil {
		return nil, err
	}
	addrs, err = ec2Filter(addrs, in.Filters, func(e *EC2Address, name string) ([]string, bool) {
		switch name {
		case "allocation-id":
			return []string{e.AllocationID}, true
		case "public-ip":
			return []string{e.PublicIP}, true
		case "domain":
			return []string{"vpc"}, true
		case "association-id":
			return ec2One(e.AssociationID), true
		case "instance-id":
			return ec2One(e.InstanceID), true
		case "network-interface-id":
			return ec2One(e.ENI), true
		case "network-interface-owner-id":
			return ec2One(e.ENIOwner), true
		case "private-ip-address":
			return ec2One(e.PrivateIP), true
		}
		return ec2TagField(e.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	// DescribeAddresses is not paginated: one answer holds every address.
	out := &ec2.DescribeAddressesOutput{Addresses: make([]ec2types.Address, 0, len(addrs))}
	for _, e := range addrs {
		ad := ec2types.Address{
			AllocationId: aws.String(e.AllocationID), PublicIp: aws.String(e.PublicIP), Domain: ec2types.DomainTypeVpc,
			PublicIpv4Pool: aws.String("amazon"), NetworkBorderGroup: aws.String(r.Name), Tags: ec2Tags(e.Tags),
		}
		if e.AssociationID != "" {
			ad.AssociationId, ad.NetworkInterfaceId = aws.String(e.AssociationID), aws.String(e.ENI)
			ad.NetworkInterfaceOwnerId, ad.PrivateIpAddress = aws.String(e.ENIOwner), aws.String(e.PrivateIP)
		}
		if e.InstanceID != "" {
			ad.InstanceId = aws.String(e.InstanceID)
		}
		out.Addresses = append(out.Addresses, ad)
	}
	return out, nil
}
