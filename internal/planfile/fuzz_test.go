package planfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// fuzzCanary is planted as the value of credential attributes of backend
// configurations (and is the http backend password of testdata/http-backend.tfplan,
// written by real Terraform): whatever the fuzzer makes of a planfile, it must never
// come out of Read, neither in the Planfile nor in an error.
const fuzzCanary = "CANARYhttpPASSWORD0123456789abcdefXYZ"

// fuzzSecretNames are backend attributes whose values are credentials.
var fuzzSecretNames = []string{"access_key", "secret_key", "token", "password", "sse_customer_key", "client_secret", "credentials", "sas_token"}

// fuzzLimits keep a fuzzed archive's work small: the tfplan and tfstate entries are
// bounded as Read bounds them, at sizes a fuzz input can reach.
var fuzzLimits = limits{plan: 16 << 20, state: 16 << 20, backend: 1 << 20, entries: 100000}

// zipBytes builds a planfile-shaped archive in memory; stored (not deflated) entries
// keep the fuzzer's mutations of their content meaningful.
func zipBytes(tb testing.TB, method uint16, entries ...[2]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: method})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(w, e[1]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// canaryConfig is a backend configuration with the canary in every credential attribute.
func canaryConfig() []byte {
	return mpMap(
		"access_key", mpStr(fuzzCanary),
		"bucket", mpStr("acme-tfstate"),
		"key", mpStr("envs/prod/terraform.tfstate"),
		"password", mpStr(fuzzCanary),
		"region", mpStr("eu-west-1"),
		"secret_key", mpStr(fuzzCanary),
		"token", mpStr(fuzzCanary),
		"workspaces", mpMap("name", mpStr("api"), "token", mpStr(fuzzCanary)),
	)
}

// entrySeeds are (tfplan, tfstate) pairs: the entries of the real planfiles and
// synthetic ones covering each backend type and malformation the unit tests know.
func entrySeeds(tb testing.TB) [][2][]byte {
	tb.Helper()
	var seeds [][2][]byte
	for _, path := range realPlanfiles(tb) {
		zr, err := zip.OpenReader(path)
		if err != nil {
			tb.Fatal(err)
		}
		var plan, state []byte
		for _, f := range zr.File {
			if f.Name == "tfplan" || f.Name == "tfstate" {
				rc, err := f.Open()
				if err != nil {
					tb.Fatal(err)
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					tb.Fatal(err)
				}
				if f.Name == "tfplan" {
					plan = b
				} else {
					state = b
				}
			}
		}
		zr.Close()
		seeds = append(seeds, [2][]byte{plan, state})
	}
	state := []byte(sampleState)
	seeds = append(seeds, [][2][]byte{
		{tfplan(3, backendMsg("s3", "blue", s3Config()), 3), state},
		{tfplan(3, backendMsg("s3", "default", canaryConfig()), 0), state},
		{tfplan(3, backendMsg("remote", "default", canaryConfig()), 0), nil},
		{tfplan(3, backendMsg("http", "default", mpMap("address", mpStr("https://ci:pw@state.example.com/tf?x=1"), "password", mpStr(fuzzCanary))), 0), nil},
		{tfplan(3, backendMsg("azurerm", "x", mpMap("storage_account_name", mpStr("a"), "container_name", mpStr("c"), "key", mpStr("k"), "sas_token", mpStr(fuzzCanary))), 0), nil},
		{tfplan(3, nil, 1), []byte(`{"version":4,"serial":0,"lineage":"","terraform_version":"1.11.4"}`)},
		{tfplan(4, nil, 0), nil},
		{tfplan(3, backendMsg("s3", "default", []byte{0x83, 0xa1, 'k', 0xc1}), 0), nil},
		{tfplan(3, backendMsg("s3", "default", []byte{0xdf, 0xff, 0xff, 0xff, 0xff}), 0), nil},
		{tfplan(3, backendMsg("s3", "default", bytes.Repeat([]byte{0x91}, 100)), 0), nil},
		{[]byte{0x08}, []byte(`{"serial": 1e99}`)},
		{nil, []byte(`[`)},
	}...)
	return seeds
}

// realPlanfiles are planfiles Terraform wrote: the incident example's and the http
// backend one made by testdata/gen.sh.
func realPlanfiles(tb testing.TB) []string {
	tb.Helper()
	return []string{
		filepath.Join(repotest.Root(tb), "examples", "wrong-state-key", "tfplan"),
		filepath.Join("testdata", "http-backend.tfplan"),
	}
}

// FuzzRead feeds CheckArchive and Read whole archives (in memory: both open the file
// and read the same zip.Reader), seeded with the planfiles real Terraform wrote
// and hand-made zips (stored and deflated). Every input gives a Planfile or a
// *ReadError naming the file, never a panic, and the canary planted in backend
// credentials never comes out.
func FuzzRead(f *testing.F) {
	for _, path := range realPlanfiles(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range entrySeeds(f)[2:] {
		f.Add(zipBytes(f, zip.Store, [2]string{"tfplan", string(s[0])}, [2]string{"tfstate", string(s[1])}))
	}
	f.Add(zipBytes(f, zip.Deflate, [2]string{"tfplan", string(tfplan(3, backendMsg("s3", "default", canaryConfig()), 20))}, [2]string{"tfstate", sampleState}))
	f.Add(zipBytes(f, zip.Store, [2]string{"tfstate", sampleState}))
	f.Add(zipBytes(f, zip.Store))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte(`{"format_version":"1.2"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "fuzz.tfplan"
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return // Read says "not a readable zip archive" (TestReadNotAZip)
		}
		if err := checkEntries(zr, path, fuzzLimits); err != nil {
			var re *ReadError
			if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("CheckArchive's error %T does not name the planfile: %v", err, err)
			}
		}
		pf, err := readArchive(zr, path, fuzzLimits)
		checkRead(t, path, pf, err, canaryPlaced(archiveEntries(data)))
	})
}

// FuzzReadEntries feeds Read well-formed archives whose tfplan and tfstate entries
// are fuzzed, so that the fuzzer works on the protocol buffer, MessagePack and JSON
// readers rather than on the zip format.
func FuzzReadEntries(f *testing.F) {
	for _, s := range entrySeeds(f) {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, plan, state []byte) {
		const path = "fuzz.tfplan"
		entries := [][2]string{{"tfplan", string(plan)}}
		if len(state) > 0 {
			entries = append(entries, [2]string{"tfstate", string(state)})
		}
		data := zipBytes(t, zip.Store, entries...)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		pf, err := readArchive(zr, path, fuzzLimits)
		checkRead(t, path, pf, err, canaryPlaced(plan, state))
	})
}

// checkRead asserts what holds for every result of read: a Planfile or a *ReadError
// naming the file, never both or neither, and, when the canary was only ever a
// credential's value, the canary nowhere in what came back.
func checkRead(t *testing.T, path string, pf *Planfile, err error, checkCanary bool) {
	t.Helper()
	if err != nil {
		var re *ReadError
		if !errors.As(err, &re) || re.Path != path || !strings.HasPrefix(err.Error(), path+": ") {
			t.Fatalf("error %T does not name the planfile: %v", err, err)
		}
		if pf != nil {
			t.Fatalf("both a planfile and an error: %v", err)
		}
		if checkCanary && strings.Contains(withoutSecretPairs(err.Error()), fuzzCanary) {
			t.Fatalf("a backend credential reached the error: %v", err)
		}
		return
	}
	if pf == nil {
		t.Fatal("neither a planfile nor an error")
	}
	out := []string{pf.TerraformVersion}
	if b := pf.Backend; b != nil {
		if b.Type == "" || b.Source != "planfile" {
			t.Fatalf("backend without a type or source: %+v", b)
		}
		out = append(out, b.Type, b.Bucket, b.Key, b.Region, b.WorkspaceKeyPrefix, b.Workspace, b.StateKey())
	}
	if st := pf.Prior; st != nil {
		out = append(out, st.Lineage, st.TerraformVersion)
	}
	if _, err := json.Marshal(pf); err != nil {
		t.Fatal(err)
	}
	if !checkCanary {
		return
	}
	for _, s := range out {
		if strings.Contains(withoutSecretPairs(s), fuzzCanary) {
			t.Fatalf("a backend credential came out of the planfile: %q in %+v %+v", s, pf.Backend, pf.Prior)
		}
	}
}

// withoutSecretPairs removes from s every credential name followed by the canary as
// its value, as MessagePack writes them (and as an address escapes them): a string that
// holds the whole pair was read from a longer string around it, which may legitimately
// come out; the canary on its own must not.
func withoutSecretPairs(s string) string {
	n := len(fuzzCanary)
	for _, name := range fuzzSecretNames {
		for _, header := range []string{"\xd9" + string(rune(n)), "\xda\x00" + string(rune(n)), "\xdb\x00\x00\x00" + string(rune(n))} {
			pair := string(mpStr(name)) + header + fuzzCanary
			s = strings.ReplaceAll(s, pair, "")
			s = strings.ReplaceAll(s, url.PathEscape(pair), "")
		}
	}
	return s
}

// archiveEntries returns the content of the tfplan and tfstate entries of a zip, when
// it is one; nil for entries it does not have or cannot read.
func archiveEntries(data []byte) (plan, state []byte) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return data, nil
	}
	for _, f := range zr.File {
		if f.Name != "tfplan" && f.Name != "tfstate" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(rc, fuzzLimits.plan))
		rc.Close()
		if f.Name == "tfplan" {
			plan = append(plan, b...)
		} else {
			state = append(state, b...)
		}
	}
	return plan, state
}

// canaryPlaced reports whether the canary appears in the tfplan content only as the
// MessagePack string value of a credential attribute (so it must never come out), and
// not at all in the tfstate content (whose lineage may legitimately be anything).
func canaryPlaced(plan, state []byte) bool {
	if bytes.Contains(state, []byte(fuzzCanary)) {
		return false
	}
	c := []byte(fuzzCanary)
	for rest := plan; ; {
		i := bytes.Index(rest, c)
		if i < 0 {
			return true
		}
		if !secretValueAt(rest[:i]) {
			return false
		}
		rest = rest[i+len(c):]
	}
}

// secretValueAt reports whether before ends with a credential attribute's name and
// the header of a string as long as the canary.
func secretValueAt(before []byte) bool {
	n := len(fuzzCanary)
	for _, header := range [][]byte{{0xd9, byte(n)}, {0xda, 0, byte(n)}, {0xdb, 0, 0, 0, byte(n)}} {
		if !bytes.HasSuffix(before, header) {
			continue
		}
		key := before[:len(before)-len(header)]
		for _, name := range fuzzSecretNames {
			if bytes.HasSuffix(key, mpStr(name)) {
				return true
			}
		}
	}
	return false
}

// TestFuzzCanaryOracle checks the fuzz targets' canary oracle on the seeds: the
// planted canaries count as credential values, so their leak would be caught.
func TestFuzzCanaryOracle(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "http-backend.tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	plan, state := archiveEntries(data)
	if !bytes.Contains(plan, []byte(fuzzCanary)) || !canaryPlaced(plan, state) {
		t.Fatalf("the canary of http-backend.tfplan is not seen as a credential value; regenerate it with testdata/gen.sh")
	}
	withCanary := tfplan(3, backendMsg("s3", "default", canaryConfig()), 0)
	if !canaryPlaced(withCanary, nil) {
		t.Error("the canary as secret_key, token, password is not seen as a credential value")
	}
	asBucket := tfplan(3, backendMsg("s3", "default", mpMap("bucket", mpStr(fuzzCanary))), 0)
	if canaryPlaced(asBucket, nil) {
		t.Error("the canary as the bucket is taken for a credential value")
	}
	pf, err := read(filepath.Join("testdata", "http-backend.tfplan"), defaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if pf.Backend == nil || pf.Backend.Type != "http" || pf.Backend.Key != "http://127.0.0.1:18731/state/app" {
		t.Errorf("backend = %+v, want the http backend's address", pf.Backend)
	}
}

// TestReadBoundsHugeEntries: an entry declaring more than the bound is refused before
// it is inflated, and an entry whose header understates what it inflates to is
// stopped, in both cases without holding the entry in memory.
func TestReadBoundsHugeEntries(t *testing.T) {
	var zeros bytes.Buffer
	fw, err := flate.NewWriter(&zeros, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for range 64 {
		if _, err := fw.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		declared uint64
		lim      limits
		wantErr  string
	}{
		{"declares 8 GiB", 8 << 30, defaultLimits(), "tfplan: entry declares 8589934592 bytes, more than the 4294967296 allowed"},
		{"declares 1 KiB, inflates to 64 MiB", 1 << 10, defaultLimits(), "tfplan: "},
		{"declares 1 KiB, inflates to 64 MiB, bound 4 KiB", 1 << 10, limits{plan: 4 << 10, state: 4 << 10, backend: 1 << 10, entries: 10}, "tfplan: "},
		{"declares 64 MiB, bound 1 MiB", 64 << 20, limits{plan: 1 << 20, state: 1 << 20, backend: 1 << 10, entries: 10}, "more than the 1048576 allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, err := zw.CreateRaw(&zip.FileHeader{
				Name: "tfplan", Method: zip.Deflate, CRC32: 0x1234,
				CompressedSize64: uint64(zeros.Len()), UncompressedSize64: tt.declared,
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(zeros.Bytes()); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "tfplan")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err = read(path, tt.lim)
			runtime.ReadMemStats(&after)
			var re *ReadError
			if err == nil || !errors.As(err, &re) || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("error = %v, want a ReadError naming %s and containing %q", err, path, tt.wantErr)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("reading allocated %d bytes; an entry must be streamed, not held", alloc)
			}
		})
	}
}
