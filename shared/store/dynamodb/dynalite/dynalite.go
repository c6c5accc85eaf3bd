// Package dynalite starts dynalite, a DynamoDB-protocol server in Node
// (pinned in the repository's package.json), on loopback with an in-memory
// store, for tests of the DynamoDB store and of what runs on it (stages,
// the CLI, the Lambda functions). It is test support, in a normal package so
// every module's tests can share it.
package dynalite

import (
	"bufio"
	"bytes"
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
)

// Region of the test configuration.
const Region = "us-east-1"

// Server is a running dynalite.
type Server struct {
	// Endpoint is its URL (http://127.0.0.1:PORT).
	Endpoint string
	stop     func()
	tables   atomic.Int64
}

// Start starts dynalite on a free loopback port and returns once it
// listens. It needs `npm ci` at the repository root (found as the nearest
// directory above the working directory with a package.json).
func Start() (*Server, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	cli := filepath.Join(root, "node_modules", "dynalite", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		return nil, fmt.Errorf("dynalite is not installed (%s: %v): run `npm ci` in %s", cli, err, root)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not on PATH (%v): install Node.js 20 or later, then run `npm ci` in %s", err, root)
	}
	// The port is found free, then handed to dynalite, which cannot be told
	// to pick one itself; another process may take it in between, so try
	// a few.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		endpoint, stop, err := run(node, cli, port)
		if err == nil {
			return &Server{Endpoint: endpoint, stop: stop}, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// Close stops the server.
func (s *Server) Close() { s.stop() }

// Config is an AWS config that reaches the server with static credentials,
// so tests stay away from the machine's AWS configuration.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint: aws.String(s.Endpoint),
	}
}

// Client is a DynamoDB client of the server.
func (s *Server) Client() *ddb.Client { return ddb.NewFromConfig(s.Config()) }

var nameChars = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// TableName is a table name of its own for a test (valid for DynamoDB, and
// unique on this server).
func (s *Server) TableName(t testing.TB) string {
	name := fmt.Sprintf("t%d-%s", s.tables.Add(1), nameChars.ReplaceAllString(t.Name(), "_"))
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

func run(node, cli string, port int) (string, func(), error) {
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
