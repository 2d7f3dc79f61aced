// Package scenario holds the end-to-end check of scripts/incident/run.sh, the
// real-Terraform reproduction of the wrong-state-key incident. It has no code of
// its own; run it with scripts/incident/smoke.sh.
package scenario
