package stages

// TableActions are the DynamoDB actions each stage's store calls need; the
// deployment grants each stage's role exactly these on the table, and
// TestEachStageCallsOnlyItsTableActions runs every stage on a DynamoDB store
// and fails when one calls anything else. DescribeTable: opening the store
// checks the table. A stage absent here (notify) reads no table.
var TableActions = map[string][]string{
	"plan": {"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:BatchWriteItem"},
	// GetItem/PutItem also serve the price cache (pricing.StoreCache).
	"collect":       {"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"},
	"recordfailure": {"dynamodb:DescribeTable", "dynamodb:PutItem"},
	"aggregate":     {"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"},
	// Cost stores its analysis as a document; Cost and Report price
	// rightsizing targets through the price cache (GetItem/PutItem).
	"cost": {"dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem"},
	// Security keeps each account's finding history as documents.
	"security": {"dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem"},
	"report":   {"dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem"},
	"cleanup":  {"dynamodb:DescribeTable", "dynamodb:Scan", "dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"},
}
