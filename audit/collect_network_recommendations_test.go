package audit

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// zonesEC2 answers DescribeAvailabilityZones with fixed zones, ignoring
// the filters, as an endpoint that does not know them would.
type zonesEC2 struct {
	EC2API
	zones []ec2types.AvailabilityZone
}

func (z zonesEC2) DescribeAvailabilityZones(context.Context, *ec2.DescribeAvailabilityZonesInput, ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error) {
	return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: z.zones}, nil
}

func TestCollectZonesKeepsAvailableAvailabilityZones(t *testing.T) {
	zone := func(name, kind string, state ec2types.AvailabilityZoneState) ec2types.AvailabilityZone {
		return ec2types.AvailabilityZone{ZoneName: aws.String(name), ZoneType: aws.String(kind), State: state}
	}
	api := zonesEC2{zones: []ec2types.AvailabilityZone{
		zone("eu-west-2c", "availability-zone", ec2types.AvailabilityZoneStateAvailable),
		zone("eu-west-2a", "availability-zone", ec2types.AvailabilityZoneStateAvailable),
		zone("eu-west-2b", "availability-zone", ec2types.AvailabilityZoneStateImpaired),
		zone("eu-west-2-lon-1a", "local-zone", ec2types.AvailabilityZoneStateAvailable),
	}}
	inv := &Inventory{}
	if err := collectZones(context.Background(), Clients{EC2: api}, inv); err != nil {
		t.Fatal(err)
	}
	if want := []string{"eu-west-2a", "eu-west-2c"}; !slices.Equal(inv.Zones, want) {
		t.Errorf("zones = %v, want %v", inv.Zones, want)
	}
}

func TestLoadBalancerInterface(t *testing.T) {
	cases := []struct {
		name string
		ni   ec2types.NetworkInterface
		want bool
	}{
		{"alb", ec2types.NetworkInterface{RequesterId: aws.String("amazon-elb"), Description: aws.String("ELB app/web/0123")}, true},
		{"classic", ec2types.NetworkInterface{Description: aws.String("ELB legacy-elb")}, true},
		{"nlb", ec2types.NetworkInterface{InterfaceType: ec2types.NetworkInterfaceTypeNetworkLoadBalancer}, true},
		{"instance", ec2types.NetworkInterface{InterfaceType: ec2types.NetworkInterfaceTypeInterface, Attachment: &ec2types.NetworkInterfaceAttachment{InstanceId: aws.String("i-1")}}, false},
		{"lambda", ec2types.NetworkInterface{InterfaceType: ec2types.NetworkInterfaceTypeLambda, Description: aws.String("AWS Lambda VPC ENI-fn")}, false},
	}
	for _, tc := range cases {
		if got := loadBalancerInterface(tc.ni); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestIngressRule(t *testing.T) {
	r := ingressRule(ec2types.IpPermission{IpProtocol: aws.String("-1"),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}, Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}})
	if r.Protocol != "-1" || r.FromPort != -1 || r.ToPort != -1 || !slices.Equal(r.CIDRs, []string{"0.0.0.0/0", "::/0"}) {
		t.Errorf("rule = %+v", r)
	}
}

func TestPublicGrants(t *testing.T) {
	group := func(uri string, p s3types.Permission) s3types.Grant {
		return s3types.Grant{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String(uri)}, Permission: p}
	}
	got := publicGrants([]s3types.Grant{
		{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String("owner")}, Permission: s3types.PermissionFullControl},
		group(allUsersGroup, s3types.PermissionRead),
		group(authenticatedUsersGroup, s3types.PermissionWrite),
		group("http://acs.amazonaws.com/groups/s3/LogDelivery", s3types.PermissionWrite),
	})
	if want := []string{"AllUsers:READ", "AuthenticatedUsers:WRITE"}; !slices.Equal(got, want) {
		t.Errorf("grants = %v, want %v", got, want)
	}
}
