package dynamodb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// Documents live in partitions of their own: pk DOC#<key>, sk DOC.
const (
	documentPrefix = "DOC#"
	documentSK     = "DOC"
	attrBody       = "body"
	attrUpdatedAt  = "updated_at"
)

// PutDocument creates or replaces a named document.
func (s *Store) PutDocument(ctx context.Context, d store.Document) error {
	if err := d.Check(); err != nil {
		return err
	}
	item := key(documentPrefix+d.Key, documentSK)
	item[attrBody] = &types.AttributeValueMemberB{Value: d.Body}
	item[attrUpdatedAt] = avTime(d.UpdatedAt)
	if d.Body == nil {
		item[attrBody] = &types.AttributeValueMemberB{Value: []byte{}}
	}
	if _, err := s.api.PutItem(ctx, &ddb.PutItemInput{TableName: aws.String(s.table), Item: item}); err != nil {
		return fmt.Errorf("put document %s into %s (PutItem): %w", d.Key, s.table, err)
	}
	return nil
}

// GetDocument returns a document, or an error wrapping store.ErrNotFound.
func (s *Store) GetDocument(ctx context.Context, k string) (store.Document, error) {
	out, err := s.api.GetItem(ctx, &ddb.GetItemInput{
		TableName: aws.String(s.table), Key: key(documentPrefix+k, documentSK), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return store.Document{Key: k}, fmt.Errorf("get document %s from %s (GetItem): %w", k, s.table, err)
	}
	if out.Item == nil {
		return store.Document{Key: k}, fmt.Errorf("document %s: %w", k, store.ErrNotFound)
	}
	d := decoder{item: out.Item}
	doc := store.Document{Key: k, Body: d.bytes(attrBody), UpdatedAt: d.time(attrUpdatedAt)}
	return doc, d.err
}
