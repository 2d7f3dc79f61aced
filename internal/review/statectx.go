package review

import (
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/statepin"
)

// stateContext copies the plan's state identity into the report's context: an
// allow-list of identity fields, never a backend configuration.
func stateContext(rep *report.Report, opts Options) {
	for _, c := range opts.EnvCandidates {
		rep.Context.EnvCandidates = append(rep.Context.EnvCandidates, report.EnvCandidate{Source: c.Source, Env: c.Env, From: c.From})
	}
	if b := opts.Backend; b != nil {
		rep.Context.Backend = &report.Backend{
			Type: b.Type, Bucket: b.Bucket, Key: b.Key, Region: b.Region, WorkspaceKeyPrefix: b.WorkspaceKeyPrefix,
			Workspace: b.Workspace, StateKey: b.StateKey(), Source: b.Source,
		}
	}
	if st := opts.State; st != nil && st.Lineage != "" {
		rep.Context.State = &report.StateIdentity{Lineage: st.Lineage, Serial: st.Serial, Source: st.Source}
	}
	if p := opts.Pin; p != nil {
		rep.Context.Pin = &report.Pin{File: statepin.FileName, Dir: p.Dir, Pinned: p.Pin != nil}
	}
}
