package creds

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// The JSON report. Every renderer works from Report; JSON is the contract
// (docs/creds-json.md). These types carry masked key ids only.

type reportJSON struct {
	SchemaVersion string        `json:"schema_version"`
	Contexts      []contextJSON `json:"contexts"`
	Findings      []findingJSON `json:"findings"`
}

type contextJSON struct {
	Name            string        `json:"name"`
	Description     string        `json:"description"`
	User            string        `json:"user,omitempty"`
	Home            string        `json:"home"`
	HomeFrom        string        `json:"home_from"`
	DroppedEnv      []string      `json:"dropped_env,omitempty"`
	Profile         string        `json:"profile"`
	ProfileFrom     string        `json:"profile_from"`
	Region          string        `json:"region,omitempty"`
	RegionFrom      string        `json:"region_from,omitempty"`
	ConfigFile      string        `json:"config_file"`
	CredentialsFile string        `json:"credentials_file"`
	Winner          SourceID      `json:"winner"`
	LoadError       string        `json:"load_error,omitempty"`
	AWSCLIWinner    SourceID      `json:"aws_cli_winner"`
	SDK             *sdkJSON      `json:"sdk,omitempty"`
	WinnerVerify    *Verification `json:"winner_verify,omitempty"`
	Sources         []sourceJSON  `json:"sources"`
}

type sdkJSON struct {
	Winner          SourceID `json:"winner"`
	Agrees          bool     `json:"agrees"`
	ProviderSources []string `json:"provider_sources,omitempty"`
	Error           string   `json:"error,omitempty"`
}

type sourceJSON struct {
	ID        SourceID      `json:"id"`
	State     State         `json:"state"`
	Location  string        `json:"location,omitempty"`
	KeyID     string        `json:"key_id,omitempty"`
	KeyType   KeyType       `json:"key_type,omitempty"`
	ExpiresAt *time.Time    `json:"expires_at,omitempty"`
	Shadowed  bool          `json:"shadowed"`
	Error     string        `json:"error,omitempty"`
	Detail    string        `json:"detail,omitempty"`
	IMDS      *imdsJSON     `json:"imds,omitempty"`
	Verify    *Verification `json:"verify,omitempty"`
}

type imdsJSON struct {
	Endpoint     string     `json:"endpoint"`
	EndpointFrom string     `json:"endpoint_from"`
	Status       IMDSStatus `json:"status"`
	Version      string     `json:"version,omitempty"`
	Role         string     `json:"role,omitempty"`
	TokenError   string     `json:"token_error,omitempty"`
	Hint         string     `json:"hint,omitempty"`
}

type findingJSON struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Context  string   `json:"context,omitempty"`
	Source   SourceID `json:"source,omitempty"`
	Message  string   `json:"message"`
}

func toJSON(rep *Report) reportJSON {
	out := reportJSON{SchemaVersion: SchemaVersion, Contexts: []contextJSON{}, Findings: []findingJSON{}}
	for _, c := range rep.Contexts {
		cj := contextJSON{
			Name: c.Context.Name, Description: c.Context.Description, User: c.Context.User,
			Home: c.Context.Home, HomeFrom: c.Context.HomeFrom, DroppedEnv: c.Context.Dropped,
			Profile: c.Profile, ProfileFrom: c.ProfileFrom, Region: c.Region, RegionFrom: c.RegionFrom,
			ConfigFile: c.ConfigFile, CredentialsFile: c.CredentialsFile,
			Winner: c.Winner, LoadError: c.LoadError, AWSCLIWinner: c.CLIWinner,
			WinnerVerify: c.WinnerVerify, Sources: []sourceJSON{},
		}
		if c.SDK != nil {
			cj.SDK = &sdkJSON{Winner: c.SDK.Winner, Agrees: c.SDK.Winner == c.Winner,
				ProviderSources: c.SDK.ProviderSources, Error: c.SDK.Error}
		}
		for _, s := range c.Sources {
			sj := sourceJSON{ID: s.ID, State: s.State, Location: s.Location, KeyID: s.KeyID,
				KeyType: s.KeyType, ExpiresAt: s.ExpiresAt, Shadowed: s.Shadowed, Error: s.Error,
				Detail: s.Detail, Verify: s.Verify}
			if p := s.IMDS; p != nil {
				sj.IMDS = &imdsJSON{Endpoint: p.Endpoint, EndpointFrom: p.EndpointFrom, Status: p.Status,
					Version: p.Version, Role: p.Role, TokenError: p.TokenError, Hint: p.Hint}
			}
			cj.Sources = append(cj.Sources, sj)
		}
		out.Contexts = append(out.Contexts, cj)
	}
	for _, f := range rep.Findings {
		out.Findings = append(out.Findings, findingJSON(f))
	}
	return out
}

// RenderJSON writes the versioned JSON report.
func RenderJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(toJSON(rep)); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// RenderText writes the report for a terminal: a side-by-side summary of the contexts,
// each context's sources in chain order, then the findings.
func RenderText(w io.Writer, rep *Report) error {
	ew := &errWriter{w: w}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTEXT\tWINNER\tKEY\tSDK\tAWS CLI\tSHADOWS")
	for _, c := range rep.Contexts {
		winner, key := string(c.Winner), ""
		if c.Winner == "" {
			winner = "(load error)"
		} else if s := c.Source(c.Winner); s != nil {
			key = s.KeyID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Context.Name, winner, dash(key), sdkCell(c), cliCell(c), dash(strings.Join(shadowed(c), ", ")))
	}
	tw.Flush()
	for _, c := range rep.Contexts {
		fmt.Fprintf(ew, "\n%s — %s\n", c.Context.Name, c.Context.Description)
		fmt.Fprintf(ew, "  home     %s (%s)\n", c.Context.Home, c.Context.HomeFrom)
		if len(c.Context.Dropped) > 0 {
			fmt.Fprintf(ew, "  not set  %s (from this shell; absent in this context)\n", strings.Join(c.Context.Dropped, ", "))
		}
		fmt.Fprintf(ew, "  profile  %s (%s)\n", c.Profile, c.ProfileFrom)
		if c.Region != "" {
			fmt.Fprintf(ew, "  region   %s (%s)\n", c.Region, c.RegionFrom)
		}
		if c.LoadError != "" {
			fmt.Fprintf(ew, "  LOAD ERROR  %s\n", c.LoadError)
		}
		fmt.Fprintf(ew, "  files    %s, %s\n", fileCell(c, c.Source(SourceSharedCredentialsFile), c.CredentialsFile), fileCell(c, c.Source(SourceSharedConfigFile), c.ConfigFile))
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  \tSOURCE\tSTATE\tKEY\tEXPIRES\tWHERE / WHY")
		var absent []string
		for _, s := range c.Sources {
			if s.State == StateAbsent && s.ID != c.Winner && s.Detail == "" {
				absent = append(absent, string(s.ID))
				continue
			}
			mark := " "
			switch {
			case s.ID == c.Winner:
				mark = "▶"
			case s.Shadowed:
				mark = "·"
			}
			exp := ""
			if s.ExpiresAt != nil {
				exp = s.ExpiresAt.Format(time.RFC3339)
			}
			note := s.Location
			for _, extra := range []string{s.Detail, s.Error} {
				if extra != "" {
					note = joinNote(note, extra)
				}
			}
			if s.Shadowed {
				note = joinNote("SHADOWED", note)
			}
			if v := s.Verify; v != nil {
				if v.OK() {
					note = joinNote(note, "verified: "+v.ARN)
				} else {
					note = joinNote(note, "verify: "+describeVerify(v))
				}
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", mark, s.ID, s.State, dash(s.KeyID+keyTypeSuffix(s.KeyType)), dash(exp), note)
		}
		tw.Flush()
		if len(absent) > 0 {
			fmt.Fprintf(ew, "  not configured: %s\n", strings.Join(absent, ", "))
		}
		if v := c.WinnerVerify; v != nil {
			if v.OK() {
				fmt.Fprintf(ew, "  SDK verify  %s (account %s)\n", v.ARN, v.Account)
			} else {
				fmt.Fprintf(ew, "  SDK verify  FAILED: %s\n", describeVerify(v))
			}
		}
	}
	if len(rep.Findings) > 0 {
		fmt.Fprintln(ew, "\nFindings")
		for _, f := range rep.Findings {
			fmt.Fprintf(ew, "  %-7s %s\n          %s\n", f.Severity, f.Rule, f.Message)
		}
	}
	if ew.err != nil {
		return fmt.Errorf("write text report: %w", ew.err)
	}
	return nil
}

func fileCell(c ContextReport, s *Source, path string) string {
	if s != nil && strings.HasSuffix(s.Location, "(not found)") {
		return path + " (not found)"
	}
	return path
}

func keyTypeSuffix(k KeyType) string {
	switch k {
	case KeyLongTerm:
		return " (long-term)"
	case KeyTemporary:
		return " (temporary)"
	}
	return ""
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func shadowed(c ContextReport) []string {
	var out []string
	for _, s := range c.Sources {
		if s.Shadowed {
			out = append(out, string(s.ID))
		}
	}
	return out
}

func sdkCell(c ContextReport) string {
	switch {
	case c.SDK == nil:
		return "not checked"
	case c.SDK.Winner == c.Winner && c.SDK.Error == "":
		return "agrees"
	case c.SDK.Error != "" && c.LoadError != "":
		return "agrees (load error)"
	case c.SDK.Error != "":
		return "load error"
	}
	return "DISAGREES: " + string(c.SDK.Winner)
}

func cliCell(c ContextReport) string {
	if c.CLINote == "" {
		return "agrees"
	}
	if c.CLIWinner == "" {
		return "fails"
	}
	return string(c.CLIWinner)
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
