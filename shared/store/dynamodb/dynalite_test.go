package dynamodb

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The package's tests run against dynalite, a DynamoDB-protocol server in
// Node (pinned in the repository's package.json), started once per test
// binary on loopback with an in-memory store. Every test gets a table of
// its own.

// testEndpoint is dynalite's URL; testClient reaches it.
var (
	testEndpoint string
	testClient   *ddb.Client
)

// testRegion and the static credentials keep the tests away from the
// machine's AWS configuration (~/.aws, environment variables).
const testRegion = "us-east-1"

func testConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

func TestMain(m *testing.M) {
	endpoint, stop, err := startDynalite()
	if err != nil {
		fmt.Fprintf(os.Stderr, "shared/store/dynamodb tests: %v\n", err)
		os.Exit(1)
	}
	testEndpoint = endpoint
	testClient = ddb.NewFromConfig(testConfig(endpoint))
	code := m.Run()
	stop()
	os.Exit(code)
}

// startDynalite starts dynalite on a free loopback port and returns its
// endpoint once it listens.
func startDynalite() (endpoint string, stop func(), err error) {
	root, err := repoRoot()
	if err != nil {
		return "", nil, err
	}
	cli := filepath.Join(root, "node_modules", "dynalite", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		return "", nil, fmt.Errorf("dynalite is not installed (%s: %v): run `npm ci` in %s", cli, err, root)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return "", nil, fmt.Errorf("node is not on PATH (%v): install Node.js 20 or later, then run `npm ci` in %s", err, root)
	}
	// The port is found free, then handed to dynalite, which cannot be told
	// to pick one itself; another process may take it in between, so try
	// a few.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return "", nil, err
		}
		endpoint, stop, err := runDynalite(node, cli, port)
		if err == nil {
			return endpoint, stop, nil
		}
		lastErr = err
	}
	return "", nil, lastErr
}

func runDynalite(node, cli string, port int) (string, func(), error) {
	cmd := exec.Command(node, cli, "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		// Tables become active at once instead of after 500 ms each.
		"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	killWithParent(cmd)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start dynalite: %w", err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening") {
				close(ready)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout) // keep the pipe drained
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	select {
	case <-ready:
		return fmt.Sprintf("http://127.0.0.1:%d", port), stop, nil
	case err := <-exited:
		return "", nil, fmt.Errorf("dynalite exited before listening (%v): %s", err, stderr.String())
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, fmt.Errorf("dynalite did not listen within 30 s: %s", stderr.String())
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// repoRoot is the nearest directory above the working directory with a
// package.json: the repository root, where npm installs dynalite.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no package.json above the working directory: run the tests inside the repository, after `npm ci` at its root")
		}
		dir = parent
	}
}

var (
	tableSeq  atomic.Int64
	nameChars = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)
)

// newTestTable creates a table for one test and deletes it afterwards.
func newTestTable(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d-%s", tableSeq.Add(1), nameChars.ReplaceAllString(t.Name(), "_"))
	if len(name) > 200 {
		name = name[:200]
	}
	ctx := context.Background()
	if err := CreateTable(ctx, testClient, name); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	t.Cleanup(func() {
		if _, err := testClient.DeleteTable(ctx, &ddb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
			t.Errorf("delete table %s: %v", name, err)
		}
	})
	return name
}

// newTestStore returns a store on a new table.
func newTestStore(t testing.TB, opts Options) *Store {
	t.Helper()
	return New(strictAPI{Client: testClient, t: t}, newTestTable(t), opts)
}

// strictAPI adds a rule of DynamoDB that dynalite does not enforce: a key
// condition's values must not be empty strings ("begins_with(sk, \"\")" is
// rejected by DynamoDB, accepted by dynalite).
type strictAPI struct {
	*ddb.Client
	t testing.TB
}

func (a strictAPI) Query(ctx context.Context, in *ddb.QueryInput, opts ...func(*ddb.Options)) (*ddb.QueryOutput, error) {
	cond := aws.ToString(in.KeyConditionExpression)
	for name, v := range in.ExpressionAttributeValues {
		if s, ok := v.(*types.AttributeValueMemberS); ok && s.Value == "" && strings.Contains(cond, name) {
			a.t.Errorf("Query key condition %q uses %s = \"\": DynamoDB rejects empty key condition values", cond, name)
		}
	}
	return a.Client.Query(ctx, in, opts...)
}
