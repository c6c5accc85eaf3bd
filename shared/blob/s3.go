package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3API is the part of *s3.Client that S3 calls.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// S3 stores objects in one bucket. It sets no encryption headers: the
// buckets the deployment creates encrypt with their default SSE-KMS key, and
// naming a key here would need the key's ARN in every function.
type S3 struct {
	client S3API
	bucket string
}

// NewS3 returns a store for bucket.
func NewS3(client S3API, bucket string) *S3 {
	return &S3{client: client, bucket: bucket}
}

// Bucket returns the bucket name.
func (s *S3) Bucket() string { return s.bucket }

// Put writes body at key.
func (s *S3) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	in := &s3.PutObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
		// A bytes.Reader is seekable, so the SDK can sign and checksum
		// the payload and retry without buffering it again.
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if _, err := s.client.PutObject(ctx, in); err != nil {
		return fmt.Errorf("put %s: %w", URI(s.bucket, key), err)
	}
	return nil
}

// Get reads the object at key; a missing object is ErrNotFound.
func (s *S3) Get(ctx context.Context, key string) ([]byte, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		if isNotFound(err) {
			return nil, fmt.Errorf("get %s: %w", URI(s.bucket, key), ErrNotFound)
		}
		return nil, fmt.Errorf("get %s: %w", URI(s.bucket, key), err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("get %s: read body: %w", URI(s.bucket, key), err)
	}
	return body, nil
}

// isNotFound recognises a missing key. GetObject answers NoSuchKey; a
// caller without s3:ListBucket gets AccessDenied instead, which is left as
// it is so that a permissions problem is not mistaken for a missing object.
func isNotFound(err error) bool {
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound")
}

// PathStyleWithCustomEndpoint is an s3.Options function: with a custom
// endpoint (AWS_ENDPOINT_URL_S3, a local stand-in) bucket host names rarely
// resolve, so buckets are addressed by path; against AWS nothing changes.
func PathStyleWithCustomEndpoint(o *s3.Options) {
	if o.BaseEndpoint != nil {
		o.UsePathStyle = true
	}
}
