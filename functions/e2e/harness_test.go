//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// This file is the harness: build the bootstraps and the emulator, run
// dynalite, gofakes3 and the emulator processes, invoke a function. The
// scenario is in e2e_test.go.

// rieModule is the emulator's command, pinned in testdata/rie/go.mod.
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// binaries are the built bootstraps (stage → path) and the emulator.
type binaries struct {
	bootstraps map[string]string
	rie        string
}

// buildAll builds the stages' bootstraps for the host as `make lambdas`
// builds them for Lambda (CGO_ENABLED=0, -tags lambda.norpc; only GOOS and
// GOARCH differ), and the emulator from its own module, both at once.
func buildAll(dir string, stages []string) (binaries, error) {
	functionsDir, err := filepath.Abs("..") // the test runs in functions/e2e
	if err != nil {
		return binaries{}, err
	}
	b := binaries{bootstraps: map[string]string{}, rie: filepath.Join(dir, "aws-lambda-rie")}
	bsDir := filepath.Join(dir, "bootstraps")
	if err := os.MkdirAll(bsDir, 0o755); err != nil {
		return b, err
	}
	args := []string{"build", "-tags", "lambda.norpc", "-ldflags=-s -w", "-o", bsDir + string(filepath.Separator)}
	for _, s := range stages {
		args = append(args, "./"+s)
		b.bootstraps[s] = filepath.Join(bsDir, s)
	}
	hostEnv := []string{"CGO_ENABLED=0", "GOOS=" + runtime.GOOS, "GOARCH=" + runtime.GOARCH}
	bootstraps := goCommand(functionsDir, hostEnv, args...)
	rie := goCommand(filepath.Join(functionsDir, "e2e", "testdata", "rie"),
		append(hostEnv, "GOWORK=off"), "build", "-o", b.rie, rieModule)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range []*exec.Cmd{bootstraps, rie} {
		wg.Go(func() {
			if out, err := c.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("%s (in %s): %v\n%s", strings.Join(c.Args, " "), c.Dir, err, out)
			}
		})
	}
	wg.Wait()
	return b, errors.Join(errs...)
}

// goCommand runs the go command that runs the test: go test puts its
// GOROOT/bin first on PATH.
func goCommand(dir string, env []string, args ...string) *exec.Cmd {
	c := exec.Command("go", args...)
	c.Dir = dir
	c.Env = append(os.Environ(), env...)
	return c
}

// process is a child process whose output is kept for assertions.
type process struct {
	name   string
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
	err    error // set before exited is closed
}

func startProcess(name string, cmd *exec.Cmd) (*process, error) {
	p := &process{name: name, cmd: cmd, out: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	// Never outlive the test binary, even when it is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	return p, nil
}

// stop asks the process to stop (the emulator shuts its runtime down on
// SIGTERM), then kills it.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(3 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// waitListening waits until addr accepts connections, or the process exits.
func (p *process) waitListening(addr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if !p.running() {
			return fmt.Errorf("%s exited before listening on %s (%v): %s", p.name, addr, p.err, p.out.String())
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s did not listen on %s within %s: %s", p.name, addr, within, p.out.String())
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// fakeS3 is gofakes3 on loopback. It records every request line, so the
// test can tell that the SDK used path-style addressing and only object
// calls (gofakes3 answers bucket-configuration calls with a listing).
type fakeS3 struct {
	backend *s3mem.Backend
	url     string
	srv     *http.Server

	mu       sync.Mutex
	requests []string // "METHOD host path?query"
}

func startFakeS3(buckets ...string) (*fakeS3, error) {
	f := &fakeS3{backend: s3mem.New()}
	for _, b := range buckets {
		if err := f.backend.CreateBucket(b); err != nil {
			return nil, err
		}
	}
	h := gofakes3.New(f.backend).Server()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f.url = "http://" + l.Addr().String()
	f.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.Host+" "+r.URL.RequestURI())
		f.mu.Unlock()
		h.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(l) }()
	return f, nil
}

func (f *fakeS3) close() { _ = f.srv.Close() }

func (f *fakeS3) requestLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

// object reads an object straight from the backend: its body and content type.
func (f *fakeS3) object(bucket, key string) ([]byte, string, error) {
	o, err := f.backend.GetObject(bucket, key, nil)
	if err != nil {
		return nil, "", fmt.Errorf("s3://%s/%s: %w", bucket, key, err)
	}
	defer o.Contents.Close()
	body, err := io.ReadAll(o.Contents)
	return body, o.Metadata["Content-Type"], err
}

// outageProxy forwards to dynalite until it is switched off; then it drops
// every connection, as an unreachable DynamoDB endpoint would. A function
// that has finished its init (DescribeTable) can be cut off from its store
// this way.
type outageProxy struct {
	url  string
	down atomic.Bool
	srv  *http.Server
	hits atomic.Int64 // requests refused while down
}

func startOutageProxy(target string) (*outageProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	p := &outageProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.url = "http://" + l.Addr().String()
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.down.Load() {
			rp.ServeHTTP(w, r)
			return
		}
		p.hits.Add(1)
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.(*net.TCPConn).SetLinger(0) // a reset, not a clean close
				c.Close()
				return
			}
		}
		http.Error(w, "outage", http.StatusServiceUnavailable)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

func (p *outageProxy) close() { _ = p.srv.Close() }

// function is one stage's bootstrap running under its own emulator, the
// way Lambda runs one execution environment: the emulator's environment
// is the function's.
type function struct {
	stage     string
	invoke    string // the emulator's invoke URL
	bootstrap string
	proc      *process

	mu     sync.Mutex
	bodies []string     // every response, for the credential check
	pids   map[int]bool // the emulator's child processes seen after each invoke
}

func (f *function) responses() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.bodies)
}

// bootstrapPIDs lists the bootstrap processes seen after the invocations.
func (f *function) bootstrapPIDs() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.pids))
}

// children lists the processes whose parent is pid, from /proc.
func children(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid …; comm may contain spaces and parentheses.
		rest := string(b[bytes.LastIndexByte(b, ')')+1:])
		fields := strings.Fields(rest)
		if len(fields) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == pid {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			out = append(out, child)
		}
	}
	return out
}

// startFunction lays out a task directory like a deployed function's
// (bootstrap with accounts.json beside it), then starts the emulator on it,
// bound to loopback for both its invoke API and the runtime API.
func startFunction(rie, bootstrap, taskDir string, env []string, stage string) (*function, error) {
	if err := os.MkdirAll(taskDir, 0o755); err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 {
		invokePort, err := freePort()
		if err != nil {
			return nil, err
		}
		runtimePort, err := freePort()
		if err != nil {
			return nil, err
		}
		if runtimePort == invokePort {
			continue
		}
		addr := "127.0.0.1:" + strconv.Itoa(invokePort)
		cmd := exec.Command(rie, "--log-level", "error",
			"--runtime-interface-emulator-address", addr,
			"--runtime-api-address", "127.0.0.1:"+strconv.Itoa(runtimePort),
			bootstrap)
		cmd.Dir = taskDir // the emulator runs the bootstrap in its working directory
		cmd.Env = env
		p, err := startProcess("aws-lambda-rie "+stage, cmd)
		if err != nil {
			return nil, err
		}
		if lastErr = p.waitListening(addr, 10*time.Second); lastErr == nil {
			return &function{stage: stage, invoke: "http://" + addr + "/2015-03-31/functions/function/invocations",
				bootstrap: bootstrap, proc: p}, nil
		}
		p.stop()
	}
	return nil, lastErr
}

// result is an invocation's outcome as the Lambda invoke API returns it:
// the function's JSON result, or its error document.
type result struct {
	Status       int
	Body         []byte
	ErrorType    string
	ErrorMessage string
}

// failed reports a function error, or an invoke the runtime could not
// complete (an init failure is HTTP 502 from the emulator).
func (r result) failed() bool { return r.ErrorType != "" || r.Status != http.StatusOK }

var invokeClient = &http.Client{Timeout: 90 * time.Second}

func (f *function) call(ctx context.Context, payload string) (result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.invoke, strings.NewReader(payload))
	if err != nil {
		return result{}, err
	}
	resp, err := invokeClient.Do(req)
	if err != nil {
		return result{}, fmt.Errorf("invoke %s: %w", f.stage, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, fmt.Errorf("invoke %s: read response: %w", f.stage, err)
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	if f.pids == nil {
		f.pids = map[int]bool{}
	}
	for _, pid := range children(f.proc.cmd.Process.Pid) {
		if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); exe == f.bootstrap {
			f.pids[pid] = true
		}
	}
	f.mu.Unlock()
	r := result{Status: resp.StatusCode, Body: body}
	// A function error is {"errorMessage", "errorType"} (aws-lambda-go adds
	// a stack trace field only when asked to); a result of this
	// pipeline never has an errorType field.
	var e struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &e) == nil && e.ErrorType != "" {
		r.ErrorType, r.ErrorMessage = e.ErrorType, e.ErrorMessage
	}
	return r, nil
}

// lines returns the process output lines that contain every one of subs.
func lines(out string, subs ...string) []string {
	var found []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
next:
	for sc.Scan() {
		for _, s := range subs {
			if !strings.Contains(sc.Text(), s) {
				continue next
			}
		}
		found = append(found, sc.Text())
	}
	return found
}
