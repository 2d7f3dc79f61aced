package inifile

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParse feeds the AWS config/credentials parser arbitrary files: a file or an error
// naming it, never a panic, and every parsed key is found again by its section.
func FuzzParse(f *testing.F) {
	f.Add([]byte("[default]\naws_access_key_id = AKIAFUZZ\naws_secret_access_key = s3cr3t\n"))
	f.Add([]byte("[profile dev]\nregion=ap-northeast-1 ; comment\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://x\n"))
	f.Add([]byte("[default]\ns3 =\n  max_concurrent_requests = 10\n"))
	f.Add([]byte("key = value outside any section\n[unterminated\n"))
	f.Add([]byte("[default]\nFUZZSECRETwJalrXUtnFEMI\naws_secret_access_key FUZZSECRET\n"))
	f.Add([]byte("\xef\xbb\xbf[default]\r\nregion = us-east-1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data), "fuzz-credentials")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz-credentials") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, s := range file.Sections {
			if file.Section(s.Name) == nil {
				t.Fatalf("section %q parsed but not found", s.Name)
			}
			for k := range s.Keys {
				if _, ok := s.Value(k); !ok {
					t.Fatalf("key %q of %q parsed but not found", k, s.Name)
				}
			}
		}
		// Issue messages describe a line without echoing it: it may hold a secret.
		for _, is := range file.Issues {
			if strings.Contains(is.Message, "FUZZSECRET") {
				t.Fatalf("issue on line %d echoes the line: %q", is.Line, is.Message)
			}
		}
	})
}
