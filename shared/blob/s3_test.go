package blob

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3Server answers PutObject and GetObject the way S3 does on the wire
// (path-style REST, XML errors), keeping objects in memory.
type s3Server struct {
	mu      sync.Mutex
	objects map[string]s3Object // "bucket/key"
	puts    []*http.Request
}

type s3Object struct {
	body        []byte
	contentType string
}

func (s *s3Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if r.URL.RawQuery != "" && r.URL.RawQuery != "x-id=PutObject" && r.URL.RawQuery != "x-id=GetObject" {
		s3Error(w, http.StatusNotImplemented, "NotImplemented", "stand-in serves objects only: "+r.URL.RawQuery)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodPut:
		body, err := readPayload(r)
		if err != nil {
			s3Error(w, http.StatusBadRequest, "IncompleteBody", err.Error())
			return
		}
		s.objects[path] = s3Object{body: body, contentType: r.Header.Get("Content-Type")}
		s.puts = append(s.puts, r)
		w.Header().Set("ETag", `"etag"`)
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		o, ok := s.objects[path]
		if !ok {
			s3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
			return
		}
		w.Header().Set("Content-Type", o.contentType)
		w.WriteHeader(http.StatusOK)
		w.Write(o.body)
	default:
		s3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method)
	}
}

// readPayload reads a PutObject body. Over plain HTTP the SDK signs the
// payload itself; should it switch to aws-chunked trailing checksums, the
// test says so instead of storing the chunk framing.
func readPayload(r *http.Request) ([]byte, error) {
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		return nil, errors.New("stand-in does not decode aws-chunked bodies")
	}
	return io.ReadAll(r.Body)
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	xml.NewEncoder(w).Encode(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string
		Message string
	}{Code: code, Message: msg})
}

func newS3Client(t *testing.T, h http.Handler) *s3.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
}

func TestS3PutSetsContentTypeAndNoEncryptionHeadersAndGetRoundTrips(t *testing.T) {
	srv := &s3Server{objects: map[string]s3Object{}}
	st := NewS3(newS3Client(t, srv), "inventory-work")
	if st.Bucket() != "inventory-work" {
		t.Fatalf("Bucket() = %q", st.Bucket())
	}
	ctx := context.Background()
	body := []byte(`[{"run_id":"r1","account_id":"123456789012"}]`)
	if err := st.Put(ctx, "runs/r1/items.json", body, "application/json"); err != nil {
		t.Fatal(err)
	}
	o, ok := srv.objects["inventory-work/runs/r1/items.json"]
	if !ok {
		t.Fatalf("stand-in holds %v", srv.objects)
	}
	if string(o.body) != string(body) || o.contentType != "application/json" {
		t.Errorf("stored %q as %q", o.body, o.contentType)
	}
	// The bucket's default SSE-KMS applies; a per-request header would need
	// the key ARN in every function and override the bucket's choice.
	for name := range srv.puts[0].Header {
		if strings.HasPrefix(strings.ToLower(name), "x-amz-server-side-encryption") {
			t.Errorf("PutObject sent %s", name)
		}
	}
	got, err := st.Get(ctx, "runs/r1/items.json")
	if err != nil || string(got) != string(body) {
		t.Fatalf("Get = %q, %v", got, err)
	}
}

func TestS3GetMissingKeyIsErrNotFoundNamingBucketAndKey(t *testing.T) {
	st := NewS3(newS3Client(t, &s3Server{objects: map[string]s3Object{}}), "inventory-work")
	_, err := st.Get(context.Background(), "runs/nope/items.json")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get = %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "s3://inventory-work/runs/nope/items.json") {
		t.Errorf("error %q does not name the object", err)
	}
}

func TestS3AccessDeniedIsNotReportedAsNotFound(t *testing.T) {
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
	})
	st := NewS3(newS3Client(t, deny), "inventory-work")
	ctx := context.Background()
	_, err := st.Get(ctx, "runs/r1/items.json")
	if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("Get = %v, want the AccessDenied error", err)
	}
	err = st.Put(ctx, "runs/r1/items.json", []byte("[]"), "application/json")
	if err == nil || !strings.Contains(err.Error(), "s3://inventory-work/runs/r1/items.json") {
		t.Fatalf("Put = %v, want an error naming the object", err)
	}
}

func TestS3RejectsBadKeysBeforeCallingAWS(t *testing.T) {
	called := false
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true })
	st := NewS3(newS3Client(t, h), "b")
	if err := st.Put(context.Background(), "../x", []byte("x"), ""); err == nil {
		t.Fatal("Put(../x) succeeded")
	}
	if called {
		t.Error("a rejected key still reached S3")
	}
}

func TestPathStyleOnlyWithACustomEndpoint(t *testing.T) {
	var custom, aws s3.Options
	custom.BaseEndpoint = new(string)
	PathStyleWithCustomEndpoint(&custom)
	PathStyleWithCustomEndpoint(&aws)
	if !custom.UsePathStyle || aws.UsePathStyle {
		t.Fatalf("path style: custom endpoint %v, AWS %v; want true, false", custom.UsePathStyle, aws.UsePathStyle)
	}
}
