package savings

import "strings"

// EC2Query is the on-demand price of an EC2 instance type running os
// ("Linux", "Windows") in region: shared tenancy, no pre-installed
// software, capacity in use (not a reservation's unused capacity).
func EC2Query(region, instanceType, os string) Query {
	return Query{Service: "AmazonEC2", Filters: map[string]string{
		"regionCode": region, "instanceType": instanceType, "operatingSystem": os,
		"tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
		"licenseModel": "No License required",
	}}
}

// RDSQuery is the on-demand price of an RDS instance class in region for
// an engine as RDS names it ("postgres", "aurora-mysql", "sqlserver-se"),
// its licence model as RDS names it ("license-included", ...) and, for an
// instance outside a cluster, whether it is Multi-AZ.
func RDSQuery(region, class, engine, licence string, multiAZ, clustered bool) Query {
	name, edition := rdsEngine(engine)
	f := map[string]string{"regionCode": region, "instanceType": class, "databaseEngine": name}
	if edition != "" {
		f["databaseEdition"] = edition
	}
	if l := rdsLicence(licence); l != "" && !strings.HasPrefix(engine, "aurora") {
		f["licenseModel"] = l
	}
	if !clustered {
		f["deploymentOption"] = "Single-AZ"
		if multiAZ {
			f["deploymentOption"] = "Multi-AZ"
		}
	}
	return Query{Service: "AmazonRDS", Filters: f}
}

// rdsEngine is the Price List's databaseEngine (and databaseEdition) for
// an RDS engine name.
func rdsEngine(engine string) (name, edition string) {
	switch engine {
	case "mysql":
		return "MySQL", ""
	case "postgres":
		return "PostgreSQL", ""
	case "mariadb":
		return "MariaDB", ""
	case "aurora", "aurora-mysql":
		return "Aurora MySQL", ""
	case "aurora-postgresql":
		return "Aurora PostgreSQL", ""
	case "oracle-ee", "oracle-ee-cdb":
		return "Oracle", "Enterprise"
	case "oracle-se2", "oracle-se2-cdb":
		return "Oracle", "Standard Two"
	case "sqlserver-ee":
		return "SQL Server", "Enterprise"
	case "sqlserver-se":
		return "SQL Server", "Standard"
	case "sqlserver-ex":
		return "SQL Server", "Express"
	case "sqlserver-web":
		return "SQL Server", "Web"
	case "db2-se":
		return "Db2", "Standard"
	case "db2-ae":
		return "Db2", "Advanced"
	}
	return engine, ""
}

// rdsLicence is the Price List's licenseModel for an RDS licence model.
func rdsLicence(l string) string {
	switch l {
	case "license-included":
		return "License included"
	case "bring-your-own-license":
		return "Bring your own license"
	case "general-public-license", "postgresql-license":
		return "No license required"
	}
	return ""
}

// The Fargate usage types: Linux on x86, per vCPU-hour and per GB-hour.
// The Price List puts the region's code before them
// (EUW2-Fargate-vCPU-Hours:perCPU); Spot, ARM and Windows have their own.
const (
	fargateCPUUsage = "Fargate-vCPU-Hours:perCPU"
	fargateGBUsage  = "Fargate-GB-Hours"
)

// FargateCPUQuery is the on-demand price of one Fargate vCPU-hour (Linux,
// x86) in region.
func FargateCPUQuery(region string) Query {
	return Query{Service: "AmazonECS", Filters: map[string]string{"regionCode": region}, Usage: fargateCPUUsage}
}

// FargateGBQuery is the on-demand price of one Fargate GB-hour of memory
// (Linux, x86) in region.
func FargateGBQuery(region string) Query {
	return Query{Service: "AmazonECS", Filters: map[string]string{"regionCode": region}, Usage: fargateGBUsage}
}
