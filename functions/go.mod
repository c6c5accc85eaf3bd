module github.com/cloudinv/aws-inventory/functions

go 1.26.0

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/cloudinv/aws-inventory/shared v0.0.0
)

replace github.com/cloudinv/aws-inventory/shared => ../shared
