package dynamodb

// IAM actions the store needs, for the deployment's policies (infra grants
// exactly these). Open checks the table with DescribeTable; the rest are
// the calls of API. TestActionsCoverEveryCall keeps the lists in step with
// the code.
var (
	ReadActions  = []string{"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"}
	WriteActions = []string{"dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
)
