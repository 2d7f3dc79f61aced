// Package e2e holds hiyari's end-to-end tests: real Terraform, Terraform's S3 backend on
// a local S3-compatible server, and the hiyari binary, driven by the incident harness
// in scripts/incident.
package e2e
