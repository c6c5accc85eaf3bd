package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/config"
)

// bundledConfigName is the accounts config's file name beside bootstrap in
// every function asset; INVENTORY_CONFIG holds it.
const bundledConfigName = "accounts.json"

// StageAssets builds one asset directory per function under stagingRoot:
// the function's bootstrap from the build directory and the accounts config
// as accounts.json. It returns the directories by function dir. Every
// missing bootstrap is named in one error.
func StageAssets(s *Settings, stagingRoot string) (map[string]string, error) {
	var missing []string
	for _, f := range functionSpecs {
		p := filepath.Join(s.LambdaBuildDir, f.Dir, "bootstrap")
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			missing = append(missing, f.Dir)
		}
	}
	if len(missing) > 0 {
		dir := s.LambdaBuildDir
		if rel, err := filepath.Rel(s.RepoRoot, dir); err == nil && !strings.HasPrefix(rel, "..") {
			dir = rel
		}
		return nil, fmt.Errorf("missing Lambda bootstrap %s for %s: run `make build` first (it builds %s/<function>/bootstrap for linux/arm64), or point -c %s at the directory that holds them",
			filepath.Join(dir, missing[0], "bootstrap"), strings.Join(missing, ", "), dir, ctxLambdaBuildDir)
	}
	cfg, err := bundledConfig(s.AccountsConfig)
	if err != nil {
		return nil, err
	}
	dirs := map[string]string{}
	for _, f := range functionSpecs {
		dir := filepath.Join(stagingRoot, f.Dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("staging %s: %w", f.Dir, err)
		}
		if err := copyFile(filepath.Join(s.LambdaBuildDir, f.Dir, "bootstrap"), filepath.Join(dir, "bootstrap"), 0o755); err != nil {
			return nil, fmt.Errorf("staging %s: %w", f.Dir, err)
		}
		if err := os.WriteFile(filepath.Join(dir, bundledConfigName), cfg, 0o644); err != nil {
			return nil, fmt.Errorf("staging %s: %w", f.Dir, err)
		}
		dirs[f.Dir] = dir
	}
	return dirs, nil
}

// bundledConfig returns the accounts config to ship: the file as written,
// except that a Slack webhook URL is blanked so the secret never lands in a
// code asset (the deployed notify function reads it from Secrets Manager).
func bundledConfig(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var notif map[string]json.RawMessage
	if raw, ok := doc["notifications"]; !ok || json.Unmarshal(raw, &notif) != nil {
		return data, nil
	}
	var url string
	if raw, ok := notif["slack_webhook_url"]; !ok || json.Unmarshal(raw, &url) != nil || url == "" {
		return data, nil
	}
	notif["slack_webhook_url"] = json.RawMessage(`""`)
	if doc["notifications"], err = json.Marshal(notif); err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	// The functions must accept what we ship.
	if _, err := config.Parse(path, out); err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	// OpenFile's mode is filtered by the umask; Lambda needs bootstrap executable.
	return os.Chmod(dst, mode)
}
