package ec2

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// AddressAPI is the EC2 call ElasticIPs makes.
type AddressAPI interface {
	DescribeAddresses(ctx context.Context, in *awsec2.DescribeAddressesInput, optFns ...func(*awsec2.Options)) (*awsec2.DescribeAddressesOutput, error)
}

// ElasticIPs collects Elastic IP addresses (elastic_ip); an unassociated one
// is billed by the hour for nothing.
func ElasticIPs() collect.Collector {
	return collect.Collector{
		Type: inventory.ElasticIP, Service: service, Scope: collect.Regional,
		Actions: []string{"ec2:DescribeAddresses"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectElasticIPs(ctx, t, awsec2.NewFromConfig(t.AWS), emit)
		},
	}
}

func collectElasticIPs(ctx context.Context, t collect.Target, api AddressAPI, emit collect.Emit) error {
	// DescribeAddresses has no pagination: one answer lists every address
	// (an account region holds at most a few hundred).
	out, err := api.DescribeAddresses(ctx, &awsec2.DescribeAddressesInput{})
	if err != nil {
		return failed(t, "ec2 DescribeAddresses", err)
	}
	for _, ad := range out.Addresses {
		id := aws.ToString(ad.AllocationId)
		if err := emit(t.Record(inventory.ElasticIP, id, arn(t, "elastic-ip", id), tagMap(ad.Tags), addressAttrs(ad))); err != nil {
			return err
		}
	}
	return nil
}

func addressAttrs(ad ec2types.Address) map[string]any {
	a := map[string]any{
		"domain":     string(ad.Domain),
		"associated": aws.ToString(ad.AssociationId) != "",
	}
	setString(a, "name", nameTag(ad.Tags))
	setString(a, "public_ip", ad.PublicIp)
	setString(a, "association_id", ad.AssociationId)
	setString(a, "instance_id", ad.InstanceId)
	setString(a, "network_interface_id", ad.NetworkInterfaceId)
	setString(a, "network_interface_owner_id", ad.NetworkInterfaceOwnerId)
	setString(a, "private_ip", ad.PrivateIpAddress)
	setString(a, "public_ipv4_pool", ad.PublicIpv4Pool)
	return a
}
