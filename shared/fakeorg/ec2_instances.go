package fakeorg

import (
	"fmt"
	"time"
)

func (x *ec2gen) instances() {
	n := x.count(6)
	for i := range n {
		x.instance(i, x.rng.Float64() < 0.2)
	}
	// A recently terminated instance is still listed by DescribeInstances
	// for about an hour; it is not inventory.
	if x.rng.Float64() < 0.3 {
		x.terminated()
	}
}

func (x *ec2gen) instance(i int, stopped bool) {
	in := &EC2Instance{
		ID: "i-" + randHex(x.rng, 17), ReservationID: "r-" + randHex(x.rng, 17), ImageID: "ami-" + randHex(x.rng, 17),
		State: "running", Tenancy: "default", Monitoring: "disabled", IMDSEndpoint: "enabled", IMDSTokens: "required",
		VPC: x.r.VPC, ENI: "eni-" + randHex(x.rng, 17),
	}
	windows := x.rng.Float64() < 0.12
	var arm bool
	in.Type, arm = x.instanceType(windows)
	in.Architecture = "x86_64"
	if arm {
		in.Architecture = "arm64"
	}
	role := ec2LinuxRoles[x.rng.IntN(len(ec2LinuxRoles))]
	in.PlatformDetails, in.UsageOperation, in.RootDevice = "Linux/UNIX", "RunInstances", "/dev/xvda"
	switch {
	case windows:
		role = ec2WindowsRoles[x.rng.IntN(len(ec2WindowsRoles))]
		in.Platform, in.PlatformDetails, in.UsageOperation, in.RootDevice = "windows", "Windows", "RunInstances:0002", "/dev/sda1"
		if role == "sql-reporting" {
			in.PlatformDetails, in.UsageOperation = "Windows with SQL Server Standard", "RunInstances:0006"
		}
	case x.rng.Float64() < 0.06:
		in.PlatformDetails, in.UsageOperation = "Red Hat Enterprise Linux", "RunInstances:0010"
	}
	// Instances launched together share a reservation and image.
	if n := len(x.r.Instances); n > 0 && x.r.Instances[n-1].PlatformDetails == in.PlatformDetails && x.rng.Float64() < 0.15 {
		in.ReservationID, in.ImageID = x.r.Instances[n-1].ReservationID, x.r.Instances[n-1].ImageID
	}
	sub := x.r.Subnets[x.rng.IntN(len(x.r.Subnets))]
	in.AZ, in.Subnet, in.PrivateIP = sub.AZ, sub.ID, x.privateIP(sub)

	if stopped {
		in.State = "stopped"
		stop := x.ago(3, 120)
		in.LaunchTime = stop.Add(-time.Duration(1+x.rng.IntN(600)) * 24 * time.Hour).Add(-time.Duration(x.rng.IntN(86400)) * time.Second)
		// Rarely AWS's reason carries no time; the stop date is then unknown.
		if x.rng.Float64() < 0.1 {
			in.StateReason = "User initiated"
		} else {
			in.StateReason = "User initiated (" + stop.Format("2006-01-02 15:04:05") + " GMT)"
			in.StateSince = stop
		}
	} else {
		in.LaunchTime = x.ago(0, 900)
		in.StateSince = in.LaunchTime
		in.Spot = !windows && x.rng.Float64() < 0.1
		if x.rng.Float64() < 0.3 {
			in.PublicIP = x.publicIP()
		}
		x.cpu(in)
	}
	if x.rng.Float64() < 0.4 {
		in.IMDSTokens = "optional"
	}
	if x.rng.Float64() < 0.05 {
		in.IMDSEndpoint = "disabled"
	}
	if x.rng.Float64() < 0.03 {
		in.Tenancy = "dedicated"
	}
	if x.rng.Float64() < 0.15 {
		in.Monitoring = "enabled"
	}
	if x.rng.Float64() < 0.7 {
		in.KeyName = ec2KeyNames[x.rng.IntN(len(ec2KeyNames))]
	}
	if x.rng.Float64() < 0.65 {
		in.InstanceProfile = fmt.Sprintf("arn:aws:iam::%s:instance-profile/%s-%s-role", x.acct.ID, x.env, role)
	}
	in.SecurityGroups = x.instanceGroups(windows)
	in.Tags = x.tags(fmt.Sprintf("%s-%s-%02d", x.env, role, i+1), 0.08)
	x.attachVolumes(in, windows)
	x.r.Instances = append(x.r.Instances, in)
}

// cpu sets the 14-day CPUUtilization of a running instance: mostly busy
// enough, a share underused (rightsizing candidates, max < 40%), a few idle
// (< 5% average), and a few without datapoints at all.
func (x *ec2gen) cpu(in *EC2Instance) {
	var avg, peak float64
	switch p := x.rng.Float64(); {
	case p < 0.05:
		return
	case p < 0.2:
		avg, peak = 0.3+x.rng.Float64()*4.6, 2+x.rng.Float64()*10
	case p < 0.5:
		avg, peak = 5+x.rng.Float64()*13, 20+x.rng.Float64()*19
	default:
		avg = 15 + x.rng.Float64()*40
		peak = min(100, avg+30+x.rng.Float64()*50)
	}
	avg, peak = ec2Round(avg), ec2Round(peak)
	in.CPUAvg, in.CPUMax = &avg, &peak
	dims := map[string]string{"InstanceId": in.ID}
	x.org.SetMetric(x.acct.ID, x.region.Name, "AWS/EC2", "CPUUtilization", dims, "Average", avg)
	x.org.SetMetric(x.acct.ID, x.region.Name, "AWS/EC2", "CPUUtilization", dims, "Maximum", peak)
}

// instanceGroups picks one or two groups; Windows servers get an RDP group
// when the VPC has one.
func (x *ec2gen) instanceGroups(windows bool) []string {
	sgs := x.r.SecurityGroups
	if len(sgs) == 1 || x.rng.Float64() < 0.1 {
		return []string{sgs[0].ID}
	}
	first := sgs[1+x.rng.IntN(len(sgs)-1)].ID
	if windows {
		for _, t := range []string{"rdp-public", "rdp-internal"} {
			if id, ok := x.sgByTpl[t]; ok {
				first = id
			}
		}
	}
	out := []string{first}
	if second := sgs[1+x.rng.IntN(len(sgs)-1)].ID; x.rng.Float64() < 0.4 && second != first {
		out = append(out, second)
	}
	return out
}

func (x *ec2gen) attachVolumes(in *EC2Instance, windows bool) {
	root := &EC2Volume{ID: "vol-" + randHex(x.rng, 17), Type: "gp3", AZ: in.AZ, Instance: in.ID, Device: in.RootDevice,
		Snapshot: "snap-" + randHex(x.rng, 17), DeleteOnTermination: x.rng.Float64() < 0.9}
	if x.rng.Float64() < 0.3 {
		root.Type = "gp2"
	}
	sizes := []int{8, 8, 16, 20, 30, 50, 100}
	if windows {
		sizes = []int{30, 50, 64, 100, 128}
	}
	root.SizeGB = sizes[x.rng.IntN(len(sizes))]
	root.Created = in.LaunchTime.Add(-time.Duration(x.rng.IntN(200)) * 24 * time.Hour)
	root.Attached = root.Created
	x.volumePerf(root, false)
	x.encrypt(root)
	root.Tags = x.tags(ec2Suffixed(in.Tags["Name"], "-root"), 0.5)
	x.r.Volumes = append(x.r.Volumes, root)
	in.Volumes = []string{root.ID}

	if x.rng.Float64() < 0.5 {
		types := []string{"gp3", "gp2", "io1", "io2", "st1", "sc1"}
		data := &EC2Volume{ID: "vol-" + randHex(x.rng, 17), Type: types[x.weighted([]float64{45, 20, 8, 7, 10, 10})],
			AZ: in.AZ, Instance: in.ID, Device: "/dev/sdf", DeleteOnTermination: x.rng.Float64() < 0.3}
		data.Created = root.Created.Add(time.Duration(x.rng.IntN(30*86400)) * time.Second)
		data.Attached = data.Created
		if x.rng.Float64() < 0.2 {
			data.Snapshot = "snap-" + randHex(x.rng, 17)
		}
		x.volumePerf(data, true)
		x.encrypt(data)
		data.Tags = x.tags(ec2Suffixed(in.Tags["Name"], "-data"), 0.4)
		x.r.Volumes = append(x.r.Volumes, data)
		in.Volumes = append(in.Volumes, data.ID)
	}
}

// spareVolumes are detached volumes (state available) left behind by
// deleted instances or kept "just in case": a cost finding.
func (x *ec2gen) spareVolumes() {
	n := x.count(2)
	types := []string{"gp2", "gp3", "io1", "st1", "sc1"}
	for range n {
		v := &EC2Volume{ID: "vol-" + randHex(x.rng, 17), Type: types[x.weighted([]float64{35, 35, 5, 15, 10})],
			AZ: x.r.Subnets[x.rng.IntN(len(x.r.Subnets))].AZ, Created: x.ago(10, 700)}
		if x.rng.Float64() < 0.4 {
			v.Snapshot = "snap-" + randHex(x.rng, 17)
		}
		x.volumePerf(v, true)
		x.encrypt(v)
		v.Tags = x.tags(fmt.Sprintf("old-%s-data", ec2LinuxRoles[x.rng.IntN(len(ec2LinuxRoles))]), 0.4)
		x.r.Volumes = append(x.r.Volumes, v)
	}
}

// volumePerf sizes a volume and sets the IOPS and throughput AWS reports
// for its type (gp2 baseline 3 IOPS/GB; gp3 3000/125 unless provisioned;
// io1 ≤ 50 IOPS/GB, io2 ≤ 500 IOPS/GB; none for st1, sc1).
func (x *ec2gen) volumePerf(v *EC2Volume, data bool) {
	pick := func(xs []int) int { return xs[x.rng.IntN(len(xs))] }
	switch v.Type {
	case "gp2":
		if data {
			v.SizeGB = pick([]int{50, 100, 200, 500, 1000})
		}
		v.IOPS = min(16000, max(100, 3*v.SizeGB))
	case "gp3":
		if data {
			v.SizeGB = pick([]int{50, 100, 200, 500, 1000})
		}
		v.IOPS, v.Throughput = 3000, 125
		if data && x.rng.Float64() < 0.3 {
			v.IOPS = min(pick([]int{4000, 6000, 10000, 16000}), 500*v.SizeGB)
			v.Throughput = min(pick([]int{250, 500, 1000}), v.IOPS/4)
		}
	case "io1", "io2":
		v.SizeGB = pick([]int{100, 200, 500, 1000})
		perGB := 50
		if v.Type == "io2" {
			perGB = 500
			v.MultiAttach = x.rng.Float64() < 0.2
		}
		v.IOPS = min(pick([]int{1000, 3000, 5000, 10000, 20000}), perGB*v.SizeGB)
	default: // st1, sc1: 125 GiB minimum
		v.SizeGB = pick([]int{500, 1000, 2000, 4000})
	}
}

func (x *ec2gen) encrypt(v *EC2Volume) {
	if x.rng.Float64() < 0.2 {
		return
	}
	v.Encrypted, v.KMSKey = true, x.ebsKey
	if x.rng.Float64() < 0.25 {
		v.KMSKey = x.cmk
	}
}

func (x *ec2gen) terminated() {
	end := x.org.Spec.Now.Add(-time.Duration(1+x.rng.IntN(50)) * time.Minute)
	typ, arm := x.instanceType(false)
	in := &EC2Instance{
		ID: "i-" + randHex(x.rng, 17), ReservationID: "r-" + randHex(x.rng, 17), ImageID: "ami-" + randHex(x.rng, 17),
		Type: typ, State: "terminated", StateReason: "User initiated (" + end.Format("2006-01-02 15:04:05") + " GMT)",
		StateSince: end, PlatformDetails: "Linux/UNIX", UsageOperation: "RunInstances", Architecture: "x86_64",
		LaunchTime: end.Add(-time.Duration(1+x.rng.IntN(72)) * time.Hour), AZ: x.r.Subnets[0].AZ, RootDevice: "/dev/xvda",
		Tenancy: "default", Monitoring: "disabled", IMDSTokens: "required", IMDSEndpoint: "enabled",
	}
	if arm {
		in.Architecture = "arm64"
	}
	in.Tags = x.tags(x.env+"-ci-runner", 0.2)
	x.r.Instances = append(x.r.Instances, in)
}

// addresses allocates Elastic IPs: most associated with an instance that has
// no other public address or with a NAT gateway, some left unassociated
// (charged while idle).
func (x *ec2gen) addresses() {
	n := x.count(2)
	for range n {
		a := &EC2Address{AllocationID: "eipalloc-" + randHex(x.rng, 17), PublicIP: x.publicIP()}
		name := ""
		switch p := x.rng.Float64(); {
		case p < 0.55:
			if in := x.eipCandidate(); in != nil {
				a.AssociationID, a.InstanceID, a.ENI, a.ENIOwner, a.PrivateIP = "eipassoc-"+randHex(x.rng, 17), in.ID, in.ENI, x.acct.ID, in.PrivateIP
				in.PublicIP = a.PublicIP
				name = ec2Suffixed(in.Tags["Name"], "-eip")
			}
		case p < 0.7:
			sub := x.r.Subnets[x.rng.IntN(len(x.r.Subnets))]
			a.AssociationID, a.ENI, a.ENIOwner, a.PrivateIP = "eipassoc-"+randHex(x.rng, 17), "eni-"+randHex(x.rng, 17), x.acct.ID, x.privateIP(sub)
			name = "nat-gw-" + sub.AZ
		}
		a.Tags = x.tags(name, 0.3)
		x.r.Addresses = append(x.r.Addresses, a)
	}
}

// eipCandidate picks a live instance without a public address.
func (x *ec2gen) eipCandidate() *EC2Instance {
	var cands []*EC2Instance
	for _, in := range x.r.Instances {
		if in.State != "terminated" && in.PublicIP == "" {
			cands = append(cands, in)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[x.rng.IntN(len(cands))]
}

// ec2Suffixed names a resource after its owner's Name tag, if it has one.
func ec2Suffixed(name, suffix string) string {
	if name == "" {
		return ""
	}
	return name + suffix
}
